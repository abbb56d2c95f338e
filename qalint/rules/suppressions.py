"""E020 and E021: the hygiene of inline suppression comments (``<!-- qalint: disable -->``).

E020 is an ordinary file rule: a directive naming a code, name or prefix that no rule has
suppresses nothing, most often because of a typo. E021 (off by default, like ruff's RUF100)
is made by the engine once every finding of the run is known, since only then is it clear
that a suppression suppressed nothing; ``unused_findings`` builds its diagnostics, each
with a safe fix that rewrites its comment (``comment_fix``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence

from qalint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity, Span
from qalint.rules.registry import Rule, RuleContext, all_rules, declare, rule
from qalint.suppress import ALL, DIRECTIVE_RE, directive_items


@rule(
    "E020",
    "unknown-suppression-code",
    summary="A suppression comment names a code, rule name or prefix that no rule has.",
    explanation="""
A `<!-- qalint: disable=... -->`, `disable-next-line=...` or `enable=...` comment switches
rules off or on by code (`W001`), prefix (`W`) or rule name (`trailing-whitespace`). A name
that matches no rule does nothing, so the finding it was meant to silence is still reported,
or a typo hides that the comment is stale. Correct the code (`qalint rules` lists them), or
write `<!-- qalint: disable -->` with no codes to switch every rule off.
""",
    bad="<!-- qalint: disable-next-line=W0001 -->\nSome text.   ",
    good="<!-- qalint: disable-next-line=W001 -->\nSome text.   ",
    severity=Severity.WARNING,
)
def unknown_suppression_code(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag each directive item that names no rule."""
    doc = ctx.document
    if "qalint" not in doc.text:
        return
    names: list[str] | None = None
    for item in directive_items(doc.lines):
        if item.known:
            continue
        if names is None:
            names = [r.code for r in all_rules()] + [r.name for r in all_rules()]
        close = difflib.get_close_matches(item.raw, names, n=1, cutoff=0.6)
        if item.raw.upper() == "ALL":
            hint = "; write `<!-- qalint: disable -->` with no codes to switch every rule off"
        elif close:
            hint = f"; did you mean {close[0]}?"
        else:
            hint = "; `qalint rules` lists the codes"
        yield unknown_suppression_code(
            ctx,
            Span(item.line, item.column, item.line, item.end_column),
            f"'{item.raw}' in this qalint {item.verb} comment is no rule's code, name or "
            f"prefix, so it switches nothing{hint}",
        )


UNUSED: Rule = declare(
    "E021",
    "unused-suppression",
    summary="A suppression comment suppressed no finding (off by default; select E021).",
    explanation="""
A `disable` or `disable-next-line` comment that no longer silences anything is noise, and it
would silently hide a new problem later. Remove it, or the code in it that is not needed.
Off by default, like ruff's RUF100: turn it on with `--extend-select E021` (or
`extend-select = ["E021"]`). A code whose rule did not run (not selected, or an online rule
without `--check-urls`) is not reported, since the run cannot tell whether it is needed.

`qalint fix` removes the unused codes from the comment's list, and the whole comment (with
its line, when the line holds nothing else) once no code is left: a `disable-next-line=`
with an empty list would switch every rule off. A code of a rule that compares files
(S010, the project-wide link rules) gets no automatic fix, since the fixer looks at one file
at a time.
""",
    bad="<!-- qalint: disable-next-line=W001 -->\nA line with no trailing spaces.",
    good="A line with no trailing spaces.",
    severity=Severity.INFO,
    default_enabled=False,
    fixable=True,
)

# A candidate, as a FileResult stores it: [line, column, end column, code, [[start, end]...],
# [offset of its line, offset of the next line, the line's text]] (the last part, which the
# fix needs, is missing from results cached by older versions).
Candidate = list


def unused_candidates(
    lines: list[str],
    ranges: dict[tuple[int, str], list[list[int]]],
    rules: Iterable[Rule],
    line_starts: Sequence[int] = (),
) -> list[Candidate]:
    """The directive items of a file that might be unused, with the lines each one covers.

    ``ranges`` maps ``(directive line, code or *)`` to the line ranges it switches off (only
    entries not already seen suppressing a finding); items naming no rule that runs, unknown
    items (E020's business) and ``E021`` itself are left out. ``line_starts`` (the offsets of
    the document's lines, and of its end) lets each candidate carry what its fix needs.
    """
    rules = list(rules)
    codes = [r.code for r in rules]
    project = [r.code for r in rules if r.scope == "project"]
    out: list[Candidate] = []
    for item in directive_items(lines):
        if item.verb == "enable" or not item.known or item.code == UNUSED.code:
            continue
        key = (item.line, item.code)
        if key not in ranges:
            continue
        if item.code != ALL and not any(c.startswith(item.code) for c in codes):
            continue
        candidate = [item.line, item.column, item.end_column, item.code, ranges[key]]
        # A rule that compares files (S010) may need the item where one file alone does
        # not show it (``qalint fix`` and the editor lint one file): such an item gets no fix.
        if item.line <= len(line_starts) and not _may_cover(item.code, project):
            start, text = line_starts[item.line - 1], lines[item.line - 1]
            after = line_starts[item.line] if item.line < len(line_starts) else start + len(text)
            candidate.append([start, after, text])
        out.append(candidate)
    return out


