"""The fixer's safety net: what each fix may change, checked before anything is written.

``qalint fix`` promises that a fix never loses a word. Three checks hold it to that, each
naming the fixes that fail, so that the fixer withholds those and applies the others:

- **The words** (``check_edits``, before the edits are applied). Text is read as a sequence
  of words (letters and digits) and symbols (every other visible character). Around each
  edit, widened to whole words on both sides, the sequence after the edit must be the
  sequence before it with only the changes its rule may make (``ALLOWANCES``): white space
  only (in a link, ``%20`` counts as a space), a few symbols (link parentheses, quotes of a
  marker, an empty ``^{}``), or, for the rules that rewrite an address or a tab title, other
  words. A fixable rule not listed may change white space only: add new ones there. Edits whose
  widened regions touch are checked together, so two edits cannot glue a word between them.
- **The questions** (``check_questions``, on the re-parsed text): no question block is lost,
  and none that had every required tab loses one.
- **No new error where it edits** (``check_new_errors``, on the re-linted text; the fixer
  runs it when the fixed file ends with more errors of a code than the original): on the
  lines an edit touched, no error-severity finding appears of a code that the file now has
  more of (an error that only moved, as one fix reveals the next problem, is not new).

Each check reads each edit's neighbourhood once, so the net costs linear time like the fixer.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qalint.diagnostics import Diagnostic, Edit, Severity

if TYPE_CHECKING:
    from qalint.config import Config
    from qalint.document import Document
    from qalint.markdown.blocks import Node

TOKEN_RE = re.compile(r"[^\W_]+|\S")  # a word (letters and digits) or one other visible char


@dataclass(frozen=True)
class Allowance:
    """What a rule's fix may change: ``symbols`` it may add or remove (``None``: any) and
    whether words may change (rules that rewrite an address or a tab title)."""

    symbols: str | None = ""
    words: bool = False
    what: str = "white space"
    encoded_space: bool = False  # "%20" in a link target counts as the space it encodes
    # The fix only deletes codes from a qalint suppression comment (never all of them) or
    # the whole comment (with its line when the line holds nothing else): E021.
    own_comment: bool = False


QUOTES = "\"'\u201c\u201d\u2018\u2019\u201e\u201f\u00ab\u00bb\u2039\u203a`"  # straight, curly
WHITESPACE = Allowance()
ALLOWANCES: dict[str, Allowance] = {
    "L001": Allowance("()", what="link parentheses", encoded_space=True),
    "L002": Allowance("", what="white space", encoded_space=True),
    "L005": Allowance(None, words=True, what="the address"),
    "L006": Allowance(None, words=True, what="the address"),
    "L010": Allowance("<>", what="angle brackets around the address", encoded_space=True),
    "L012": Allowance(None, words=True, what="the address"),
    "L104": Allowance(None, words=True, what="the address"),
    "L020": Allowance(None, words=True, what="words moved out of the link target"),
    "M021": Allowance("|\\", words=True, what="a | inside a formula written as \\vert"),
    "M101": Allowance("^_{}", what="an empty ^{} or _{}"),
    "S004": Allowance(None, words=True, what="the tab title"),
    "S006": Allowance("#", what="the heading's # signs"),
    "S015": WHITESPACE,
    "S016": WHITESPACE,
    "S020": WHITESPACE,
    "S032": Allowance(QUOTES, what="the marker's spacing, case and quotes"),
    "W001": WHITESPACE,
    "W002": WHITESPACE,
    "W003": WHITESPACE,
    "W004": WHITESPACE,
    "W005": WHITESPACE,
    "W006": WHITESPACE,
    "W007": Allowance(QUOTES, what="the marker's spacing, case and quotes"),
    "W008": Allowance(QUOTES + "=", what="the marker's spacing and quotes"),
    "W010": WHITESPACE,
    "W020": WHITESPACE,
    "E021": Allowance(None, own_comment=True, what="unused codes of its own qalint comment"),
}
UNKNOWN = Allowance("", what="white space (the rule declares nothing else)")


def allowance(code: str) -> Allowance:
    """What the fix of rule ``code`` may change (white space only for a rule not listed)."""
    return ALLOWANCES.get(code, UNKNOWN)


def tokens(text: str, encoded_space: bool = False) -> list[str]:
    """The words (case-folded) and symbols of ``text``, in order (``encoded_space``: read
    ``%20`` as the space it stands for in a link target)."""
    if encoded_space and "%20" in text:
        text = text.replace("%20", " ")
    return TOKEN_RE.findall(text.casefold())


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to whole words on both sides (and one visible neighbour)."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    if start > 0 and not text[start - 1].isspace():
        start -= 1  # a symbol right before: a space deleted next to it would not show
    while end < len(text) and text[end].isalnum():
        end += 1
    if end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _edit_ok(before: list[str], after: list[str], rule: Allowance) -> str | None:
    """Why the change from ``before`` to ``after`` (tokens of a widened region) is more than
    ``rule`` allows; ``None`` when it is allowed."""
    if before == after:
        return None
    old_words = [t for t in before if t[0].isalnum()]
    new_words = [t for t in after if t[0].isalnum()]
    if old_words != new_words and not rule.words:
        return "it would change the words (" + _difference(old_words, new_words) + ")"
    if rule.symbols is None:
        return None
    old_symbols = Counter(t for t in before if not t[0].isalnum())
    new_symbols = Counter(t for t in after if not t[0].isalnum())
    changed = set((old_symbols - new_symbols) + (new_symbols - old_symbols))
    extra = sorted(changed - set(rule.symbols))
    if extra:
        return f"it would change {' '.join(extra)}, more than {rule.what}"
    return None


def _difference(old: list[str], new: list[str]) -> str:
    gone = [w for w in old if w not in new][:3]
    added = [w for w in new if w not in old][:3]
    parts = [f"'{w}' lost" for w in gone] + [f"'{w}' added" for w in added]
    return ", ".join(parts) or "their order"


def check_edits(
    text: str, chosen: list[Diagnostic]
) -> tuple[list[Diagnostic], list[tuple[Diagnostic, str]]]:
    """Split this round's fixes into those whose edits change only what their rule allows
    and those refused, with the reason (see the module docstring)."""
    located: list[tuple[int, int, Edit, Diagnostic]] = []
    refused: dict[int, tuple[Diagnostic, str]] = {}
    for diagnostic in chosen:
        if allowance(diagnostic.code).own_comment:
            if not all(_deletes_in_comment(text, e) for e in diagnostic.fix.edits):  # type: ignore[union-attr]
                why = "it would change more than the codes of its own qalint comment"
                refused[id(diagnostic)] = (diagnostic, why)
            continue
        for edit in diagnostic.fix.edits:  # type: ignore[union-attr]
            start, end = _widen(text, edit.start, edit.end)
            located.append((start, end, edit, diagnostic))
    located.sort(key=lambda item: (item[0], item[2].start))
    index = 0
    while index < len(located):
        start, end = located[index][0], located[index][1]
        group = [located[index]]
        index += 1
        while index < len(located) and located[index][0] <= end:  # widened regions touch
            end = max(end, located[index][1])
            group.append(located[index])
            index += 1
        for diagnostic, why in _check_group(text, start, end, group):
            refused.setdefault(id(diagnostic), (diagnostic, why))
    kept = [d for d in chosen if id(d) not in refused]
    return kept, list(refused.values())


def _deletes_in_comment(text: str, edit: Edit) -> bool:
    """True when ``edit`` deletes codes (and commas) from a qalint suppression comment while
    leaving at least one, or deletes the whole comment and only white space around it."""
    from qalint.suppress import DIRECTIVE_RE

    if edit.replacement:
        return False
    line_start = text.rfind("\n", 0, edit.start) + 1
    line_end = text.find("\n", edit.start)
    line_end = len(text) if line_end < 0 else line_end
    if edit.end > line_end + 1:
        return False
    line = text[line_start:line_end]
    start, end = edit.start - line_start, edit.end - line_start
    for m in DIRECTIVE_RE.finditer(line):
        if m.group("codes") is not None and m.start("codes") <= start <= end <= m.end("codes"):
            codes = m.group("codes")
            left = codes[: start - m.start("codes")] + codes[end - m.start("codes") :]
            removed = line[start:end]
            return bool(re.fullmatch(r"[\w\s,-]*", removed)) and bool(left.strip(" ,"))
        if start <= m.start() and m.end() <= end:
            rest = line[start : m.start()] + line[m.end() : min(end, len(line))]
            return not rest.strip()
    return False


def _apply(text: str, start: int, end: int, edits: list[Edit]) -> str:
    pieces, position = [], start
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        pieces.append(text[position : edit.start])
        pieces.append(edit.replacement)
        position = edit.end
    pieces.append(text[position:end])
    return "".join(pieces)


def _check_group(
    text: str, start: int, end: int, group: list[tuple[int, int, Edit, Diagnostic]]
) -> list[tuple[Diagnostic, str]]:
    """The fixes of a group of neighbouring edits that change more than they may."""
    fixes: dict[int, Diagnostic] = {id(d): d for *_, d in group}
    encoded = any(allowance(d.code).encoded_space for d in fixes.values())
    before = tokens(text[start:end], encoded)
    if len(fixes) == 1:
        diagnostic = next(iter(fixes.values()))
        after = tokens(_apply(text, start, end, [e for _, _, e, _ in group]), encoded)
        why = _edit_ok(before, after, allowance(diagnostic.code))
        return [] if why is None else [(diagnostic, why)]
    refused: list[tuple[Diagnostic, str]] = []
    survivors: list[Diagnostic] = []
    for diagnostic in fixes.values():  # each alone first
        own = [e for _, _, e, d in group if d is diagnostic]
        after = tokens(_apply(text, start, end, own), encoded)
        why = _edit_ok(before, after, allowance(diagnostic.code))
        if why is None:
            survivors.append(diagnostic)
        else:
            refused.append((diagnostic, why))
    if len(survivors) > 1:  # then together: every survivor's allowance must cover the sum
        edits = [e for _, _, e, d in group if any(d is s for s in survivors)]
        after = tokens(_apply(text, start, end, edits), encoded)
        merged = _merge([allowance(d.code) for d in survivors])
        why = _edit_ok(before, after, merged)
        if why is not None:  # keep the first, withhold the rest this round
            refused.extend((d, why + " together with a fix next to it") for d in survivors[1:])
    return refused


def _merge(rules: list[Allowance]) -> Allowance:
    symbols: str | None = ""
    for rule in rules:
        if rule.symbols is None or symbols is None:
            symbols = None
        else:
            symbols += rule.symbols
    return Allowance(symbols, any(r.words for r in rules), "what the fixes there may change")


# --- after the edits --------------------------------------------------------------------------


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts


def _edited_lines(updated: str, chosen: list[Diagnostic]) -> dict[int, set[int]]:
    """For each fix (by id): the 1-based lines its edits touch in ``updated``."""
    edits = sorted(
        ((e, d) for d in chosen for e in d.fix.edits),  # type: ignore[union-attr]
        key=lambda item: (item[0].start, item[0].end),
    )
    starts = _line_starts(updated)
    out: dict[int, set[int]] = {}
    shift = 0
    for edit, diagnostic in edits:
        first = edit.start + shift
        last = first + len(edit.replacement)
        shift += len(edit.replacement) - (edit.end - edit.start)
        lines = out.setdefault(id(diagnostic), set())
        lines.update(range(bisect_right(starts, first), bisect_right(starts, last) + 1))
    return out


def _old_lines(text: str, chosen: list[Diagnostic]) -> dict[int, set[int]]:
    """For each fix (by id): the 1-based lines its edits touch in ``text``."""
    starts = _line_starts(text)
    out: dict[int, set[int]] = {}
    for diagnostic in chosen:
        lines = out.setdefault(id(diagnostic), set())
        for edit in diagnostic.fix.edits:  # type: ignore[union-attr]
            lines.update(
                range(bisect_right(starts, edit.start), bisect_right(starts, edit.end) + 1)
            )
    return out


def error_counts(diagnostics: list[Diagnostic]) -> Counter[str]:
    """How many error-severity findings of each code."""
    return Counter(d.code for d in diagnostics if d.severity is Severity.ERROR)


def _errors_by_line(diagnostics: list[Diagnostic]) -> dict[int, Counter[str]]:
    out: dict[int, Counter[str]] = {}
    for d in diagnostics:
        if d.severity is Severity.ERROR:
            for line in range(d.span.line, d.span.end_line + 1):
                out.setdefault(line, Counter())[d.code] += 1
    return out


def check_new_errors(
    text: str, before: list[Diagnostic], after: list[Diagnostic], chosen: list[Diagnostic]
) -> list[tuple[Diagnostic, str]]:
    """Fixes after which an error appears (or appears more often) on a line they touched."""
    new_errors = _errors_by_line(after)
    if not new_errors:
        return []
    old_errors = _errors_by_line(before)
    # An error that moved (the S006 of an empty tab becomes the S006 of a heading at the
    # wrong level once the heading is re-indented into the tab) is not new: only codes whose
    # count in the whole file grew are.
    grown_codes = error_counts(after) - error_counts(before)
    if not grown_codes:
        return []
    from qalint.fix import apply_edits

    updated = apply_edits(text, [e for d in chosen for e in d.fix.edits])  # type: ignore[union-attr]
    new_lines = _edited_lines(updated, chosen)
    old_lines = _old_lines(text, chosen)
    refused: list[tuple[Diagnostic, str]] = []
    for diagnostic in chosen:
        was: Counter[str] = Counter()
        for line in old_lines[id(diagnostic)]:
            was.update(old_errors.get(line, {}))
        now: Counter[str] = Counter()
        for line in new_lines[id(diagnostic)]:
            now.update(new_errors.get(line, {}))
        grown = sorted(
            code for code, count in now.items() if count > was.get(code, 0) and code in grown_codes
        )
        if grown:
            refused.append(
                (diagnostic, f"it would add a new {', '.join(grown)} error where it edits")
            )
    return refused


def check_questions(
    old: Document, new: Document, text: str, chosen: list[Diagnostic], config: Config
) -> list[tuple[Diagnostic, str]]:
    """Fixes after which a question block is lost or loses a required tab.

    The blocks before and after are compared as a whole (the documents are parsed anyway);
    when they got worse, the fixes that touched a block are withheld, each with the reason.
    """
    was = _question_shape(old, config)
    now = _question_shape(new, config)
    if now[0] >= was[0] and now[1] >= was[1]:
        return []
    why = (
        "it would lose a question block"
        if now[0] < was[0]
        else "a question block would lose a required tab"
    )
    lines: set[int] = set()
    for block in old.questions:
        lines.update(range(block.span.line, _last_line(block.node, block.span.end_line) + 1))
    old_lines = _old_lines(text, chosen)
    touching = [d for d in chosen if old_lines[id(d)] & lines]
    return [(d, why) for d in (touching or chosen)]


def _question_shape(document: Document, config: Config) -> tuple[int, int]:
    """(question blocks, blocks with every required tab) of a document."""
    required = [t.lower() for t in config.section("structure")["tabs"]]
    complete = 0
    for block in document.questions:
        titles = {t.title.lower() for t in block.tabs}
        if all(r in titles for r in required):
            complete += 1
    return len(document.questions), complete


def _last_line(node: Node, at_least: int) -> int:
    """The last source line of a block and everything in it."""
    last = at_least
    for inner in node.walk():
        if inner.lines:
            last = max(last, inner.lines[-1].lineno)
        if inner.marker is not None:
            last = max(last, inner.marker.lineno)
    return last
