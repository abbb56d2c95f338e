"""What a fact check reports: a rule code, where in a prose leaf, and the message."""

from __future__ import annotations

from dataclasses import dataclass

from qalint._fastinit import fast_frozen_init
from qalint.diagnostics import Severity, Span
from qalint.markdown.textrun import TextRun


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Finding:
    """One fact-check result, positioned by offsets into a text run."""

    code: str
    run: TextRun
    start: int
    end: int
    message: str
    severity: Severity | None = None  # None: the rule's default

    @property
    def span(self) -> Span:
        """The file span of the finding."""
        return self.run.span(self.start, self.end)
