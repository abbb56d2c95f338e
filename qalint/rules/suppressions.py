"""E020 and E021: the hygiene of inline suppression comments (``<!-- qalint: disable -->``).

E020 is an ordinary file rule: a directive naming a code, name or prefix that no rule has
suppresses nothing, most often because of a typo. E021 (off by default, like ruff's RUF100)
is made by the engine once every finding of the run is known, since only then is it clear
that a suppression suppressed nothing; ``unused_findings`` builds its diagnostics.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from qalint.diagnostics import Diagnostic, Severity, Span
from qalint.rules.registry import Rule, RuleContext, all_rules, declare, rule
from qalint.suppress import ALL, directive_items


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
""",
    bad="<!-- qalint: disable-next-line=W001 -->\nA line with no trailing spaces.",
    good="A line with no trailing spaces.",
    severity=Severity.INFO,
    default_enabled=False,
)

# A candidate, as a FileResult stores it: [line, column, end column, code, [[start, end]...]].
Candidate = list


def unused_candidates(
    lines: list[str], ranges: dict[tuple[int, str], list[list[int]]], rules: Iterable[Rule]
) -> list[Candidate]:
    """The directive items of a file that might be unused, with the lines each one covers.

    ``ranges`` maps ``(directive line, code or *)`` to the line ranges it switches off (only
    entries not already seen suppressing a finding); items naming no rule that runs, unknown
    items (E020's business) and ``E021`` itself are left out.
    """
    codes = [r.code for r in rules]
    out: list[Candidate] = []
    for item in directive_items(lines):
        if item.verb == "enable" or not item.known or item.code == UNUSED.code:
            continue
        key = (item.line, item.code)
        if key not in ranges:
            continue
        if item.code != ALL and not any(c.startswith(item.code) for c in codes):
            continue
        out.append([item.line, item.column, item.end_column, item.code, ranges[key]])
    return out


def covers(candidate: Candidate, line: int, code: str) -> bool:
    """True when a candidate's directive item switches ``code`` off on ``line``."""
    named = candidate[3]
    if named != ALL and not code.startswith(named):
        return False
    return any(start <= line <= end for start, end in candidate[4])


def unused_findings(path: str, candidates: list[Candidate]) -> list[Diagnostic]:
    """E021 findings for the candidates that suppressed nothing."""
    out = []
    for line, column, end_column, code, _ranges in candidates:
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
            )
        )
    return out
