"""Literal words a regular expression cannot match without: a cheap prefilter for pack entries.

A knowledge-pack pattern is an expensive regular expression (its ``{gap}`` is a lookahead
tried at every character), and most sentences mention none of the words it is about. Before
running an entry's pattern over a sentence, the checker asks whether the casefolded sentence
holds the entry's *triggers*, read off the pattern's parse tree: clauses of literal substrings,
each clause a set of which every match contains at least one ("layer" and "batch" or
"dataset"). A pattern with no literal of at least ``MIN_LENGTH`` characters gets no
prefilter and is always run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

try:  # the parser behind re.compile; private, so its absence only costs the prefilter
    from re import _constants as sre_constants
    from re import _parser as sre_parser
except ImportError:  # pragma: no cover - other Python implementations
    sre_constants = sre_parser = None  # type: ignore[assignment]

MIN_LENGTH = 3
Clause = frozenset[str]  # at least one of these literals appears in every match
Triggers = tuple[Clause, ...]  # every clause holds (a conjunction of clauses)


def _selective(clauses: list[Clause]) -> Clause | None:
    """The clause whose shortest literal is longest (the rarest, as a rule of thumb)."""
    return max(clauses, key=lambda c: min(map(len, c)), default=None)


def _literal(run: list[str]) -> list[Clause]:
    text = "".join(run).casefold()
    return [frozenset({text})] if len(text) >= MIN_LENGTH else []


def _required(items: Iterable[tuple[object, object]]) -> list[Clause]:
    """Clauses that every match of a parsed sequence satisfies."""
    c = sre_constants
    clauses: list[Clause] = []
    run: list[str] = []
    zero_width = {c.AT, c.ASSERT, c.ASSERT_NOT}
    repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)}
    for op, arg in items:
        if op is c.LITERAL:
            run.append(chr(arg))  # type: ignore[arg-type]
            continue
        if op in zero_width:  # \b, ^, lookarounds: the literals either side stay adjacent
            continue
        clauses += _literal(run)
        run = []
        if op is c.SUBPATTERN:
            clauses += _required(arg[-1])  # type: ignore[index]
        elif op is getattr(c, "ATOMIC_GROUP", None):
            clauses += _required(arg)  # type: ignore[arg-type]
        elif op is c.BRANCH:
            best = [_selective(_required(b)) for b in arg[1]]  # type: ignore[index]
            if all(b is not None for b in best):
                clauses.append(frozenset().union(*best))  # type: ignore[arg-type]
        elif op in repeats and arg[0] >= 1:  # type: ignore[index]
            clauses += _required(arg[2])  # type: ignore[index]
    return clauses + _literal(run)


@lru_cache(maxsize=256)
def parse_pattern(pattern: str, flags: int = 0) -> Any:
    """The parse tree of ``pattern`` (raises ``re.error``), or None without re's parser."""
    if sre_parser is None:
        return None
    return sre_parser.parse(pattern, flags)


def triggers(pattern: str, flags: int = 0) -> Triggers | None:
    """Casefolded literals one of which every match of ``pattern`` contains (None: unknown)."""
    try:
        parsed = parse_pattern(pattern, flags)
        clauses = None if parsed is None else tuple(dict.fromkeys(_required(parsed)))
    except (re.error, RecursionError, AttributeError, TypeError, ValueError):
        return None
    return clauses or None


def may_match(found: Triggers | None, folded_text: str) -> bool:
    """False only when ``folded_text`` (casefolded) misses every literal of some clause."""
    return found is None or all(any(t in folded_text for t in clause) for clause in found)
