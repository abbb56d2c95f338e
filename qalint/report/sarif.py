"""``--output-format sarif``: a SARIF 2.1.0 log for GitHub code scanning and other viewers.

The log has one run whose driver lists every registered rule (id, name, short and full
description, help with a bad and a good example, the default level, and a help URI at the
rule's section of the rule reference when its address is known). SARIF wants absolute help
URIs, so they come from ``docs-url`` in the configuration (the address of ``docs/rules.md``
as published), else from the installed package's ``Repository`` project URL; with neither,
``helpUri`` is left out rather than pointing at a guessed address. Each result points at its
rule by id and index and carries a region with 1-based lines and columns (end column
exclusive, counted in Unicode code points) and a fingerprint that survives lines shifting, so
code scanning tracks an alert across commits.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from qalint import __version__
from qalint.baseline import fingerprints
from qalint.diagnostics import Diagnostic, Severity
from qalint.report import ReportContext
from qalint.rules.registry import Rule, all_rules

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "qalint/v1"


def repository_url() -> str | None:
    """The project's repository: the package's ``Repository`` (or ``Source``/``Homepage``)
    URL, or None when the installed metadata names none."""
    try:
        urls = metadata.metadata("qalint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    found = {}
    for entry in urls:
        label, _, url = entry.partition(",")
        found[label.strip().lower()] = url.strip()
    for label in ("repository", "source", "homepage"):
        if found.get(label):
            return found[label].rstrip("/")
    return None


def rules_page(docs_url: str = "") -> str | None:
    """The absolute address of the rule reference: ``docs-url``, else the repository's
    ``docs/rules.md`` on its main branch, else None."""
    if docs_url:
        return docs_url
    repository = repository_url()
    return f"{repository}/blob/main/docs/rules.md" if repository else None


def help_uri(rule: Rule, page: str) -> str:
    """The rule's section in the rule reference page, ``.../docs/rules.md#s006``."""
    return f"{page.split('#', 1)[0]}#{rule.code.lower()}"


def _fenced(text: str) -> str:
    return "````markdown\n" + text + "\n````"


def rule_descriptor(rule: Rule, page: str | None) -> dict[str, object]:
    """The SARIF ``reportingDescriptor`` of one rule."""
    text = f"{rule.explanation}\n\nBad:\n{rule.bad}\n\nGood:\n{rule.good}"
    markdown = (
        f"**{rule.code} {rule.name}**: {rule.summary}\n\n{rule.explanation}\n\n"
        f"Bad:\n\n{_fenced(rule.bad)}\n\nGood:\n\n{_fenced(rule.good)}"
    )
    descriptor: dict[str, object] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation or rule.summary},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.family], "fixable": rule.fixable},
    }
    if page:
        descriptor["helpUri"] = help_uri(rule, page)
    return descriptor


def artifact_uri(path: str) -> str:
    """A relative path as a URI reference (``content/a%20b.md``); others as ``file://`` URIs."""
    candidate = Path(path)
    if candidate.is_absolute():
        return candidate.as_uri()
    # A file name that is not UTF-8 is percent-encoded byte by byte, as a URI should be; ``:``
    # is encoded too, so ``a:b.md`` is not read as a URI with the scheme ``a``.
    return quote(candidate.as_posix().encode("utf-8", "surrogateescape"), safe="/")


def result(d: Diagnostic, index: int, fingerprint: str) -> dict[str, object]:
    """The SARIF ``result`` of one finding."""
    span = d.span
    return {
        "ruleId": d.code,
        "ruleIndex": index,
        "level": LEVELS[d.severity],
        "message": {"text": d.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(d.path)},
                    "region": {
                        "startLine": span.line,
                        "startColumn": span.column,
                        "endLine": span.end_line,
                        "endColumn": span.end_column,
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }


def sarif_log(diagnostics: list[Diagnostic], context: ReportContext) -> dict[str, object]:
    """The whole SARIF log as JSON-ready data."""
    page = rules_page(context.docs_url)
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    descriptors = [rule_descriptor(r, page) for r in rules]
    for d in diagnostics:
        if d.code not in index:  # a finding whose rule is not registered: describe it briefly
            index[d.code] = len(descriptors)
            descriptors.append({"id": d.code, "name": d.name, "shortDescription": {"text": d.name}})
    prints = fingerprints(diagnostics, context.sources)
    driver: dict[str, object] = {
        "name": "qalint",
        "version": __version__,
        "semanticVersion": __version__,
    }
    repository = repository_url()
    if repository or page:
        driver["informationUri"] = repository or page
    driver["rules"] = descriptors
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": [
                    result(d, index[d.code], fp) for d, fp in zip(diagnostics, prints, strict=True)
                ],
            }
        ],
    }


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """The SARIF log as indented JSON."""
    return json.dumps(sarif_log(diagnostics, context), indent=2, ensure_ascii=False) + "\n"
