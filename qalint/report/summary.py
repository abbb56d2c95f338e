"""Run summaries beyond the findings: ``--statistics`` and the GitHub Actions job summary.

``statistics`` counts findings per code as ruff prints them (count, code, fixable marker,
name), most frequent first. ``job_summary`` is the Markdown appended to
``$GITHUB_STEP_SUMMARY``: counts by family and severity, the files with the most findings
and, when ``--check-urls`` ran, the link-check totals.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from qalint.diagnostics import Diagnostic, Severity

FAMILIES = {
    "S": "Structure",
    "L": "Links",
    "M": "Math",
    "F": "Facts",
    "W": "Formatting",
    "E": "Input",
}
SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)
TOP_FILES = 10
MARKERS = {"safe": "[*]", "unsafe": "[-]", "": "[ ]"}


def _per_code(diagnostics: list[Diagnostic]) -> list[tuple[str, str, int, str]]:
    """``(code, name, count, fix)`` per code, most frequent first, then by code; ``fix`` is
    "safe" when some finding has a safe fix, "unsafe" when only unsafe ones, else ""."""
    counts: Counter[str] = Counter(d.code for d in diagnostics)
    names: dict[str, str] = {}
    fixable: dict[str, str] = {}
    for d in diagnostics:
        names.setdefault(d.code, d.name)
        if d.fix is not None:
            safe = d.fix.applicability.value == "safe"
            fixable[d.code] = "safe" if safe or fixable.get(d.code) == "safe" else "unsafe"
    return [
        (code, names[code], count, fixable.get(code, ""))
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def statistics(diagnostics: list[Diagnostic], output_format: str = "text") -> str:
    """Counts per code: ``12  L001  [*] doubled-parentheses`` lines, or a JSON array.

    The marker is ``[*]`` when ``qalint fix`` fixes some of them, ``[-]`` when only
    ``--unsafe-fixes`` does, ``[ ]`` when none can be fixed.
    """
    rows = _per_code(diagnostics)
    if output_format == "json":
        records = [
            {"code": code, "name": name, "count": count, "fixable": fix or None}
            for code, name, count, fix in rows
        ]
        return json.dumps(records, indent=2) + "\n"
    if not rows:
        return ""
    width = max(len(str(count)) for _, _, count, _ in rows)
    code_width = max(len(code) for code, _, _, _ in rows)
    return "".join(
        f"{count:>{width}}  {code:<{code_width}}  {MARKERS[fix]} {name}\n"
        for code, name, count, fix in rows
    )


def _family(code: str) -> str:
    letter = code[:1]
    name = FAMILIES.get(letter)
    return f"{letter} {name}" if name else letter


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def job_summary(diagnostics: list[Diagnostic], files_checked: int, link_stats: Any = None) -> str:
    """The Markdown job summary of one ``qalint check`` run."""
    lines = ["## qalint", ""]
    noun = "file" if files_checked == 1 else "files"
    severities = Counter(d.severity for d in diagnostics)
    if diagnostics:
        parts = ", ".join(
            f"{severities[s]} {s.value}{'s' if severities[s] != 1 and s != Severity.INFO else ''}"
            for s in SEVERITIES
            if severities[s]
        )
        lines.append(
            f"Found **{len(diagnostics)}** finding{'s' if len(diagnostics) != 1 else ''} "
            f"({parts}) in {files_checked} {noun} checked."
        )
        lines += ["", "| Family | Errors | Warnings | Info |", "|---|--:|--:|--:|"]
        by_family: Counter[tuple[str, Severity]] = Counter(
            (_family(d.code), d.severity) for d in diagnostics
        )
        for family in sorted({family for family, _ in by_family}):
            counts = " | ".join(str(by_family[(family, s)]) for s in SEVERITIES)
            lines.append(f"| {family} | {counts} |")
        lines += ["", "| Code | Name | Findings |", "|---|---|--:|"]
        rows = _per_code(diagnostics)
        lines += [f"| {code} | {name} | {count} |" for code, name, count, _ in rows]
        files = Counter(d.path for d in diagnostics).most_common(TOP_FILES)
        lines += ["", "### Files with the most findings", ""]
        lines += ["| File | Findings |", "|---|--:|"]
        lines += [f"| `{_cell(path)}` | {count} |" for path, count in files]
    else:
        lines.append(f"All checks passed ({files_checked} {noun} checked).")
    if link_stats is not None:
        s = link_stats
        lines += ["", "### Link check", ""]
        lines += ["| URLs | OK | Failed | Skipped | From cache |", "|--:|--:|--:|--:|--:|"]
        lines.append(f"| {s.urls} | {s.ok} | {s.failed} | {s.skipped} | {s.cached} |")
    return "\n".join(lines) + "\n\n"


def write_job_summary(text: str, env: dict[str, str] | None = None) -> str | None:
    """Append ``text`` to ``$GITHUB_STEP_SUMMARY`` when it is set; returns a problem, if any."""
    target = (env if env is not None else os.environ).get("GITHUB_STEP_SUMMARY", "")
    if not target:
        return None
    try:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        return f"cannot write the job summary to {target}: {exc.strerror or exc}"
    return None
