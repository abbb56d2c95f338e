"""Reporters: one small module per ``--output-format``, registered by name.

A reporter is ``render(diagnostics, context) -> str``; adding a format is adding a module and
a line to ``REPORTERS``, with no change to the engine.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field

from qalint.diagnostics import Diagnostic

REPORTERS: dict[str, str] = {
    "text": "qalint.report.text",
    "json": "qalint.report.json",
    "github": "qalint.report.github",
    "sarif": "qalint.report.sarif",
}


@dataclass
class ReportContext:
    """What a reporter may need beyond the diagnostics."""

    files_checked: int = 0
    sources: dict[str, list[str]] = field(default_factory=dict)
    color: bool = False
    quiet: bool = False
    fix_hint: bool = True
    docs_url: str = ""  # absolute address of the rule reference (``docs-url``), if known


Renderer = Callable[[list[Diagnostic], ReportContext], str]


def available() -> list[str]:
    """Names of the output formats whose module is installed."""
    names = []
    for name, module in REPORTERS.items():
        if importlib.util.find_spec(module) is not None:
            names.append(name)
    return names


def get_reporter(name: str) -> Renderer:
    """The render function of an output format."""
    module = importlib.import_module(REPORTERS[name])
    return module.render
