"""The ``github`` and ``sarif`` output formats, and the GitHub workflow and action files.

The SARIF schema in ``tests/fixtures/sarif-2.1.0-rtm.5.json`` is the OASIS SARIF 2.1.0 schema
as shipped in the npm package ``@microsoft/jest-sarif`` 1.0.0-beta.0 (MIT,
``lib/schemas/sarif-2.1.0-rtm.5.json``). The workflow and action files are validated with
check-jsonschema's built-in GitHub schemas, which ship inside that package (no network).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qalint.cli import main
from qalint.diagnostics import Diagnostic, Severity, Span
from qalint.report import ReportContext, get_reporter
from qalint.rules.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "tests" / "fixtures" / "sarif-2.1.0-rtm.5.json"
WORKFLOW = ROOT / ".github" / "workflows" / "qalint.yml"
ACTION = ROOT / "action.yml"

BANK = """\
!!! Question ""
    === "Question"
        #### What is dropout?

    === "Anwser"

        A regularization technique.

!!! Question ""
    === "Question"
        What is weight decay?

    === "Answer"

        A penalty on large weights.

!!! Question ""
    === "Question"
        #### What is Dropout ?

    === "Answer"

        Dropping units at random.
"""


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


SPAN = Span(3, 9, 3, 12)


def diagnostic(
    path: str = "content/q.md",
    message: str = "m",
    severity: Severity = Severity.ERROR,
    span: Span = SPAN,
    code: str = "S006",
) -> Diagnostic:
    return Diagnostic(path, span, code, "question-heading", severity, message)


@pytest.fixture
def bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    path = tmp_path / "docs" / "bank.md"
    path.write_text(BANK, encoding="utf-8")
    return path


# --- github ---------------------------------------------------------------------------------


def test_github_line_format_and_severity_mapping() -> None:
    render = get_reporter("github")
    found = [
        diagnostic(severity=Severity.ERROR),
        diagnostic(severity=Severity.WARNING, span=Span(4, 1, 6, 2)),
        diagnostic(severity=Severity.INFO),
    ]
    assert render(found, ReportContext()).splitlines() == [
        "::error file=content/q.md,line=3,col=9,endLine=3,endColumn=12,title=S006::m "
        "(question-heading)",
        "::warning file=content/q.md,line=4,col=1,endLine=6,endColumn=2,title=S006::m "
        "(question-heading)",
        "::notice file=content/q.md,line=3,col=9,endLine=3,endColumn=12,title=S006::m "
        "(question-heading)",
    ]


def test_github_escapes_data_and_properties() -> None:
    render = get_reporter("github")
    found = [diagnostic(path="we,ird:dir/50%.md", message="100% sure: a, b\r\nnext line")]
    assert render(found, ReportContext()) == (
        "::error file=we%2Cird%3Adir/50%25.md,line=3,col=9,endLine=3,endColumn=12,title=S006"
        "::100%25 sure: a, b%0D%0Anext line (question-heading)\n"
    )


def test_github_output_from_the_command_line(bank: Path) -> None:
    code, out, _err = run_cli("check", "docs", "--select", "S", "--output-format", "github")
    assert code == 1
    assert out.splitlines() == [
        "::error file=docs/bank.md,line=5,col=9,endLine=5,endColumn=17,title=S004::tab title "
        '"Anwser" is not allowed (did you mean "Answer"?) (misnamed-tab)',
        "::error file=docs/bank.md,line=10,col=5,endLine=10,endColumn=19,title=S006::the "
        '"Question" tab has no heading; write the question as `#### ...` (question-heading)',
        "::warning file=docs/bank.md,line=19,col=9,endLine=19,endColumn=31,title=S010::"
        'question "What is Dropout ?" is already asked at line 3 (duplicate-question)',
    ]


def test_github_prints_nothing_for_a_clean_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.md").write_text(BANK.split("\n\n!!!")[0].replace("Anwser", "Answer") + "\n")
    assert run_cli("check", "ok.md", "--select", "S", "--output-format", "github") == (0, "", "")


# --- sarif ----------------------------------------------------------------------------------


def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def test_sarif_validates_and_points_at_the_findings(bank: Path) -> None:
    code, out, _err = run_cli("check", "docs", "--select", "S", "--output-format", "sarif")
    assert code == 1
    log = json.loads(out)
    validator = sarif_validator()
    assert sorted(e.message for e in validator.iter_errors(log)) == []

    _code, as_json, _err = run_cli("check", "docs", "--select", "S", "--output-format", "json")
    expected = json.loads(as_json)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    assert len(run["results"]) == len(expected) == 3
    for result, finding in zip(run["results"], expected, strict=True):
        assert result["ruleId"] == finding["code"]
        assert rules[result["ruleIndex"]]["id"] == finding["code"]
        assert result["level"] == {"error": "error", "warning": "warning"}[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "docs/bank.md"
        assert location["region"] == {
            "startLine": finding["line"],
            "startColumn": finding["column"],
            "endLine": finding["end_line"],
            "endColumn": finding["end_column"],
        }
    s010 = rules[run["results"][2]["ruleIndex"]]
    assert s010["name"] == "duplicate-question"
    assert s010["defaultConfiguration"] == {"level": "warning"}
    # No address of the rule reference is known (no docs-url, no Repository project URL):
    # no helpUri, rather than a guessed one.
    assert all("helpUri" not in r for r in rules)
    assert s010["shortDescription"]["text"].startswith("The same question appears twice")
    assert "#### What is Dropout ?" in s010["help"]["markdown"]
    assert "Good:" in s010["help"]["text"]


def test_sarif_help_uri_comes_from_docs_url(bank: Path) -> None:
    page = "https://git.example.org/team/qalint/src/commit/abc123/docs/rules.md"
    (bank.parent.parent / "qalint.toml").write_text(f'docs-url = "{page}"\n', encoding="utf-8")
    _code, out, _err = run_cli("check", "docs", "--select", "S", "--output-format", "sarif")
    log = json.loads(out)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"]: r["helpUri"] for r in rules}["S010"] == page + "#s010"
    assert sorted(e.message for e in sarif_validator().iter_errors(log)) == []
    (bank.parent.parent / "qalint.toml").write_text('docs-url = "rules.md"\n', encoding="utf-8")
    code, _out, err = run_cli("check", "docs", "--output-format", "sarif")
    assert code == 2 and "docs-url: must be an absolute http(s) URL" in err


def test_sarif_fingerprints_survive_shifted_lines(bank: Path) -> None:
    def prints() -> list[str]:
        out = run_cli("check", "docs", "--select", "S", "--output-format", "sarif")[1]
        return [
            r["partialFingerprints"]["qalint/v1"] for r in json.loads(out)["runs"][0]["results"]
        ]

    before = prints()
    bank.write_text("# Bank\n\nIntro.\n\n" + BANK, encoding="utf-8")
    assert prints() == before
    assert len(set(before)) == 3


def test_sarif_schema_rejects_a_broken_log(bank: Path) -> None:
    """The validator is live: a region with line 0 and no version must fail."""
    log = json.loads(run_cli("check", "docs", "--select", "S", "--output-format", "sarif")[1])
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    del log["version"]
    assert len(list(sarif_validator().iter_errors(log))) >= 2


def test_sarif_uri_is_percent_encoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my bank#1.md").write_text(BANK, encoding="utf-8")
    log = json.loads(
        run_cli("check", "my bank#1.md", "--select", "S004", "--output-format", "sarif")[1]
    )
    assert not list(sarif_validator().iter_errors(log))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "my%20bank%231.md"


def test_sarif_for_a_file_name_that_is_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The URI percent-encodes the raw byte; the fingerprint still hashes (--no-cache: the
    per-file result cache cannot key such a name yet)."""
    monkeypatch.chdir(tmp_path)
    try:
        Path(os.fsdecode(b"bad\xff \xc3\xa9.md")).write_text(BANK, encoding="utf-8")
    except (OSError, UnicodeError):
        pytest.skip("this file system does not allow file names that are not UTF-8")
    code, out, err = run_cli(
        "check", ".", "--no-cache", "--select", "S004", "--output-format", "sarif"
    )
    assert code == 1, err
    log = json.loads(out)
    assert not list(sarif_validator().iter_errors(log))
    (result,) = log["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "bad%FF%20%C3%A9.md"
    assert len(result["partialFingerprints"]["qalint/v1"]) == 32


def test_sarif_uri_of_a_name_with_a_colon_is_not_a_scheme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q:a.md").write_text(BANK, encoding="utf-8")
    log = json.loads(run_cli("check", "q:a.md", "--select", "S004", "--output-format", "sarif")[1])
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "q%3Aa.md"


def test_sarif_with_no_findings_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.md").write_text("# Nothing here\n", encoding="utf-8")
    code, out, _err = run_cli("check", "empty.md", "--output-format", "sarif")
    log = json.loads(out)
    assert code == 0 and log["runs"][0]["results"] == []
    assert not list(sarif_validator().iter_errors(log))


# --- workflow and action --------------------------------------------------------------------


def check_jsonschema() -> list[str]:
    if shutil.which("check-jsonschema", path=os.path.dirname(sys.executable)):
        return [os.path.join(os.path.dirname(sys.executable), "check-jsonschema")]
    if shutil.which("check-jsonschema"):
        return ["check-jsonschema"]
    pytest.skip("check-jsonschema is not installed (pip install -e '.[test]' installs it)")


def validate(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*check_jsonschema(), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("schema", "path"), [("vendor.github-workflows", WORKFLOW), ("vendor.github-actions", ACTION)]
)
def test_workflow_and_action_match_githubs_schemas(schema: str, path: Path, tmp_path: Path) -> None:
    done = validate(schema, path)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / path.name
    broken.write_text(
        path.read_text(encoding="utf-8")
        .replace("runs-on:", "runs-onn:")
        .replace("using: composite", "using: compose"),
        encoding="utf-8",
    )
    assert validate(schema, broken).returncode != 0


def test_workflow_runs_the_pull_request_and_weekly_checks() -> None:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert "pull_request" in triggers
    (schedule,) = triggers["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert minute.isdigit() and hour.isdigit()
    assert (day, month) == ("*", "*") and weekday.isdigit() and 0 <= int(weekday) <= 6
    pr, weekly = workflow["jobs"]["changed-files"], workflow["jobs"]["link-rot"]
    assert pr["steps"][0]["with"]["fetch-depth"] == 0
    pr_run = pr["steps"][-1]
    assert pr_run["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert 'qalint check --changed-since "origin/$BASE_REF" --output-format github' in pr_run["run"]
    commands = " ".join(step.get("run", "") for step in weekly["steps"])
    assert "qalint check content --check-urls --output-format sarif" in commands
    upload = weekly["steps"][-1]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "qalint.sarif"
    assert weekly["permissions"] == {
        "contents": "read",
        "security-events": "write",
        "actions": "read",
    }
    assert workflow["permissions"] == {"contents": "read"}


def run_action_step(
    cwd: Path, runner_temp: Path, **inputs: str
) -> subprocess.CompletedProcess[str]:
    """Run the action's own shell step with these inputs, against the installed qalint."""
    yaml = pytest.importorskip("yaml")
    steps = yaml.safe_load(ACTION.read_text(encoding="utf-8"))["runs"]["steps"]
    qalint = Path(sys.executable).with_name("qalint")
    if not qalint.exists():
        pytest.skip("the qalint console script is not installed beside this Python")
    bin_folder = runner_temp / "qalint-venv" / "bin"
    if not bin_folder.exists():
        bin_folder.mkdir(parents=True)
        (bin_folder / "qalint").symlink_to(qalint)
        (bin_folder / "python").symlink_to(sys.executable)
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp)}
    for name in ("paths", "args", "baseline", "format"):
        env[f"QALINT_{name.upper()}"] = inputs.get(name, "github" if name == "format" else "")
    return subprocess.run(
        ["bash", "-c", steps[-1]["run"]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_action_step_builds_the_qalint_command(bank: Path, tmp_path: Path) -> None:
    (tmp_path / "docs" / "other file.md").write_text("# Other\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    code, _out, _err = run_cli(
        "check", "docs/bank.md", "--select", "S004", "--write-baseline", str(baseline)
    )
    assert code == 0
    done = run_action_step(
        tmp_path,
        tmp_path / "runner",
        paths="docs/bank.md 'docs/other file.md'",
        args='--select "S004,S006"',
        baseline=str(baseline),
    )
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].endswith(
        "check --output-format github --baseline "
        f"{baseline} --select S004,S006 docs/bank.md docs/other file.md"
    )
    assert [line.split(",")[0] for line in lines[1:]] == ["::error file=docs/bank.md"]
    assert "title=S006" in lines[1]


def test_action_step_with_default_inputs_checks_the_configured_paths(
    bank: Path, tmp_path: Path
) -> None:
    (tmp_path / "qalint.toml").write_text('paths = ["docs"]\nselect = ["S004"]\n')
    done = run_action_step(tmp_path, tmp_path / "runner")
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[1:] == [
        "::error file=docs/bank.md,line=5,col=9,endLine=5,endColumn=17,title=S004::tab title "
        '"Anwser" is not allowed (did you mean "Answer"?) (misnamed-tab)'
    ]


def test_action_step_rejects_unbalanced_quotes_in_args(bank: Path, tmp_path: Path) -> None:
    done = run_action_step(tmp_path, tmp_path / "runner", args='--select "S004')
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "qalint action: cannot split the args input: No closing quotation\n"


def test_reporter_registry_works_without_site_imports() -> None:
    """`importlib.util` is a submodule: the registry imports it itself (python -S, embedders)."""
    done = subprocess.run(
        [sys.executable, "-S", "-c", "from qalint.report import available; print(available())"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "['text', 'json', 'github', 'sarif']\n"), (
        done.stderr
    )
