"""Rule documentation generated from the registry: the table, JSON, Markdown and one rule.

``docs/rules.md`` is written by ``python -m qalint rules --output-format markdown`` and a test
checks it matches, so the docs cannot drift from the registry.
"""

from __future__ import annotations

import json

from qalint.rules.registry import Rule, all_rules


def rules_table() -> str:
    """One line per rule: code, name, family, default severity, fixable."""
    rows = [("CODE", "NAME", "FAMILY", "SEVERITY", "FIX", "SUMMARY")]
    for r in all_rules():
        rows.append(
            (r.code, r.name, r.family, r.severity.value, "yes" if r.fixable else "-", r.summary)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5]
        for row in rows
    ]
    return "\n".join(lines) + "\n"


def rule_dict(r: Rule) -> dict[str, object]:
    """A rule's metadata as JSON-ready data."""
    return {
        "code": r.code,
        "name": r.name,
        "family": r.family,
        "severity": r.severity.value,
        "fixable": r.fixable,
        "summary": r.summary,
        "explanation": r.explanation,
        "bad": r.bad,
        "good": r.good,
        "online": r.online,
        "config": list(r.config_keys),
        "default_enabled": r.default_enabled,
    }


def rules_json() -> str:
    """Every rule's metadata as a JSON array."""
    return json.dumps([rule_dict(r) for r in all_rules()], indent=2) + "\n"


def explain(r: Rule) -> str:
    """The text of ``qalint rule CODE``."""
    extra = []
    if r.config_keys:
        extra.append(f"Configured by: {', '.join(r.config_keys)}")
    if r.online:
        extra.append(
            "Runs only with --check-urls (or `check-urls = true` in `[tool.qalint.links]`)."
        )
    if not r.default_enabled:
        extra.append(f"Off by default: enable it with --extend-select {r.code}.")
    parts = [
        f"{r.code} {r.name} ({r.family}, default severity {r.severity.value}, "
        f"{'fixable' if r.fixable else 'not fixable'})",
        "",
        r.summary,
        "",
        r.explanation,
        "",
        "Bad:",
        _indent(r.bad),
        "",
        "Good:",
        _indent(r.good),
    ]
    if extra:
        parts += ["", *extra]
    return "\n".join(parts) + "\n"


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.strip("\n").splitlines())


def _fence(text: str) -> str:
    return "````markdown\n" + text.strip("\n") + "\n````"


def rules_markdown() -> str:
    """The rule reference page (docs/rules.md)."""
    out = [
        "# qalint rules",
        "",
        "Generated from the rule registry by `qalint rules --output-format markdown`; do not edit.",
        "",
        "| Code | Name | Family | Severity | Fixable | Summary |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in all_rules():
        summary = r.summary.replace("|", "\\|")
        out.append(
            f"| [{r.code}](#{r.code.lower()}) | {r.name} | {r.family} | {r.severity.value} "
            f"| {'yes' if r.fixable else 'no'} | {summary} |"
        )
    from qalint.questions.examples import shapes_markdown

    out += ["", shapes_markdown().rstrip("\n")]
    for r in all_rules():
        out += [
            "",
            f"## {r.code}",
            "",
            f"**{r.name}** ({r.family}; default severity {r.severity.value}; "
            f"{'fixable' if r.fixable else 'not fixable'}{'; online' if r.online else ''}"
            f"{'' if r.default_enabled else '; off by default'})",
            "",
            r.summary,
            "",
            r.explanation,
            "",
            "Bad:",
            "",
            _fence(r.bad),
            "",
            "Good:",
            "",
            _fence(r.good),
        ]
        if r.config_keys:
            out += ["", "Configured by: " + ", ".join(f"`{k}`" for k in r.config_keys)]
    return "\n".join(out) + "\n"
