"""Literal words a regular expression cannot match without: a cheap prefilter for pack entries.

A knowledge-pack pattern is an expensive regular expression (its ``{gap}`` is a lookahead
tried at every character), and most sentences mention none of the words it is about. Before
running an entry's pattern over a sentence, the checker asks whether the casefolded sentence
holds the entry's *triggers*, read off the pattern's parse tree: clauses of literal substrings,
each clause a set of which every match contains at least one ("layer" and "batch" or
"dataset"). A pattern with no literal of at least ``MIN_LENGTH`` characters gets no
prefilter and is always run.

``LiteralIndex`` finds, for a whole page at once, the sentences that pass each entry's
triggers; ``Prefiltered`` puts the same kind of test in front of the fact checks' own word
patterns (cue words, negations) on ASCII text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import product
from typing import Any

try:  # the parser behind re.compile; private, so its absence only costs the prefilter
    from re import _constants as sre_constants
    from re import _parser as sre_parser
except ImportError:  # pragma: no cover - other Python implementations
    sre_constants = sre_parser = None  # type: ignore[assignment]

MIN_LENGTH = 3
MAX_COMBINATIONS = 64  # clauses one alternation may add (one per choice of a clause per branch)
Clause = frozenset[str]  # at least one of these literals appears in every match
Triggers = tuple[Clause, ...]  # every clause holds (a conjunction of clauses)


def _selectivity(clause: Clause) -> int:
    """The length of the clause's shortest literal (longer is rarer, as a rule of thumb)."""
    return min(map(len, clause))


def _literal(run: list[str], min_length: int) -> list[Clause]:
    text = "".join(run).casefold()
    return [frozenset({text})] if len(text) >= min_length else []


def _branch(alternatives: list[list[Clause]]) -> list[Clause]:
    """Clauses every match of ``A|B|...`` satisfies, given the clauses of each alternative.

    A match satisfies every clause of one alternative, so it holds a literal of the union of
    any one clause per alternative: each such union is a clause. Past ``MAX_COMBINATIONS``
    of them, the least selective clauses of the alternatives with the most are left out.
    """
    if not all(alternatives):
        return []
    kept = [sorted(a, key=_selectivity, reverse=True) for a in alternatives]
    while math.prod(map(len, kept)) > MAX_COMBINATIONS:
        most = max(range(len(kept)), key=lambda i: len(kept[i]))
        kept[most] = kept[most][:-1]
    unions = list(dict.fromkeys(frozenset().union(*pick) for pick in product(*kept)))
    # A clause with more literals than another that it contains says nothing more.
    return [u for u in unions if not any(v < u for v in unions)]


def _required(items: Iterable[tuple[object, object]], min_length: int) -> list[Clause]:
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
        clauses += _literal(run, min_length)
        run = []
        if op is c.SUBPATTERN:
            clauses += _required(arg[-1], min_length)  # type: ignore[index]
        elif op is getattr(c, "ATOMIC_GROUP", None):
            clauses += _required(arg, min_length)  # type: ignore[arg-type]
        elif op is c.BRANCH:
            clauses += _branch([_required(b, min_length) for b in arg[1]])  # type: ignore[index]
        elif op in repeats and arg[0] >= 1:  # type: ignore[index]
            clauses += _required(arg[2], min_length)  # type: ignore[index]
    return clauses + _literal(run, min_length)


@lru_cache(maxsize=256)
def parse_pattern(pattern: str, flags: int = 0) -> Any:
    """The parse tree of ``pattern`` (raises ``re.error``), or None without re's parser."""
    if sre_parser is None:
        return None
    return sre_parser.parse(pattern, flags)


def triggers(pattern: str, flags: int = 0, min_length: int = MIN_LENGTH) -> Triggers | None:
    """Casefolded literals one of which every match of ``pattern`` contains (None: unknown).

    Literals shorter than ``min_length`` are not used.
    """
    try:
        parsed = parse_pattern(pattern, flags)
        clauses = None if parsed is None else tuple(dict.fromkeys(_required(parsed, min_length)))
    except (re.error, RecursionError, AttributeError, TypeError, ValueError):
        return None
    return clauses or None


def may_match(found: Triggers | None, folded_text: str) -> bool:
    """False only when ``folded_text`` (casefolded) misses every literal of some clause."""
    return found is None or holds(found, folded_text)


def holds(found: Triggers, folded_text: str) -> bool:
    """Whether ``folded_text`` has a literal of every clause (loops: this runs very often)."""
    for clause in found:
        for literal in clause:
            if literal in folded_text:
                break
        else:
            return False
    return True


class _Presence(dict[str, bool]):
    """Whether each literal looked up occurs in a page (searched on first look-up)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page

    def __missing__(self, literal: str) -> bool:
        hit = self[literal] = literal in self.page
        return hit


class LiteralIndex:
    """Which of a list of casefolded texts hold the literals of some triggers.

    Most triggers fail on the whole page (the texts joined by newlines), which one search
    per literal finds; only the triggers that pass are looked up text by text.
    """

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.page = "\n".join(texts)
        self.present: dict[str, bool] = _Presence(self.page)  # literal -> in the page

    def holders(self, literal: str) -> frozenset[int]:
        """Indices of the texts that contain ``literal``."""
        return frozenset(i for i, text in enumerate(self.texts) if literal in text)

    def candidates(self, found: Triggers | None) -> frozenset[int] | None:
        """Indices of the texts that pass ``may_match(found, text)`` (None: every text).

        The clauses are tried in their order: ``rarest_first`` puts those likeliest to fail
        first, which saves looking up the others.
        """
        if not found:
            return None  # no prefilter (or one that every text passes)
        present = self.present.__getitem__
        for clause in found:  # a literal missing from the page is missing from every text
            if not any(map(present, clause)):
                return frozenset()
        # The texts holding the first clause, then those of them holding each other clause.
        result = frozenset().union(*map(self.holders, found[0]))
        texts = self.texts
        for clause in found[1:]:
            if not result:
                break
            result = frozenset(i for i in result if any(t in texts[i] for t in clause))
        return result


def rarest_first(found: Triggers | None) -> Triggers | None:
    """The same clauses, those likeliest to fail first: few literals, and long ones."""
    if found is None:
        return None

    def rarity(clause: Clause) -> float:
        return min(map(len, clause), default=math.inf) / max(len(clause), 1)

    return tuple(sorted(found, key=rarity, reverse=True))


class Prefiltered:
    """A compiled pattern whose ``search`` first checks its triggers, on ASCII text.

    On ASCII text a case-insensitive match of an ASCII pattern is a match of the lowercased
    text, so a text missing every literal of a clause cannot match: the regular expression,
    which tries each alternative at every position, is run only when the literals are there.
    Other texts (and patterns) are searched as they are.
    """

    __slots__ = ("_min_length", "_read", "_words", "pattern")

    def __init__(self, pattern: re.Pattern[str], min_length: int = MIN_LENGTH) -> None:
        self.pattern = pattern
        self._min_length = min_length
        self._read = False  # the triggers are read off the pattern on first use
        self._words: Triggers | None = None

    @property
    def words(self) -> Triggers | None:
        """The pattern's triggers, rarest first (None: no prefilter)."""
        if not self._read:
            pattern = self.pattern
            if pattern.pattern.isascii():
                found = triggers(pattern.pattern, pattern.flags, self._min_length)
                self._words = rarest_first(found)
            self._read = True
        return self._words

    def search(self, text: str) -> re.Match[str] | None:
        """As ``re.Pattern.search``."""
        words = self.words
        if words is not None and text.isascii() and not holds(words, text.lower()):
            return None
        return self.pattern.search(text)
