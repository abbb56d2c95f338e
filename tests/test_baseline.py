"""``--write-baseline`` records today's findings; ``--baseline`` reports only new ones."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from qalint.baseline import Baseline, skipped_codes
from qalint.cli import main
from qalint.config import load_config
from qalint.engine import RunOptions, run
from qalint.rules.registry import all_rules

QUESTION = """\
!!! Question ""
    === "Question"
        #### {heading}

    === "{answer_tab}"

        {answer}
"""


def question(heading: str, answer: str = "An answer.", answer_tab: str = "Answer") -> str:
    return QUESTION.format(heading=heading, answer=answer, answer_tab=answer_tab)


OLD_BANK = "\n".join(
    [
        question("What is dropout?", answer_tab="Anwser"),
        question("What is weight decay?", answer_tab="Anwser"),
        question("What is dropout?"),
    ]
)


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def findings(*args: str) -> list[tuple[str, int, str]]:
    code, out, err = run_cli("check", *args, "--select", "S", "--output-format", "json")
    assert code in (0, 1), err
    return [(d["path"], d["line"], d["code"]) for d in json.loads(out)]


@pytest.fixture
def bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    path = tmp_path / "content" / "bank.md"
    path.write_text(OLD_BANK, encoding="utf-8")
    return path


def test_write_baseline_records_code_path_snippet_and_count(bank: Path) -> None:
    code, out, err = run_cli(
        "check", "content", "--select", "S", "--write-baseline", "qa-baseline.json"
    )
    assert (code, out) == (0, "")
    assert "recorded 3 findings in 1 file to qa-baseline.json" in err
    data = json.loads(Path("qa-baseline.json").read_text(encoding="utf-8"))
    assert data == {
        "qalint_baseline": 1,
        "findings": [
            {"code": "S004", "path": "content/bank.md", "snippet": '=== "Anwser"', "count": 2},
            {
                "code": "S010",
                "path": "content/bank.md",
                "snippet": "#### What is dropout?",
                "count": 1,
            },
        ],
    }


def test_baseline_hides_known_findings_after_lines_shift(bank: Path) -> None:
    assert run_cli("check", "content", "--select", "S", "--write-baseline", "b.json")[0] == 0
    assert findings("content", "--baseline", "b.json") == []
    code, out, err = run_cli("check", "content", "--select", "S", "--baseline", "b.json")
    assert code == 0 and "All checks passed" in out
    assert "3 known findings hidden by baseline b.json" in err

    # Lines move (an intro on top) and a new problem appears between the old ones.
    shifted = "# Deep learning\n\nSome intro.\n\n" + OLD_BANK.replace(
        question("What is weight decay?", answer_tab="Anwser"),
        question("What is weight decay?", answer_tab="Anwser")
        + "\n"
        + question("What is a GPU?", answer_tab="Answr"),
    )
    bank.write_text(shifted, encoding="utf-8")
    assert findings("content") == [
        ("content/bank.md", 9, "S004"),
        ("content/bank.md", 17, "S004"),
        ("content/bank.md", 25, "S004"),
        ("content/bank.md", 31, "S010"),
    ]
    assert findings("content", "--baseline", "b.json") == [("content/bank.md", 25, "S004")]
    code, out, _err = run_cli("check", "content", "--select", "S", "--baseline", "b.json", "-q")
    assert code == 1
    assert out.startswith('content/bank.md:25:9: S004 tab title "Answr" is not allowed')


def test_count_limits_how_many_repeats_are_hidden(bank: Path) -> None:
    run_cli("check", "content", "--select", "S", "--write-baseline", "b.json")
    bank.write_text(
        OLD_BANK + "\n" + question("What is a tensor?", answer_tab="Anwser"), encoding="utf-8"
    )
    # Three identical "Anwser" lines now, two recorded: exactly one is new.
    assert findings("content", "--baseline", "b.json") == [("content/bank.md", 29, "S004")]


def test_edited_line_is_new_and_fixed_findings_are_reported_gone(bank: Path) -> None:
    run_cli("check", "content", "--select", "S", "--write-baseline", "b.json")
    bank.write_text(
        "\n".join(
            [
                question("What is dropout?"),  # fixed
                question("What is weight decay?", answer_tab="Anwser"),
                question("What is Dropout?"),  # the duplicate's line was edited
            ]
        ),
        encoding="utf-8",
    )
    _code, out, err = run_cli(
        "check", "content", "--select", "S", "--baseline", "b.json", "--output-format", "json"
    )
    # The duplicate is now reported on a line whose text the baseline never saw.
    assert [(d["line"], d["code"]) for d in json.loads(out)] == [(19, "S010")]
    assert "2 baselined findings no longer occur; shrink the baseline with --write-baseline" in err


def test_baseline_paths_are_relative_to_the_baseline_file(
    bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ci").mkdir()
    run_cli("check", "content", "--select", "S", "--write-baseline", "ci/b.json")
    data = json.loads((tmp_path / "ci" / "b.json").read_text(encoding="utf-8"))
    assert {f["path"] for f in data["findings"]} == {"../content/bank.md"}
    monkeypatch.chdir(tmp_path / "content")
    assert findings("bank.md", "--baseline", "../ci/b.json") == []


def test_checking_part_of_the_bank_does_not_report_the_rest_as_gone(bank: Path) -> None:
    (bank.parent / "other.md").write_text(
        question("What is a GPU?", answer_tab="Anwser"), encoding="utf-8"
    )
    run_cli("check", "content", "--select", "S", "--write-baseline", "b.json")
    code, _out, err = run_cli("check", "content/other.md", "--select", "S", "--baseline", "b.json")
    assert code == 0
    assert "1 known finding hidden" in err and "no longer occur" not in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            None,
            "baseline file not found: b.json; create it with "
            "`qalint check --write-baseline b.json`",
        ),
        ("{not json", "baseline b.json is not valid JSON (line 1, column 2"),
        ('{"findings": []}', "b.json is not a qalint baseline"),
        ('{"qalint_baseline": 1, "findings": [{"code": "S004"}]}', "finding #1 needs string code"),
        ('{"qalint_baseline": 1, "findings": 5}', "`findings` must be a list, not a number"),
        (
            '{"qalint_baseline": 1, "findings": {"a": 1}}',
            "`findings` must be a list, not an object",
        ),
        ('{"qalint_baseline": true, "findings": []}', "b.json is not a qalint baseline"),
        (
            '{"qalint_baseline": 2, "findings": []}',
            "baseline b.json is in format 2, and this qalint (",
        ),
        (
            '{"qalint_baseline": 1, "findings": [{"code": "S004", "path": "content/bank.md", '
            '"snippet": "x", "count": true}]}',
            "finding #1 needs string code",
        ),
    ],
)
def test_bad_baseline_is_a_usage_error(bank: Path, content: str | None, message: str) -> None:
    if content is not None:
        Path("b.json").write_text(content, encoding="utf-8")
    code, out, err = run_cli("check", "content", "--select", "S", "--baseline", "b.json")
    assert (code, out) == (2, "")
    assert err.startswith("qalint: error: ") and message in err
    assert "Traceback" not in err


def test_baseline_and_write_baseline_are_exclusive(bank: Path) -> None:
    code, _out, err = run_cli("check", "--baseline", "a.json", "--write-baseline", "b.json")
    assert code == 2 and "not allowed with argument" in err


def test_write_baseline_replaces_the_file_atomically(bank: Path) -> None:
    Path("b.json").write_text("old", encoding="utf-8")
    run_cli("check", "content", "--select", "S", "--write-baseline", "b.json")
    assert json.loads(Path("b.json").read_text(encoding="utf-8"))["findings"]
    assert [p.name for p in Path().iterdir() if p.name.startswith(".b.json")] == []


def test_findings_of_a_deleted_file_are_reported_gone(bank: Path) -> None:
    (bank.parent / "other.md").write_text(
        question("What is a GPU?", answer_tab="Anwser"), encoding="utf-8"
    )
    run_cli("check", "content", "--select", "S", "--write-baseline", "b.json")
    (bank.parent / "other.md").unlink()
    code, _out, err = run_cli("check", "content", "--select", "S", "--baseline", "b.json")
    assert code == 0
    assert err == (
        "qalint: 3 known findings hidden by baseline b.json\n"
        "qalint: 1 baselined finding no longer occurs; shrink the baseline with "
        "--write-baseline b.json\n"
    )


def test_baseline_saved_with_a_byte_order_mark_still_loads(bank: Path) -> None:
    """Windows editors may add a BOM when someone edits the baseline by hand."""
    run_cli("check", "content", "--select", "S", "--write-baseline", "b.json")
    text = Path("b.json").read_text(encoding="utf-8")
    Path("b.json").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert findings("content", "--baseline", "b.json") == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("b.json", "cannot write baseline b.json: it is a folder; name a file"),
        ("", "cannot write baseline .: it is a folder; name a file"),
        (
            "content/bank.md/b.json",
            "cannot write baseline content/bank.md/b.json: a file on the way is not a folder",
        ),
    ],
)
def test_unwritable_baseline_path_is_a_usage_error(bank: Path, target: str, message: str) -> None:
    Path("b.json").mkdir()
    code, out, err = run_cli("check", "content", "--select", "S", "--write-baseline", target)
    assert (code, out) == (2, "")
    assert err == f"qalint: error: {message}\n"
    assert sorted(p.name for p in Path().iterdir() if p.name != ".qalint_cache") == [
        "b.json",
        "content",
    ]
    assert bank.read_text(encoding="utf-8") == OLD_BANK


def test_findings_of_rules_that_did_not_run_are_not_reported_gone(bank: Path) -> None:
    """A baseline of every rule, checked with --select S: the L finding is not "gone"."""
    bank.write_text(
        OLD_BANK + "\n" + question("What is a GPU?", "See [x]((https://example.com))."),
        encoding="utf-8",
    )
    run_cli("check", "content", "--write-baseline", "b.json")
    recorded = json.loads(Path("b.json").read_text(encoding="utf-8"))["findings"]
    assert {f["code"] for f in recorded} >= {"L001", "S004", "S010"}

    config = load_config(None, Path.cwd())
    config.select = ["S"]
    options = RunOptions(use_cache=False)
    result = run(["content"], config, options)
    skipped = skipped_codes(config, options)
    assert "L001" in skipped and "S004" not in skipped
    new, note = Baseline(Path("b.json")).apply(result.diagnostics, result.sources, skipped)
    assert new == []
    assert note == "qalint: 3 known findings hidden by baseline b.json\n"
    # Without the skipped codes, the L finding would be announced as fixed.
    _new, wrong = Baseline(Path("b.json")).apply(result.diagnostics, result.sources)
    assert "1 baselined finding no longer occurs" in wrong


def test_online_rules_are_skipped_without_check_urls(bank: Path) -> None:
    config = load_config(None, Path.cwd())
    online = {r.code for r in all_rules() if r.online}
    assert online and online <= skipped_codes(config, RunOptions())
    assert not online & skipped_codes(config, RunOptions(check_urls=True))


def test_check_with_a_narrower_selection_does_not_report_the_rest_as_gone(bank: Path) -> None:
    bank.write_text(
        OLD_BANK + "\n" + question("What is a GPU?", "See [x]((https://example.com))."),
        encoding="utf-8",
    )
    run_cli("check", "content", "--write-baseline", "b.json")
    code, _out, err = run_cli("check", "content", "--select", "S", "--baseline", "b.json")
    assert code == 0
    assert err == "qalint: 3 known findings hidden by baseline b.json\n"


def test_a_file_name_that_is_not_utf8_is_recorded_and_matched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linux allows any bytes in a name; the baseline stores it as a JSON escape.

    --no-cache: the per-file result cache cannot key such a name yet (see filecache.py).
    """
    monkeypatch.chdir(tmp_path)
    try:
        Path(os.fsdecode(b"bad\xff.md")).write_text(
            question("What is dropout?", answer_tab="Anwser"), encoding="utf-8"
        )
    except (OSError, UnicodeError):
        pytest.skip("this file system does not allow file names that are not UTF-8")
    code, _out, err = run_cli("check", ".", "--no-cache", "--write-baseline", "b.json")
    assert code == 0, err
    raw = Path("b.json").read_bytes()
    assert b'"path": "bad\\udcff.md"' in raw
    raw.decode("utf-8")  # the baseline itself is valid UTF-8
    assert [p.name for p in Path().iterdir() if p.name.startswith(".b.json")] == []
    code, out, err = run_cli("check", ".", "--no-cache", "--baseline", "b.json", "-q")
    assert (code, out, err) == (0, "", "")
