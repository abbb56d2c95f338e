"""Diagnostics, severities and fixes: what rules produce and reporters consume."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from qalint._fastinit import fast_frozen_init


class Severity(str, Enum):
    """How serious a finding is; only ``error`` makes ``qalint check`` exit 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Order for comparisons: error > warning > info."""
        return {"error": 2, "warning": 1, "info": 0}[self.value]


_SEVERITY_BY_VALUE = {severity.value: severity for severity in Severity}


class Applicability(str, Enum):
    """Whether ``qalint fix`` applies a fix by default (safe) or only with --unsafe-fixes."""

    SAFE = "safe"
    UNSAFE = "unsafe"


_APPLICABILITY_BY_VALUE = {applicability.value: applicability for applicability in Applicability}


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text between two 0-based offsets of the decoded document text."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A set of non-overlapping edits that together repair one finding."""

    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    description: str = ""


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Span:
    """A region of a source file: 1-based lines and columns, end column exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @staticmethod
    def point(line: int, column: int) -> Span:
        """A one-character span at ``line``:``column``."""
        return Span(line, column, line, column + 1)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: where, which rule, how severe, what to do, and maybe how to fix it."""

    path: str
    span: Span
    code: str
    name: str
    severity: Severity
    message: str
    fix: Fix | None = None
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def line(self) -> int:
        """1-based first line."""
        return self.span.line

    @property
    def column(self) -> int:
        """1-based first column."""
        return self.span.column

    @property
    def fixable(self) -> bool:
        """True when the finding carries a fix."""
        return self.fix is not None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Deterministic order: path, line, column, code, message."""
        return (self.path, self.span.line, self.span.column, self.code, self.message)

    def with_severity(self, severity: Severity) -> Diagnostic:
        """A copy with another severity (config overrides)."""
        return replace(self, severity=severity)

    def to_record(self) -> dict[str, object]:
        """A JSON-safe record that ``from_record`` turns back into an equal Diagnostic."""
        record: dict[str, object] = {
            "path": self.path,
            "span": [self.span.line, self.span.column, self.span.end_line, self.span.end_column],
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
        }
        if self.fix is not None:
            record["fix"] = {
                "edits": [[e.start, e.end, e.replacement] for e in self.fix.edits],
                "applicability": self.fix.applicability.value,
                "description": self.fix.description,
            }
        return record

    @staticmethod
    def from_record(record: dict) -> Diagnostic:
        """The Diagnostic a ``to_record`` record describes."""
        fix = None
        if record.get("fix"):
            raw = record["fix"]
            fix = Fix(
                tuple(Edit(int(a), int(b), str(c)) for a, b, c in raw["edits"]),
                _APPLICABILITY_BY_VALUE[raw["applicability"]],
                raw["description"],
            )
        return Diagnostic(
            record["path"],
            Span(*record["span"]),
            record["code"],
            record["name"],
            _SEVERITY_BY_VALUE[record["severity"]],
            record["message"],
            fix,
        )

    def to_dict(self) -> dict[str, object]:
        """The JSON shape promised by the command-line contract."""
        return {
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "fixable": self.fixable,
            "fix": None
            if self.fix is None
            else {
                "applicability": self.fix.applicability.value,
                "description": self.fix.description,
            },
        }
