"""Run every fact check over one document (the F rules share the result)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from itertools import pairwise

from qalint.config import Config
from qalint.document import Document, MathSpan
from qalint.facts import latex, packs, prose_checks, triggers
from qalint.facts.findings import Finding
from qalint.facts.text import Sentence, document_sentences

NEGATED_PACK_RE = re.compile(
    r"\b(?:not|never|no\s+longer|rather\s+than|instead\s+of|unlike|misconceptions?|myths?|"
    r"wrong(?:ly)?|incorrect(?:ly)?|mistaken(?:ly)?|mistakes?|false|falsely|contrary|"
    r"erroneous(?:ly)?|claim(?:s|ed)?\s+that|believe(?:s|d)?\s+that|think\s+that|"
    r"(?:say|says|said|saying)\s+that)\b|n't\b",
    re.I,
)
# Words that make an identity conditional or approximate: "for small x, tanh(x) = x",
# "for x < 0, max(x, 2x) = x"; or make it an equation to solve: "both satisfy $x^2 = x + 1$".
# Identities are sampled at positive points, so these are skipped.
CONDITIONAL_RE = re.compile(
    r"\b(?:small|large|big|tiny|near|close\s+to|around|approximat\w*|roughly|asymptotic\w*|"
    r"taylor|expansion|first[- ]order|second[- ]order|linear(?:ly|i[sz]\w*)|limits?|tends?|"
    r"goes|negative|non-?positive|even|odd|integers?|whole\s+numbers?|piecewise|otherwise|"
    r"except|case|cases|equations?|solv\w*|solutions?|roots?|satisf\w*)\b|\\to\b|\\rightarrow|\\approx|\\sim\b|→|≈|<\s*0|\\le(?:q|qslant)?\s*0\b",
    re.I,
)
TEX_WRAPPER_RE = re.compile(r"\\(?:text|mathrm|operatorname|textrm|mathit|textit)\{([^{}]*)\}")
PROBABILITY_FUNCTIONS = {"P", "p", "Pr", "\\Pr"}


class _Setup:
    """What the checks need from the configuration: options and packs, read once per run."""

    def __init__(self, config: Config) -> None:
        options = config.section("facts")
        self.tolerance: float = options["tolerance"]
        self.prose_options = prose_checks.Options(tolerance=self.tolerance)
        entries = packs.load_packs(options["packs"], config.root, options["builtin-packs"])
        self.prose_entries = [e for e in entries if e.target == "prose"]
        self.math_entries = [e for e in entries if e.target == "math"]
        self.gate = _PackGate(self.prose_entries)


class _PackGate:
    """Which prose entries a page may match, from the first clause of each entry's triggers.

    Every trigger clause must be met by some literal in the page, so an entry whose first
    (rarest) clause has no literal in the page matches none of its sentences. Each distinct
    literal of the first clauses is looked up in the page once, for all entries at once.
    """

    def __init__(self, entries: list[packs.Entry]) -> None:
        self.always: list[int] = []  # entries without a prefilter: always tried
        self.by_literal: dict[str, list[int]] = {}
        for position, entry in enumerate(entries):
            if not entry.triggers:
                self.always.append(position)
                continue
            for literal in entry.triggers[0]:
                self.by_literal.setdefault(literal, []).append(position)

    def possible(self, literals: triggers.LiteralIndex) -> list[int]:
        """Positions, in order, of the entries whose first clause the page meets (what each
        literal's look-up found is kept in ``literals``, which would look again)."""
        hit = set(self.always)
        page = literals.page
        seen = literals.present
        for literal, positions in self.by_literal.items():
            found = seen[literal] = literal in page
            if found:
                hit.update(positions)
        return sorted(hit)


def run_checks(
    document: Document, config: Config, shared: dict[str, object] | None = None
) -> list[Finding]:
    """Findings of the numeric, symbolic and knowledge-pack checks, in document order.

    ``shared`` keeps what depends on the configuration only (options, packs) from one
    document of a run to the next.
    """
    setup = shared.get("facts.setup") if shared is not None else None
    if not isinstance(setup, _Setup):
        setup = _Setup(config)
        if shared is not None:
            shared["facts.setup"] = setup
    sentences = document_sentences(document)
    findings: list[Finding] = []
    findings.extend(prose_checks.check(sentences, setup.prose_options))
    index = _SentenceIndex(sentences)
    findings.extend(_math_checks(document, index, setup.tolerance))
    findings.extend(_pack_checks(document, sentences, index, setup))
    not_claims = _not_claims(document)
    if not_claims:
        findings = [f for f in findings if f.span.line not in not_claims]
    return findings


def _not_claims(document: Document) -> set[int]:
    """Lines that state no claim: a quiz's question and its options but the correct ones
    (a distractor is wrong on purpose; the question asks, it does not state)."""
    from qalint.questions import QUIZ, questions_of

    lines: set[int] = set()
    for question in questions_of(document):
        if question.shape != QUIZ or (not question.options and not question.blanks):
            continue
        last = max([o.span.line for o in question.options] + [b.span.line for b in question.blanks])
        lines.update(range(question.span.line, last + 1))
        lines.difference_update(o.span.line for o in question.options if o.correct)
    return lines


class _SentenceIndex:
    """Sentences by text run, to find the sentence around a formula quickly."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self.sentences = sentences
        self.by_run: dict[int, list[Sentence]] = {}
        for sentence in sentences:
            self.by_run.setdefault(id(sentence.prose.run), []).append(sentence)

        self._negated: dict[int, bool] = {}
        self._first_lines: list[tuple[int, int]] | None = None
        self._runs: dict[int, tuple[list[Sentence], list[int], list[int]] | None] = {}
        # per plain text (by id; the text is kept so the id stays its own): word starts, ends
        self._words: dict[int, tuple[list[int], list[int], str]] = {}

    def first_lines(self) -> list[tuple[int, int]]:
        """For each sentence, the furthest file position where a prose leaf up to it starts
        (a running maximum, so that bisection finds what a scan in reading order finds)."""
        if self._first_lines is None:
            lines: list[tuple[int, int]] = []
            prose, line = None, (0, 0)
            for sentence in self.sentences:  # the sentences of one leaf come together
                if sentence.prose is not prose:
                    prose, position = sentence.prose, sentence.prose.run.position(0)
                    line = max(line, position) if lines else position
                lines.append(line)
            self._first_lines = lines
        return self._first_lines

    def negates(self, sentence: Sentence) -> bool:
        """Whether the sentence holds a negation (searched once per sentence)."""
        key = id(sentence)
        if key not in self._negated:
            self._negated[key] = bool(prose_checks.NEGATION_WORDS.search(sentence.text))
        return self._negated[key]

    def _run_index(self, math: MathSpan) -> tuple[list[Sentence], list[int], list[int]] | None:
        """The sentences of the formula's run with their starts and ends, when they are in
        order and apart (else None: the caller scans them)."""
        key = id(math.run)
        if key not in self._runs:
            sentences = self.by_run.get(key, [])
            starts = [s.start for s in sentences]
            ends = [s.end for s in sentences]
            ordered = all(a.start <= a.end <= b.start for a, b in pairwise(sentences))
            self._runs[key] = (sentences, starts, ends) if ordered else None
        return self._runs[key]

    def around(self, math: MathSpan) -> Sentence | None:
        """The sentence a formula is part of (the plain view blanks formulas, so a sentence
        that starts or ends with one is trimmed to the words next to it).

        Sentences of a run are in order and apart: bisection finds the one holding the formula,
        and only the nearest sentence after it (and before it) can have nothing but blanks
        in between, so each formula costs a logarithmic look-up and one short gap check.
        """
        pos = math.tex_start
        indexed = self._run_index(math)
        if indexed is None:
            return self._around_scan(math)
        sentences, starts, ends = indexed
        at = bisect_right(starts, pos) - 1
        if at >= 0 and pos < sentences[at].end:
            return sentences[at]
        after = at + 1
        if after < len(sentences) and self._blank(sentences[after].plain, pos, starts[after]):
            return sentences[after]
        last = bisect_right(ends, pos) - 1
        if last >= 0 and self._blank(sentences[last].plain, ends[last], pos):
            return sentences[last]
        return None

    def _blank(self, plain: str, start: int, end: int) -> bool:
        """True when ``plain[start:end]`` is all white space. The words of each plain text
        are listed once, so a long blank stretch (formulas blanked out) is not read again
        for every formula in it."""
        key = id(plain)
        if key not in self._words:
            found = [(m.start(), m.end()) for m in _WORD_RE.finditer(plain)]
            self._words[key] = ([a for a, _ in found], [b for _, b in found], plain)
        word_starts, word_ends, _ = self._words[key]
        index = bisect_right(word_ends, start)
        return index >= len(word_starts) or max(word_starts[index], start) >= end

    def _around_scan(self, math: MathSpan) -> Sentence | None:
        sentences = self.by_run.get(id(math.run), [])
        pos = math.tex_start
        for sentence in sentences:
            if sentence.start <= pos < sentence.end:
                return sentence
        for sentence in sentences:  # "$f(x) = ...$ is wrong.": the formula opens the sentence
            if pos < sentence.start and self._blank(sentence.plain, pos, sentence.start):
                return sentence
        for sentence in reversed(sentences):  # "... the identity $f(x) = ...$" at the end
            if pos >= sentence.end and self._blank(sentence.plain, sentence.end, pos):
                return sentence
        return None

    def before(self, math: MathSpan) -> Sentence | None:
        """The last sentence before the first sentence that starts at or after the formula."""
        index = bisect_left(self.first_lines(), math.run.position(0))
        return self.sentences[index - 1] if index > 0 else None

    def after(self, math: MathSpan) -> Sentence | None:
        """The first sentence that starts after the formula ends."""
        last_line = math.run.position(max(len(math.run.text) - 1, 0))
        index = bisect_right(self.first_lines(), last_line)
        return self.sentences[index] if index < len(self.sentences) else None


_WORD_RE = re.compile(r"\S+")


def _raw(sentence: Sentence | None) -> str:
    """A sentence as written, math included (the plain view blanks formulas out)."""
    if sentence is None:
        return ""
    return sentence.prose.run.text[sentence.start : sentence.end]


def _conditional(index: _SentenceIndex, math: MathSpan) -> bool:
    """Does the text around a formula restrict or approximate it ("for small x", "x < 0")?"""
    sentence = index.around(math)
    if sentence is not None:
        context = _raw(sentence)
    else:  # display math: the sentences before and after it, and the formula itself
        context = " ".join((_raw(index.before(math)), math.tex, _raw(index.after(math))))
    return bool(CONDITIONAL_RE.search(context))


def _context_negated(index: _SentenceIndex, math: MathSpan) -> bool:
    """A formula quoted as wrong ("a common mistake is $...$") is not a claim."""
    sentence = index.around(math)
    if sentence is not None:
        return sentence.is_question or index.negates(sentence)
    # Display math: its own paragraph; the sentence before it introduces it.
    before = index.before(math)
    return before is not None and index.negates(before)


def _math_checks(document: Document, index: _SentenceIndex, tolerance: float) -> Iterator[Finding]:
    for math in document.all_math(include_hidden=True):
        if math.node is not None and math.node.kind == "heading":
            continue
        if not latex.may_relate(math.tex):
            continue  # no relation: neither a probability stated nor anything to evaluate
        if _context_negated(index, math):
            continue
        yield from _probability_range(math)
        from qalint.facts import symbolic

        if not symbolic.needs_evaluation(math.tex):
            continue
        identities = not _conditional(index, math)  # else F007 would not be reported
        try:
            verdicts = symbolic.check_formula(math.tex, tolerance, identities)
        except ImportError:  # sympy not installed: formulas are not evaluated
            return
        for verdict in verdicts:
            yield Finding(
                verdict.code,
                math.run,
                math.tex_start + verdict.start,
                math.tex_start + verdict.end,
                verdict.message,
            )


def _probability_range(math: MathSpan) -> Iterator[Finding]:
    """``$P(A) = 1.2$``: a probability stated outside [0, 1]."""
    for segment in latex.parse_formula(math.tex):
        for relation in segment.relations():
            if relation.op not in {"=", "~"}:
                continue
            left, right = relation.left, relation.right
            number = latex.lone_number(right)
            if left[0] != "ufunc" or left[1] not in PROBABILITY_FUNCTIONS or number is None:
                continue
            if 0 <= number[1] <= 1:
                continue
            shown = math.tex[segment.start : segment.end].strip()
            yield Finding(
                "F003",
                math.run,
                math.tex_start + segment.start,
                math.tex_start + segment.end,
                f"${shown}$ states a probability outside [0, 1]",
            )


def _pack_checks(
    document: Document,
    sentences: list[Sentence],
    index: _SentenceIndex,
    setup: _Setup,
) -> Iterator[Finding]:
    # Most entries are about words the page never uses: each entry's trigger words are
    # looked up once in the whole page, giving the sentences that may match it.
    stated = [s for s in sentences if not s.is_question]
    literals = triggers.LiteralIndex([s.text.casefold() for s in stated])
    by_sentence: dict[int, list[packs.Entry]] = {}
    entries = setup.prose_entries
    for position in setup.gate.possible(literals):
        entry = entries[position]
        candidates = literals.candidates(entry.triggers)
        for position in range(len(stated)) if candidates is None else candidates:
            by_sentence.setdefault(position, []).append(entry)
    for position in sorted(by_sentence):
        sentence = stated[position]
        text = sentence.text
        for entry in by_sentence[position]:
            for m in entry.pattern.finditer(text):
                before = text[max(0, m.start() - 40) : m.start()]
                if NEGATED_PACK_RE.search(m.group()) or NEGATED_PACK_RE.search(before):
                    continue
                if entry.unless is not None and entry.unless.search(m.group()):
                    continue
                if entry.unless_sentence is not None and entry.unless_sentence.search(text):
                    continue
                start = sentence.start + m.start()
                yield Finding(
                    "F008",
                    sentence.prose.run,
                    start,
                    sentence.start + m.end(),
                    entry.full_message(),
                    entry.severity,
                )
                break
    if setup.math_entries:
        yield from _math_pack_checks(document, index, setup.math_entries)


def _math_pack_checks(
    document: Document, index: _SentenceIndex, entries: list[packs.Entry]
) -> Iterator[Finding]:
    for math in document.all_math(include_hidden=True):
        tex = math.tex
        # str.split and the regular expression's \s both split on str.isspace() characters.
        flat = "".join((TEX_WRAPPER_RE.sub(r"\1", tex) if "\\" in tex else tex).split())
        flat = flat.replace("\\left", "").replace("\\right", "").replace("\\dfrac", "\\frac")
        folded = flat.casefold()
        possible = [entry for entry in entries if entry.may_match(folded)]
        if not possible or _context_negated(index, math):
            continue
        for entry in possible:
            if entry.pattern.search(flat) and not any(
                u is not None and u.search(flat) for u in (entry.unless, entry.unless_sentence)
            ):
                yield Finding(
                    "F008",
                    math.run,
                    math.tex_start,
                    math.tex_start + len(math.tex),
                    entry.full_message(),
                    entry.severity,
                )
