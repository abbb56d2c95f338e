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
from collections.abc import Iterator
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
    # The line of the directive each range comes from (parallel to ``ranges``; empty when
    # the table was rebuilt from the cache, which only needs ``suppressed``).
    origins: list[int] = field(default_factory=list)

    def suppressed(self, line: int, code: str) -> bool:
        """True when ``code`` is switched off on ``line``."""
        return any(_covers(entry, line, code) for entry in self.ranges)

    def entries(self) -> dict[tuple[int, str], list[list[int]]]:
        """Each directive entry, ``(directive line, code or *)``, and the line ranges it
        switches off (empty when the origins are not known)."""
        out: dict[tuple[int, str], list[list[int]]] = {}
        for (start, end, codes), origin in zip(self.ranges, self.origins, strict=False):
            for code in codes:
                if not code.startswith(EXEMPT):
                    out.setdefault((origin, code), []).append([start, end])
        return out

    def used_by(self, line: int, code: str) -> set[tuple[int, str]]:
        """The directive entries, ``(directive line, code or *)``, that switch ``code`` off
        on ``line`` (empty when the origins are not known)."""
        used: set[tuple[int, str]] = set()
        for entry, origin in zip(self.ranges, self.origins, strict=False):
            if _covers(entry, line, code):
                named = [c for c in entry[2] if c != ALL and not c.startswith(EXEMPT)]
                used.update((origin, c) for c in named if code.startswith(c))
                if ALL in entry[2]:
                    used.add((origin, ALL))
        return used


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
        self.origins: list[int] = []
        self.all_origin = 0  # the line of the ``disable`` that switched everything off

    def add(self, entry: tuple[int, int, frozenset[str]], origin: int) -> None:
        """Record a range and the line of the directive it comes from."""
        self.ranges.append(entry)
        self.origins.append(origin)

    def disable(self, number: int, codes: frozenset[str]) -> None:
        """``disable`` or ``disable=CODES`` on line ``number``."""
        state = self.open
        if ALL in codes:
            if state.all_since is None:
                state.all_since, state.exempt = number, frozenset()
                self.all_origin = number
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
            start = state.codes.pop(code)
            self.add(_range(start, number, frozenset({code})), start)
        if state.all_since is None:
            return
        if ALL in codes:
            self.add(
                _range(state.all_since, number, frozenset({ALL}), state.exempt), self.all_origin
            )
            state.all_since, state.exempt = None, frozenset()
        else:
            self._reopen_all(number, state.exempt | codes)

    def _reopen_all(self, number: int, exempt: frozenset[str]) -> None:
        state = self.open
        assert state.all_since is not None
        self.add(_range(state.all_since, number, frozenset({ALL}), state.exempt), self.all_origin)
        state.all_since, state.exempt = number + 1, exempt

    def finish(self) -> Suppressions:
        """Close what is still open at the end of the file."""
        state = self.open
        for code, start in state.codes.items():
            self.add(_range(start, self.last, frozenset({code})), start)
        if state.all_since is not None:
            self.add(
                _range(state.all_since, self.last, frozenset({ALL}), state.exempt),
                self.all_origin,
            )
        return Suppressions(self.ranges, self.origins)


def _fenced_lines(lines: list[str]) -> set[int]:
    """Line numbers inside closed code fences, found as the block parser finds them."""
    positioned = [SrcLine(i + 1, 0, ln.expandtabs(TAB_LENGTH)) for i, ln in enumerate(lines)]
    fenced: set[int] = set()
    for atom in stash_atoms(positioned):
        if isinstance(atom, Atom) and atom.kind == "fence":
            fenced.update(member.lineno for member in atom.members)
    return fenced


def _directives(lines: list[str]) -> Iterator[tuple[int, re.Match[str]]]:
    """Each directive (line number, match) that is not shown as code."""
    if "qalint" not in "\n".join(lines):  # most files: no directive, no need to look at lines
        return
    candidates = [n for n, text in enumerate(lines, 1) if "qalint" in text and "<!--" in text]
    if not candidates:
        return
    fenced = _fenced_lines(lines)
    for number in candidates:
        if number in fenced:
            continue
        text = lines[number - 1]
        code = code_span_ranges(text)
        for m in DIRECTIVE_RE.finditer(text):
            if not any(start <= m.start() < end for start, end in code):
                yield number, m


def parse_suppressions(lines: list[str]) -> Suppressions:
    """Read every qalint directive in the file's lines."""
    reader = _Reader(len(lines))
    for number, m in _directives(lines):
        verb, codes = m.group("verb"), _codes(m.group("codes"))
        if verb == "disable-next-line":
            reader.add(_range(number + 1, number + 1, codes), number)
        elif verb == "disable":
            reader.disable(number, codes)
        else:
            reader.enable(number, codes)
    return reader.finish()


@dataclass(frozen=True)
class DirectiveItem:
    """One code (or the implicit "every rule") named by a directive, and where it is written.

    ``code`` is what the directive switches: a rule's code, an upper-cased prefix, or ``*``;
    ``known`` is False when no rule has that code, name or prefix.
    """

    line: int
    column: int  # 1-based, in characters of the line
    end_column: int  # exclusive
    verb: str
    raw: str
    code: str
    known: bool


PREFIX_RE = re.compile(r"[A-Za-z]\d{0,3}")


def _known(item: str) -> bool:
    from qalint.rules.registry import all_rules, get_rule

    if get_rule(item) is not None:
        return True
    upper = item.upper()
    return bool(PREFIX_RE.fullmatch(item)) and any(r.code.startswith(upper) for r in all_rules())


def directive_items(lines: list[str]) -> list[DirectiveItem]:
    """Every code named by the file's directives, in order (``*`` for a bare ``disable``)."""
    items: list[DirectiveItem] = []
    for number, m in _directives(lines):
        verb, raw = m.group("verb"), m.group("codes")
        if not raw or not raw.strip():
            items.append(DirectiveItem(number, m.start() + 1, m.end() + 1, verb, "", ALL, True))
            continue
        base = m.start("codes")
        for part in re.finditer(r"[^,\s]+", raw):
            (code,) = _codes(part.group())
            items.append(
                DirectiveItem(
                    number,
                    base + part.start() + 1,
                    base + part.end() + 1,
                    verb,
                    part.group(),
                    code,
                    _known(part.group()),
                )
            )
    return items
