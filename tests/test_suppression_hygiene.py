"""E020 (unknown code in a suppression comment) and E021 (unused suppression, off by default)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import question

from qalint import lint_text
from qalint.config import Config
from qalint.engine import is_enabled


def codes_at(text: str, config: Config | None = None) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in lint_text(text, "q.md", config)]


def test_unknown_code_is_reported_with_a_suggestion() -> None:
    text = "# T\n\n<!-- qalint: disable-next-line=W0001 -->\nSome text.   \n"
    found = [d for d in lint_text(text, "q.md") if d.code == "E020"]
    assert len(found) == 1
    assert (found[0].line, found[0].column) == (3, 32)
    assert "'W0001'" in found[0].message and "did you mean W001?" in found[0].message
    assert (4, "W001") in codes_at(text)  # the typo left the finding in place


def test_known_codes_names_and_prefixes_are_accepted() -> None:
    text = (
        "# T\n\n<!-- qalint: disable=W001,trailing-whitespace,S,L00 -->\nText.\n"
        "<!-- qalint: enable=W001 -->\n<!-- qalint: disable -->\n"
    )
    assert not [c for _, c in codes_at(text) if c == "E020"]


def test_an_example_in_code_is_not_a_directive() -> None:
    text = (
        "# T\n\n```markdown\n<!-- qalint: disable=NOPE -->\n```\n\n"
        "`<!-- qalint: disable=NOPE -->`\n"
    )
    assert not [c for _, c in codes_at(text) if c == "E020"]


def test_all_is_not_a_code() -> None:
    found = [d for d in lint_text("<!-- qalint: disable=all -->\n", "q.md") if d.code == "E020"]
    assert found and "with no codes" in found[0].message


UNUSED_AND_USED = (
    "# T\n\n"
    "<!-- qalint: disable-next-line=W001 -->\n"
    "Trailing spaces.   \n\n"
    "<!-- qalint: disable-next-line=W001 -->\n"
    "A clean line.\n\n"
    "<!-- qalint: disable=W005,S -->\n"
    "Text.\n"
    "<!-- qalint: enable -->\n"
)


def test_unused_suppression_is_off_by_default() -> None:
    assert not [c for _, c in codes_at(UNUSED_AND_USED) if c == "E021"]
    assert not is_enabled("E021", "unused-suppression", Config(select=["ALL"]))
    assert is_enabled("E021", "unused-suppression", Config(select=["E02"]))
    assert is_enabled("E020", "unknown-suppression-code", Config())


def test_unused_suppressions_are_reported_when_selected() -> None:
    found = [
        d
        for d in lint_text(UNUSED_AND_USED, "q.md", Config(extend_select=["E021"]))
        if d.code == "E021"
    ]
    assert [(d.line, d.column) for d in found] == [(6, 32), (9, 22), (9, 27)]
    assert found[0].severity.value == "info"
    assert "W005" in found[1].message and "S" in found[2].message


def test_a_disable_all_that_silences_something_is_used() -> None:
    text = "# T\n\n<!-- qalint: disable -->\nTrailing.   \n<!-- qalint: enable -->\n"
    config = Config(extend_select=["E021"])
    assert [c for _, c in codes_at(text, config)] == []
    idle = "# T\n\n<!-- qalint: disable -->\nClean.\n<!-- qalint: enable -->\n"
    found = [d for d in lint_text(idle, "q.md", config) if d.code == "E021"]
    assert len(found) == 1 and "every rule" in found[0].message


def test_codes_of_rules_that_did_not_run_are_not_reported() -> None:
    # L101 (a dead URL) runs only with --check-urls; offline, the run cannot tell.
    text = "# T\n\n<!-- qalint: disable-next-line=L101 -->\n<https://example.invalid/>\n"
    assert not [c for _, c in codes_at(text, Config(extend_select=["E021"])) if c == "E021"]
    text = "# T\n\n<!-- qalint: disable-next-line=W001 -->\nClean.\n"
    off = Config(extend_select=["E021"], ignore=["W001"])
    assert not [c for _, c in codes_at(text, off) if c == "E021"]


def _qalint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qalint", *args],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_suppression_a_cross_file_rule_needs_is_used(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(question("#### What is dropout?"), encoding="utf-8")
    copy = question("#### What is dropout?").replace(
        '    === "Question"\n',
        '    === "Question"\n        <!-- qalint: disable-next-line=S010 -->\n',
    )
    (tmp_path / "b.md").write_text(copy, encoding="utf-8")
    args = ("check", ".", "--extend-select", "E021", "--output-format", "json")
    for _run in ("cold", "cached"):
        done = _qalint(*args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == []
    (tmp_path / "a.md").write_text(question("#### What is weight decay?"), encoding="utf-8")
    done = _qalint(*args, cwd=tmp_path)
    assert [(d["path"], d["code"]) for d in json.loads(done.stdout)] == [("b.md", "E021")]


def test_unknown_code_from_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "q.md").write_text(
        "# T\n\n<!-- qalint: disable-next-line=X123 -->\nText.\n", encoding="utf-8"
    )
    done = _qalint("check", "q.md", "-q", cwd=tmp_path)
    assert done.returncode == 0  # a warning
    assert done.stdout.startswith("q.md:3:32: E020 'X123'")


# --- E021's fix: the unused codes go, the comment when none is left ------------------------

E021_ON = Config(extend_select=["E021"])


def test_fix_removes_only_the_unused_codes_of_a_comment() -> None:
    from qalint.fix import fix_text

    text = (
        "# T\n\n<!-- qalint: disable-next-line=S002, W001,L001 -->\nTrailing spaces.   \n\n"
        "<!-- qalint: disable=W005,W001 -->\nMore trailing.   \n<!-- qalint: enable -->\n"
    )
    fixed = fix_text(text, "q.md", E021_ON)
    assert fixed == (
        "# T\n\n<!-- qalint: disable-next-line=W001 -->\nTrailing spaces.   \n\n"
        "<!-- qalint: disable=W001 -->\nMore trailing.   \n<!-- qalint: enable -->\n"
    )
    assert not [d for d in lint_text(fixed, "q.md", E021_ON) if d.code in {"E021", "W001"}]


def test_fix_never_leaves_an_empty_list_that_would_disable_everything() -> None:
    from qalint.fix import fix_text

    # Every code unused: an emptied `disable-next-line=` would silence W001 on the next line.
    text = "# T\n\n<!-- qalint: disable-next-line=S002,L001 -->\nTrailing spaces.  \t\n"
    fixed = fix_text(text, "q.md", Config(extend_select=["E021"], ignore=["W001"]))
    assert fixed == "# T\n\nTrailing spaces.  \t\n"  # the comment's line is gone
    assert (3, "W001") in codes_at(fixed)


def test_fix_removes_a_comment_beside_text_and_its_spacing() -> None:
    from qalint.fix import fix_text

    text = "# T\n\nSome text <!-- qalint: disable-next-line=W002 -->\nNext line.\n"
    assert fix_text(text, "q.md", E021_ON) == "# T\n\nSome text\nNext line.\n"
    text = "# T\n\n<!-- qalint: disable=S002 --> Some text.\n"
    assert fix_text(text, "q.md", E021_ON) == "# T\n\nSome text.\n"


def test_a_code_of_a_rule_that_compares_files_gets_no_fix() -> None:
    text = "# T\n\n<!-- qalint: disable-next-line=S010,W002 -->\nText.\n"
    found = {d.span.column: d for d in lint_text(text, "q.md", E021_ON) if d.code == "E021"}
    assert found[32].fix is None  # S010 may be needed by a page the fixer does not see
    assert found[37].fix is not None
    from qalint.fix import fix_text

    assert "disable-next-line=S010 -->" in fix_text(text, "q.md", E021_ON)


def test_fix_command_applies_e021_in_place(tmp_path: Path) -> None:
    page = tmp_path / "q.md"
    page.write_text(
        "# T\n\n<!-- qalint: disable-next-line=W001,S002 -->\nTrailing.   \n\n"
        "<!-- qalint: disable-next-line=W002 -->\nClean.\n",
        encoding="utf-8",
    )
    done = _qalint("fix", "q.md", "--extend-select", "E021", "--no-cache", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert page.read_text(encoding="utf-8") == (
        "# T\n\n<!-- qalint: disable-next-line=W001 -->\nTrailing.   \n\nClean.\n"
    )
    assert "Fixed 2 problems" in done.stdout
    check = _qalint("check", "q.md", "--extend-select", "E021", "--no-cache", "-q", cwd=tmp_path)
    assert check.returncode == 0 and check.stdout == ""
