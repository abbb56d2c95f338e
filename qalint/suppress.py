"""Inline suppression comments written in the Markdown itself.

``<!-- qalint: disable=S101,L -->`` ... ``<!-- qalint: enable -->`` turns codes (or prefixes)
off for a range of lines (to the end of the file when never re-enabled); ``disable`` with no
codes turns every rule off. ``<!-- qalint: disable-next-line=W201 -->`` silences the line below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DIRECTIVE_RE = re.compile(
    r"<!--\s*qalint:\s*(?P<verb>disable-next-line|disable|enable)"
    r"(?:\s*=\s*(?P<codes>[A-Za-z0-9_,\s-]*?))?\s*-->"
)
ALL = "*"


@dataclass
class Suppressions:
    """For each line, the codes (or prefixes, or ``*``) switched off there."""

    ranges: list[tuple[int, int, frozenset[str]]] = field(default_factory=list)

    def suppressed(self, line: int, code: str) -> bool:
        """True when ``code`` is switched off on ``line``."""
        for start, end, codes in self.ranges:
            if start <= line <= end and any(c == ALL or code.startswith(c) for c in codes):
                return True
        return False


def _codes(raw: str | None) -> frozenset[str]:
    if not raw or not raw.strip():
        return frozenset({ALL})
    return frozenset(c.strip().upper() for c in raw.split(",") if c.strip())


def parse_suppressions(lines: list[str]) -> Suppressions:
    """Read every qalint directive in the file's lines."""
    result = Suppressions()
    open_ranges: dict[str, int] = {}
    last = len(lines)
    for number, text in enumerate(lines, 1):
        if "qalint" not in text:
            continue
        for m in DIRECTIVE_RE.finditer(text):
            verb, codes = m.group("verb"), _codes(m.group("codes"))
            if verb == "disable-next-line":
                result.ranges.append((number + 1, number + 1, codes))
            elif verb == "disable":
                for code in codes:
                    open_ranges.setdefault(code, number)
            else:
                closing = list(open_ranges) if ALL in codes else [c for c in codes if c in open_ranges]
                for code in closing:
                    result.ranges.append((open_ranges.pop(code), number, frozenset({code})))
    for code, start in open_ranges.items():
        result.ranges.append((start, last, frozenset({code})))
    return result
