"""``--output-format json``: one JSON array of diagnostic objects (the contract's fields)."""

from __future__ import annotations

import json

from qalint.diagnostics import Diagnostic
from qalint.report import ReportContext


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """A JSON array; each object has path, line, column, end_line, end_column, code, name,
    severity, message, fixable (and fix: its applicability and description, or null)."""
    return json.dumps([d.to_dict() for d in diagnostics], indent=2, ensure_ascii=False) + "\n"
