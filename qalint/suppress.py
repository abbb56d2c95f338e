"""Inline suppression comments written in the Markdown itself.

``<!-- qalint: disable=S101,L -->`` ... ``<!-- qalint: enable -->`` turns codes (or prefixes,
or rule names) off for a range of lines (to the end of the file when never re-enabled);
``disable`` with no codes turns every rule off, and a later ``enable=CODE`` turns just that
code back on. ``<!-- qalint: disable-next-line=W201 -->`` silences the line below.

A directive shown as an example (inside inline code or a fenced code block) is text, not a
directive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qalint.markdown.blocks import Atom, stash_atoms
from qalint.markdown.inline import code_span_ranges
from qalint.markdown.source import TAB_LENGTH, SrcLine

DIRECTIVE_RE = re.compile(
    r"<!--\s*qalint:\s*(?P<verb>disable-next-line|disable|enable)"
    r"(?:\s*=\s*(?P<codes>[A-Za-z0-9_,\s-]*?))?\s*-->"
)
ALL = "*"


EXEMPT = "!"  # "!S008" among a range's codes: S008 stays on in that range


def _covers(entry: tuple[int, int, frozenset[str]], line: int, code: str) -> bool:
    """True when the range ``(start, end, codes)`` switches ``code`` off on ``line``."""
    start, end, codes = entry
    if not start <= line <= end:
        return False
    if any(c.startswith(EXEMPT) and code.startswith(c[1:]) for c in codes):
        return False
    return any(c == ALL or (not c.startswith(EXEMPT) and code.startswith(c)) for c in codes)


@dataclass
class Suppressions:
    """For each line, the codes (or prefixes, or ``*``) switched off there.

    ``ranges`` holds ``(start, end, codes)`` tuples, inclusive, in the JSON-safe form the
    result cache stores; a code written ``!CODE`` is exempt (on again) within its range.
    """

    ranges: list[tuple[int, int, frozenset[str]]] = field(default_factory=list)

    def suppressed(self, line: int, code: str) -> bool:
        """True when ``code`` is switched off on ``line``."""
        return any(_covers(entry, line, code) for entry in self.ranges)


def _range(
    start: int, end: int, codes: frozenset[str], exempt: frozenset[str] = frozenset()
) -> tuple[int, int, frozenset[str]]:
    return (start, end, codes | {EXEMPT + c for c in exempt})


def _codes(raw: str | None) -> frozenset[str]:
    """The codes of a directive; rule names become their codes, no codes means all."""
    if not raw or not raw.strip():
        return frozenset({ALL})
    from qalint.rules.registry import get_rule

    out = set()
    for item in (c.strip() for c in raw.split(",")):
        if item:
            found = get_rule(item)
            out.add(found.code if found is not None else item.upper())
    return frozenset(out)


@dataclass
class _Open:
    """Directives still in force while the lines are read."""

    codes: dict[str, int] = field(default_factory=dict)  # code -> line it was disabled on
    all_since: int | None = None
    exempt: frozenset[str] = frozenset()


class _Reader:
    """Turns the directives of one file, in order, into ranges."""

    def __init__(self, last: int) -> None:
        self.last = last
        self.open = _Open()
        self.ranges: list[tuple[int, int, frozenset[str]]] = []

    def disable(self, number: int, codes: frozenset[str]) -> None:
        """``disable`` or ``disable=CODES`` on line ``number``."""
        state = self.open
        if ALL in codes:
            if state.all_since is None:
                state.all_since, state.exempt = number, frozenset()
            elif state.exempt:
                self._reopen_all(number, frozenset())
            return
        for code in codes:
            if state.all_since is not None and code in state.exempt:
                self._reopen_all(number, state.exempt - {code})
            else:
                state.codes.setdefault(code, number)

    def enable(self, number: int, codes: frozenset[str]) -> None:
        """``enable`` or ``enable=CODES`` on line ``number``."""
        state = self.open
        closing = list(state.codes) if ALL in codes else [c for c in codes if c in state.codes]
        for code in closing:
            self.ranges.append(_range(state.codes.pop(code), number, frozenset({code})))
        if state.all_since is None:
            return
        if ALL in codes:
            self.ranges.append(_range(state.all_since, number, frozenset({ALL}), state.exempt))
            state.all_since, state.exempt = None, frozenset()
        else:
            self._reopen_all(number, state.exempt | codes)

    def _reopen_all(self, number: int, exempt: frozenset[str]) -> None:
        state = self.open
        assert state.all_since is not None
        self.ranges.append(_range(state.all_since, number, frozenset({ALL}), state.exempt))
        state.all_since, state.exempt = number + 1, exempt

    def finish(self) -> Suppressions:
        """Close what is still open at the end of the file."""
        state = self.open
        for code, start in state.codes.items():
            self.ranges.append(_range(start, self.last, frozenset({code})))
        if state.all_since is not None:
            self.ranges.append(_range(state.all_since, self.last, frozenset({ALL}), state.exempt))
        return Suppressions(self.ranges)


def _fenced_lines(lines: list[str]) -> set[int]:
    """Line numbers inside closed code fences, found as the block parser finds them."""
    positioned = [SrcLine(i + 1, 0, ln.expandtabs(TAB_LENGTH)) for i, ln in enumerate(lines)]
    fenced: set[int] = set()
    for atom in stash_atoms(positioned):
        if isinstance(atom, Atom) and atom.kind == "fence":
            fenced.update(member.lineno for member in atom.members)
    return fenced


def parse_suppressions(lines: list[str]) -> Suppressions:
    """Read every qalint directive in the file's lines."""
    reader = _Reader(len(lines))
    if "qalint" not in "\n".join(lines):  # most files: no directive, no need to look at lines
        return reader.finish()
    candidates = [n for n, text in enumerate(lines, 1) if "qalint" in text and "<!--" in text]
    if not candidates:
        return reader.finish()
    fenced = _fenced_lines(lines)
    for number in candidates:
        if number in fenced:
            continue
        text = lines[number - 1]
        code = code_span_ranges(text)
        for m in DIRECTIVE_RE.finditer(text):
            if any(start <= m.start() < end for start, end in code):
                continue
            verb, codes = m.group("verb"), _codes(m.group("codes"))
            if verb == "disable-next-line":
                reader.ranges.append(_range(number + 1, number + 1, codes))
            elif verb == "disable":
                reader.disable(number, codes)
            else:
                reader.enable(number, codes)
    return reader.finish()
