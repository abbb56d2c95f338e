"""The command line as users run it: output formats, exit codes, config, suppression, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED, question

BROKEN = question(answer="First line.\n      Second line escapes.")


def qalint(
    *args: str, cwd: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "NO_COLOR": "", **(env or {})}
    full_env.pop("NO_COLOR")
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "qalint", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=full_env,
        timeout=120,
    )


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_check_content_exits_zero() -> None:
    result = qalint("check", "content/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout


def test_json_output_field_by_field(tmp_path: Path) -> None:
    write(tmp_path, "q.md", BROKEN)
    result = qalint("check", "--output-format", "json", "q.md", cwd=tmp_path)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    (item,) = [d for d in data if d["code"] == "S008"]
    assert item["path"] == "q.md"
    assert (item["line"], item["column"], item["end_line"]) == (8, 7, 8)
    assert item["end_column"] == 7 + len("Second line escapes.")
    assert item["name"] == "content-escapes-block"
    assert item["severity"] == "error"
    assert item["fixable"] is False
    assert "falls out of" in item["message"]
    required = {
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "code",
        "name",
        "severity",
        "message",
        "fixable",
    }
    assert all(required <= set(d) for d in data)


def test_text_output_has_location_code_caret_and_summary(tmp_path: Path) -> None:
    write(tmp_path, "q.md", BROKEN)
    result = qalint("check", "q.md", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("q.md:8:7: S008 line 8 falls out of")
    assert lines[1].startswith(" 8 |       Second line escapes.")
    assert lines[2] == "   |       " + "^" * len("Second line escapes.") + " error"
    assert lines[-1].startswith("Found ") and "1 file" in lines[-1]
    assert "\x1b[" not in result.stdout


def test_color_only_when_forced_and_never_with_no_color(tmp_path: Path) -> None:
    write(tmp_path, "q.md", BROKEN)
    assert "\x1b[" in qalint("check", "--color", "always", "q.md", cwd=tmp_path).stdout
    assert "\x1b[" not in qalint("check", "q.md", cwd=tmp_path, env={"NO_COLOR": "1"}).stdout


def test_quiet_prints_one_line_per_finding(tmp_path: Path) -> None:
    write(tmp_path, "q.md", BROKEN)
    out = qalint("check", "-q", "q.md", cwd=tmp_path).stdout.splitlines()
    assert all(line.startswith("q.md:") for line in out) and out


def test_select_and_ignore_by_code_and_prefix(tmp_path: Path) -> None:
    write(tmp_path, "q.md", BROKEN)

    def codes(*args: str) -> set[str]:
        out = qalint("check", "--output-format", "json", *args, "q.md", cwd=tmp_path).stdout
        return {d["code"] for d in json.loads(out)}

    assert "S008" in codes()
    assert "S008" not in codes("--ignore", "S008")
    assert codes("--ignore", "S") <= {c for c in codes() if not c.startswith("S")}
    assert codes("--select", "S00") <= {c for c in codes() if c.startswith("S00")}
    result = qalint("check", "--select", "X999", "q.md", cwd=tmp_path)
    assert result.returncode == 2 and "unknown rule code" in result.stderr


def test_config_per_file_ignores_and_severity(tmp_path: Path) -> None:
    write(tmp_path, "docs/q.md", BROKEN)
    write(tmp_path, "pyproject.toml", '[tool.qalint]\nseverity = { S008 = "warning" }\n')
    result = qalint("check", "--output-format", "json", "docs", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert [d["severity"] for d in data if d["code"] == "S008"] == ["warning"]
    write(
        tmp_path, "pyproject.toml", '[tool.qalint]\nper-file-ignores = { "docs/*.md" = ["S0"] }\n'
    )
    data = json.loads(qalint("check", "--output-format", "json", "docs", cwd=tmp_path).stdout)
    assert not [d for d in data if d["code"].startswith("S0")]


def test_config_found_by_walking_up_and_paths_default(tmp_path: Path) -> None:
    write(tmp_path, "qalint.toml", 'paths = ["bank"]\n[structure]\nheading-level = 3\n')
    write(tmp_path, "bank/q.md", question(heading="### What is dropout?"))
    (tmp_path / "sub").mkdir()
    assert qalint("check", cwd=tmp_path).returncode == 0
    result = qalint("check", "../bank/q.md", cwd=tmp_path / "sub")
    assert result.returncode == 0, result.stdout


def test_unknown_config_key_exits_2_with_suggestion(tmp_path: Path) -> None:
    write(tmp_path, "q.md", question())
    write(tmp_path, "pyproject.toml", "[tool.qalint]\nexclued = []\n")
    result = qalint("check", "q.md", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown configuration key 'exclued'" in result.stderr and "exclude" in result.stderr
    write(tmp_path, "pyproject.toml", "[tool.qalint.structure]\nheading-level = 9\n")
    result = qalint("check", "q.md", cwd=tmp_path)
    assert result.returncode == 2 and "structure.heading-level" in result.stderr
    write(tmp_path, "pyproject.toml", "[tool.qalint\n")
    result = qalint("check", "q.md", cwd=tmp_path)
    assert result.returncode == 2 and "invalid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_inline_suppression_comments(tmp_path: Path) -> None:
    text = (
        "<!-- qalint: disable=S008 -->\n"
        + BROKEN
        + "<!-- qalint: enable -->\n\n"
        + question(heading="#### Why?", answer="One.\n      Two.")
    )
    write(tmp_path, "q.md", text)
    data = json.loads(qalint("check", "--output-format", "json", "q.md", cwd=tmp_path).stdout)
    assert [d["line"] for d in data if d["code"] == "S008"] == [19]
    text = question(answer="One.\n<!-- qalint: disable-next-line=S008 -->\n      Two.")
    write(tmp_path, "q.md", text)
    data = json.loads(qalint("check", "--output-format", "json", "q.md", cwd=tmp_path).stdout)
    assert not [d for d in data if d["code"] == "S008" and d["line"] == 9]


def test_missing_path_binary_and_latin1_files(tmp_path: Path) -> None:
    write(tmp_path, "good.md", question())
    (tmp_path / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "latin1.md").write_bytes("caf\u00e9 au lait\n".encode("latin-1"))
    result = qalint("check", "good.md", "binary.md", "latin1.md", "missing.md", cwd=tmp_path)
    out = result.stdout
    assert result.returncode == 1
    assert "missing.md:1:1: E001 path not found: missing.md" in out
    assert "binary.md:1:1: E004 binary file" in out
    assert "latin1.md:1:4: E003 not valid UTF-8: byte 0xe9 at offset 3 (line 1, column 4)" in out
    assert "Traceback" not in result.stderr
    assert "in 3 files" in out.splitlines()[-1]


def test_undecodable_columns_count_characters_and_utf16_is_named(tmp_path: Path) -> None:
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbfna\xc3\xafve caf\xe9\n")
    (tmp_path / "wide.md").write_bytes("# Hi\n".encode("utf-16"))
    out = qalint("check", "--no-cache", "-q", "bom.md", "wide.md", cwd=tmp_path).stdout
    assert "bom.md:1:10: E003 not valid UTF-8: byte 0xe9 at offset 13 (line 1, column 10)" in out
    assert "wide.md:1:1: E003 not valid UTF-8: the file is UTF-16" in out


def test_directories_are_walked_and_excludes_honoured(tmp_path: Path) -> None:
    write(tmp_path, "bank/a.md", BROKEN)
    write(tmp_path, "bank/drafts/b.md", BROKEN)
    write(tmp_path, "bank/notes.txt", "not markdown")
    write(tmp_path, "qalint.toml", 'exclude = ["drafts"]\n')
    data = json.loads(qalint("check", "--output-format", "json", "bank", cwd=tmp_path).stdout)
    assert {d["path"] for d in data} == {"bank/a.md"}


def test_deterministic_order_path_line_column(tmp_path: Path) -> None:
    write(tmp_path, "b.md", BROKEN)
    write(tmp_path, "a.md", BROKEN + "\nStray.\n")
    data = json.loads(qalint("check", "--output-format", "json", ".", cwd=tmp_path).stdout)
    keys = [(d["path"], d["line"], d["column"], d["code"]) for d in data]
    assert keys == sorted(keys)


def test_rules_and_rule_commands() -> None:
    listing = qalint("rules").stdout
    assert "S008" in listing and "content-escapes-block" in listing and "structure" in listing
    explained = qalint("rule", "S008")
    assert explained.returncode == 0
    assert "Bad:" in explained.stdout and "Good:" in explained.stdout
    by_name = qalint("rule", "content-escapes-block").stdout
    assert by_name == explained.stdout
    unknown = qalint("rule", "S999")
    assert unknown.returncode == 2 and "unknown rule" in unknown.stderr


def test_usage_errors_exit_2_without_traceback() -> None:
    for args in (["check", "--output-format", "xml"], ["frobnicate"], ["check", "--bogus"], []):
        result = qalint(*args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr


def test_seed_reports_structural_findings() -> None:
    result = qalint("check", "--select", "S", "--output-format", "json", str(SEED))
    codes = [(d["code"], d["line"]) for d in json.loads(result.stdout)]
    assert ("S011", 101) in codes and ("S016", 1) in codes


def test_rule_names_work_in_severity_overrides_and_inline_suppressions(tmp_path: Path) -> None:
    write(tmp_path, "q.md", BROKEN)
    write(tmp_path, "qalint.toml", 'severity = { content-escapes-block = "info" }\n')
    data = json.loads(qalint("check", "--output-format", "json", "q.md", cwd=tmp_path).stdout)
    assert [d["severity"] for d in data if d["code"] == "S008"] == ["info"]
    (tmp_path / "qalint.toml").unlink()
    write(tmp_path, "q.md", "<!-- qalint: disable=content-escapes-block -->\n" + BROKEN)
    data = json.loads(qalint("check", "--output-format", "json", "q.md", cwd=tmp_path).stdout)
    assert not [d for d in data if d["code"] == "S008"]


def test_enable_one_code_after_disabling_all_and_directives_shown_as_code(tmp_path: Path) -> None:
    write(tmp_path, "q.md", "<!-- qalint: disable -->\n<!-- qalint: enable=S008 -->\n" + BROKEN)
    data = json.loads(qalint("check", "--output-format", "json", "q.md", cwd=tmp_path).stdout)
    assert [(d["code"], d["line"]) for d in data] == [("S008", 10)]
    shown = question(
        answer="Silence a rule with `<!-- qalint: disable -->`.\n\n"
        "        ```markdown\n        <!-- qalint: disable -->\n        ```\n"
        "      Escapes."
    )
    write(tmp_path, "q.md", shown)
    data = json.loads(qalint("check", "--output-format", "json", "q.md", cwd=tmp_path).stdout)
    assert [d["line"] for d in data if d["code"] == "S008"] == [12]


def test_pipes_link_loops_and_dangling_links_are_reported_not_fatal(tmp_path: Path) -> None:
    write(tmp_path, "bank/good.md", question())
    os.mkfifo(tmp_path / "bank" / "pipe.md")
    (tmp_path / "bank" / "loop.md").symlink_to(tmp_path / "bank" / "loop.md")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    # The default run (text output, result cache on) must not open the pipe either.
    text = qalint("check", "bank", "bank/pipe.md", cwd=tmp_path)
    assert text.returncode == 1 and "bank/pipe.md:1:1: E002" in text.stdout, text.stderr
    result = qalint(
        "check",
        "--no-cache",
        "--output-format",
        "json",
        "bank",
        "bank/pipe.md",
        "dangling.md",
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    found = {(d["path"], d["code"]): d["message"] for d in json.loads(result.stdout)}
    assert found[("bank/pipe.md", "E002")].startswith("is not a regular file")
    assert ("bank/loop.md", "E002") in found
    assert "is a symbolic link" in found[("dangling.md", "E001")]
    assert not [path for path, code in found if path == "bank/good.md"]


def test_a_socket_or_a_folder_named_as_a_file_is_said_to_be_one(tmp_path: Path) -> None:
    # A socket cannot even be opened: the message still says what it is.
    import socket

    from qalint.files import load

    (tmp_path / "bank").mkdir()
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "bank" / "sock.md"))
        result = qalint(
            "check", "--no-cache", "--output-format", "json", "bank/sock.md", cwd=tmp_path
        )
    finally:
        server.close()
    found = {(d["path"], d["code"]): d["message"] for d in json.loads(result.stdout)}
    assert found[("bank/sock.md", "E002")].startswith("is not a regular file"), found
    (tmp_path / "dir.md").mkdir()  # the command line walks a folder; the loader is told
    problem = load(tmp_path / "dir.md", 10_000, shown="dir.md").problem
    assert problem is not None and problem.message == "is a directory, not a file"


@pytest.mark.parametrize("flags", [["--select", "S"], ["--ignore", "E"], ["--select", "W001"], []])
def test_a_missing_path_fails_whatever_select_and_ignore_say(tmp_path: Path, flags) -> None:
    (tmp_path / "qalint.toml").write_text("", encoding="utf-8")
    result = qalint("check", *flags, "missing.md", cwd=tmp_path)
    assert result.returncode == 1
    assert "E001 path not found: missing.md" in result.stdout