def _may_cover(code: str, project: list[str]) -> bool:
    """True when the directive item ``code`` (or ``*``) switches off one of ``project``."""
    return any(code == ALL or c.startswith(code) for c in project)


def covers(candidate: Candidate, line: int, code: str) -> bool:
    """True when a candidate's directive item switches ``code`` off on ``line``."""
    named = candidate[3]
    if named != ALL and not code.startswith(named):
        return False
    return any(start <= line <= end for start, end in candidate[4])


def unused_findings(path: str, candidates: list[Candidate]) -> list[Diagnostic]:
    """E021 findings for the candidates that suppressed nothing, each with the fix of its
    comment (the same edit for every unused code of one comment: it removes them all)."""
    fixes = _comment_fixes(candidates)
    out = []
    for candidate in candidates:
        line, column, end_column, code = candidate[:4]
        what = "every rule" if code == ALL else code
        out.append(
            Diagnostic(
                path,
                Span(line, column, line, end_column),
                UNUSED.code,
                UNUSED.name,
                UNUSED.severity,
                f"this qalint suppression of {what} suppressed no finding; remove "
                + ("the comment" if code == ALL else f"{code} from it"),
                fixes.get((line, column)),
            )
        )
    return out


def _comment_fixes(candidates: list[Candidate]) -> dict[tuple[int, int], Fix]:
    """The fix of each candidate, keyed by its (line, column), worked out comment by
    comment (whether a code may go alone depends on what else its comment holds)."""
    comments: dict[tuple[int, int], list[Candidate]] = {}
    matches: dict[tuple[int, int], re.Match[str]] = {}
    for candidate in candidates:
        if len(candidate) < 6:  # a result cached by an older version: no fix
            continue
        line, column, text = candidate[0], candidate[1], candidate[5][2]
        for m in DIRECTIVE_RE.finditer(text):
            if m.start() <= column - 1 < m.end():
                comments.setdefault((line, m.start()), []).append(candidate)
                matches[(line, m.start())] = m
                break
    out: dict[tuple[int, int], Fix] = {}
    for (line, _), group in comments.items():
        start, after, text = group[0][5]
        directive = matches[(line, _)]
        fixes = comment_fixes(text, directive, {c[1] - 1 for c in group}, start, after)
        out.update(((line, column + 1), fix) for column, fix in fixes.items())
    return out


ITEM_RE = re.compile(r"[^,\s]+")


def comment_fixes(
    text: str, directive: re.Match[str], unused: set[int], start: int, after: int
) -> dict[int, Fix]:
    """The fix of each unused item of ``directive``, keyed by the item's 0-based column in
    ``text`` (the directive's line; ``start`` and ``after`` are the offsets of that line and
    of the next one). ``unused`` holds the columns of the unused items (a bare ``disable``'s
    is the comment's own).

    While some code is kept, each fix takes out its own code and one comma, so the fixes
    apply together or alone and the list is never emptied; a ``disable-next-line=`` with an
    empty list would switch every rule off. When no code is left, every fix is the same
    edit: the whole comment goes, with its line when the line holds nothing else.
    """
    codes = directive.group("codes") or ""
    base = directive.start("codes") if directive.group("codes") is not None else 0
    items = [(base + m.start(), base + m.end(), m.group()) for m in ITEM_RE.finditer(codes)]
    keep = [column not in unused for column, _, _ in items]
    if not any(keep):
        fix = Fix(
            (_drop_comment(text, directive, start, after),),
            Applicability.SAFE,
            "remove the unused suppression comment",
        )
        return {column: fix for column in unused}
    out: dict[int, Fix] = {}
    for index, (column, end, raw) in enumerate(items):
        if keep[index]:
            continue
        if any(keep[index + 1 :]):  # a kept code follows: take this one up to the next
            edit = Edit(start + column, start + items[index + 1][0], "")
        else:  # the codes after it go too: take it from the end of the one before
            edit = Edit(start + items[index - 1][1], start + end, "")
        out[column] = Fix((edit,), Applicability.SAFE, f"remove {raw} from the comment")
    return out


def _drop_comment(text: str, directive: re.Match[str], start: int, after: int) -> Edit:
    """The edit that removes a comment: its whole line when the line holds nothing else,
    else the comment and the white space on one side of it (the side that leaves no
    trailing white space behind)."""
    before, rest = text[: directive.start()], text[directive.end() :]
    if not before.strip() and not rest.strip():
        return Edit(start, after, "")
    if not rest.strip():  # at the end of the line: take the white space before it too
        return Edit(start + len(before.rstrip()), start + len(text), "")
    end = directive.end() + len(rest) - len(rest.lstrip())
    return Edit(start + directive.start(), start + end, "")
