"""M rules: every formula renders (MathJax or KaTeX), plus math style findings.

Each formula of the page, and of Markdown hidden in HTML comments, is validated once per
document by ``qalint.latex.validate`` (kept in ``ctx.state``, and a formula written again
with the same macros is not validated again); each rule reports the findings of its kind.
Positions inside the TeX map back to the file through the span's ``TextRun``, so they are
exact inside multi-line blocks and indented tab bodies too.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from itertools import pairwise

from qalint.config import Option, register_section
from qalint.diagnostics import Diagnostic, Edit, Fix, Severity, Span
from qalint.document import Document, MathSpan, Prose
from qalint.latex import Finding, Kind, collect_definitions, validate
from qalint.links.online import masked_prose
from qalint.markdown import arithmatex
from qalint.rules._memo import once, section
from qalint.rules.registry import Rule, RuleContext, rule
from qalint.site.model import MarkdownFlags


def _validate_macros(value: object) -> str | None:
    assert isinstance(value, dict)
    for name, expansion in value.items():
        if not re.fullmatch(r"\\?[a-zA-Z]+", name):
            return f'macro name {name!r} must be letters, e.g. "R" or "\\\\R"'
        if isinstance(expansion, bool) or not isinstance(expansion, str | int | list):
            return f"macro {name!r}: give its expansion (a string) or its argument count"
        if isinstance(expansion, int) and not 0 <= expansion <= 9:
            return f"macro {name!r}: argument count must be 0 to 9"
    return None


register_section(
    "math",
    {
        "renderer": Option(
            "enum",
            "mathjax",
            "The renderer the site uses: mathjax, katex or none. When not set, the page's "
            "site model decides (mkdocs.yml's extra_javascript; mathjax without mkdocs.yml).",
            choices=("mathjax", "katex", "none"),
        ),
        "macros": Option(
            "dict",
            {},
            "Macros the site defines: name -> expansion or argument "
            'count (e.g. R = "\\\\mathbb{R}", norm = 1).',
            validate=_validate_macros,
        ),
    },
)

ARG_RE = re.compile(r"#(\d)")
TEX_MARKER_RE = re.compile(r"\\[a-zA-Z]+|[_^{]")


def _config_macros(ctx: RuleContext) -> dict[str, int]:
    out: dict[str, int] = {}
    for name, expansion in section(ctx, "math")["macros"].items():
        key = name.lstrip("\\")
        if isinstance(expansion, int):
            out[key] = expansion
        elif isinstance(expansion, list):  # MathJax style: [expansion, count, default?]
            count = int(expansion[1]) if len(expansion) > 1 else 0
            out[key] = max(count - (len(expansion) > 2), 0)  # a default makes #1 optional
        else:
            out[key] = max((int(d) for d in ARG_RE.findall(expansion)), default=0)
    return out


def _findings(ctx: RuleContext, kind: Kind) -> list[tuple[MathSpan, Finding]]:
    """The findings of one kind in every formula of the document, in document order."""
    found = once(ctx, "math.findings", ctx.document, lambda doc: _validate_all(ctx, doc))
    return found.get(kind, [])


def renderer_of(ctx: RuleContext, doc: Document) -> tuple[str, bool]:
    """``(renderer, explicit)``: ``math.renderer`` when the configuration sets it, else the
    page's site model (``doc.site.math``: mathjax, katex or none)."""
    explicit = ctx.config.sections.get("math", {}).get("renderer")
    if explicit is not None:
        return str(explicit), True
    return doc.site.math, False


def _validate_all(ctx: RuleContext, doc: Document) -> dict[Kind, list[tuple[MathSpan, Finding]]]:
    """Every finding of every formula of the page and of Markdown hidden in its comments.

    With no math renderer on the site, formulas are shown as their TeX source and nothing can
    fail to render: there are no findings.
    """
    renderer, _ = renderer_of(ctx, doc)
    if renderer == "none":
        return {}
    spans = list(doc.all_math(include_hidden=True))
    macros = _config_macros(ctx)
    macros.update(collect_definitions(ms.tex for ms in spans))
    known = frozenset(macros.items())
    found: dict[Kind, list[tuple[MathSpan, Finding]]] = {}
    for ms in spans:
        for finding in _validated(ms.tex, renderer, ms.display, known):
            found.setdefault(finding.kind, []).append((ms, finding))
    return found


_MEMO_MAX_TEX = 2000  # longer formulas are rare; keeping them would only hold memory


def _validated(
    tex: str, renderer: str, display: bool, macros: frozenset[tuple[str, int]]
) -> tuple[Finding, ...]:
    """``validate`` of one formula; a formula written again (``$p$``) is validated once."""
    if len(tex) > _MEMO_MAX_TEX:
        return tuple(validate(tex, renderer, display, dict(macros)))
    return _validated_short(tex, renderer, display, macros)


@lru_cache(maxsize=8192)
def _validated_short(
    tex: str, renderer: str, display: bool, macros: frozenset[tuple[str, int]]
) -> tuple[Finding, ...]:
    return tuple(validate(tex, renderer, display, dict(macros)))


def _position(ms: MathSpan, offset: int) -> str:
    line, column = ms.run.position(ms.tex_start + offset)
    return f"{line}:{column}"


def _message(ms: MathSpan, finding: Finding) -> str:
    message = finding.message
    if finding.related >= 0:
        message = message.replace("{related}", _position(ms, finding.related))
    if ms.in_comment:
        message = "in a commented-out formula (it breaks once uncommented): " + message
    return message


def _span(ms: MathSpan, start: int, end: int) -> Span:
    return ms.run.span(ms.tex_start + start, ms.tex_start + end)


def _report(ctx: RuleContext, this: Rule, kind: Kind) -> Iterator[Diagnostic]:
    browser = not ctx.document.site.flags.arithmatex
    for ms, finding in _findings(ctx, kind):
        found = this(ctx, _span(ms, finding.start, finding.end), _message(ms, finding))
        if browser and ms.delimiter == "$" and found.severity is Severity.ERROR:
            # Without arithmatex a script finds the math, and neither KaTeX's auto-render nor
            # MathJax reads $...$ by default: only the site's script settings (unseen) decide.
            found = replace(
                found,
                severity=Severity.WARNING,
                message="if the site's math script renders $...$ (not its default): "
                + found.message,
            )
        yield found


def _kind_rule(code: str, name: str, kind: Kind, **metadata) -> Rule:
    def check(ctx: RuleContext) -> Iterator[Diagnostic]:
        return _report(ctx, registered, kind)

    check.__doc__ = metadata["summary"]
    registered = rule(code, name, config_keys=("math.renderer", "math.macros"), **metadata)(check)
    return registered


UNDEFINED = _kind_rule(
    "M001",
    "undefined-control-sequence",
    Kind.UNDEFINED,
    summary="A formula uses a control sequence the renderer does not define.",
    explanation="MathJax and KaTeX each know a fixed set of commands (generated from the "
    "renderers themselves, see `math.renderer`). A typo such as `\\farc` or a command only the "
    "other renderer has shows up as red source on the site. Macros from `math.macros` and "
    "from `\\newcommand`/`\\def` anywhere in the page are known.",
    bad="$\\farc{a}{b}$",
    good="$\\frac{a}{b}$",
)
BRACES = _kind_rule(
    "M002",
    "unbalanced-braces",
    Kind.BRACES,
    summary="A { has no matching }, or a } has no matching {.",
    explanation="Every group opened with `{` must be closed with `}` inside the same formula; "
    "the message names where the unclosed `{` was opened.",
    bad="$\\frac{a}{b$",
    good="$\\frac{a}{b}$",
)
LEFT_RIGHT = _kind_rule(
    "M003",
    "left-right-mismatch",
    Kind.LEFT_RIGHT,
    summary="\\left, \\middle and \\right are not paired, or lack a valid delimiter.",
    explanation="`\\left` needs a `\\right` in the same group (use `\\right.` for an invisible "
    "one), `\\middle` is allowed only between them, and each takes a delimiter such as `(`, "
    "`[`, `\\{`, `|` or `.`.",
    bad="$\\left( \\frac{a}{b}$",
    good="$\\left( \\frac{a}{b} \\right)$",
)
ENVIRONMENT = _kind_rule(
    "M004",
    "environment-error",
    Kind.ENVIRONMENT,
    summary="\\begin/\\end do not match, or the environment is unknown or not allowed here.",
    explanation="Environments must be closed by `\\end` with the same name, and must be known "
    "to the renderer. KaTeX allows `align`, `equation`, `gather` and `split` only in display "
    "math; inline, use `aligned` or `gathered`. MathJax refuses a numbered environment such as "
    "`align` directly inside another. `\\tag`: one per equation (per row of `align`), only in "
    "display math with KaTeX, and not inside `aligned` or `split` with MathJax.",
    bad="$$\n\\begin{aligned} a &= b \\end{align}\n$$",
    good="$$\n\\begin{aligned} a &= b \\end{aligned}\n$$",
)
ALIGNMENT = _kind_rule(
    "M005",
    "misplaced-alignment",
    Kind.ALIGNMENT,
    summary="& or \\hline is used outside an environment that has columns.",
    explanation="`&` separates columns only directly inside `aligned`, `matrix`, `cases`, "
    "`array` and similar environments (not inside a `{...}` group there, and not in "
    "`equation`).",
    bad="$a & b$",
    good="$\\begin{aligned} a &= b \\end{aligned}$",
)
ARGUMENT = _kind_rule(
    "M006",
    "missing-argument",
    Kind.ARGUMENT,
    summary="A command, ^ or _ lacks an argument it needs.",
    explanation="`\\frac` needs two arguments, `\\sqrt` one, `^` and `_` one; an argument that "
    "is missing makes the whole formula fail. Also reported: `\\limits` not after an operator, "
    "a command the renderer refuses as a script without braces (`x_\\tanh`), a command with "
    "arguments as the unbraced argument of another (`\\hat\\vec{x}`), and two `\\over` in one "
    "group.",
    bad="$\\frac{a}$",
    good="$\\frac{a}{b}$",
)
DOUBLE_SCRIPT = _kind_rule(
    "M007",
    "double-script",
    Kind.DOUBLE_SCRIPT,
    summary="Two superscripts or two subscripts on the same base.",
    explanation="`x^a^b` and `x_a_b` are errors in TeX (and `x^a'` too: the prime is a "
    "superscript). Group them: `x^{a^b}` or `{x^a}^b`.",
    bad="$x^2^3$",
    good="$x^{2^3}$",
)
EMPTY = _kind_rule(
    "M009",
    "empty-formula",
    Kind.EMPTY,
    summary="A formula has nothing in it.",
    explanation="`\\( \\)` or a `$$` block with nothing inside renders nothing; remove it or "
    "write the math.",
    bad="\\( \\)",
    good="\\( x \\)",
)
CHARACTER = _kind_rule(
    "M010",
    "refused-character",
    Kind.CHARACTER,
    summary="A character the renderer refuses in math (#, control characters; $ in KaTeX).",
    explanation="`#` marks macro parameters and cannot appear in math; write `\\#`. KaTeX "
    "also refuses `$` inside math, and `^`, `_`, `&`, `#` inside `\\text{}`. A `$` that "
    "opens math inside `\\text{}` must be closed there.",
    bad="$a # b$",
    good="$a \\# b$",
)
DEFINITION = _kind_rule(
    "M011",
    "invalid-macro-definition",
    Kind.DEFINITION,
    summary="\\newcommand or \\def is malformed, or redefines a command (KaTeX).",
    explanation="`\\newcommand` needs the name of the new command; KaTeX refuses to "
    "`\\newcommand` a name it already defines (such as `\\R`): use `\\renewcommand`.",
    bad="$\\newcommand{\\R}{\\mathbb{R}}$  (with math.renderer = katex)",
    good="$\\renewcommand{\\R}{\\mathbb{R}}$",
)
ITALIC_WORD = _kind_rule(
    "M102",
    "italic-word",
    Kind.ITALIC_WORD,
    summary="A word is written in math italics, as a product of single letters.",
    explanation="In math, `mean` is the product m·e·a·n with italic spacing. Write operators "
    "TeX knows as commands (`\\log`, `\\max`), other names with `\\operatorname{}` and labels "
    "with `\\text{}`.",
    bad="$mean(x) + Std(x)$",
    good="$\\operatorname{mean}(x) + \\operatorname{Std}(x)$",
    severity=Severity.WARNING,
)
STAR = _kind_rule(
    "M103",
    "star-multiplication",
    Kind.STAR,
    summary="* is used for multiplication.",
    explanation="In math `*` renders as a raised asterisk. Write `\\cdot` or `\\times` for "
    "multiplication; `x^*` (an optimum) and `\\ast` are fine.",
    bad="$2 * x$",
    good="$2 \\cdot x$",
    severity=Severity.INFO,
)

TOO_DEEP = _kind_rule(
    "M030",
    "formula-too-deep",
    Kind.TOO_DEEP,
    summary="A formula is nested deeper than qalint follows (a note, not an error).",
    explanation="The formula checker follows groups, fractions and scripts 200 levels deep; "
    "past that it stops checking the formula (a valid formula is not an error for it). "
    "Such nesting is almost always generated; flatten it or check it on the site.",
    bad="${{{{ ... x ... }}}}$  (201 levels of braces)",
    good="$x$",
    severity=Severity.INFO,
)


@rule(
    "M101",
    "empty-script",
    summary="An empty superscript or subscript (^{} or _{}).",
    explanation="`x^{}` renders nothing but is usually a leftover (the seed writes "
    "`\\sum_{i}^{}`); remove it. The fix deletes it, and leaves a space where a letter "
    "or digit stands on both sides (`\\alpha^{}b` becomes `\\alpha b`, not `\\alphab`). "
    "A group that is not closed (`R^{D`) is not empty: M002 reports it; in a formula whose "
    "braces do not balance the fix is not offered.",
    bad="$-\\sum_{i}^{} p_i \\log p_i$",
    good="$-\\sum_{i} p_i \\log p_i$",
    severity=Severity.INFO,
    fixable=True,
    config_keys=("math.renderer", "math.macros"),
)
def empty_script(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Report ``^{}``/``_{}`` with a safe fix that removes them."""
    source = ctx.document.source
    # In a formula whose braces do not balance, which } closes which { is a guess: a "{}"
    # there may be the end of a longer group ($a^{b_{}$), so it is reported but not removed.
    unbalanced = {id(ms) for ms, _ in _findings(ctx, Kind.BRACES)}
    for ms, finding in _findings(ctx, Kind.EMPTY_SCRIPT):
        span = _span(ms, finding.start, finding.end)
        fix = None
        if not ms.in_comment and span.line == span.end_line and id(ms) not in unbalanced:
            start = source.offset(span.line, span.column)
            end = source.offset(span.end_line, span.end_column)
            # \alpha^{}b: a letter or digit on both sides keeps a space, or the two would
            # run together (\alphab, an undefined command)
            text = ctx.document.text
            glue = start > 0 and end < len(text) and text[start - 1].isalnum()
            keep = " " if glue and text[end].isalnum() else ""
            fix = Fix((Edit(start, end, keep),), description="remove the empty script")
        yield empty_script(ctx, span, _message(ms, finding), fix)


@rule(
    "M008",
    "unclosed-math",
    summary="A $, $$, \\(, \\[ or \\begin in prose that does not make a formula on the site.",
    explanation="arithmatex renders `$...$` only when no space follows the opening `$` and "
    "none precedes the closing one; a `$` without a partner stays literal text, and "
    "`$$...$$` inside a sentence leaves stray `$` signs around the math. `\\[...\\]`, "
    "`$$...$$` and `\\begin{env}...\\end{env}` are display math only as a paragraph of "
    "their own, closed before the blank line that ends it. Reported only when TeX follows (a "
    "command, `^`, `_` or `{`), so prices like $5 and escaped brackets like `\\[1\\]` are "
    "left alone.",
    bad="the loss is $ \\sum_i x_i $ here",
    good="the loss is $\\sum_i x_i$ here",
)
def unclosed_math(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Report dollar signs, ``\\(``, ``\\[`` and ``\\begin`` that arithmatex leaves as text.

    Only the delimiters the site's arithmatex options turn on are reported; without arithmatex
    nothing is (a ``$`` is text, or a browser script's business).
    """
    flags = ctx.document.site.flags
    if not flags.arithmatex:
        return
    for prose in ctx.document.all_prose(include_hidden=True):
        text = prose.run.text
        if not _MATH_OPENER_RE.search(text) or arithmatex.find_block_math(text, flags):
            continue
        for start, end, message in _unclosed(text, prose):
            if not _site_delimiter(flags, text, start):
                continue
            if prose.in_comment:
                message = "in commented-out text: " + message
            yield unclosed_math(ctx, prose.run.span(start, end), message)


def _site_delimiter(flags: MarkdownFlags, text: str, start: int) -> bool:
    """Whether the opener at ``start`` is one the site's arithmatex options turn on."""
    if text.startswith("$", start):
        return "dollar" in flags.inline_syntax
    if text.startswith("\\(", start):
        return "round" in flags.inline_syntax
    if text.startswith("\\[", start):
        return "square" in flags.block_syntax
    if text.startswith("\\begin", start):
        return "begin" in flags.block_syntax
    return True


_MATH_OPENER_RE = re.compile(r"\$|\\[(\[]|\\begin\{")
_OPENER_RE = re.compile(r"(\\*)(\$|\\\()")
_RAW_OPENER_RE = re.compile(r"\$|\\\(")
_FIRST_WORD_RE = re.compile(r"\S*")
COMMAND_RE = re.compile(r"\\[a-zA-Z]+")


def _looks_like_tex(text: str, start: int, end: int = -1) -> bool:
    """True when ``text[start:end]`` (right after an opener) is TeX: its first word has a
    command, ^, _ or {, or a command follows later (so "$5, see file_name" is a price, not a
    formula). Only the first word and 120 characters are read (no slice of the rest)."""
    end = len(text) if end < 0 else end
    first = _FIRST_WORD_RE.match(text, start, end)
    if first and TEX_MARKER_RE.search(text, start, first.end()):
        return True
    return COMMAND_RE.search(text, start, min(end, start + 120)) is not None


def _all_covered(text: str, ranges: list[tuple[int, int]]) -> bool:
    """True when every ``$`` and ``\\(`` of ``text`` starts inside one of ``ranges``."""
    ordered = sorted(ranges)
    index, reach = 0, -1  # reach: the furthest end of the ranges starting at or before here
    for m in _RAW_OPENER_RE.finditer(text):
        while index < len(ordered) and ordered[index][0] <= m.start():
            reach = max(reach, ordered[index][1])
            index += 1
        if m.start() >= reach:
            return False
    return True


def _unclosed(text: str, prose: Prose) -> Iterator[tuple[int, int, str]]:
    """Openers arithmatex leaves as text in ``text`` (the prose's text, not a display block).

    The prose already holds the inline math arithmatex finds once code spans and comments
    are stashed; with those three masked, every ``$`` or ``\\(`` left unescaped is an opener.
    """
    maths = sorted(prose.math_spans)
    display = "\\[" in text or "\\begin{" in text
    if not display and _all_covered(text, [*prose.code_spans, *prose.comment_spans, *maths]):
        return  # every $ and \( is inside math, code or a comment: nothing is left as text
    masked = masked_prose(prose)
    yield from _display_openers(masked)
    dollar_edges = {start - 1 for start, _ in maths if text[start] == "$"}
    dollar_edges |= {end for start, end in maths if text[start] == "$"}
    openers = [
        (m.start(2), m.group(2)) for m in _OPENER_RE.finditer(masked) if len(m.group(1)) % 2 == 0
    ]
    if not openers:
        return
    dollars = [o for o, kind in openers if kind == "$"]
    used: set[int] = set()
    next_dollar = 0  # index into dollars of the first one after the current opener

    def later_dollars() -> Iterator[int]:
        """The unused dollars after the current opener, in order (read lazily)."""
        start = next_dollar
        return (dollars[i] for i in range(start, len(dollars)) if dollars[i] not in used)

    for offset, opener in openers:
        if opener == "$":
            next_dollar = bisect_right(dollars, offset, next_dollar)
        if offset in used:
            continue
        if opener == "$" and offset in dollar_edges:
            used.add(offset)
            yield (
                offset,
                offset + 1,
                "stray $ next to a formula: $$...$$ inside a sentence "
                "renders as $ + math + $; use $...$ inline, or put $$...$$ in its own "
                "paragraph",
            )
            continue
        if opener == "\\(":
            if _looks_like_tex(masked, offset + 2):
                used.add(offset)
                yield (
                    offset,
                    offset + 2,
                    "\\( has no closing \\) in this paragraph, so the "
                    "formula is shown as text: add \\)",
                )
            continue
        later = later_dollars()
        partner = next(later, None)
        if partner is not None and partner == offset + 1:
            used.add(offset + 1)
            found = _double_dollar(text, masked, offset, later)
            if found:
                used.update(found[0])
                yield found[1]
            continue
        if partner is not None:
            if not TEX_MARKER_RE.search(text, offset + 1, partner):
                continue
            inner = text[offset + 1 : partner]
            if inner[:1].isspace() or inner[-1:].isspace():
                used.update({offset, partner})
                yield (
                    offset,
                    partner + 1,
                    "not rendered as math: arithmatex needs no space "
                    "right after the opening $ and right before the closing $; write "
                    f"${inner.strip()}$",
                )
            elif _holds_math(maths, offset, partner):
                used.update({offset, partner})
                yield (
                    offset,
                    offset + 1,
                    "a $...$ formula cannot hold another $...$ (as in \\text{if $x$}): "
                    "arithmatex renders only the inner one and shows the rest as text; "
                    "close the formula before the text, or use a $$ block",
                )
            continue
        end = text.find("$", offset + 1)
        if _looks_like_tex(masked, offset + 1, end):
            used.add(offset)
            yield (
                offset,
                offset + 1,
                "unclosed $: the formula that starts here has no "
                "closing $ in this paragraph, so it is shown as text; add the closing $ "
                "(or write \\$ for a dollar sign)",
            )


def _holds_math(maths: list[tuple[int, int]], offset: int, partner: int) -> bool:
    """True when a formula lies wholly between the ``$`` at ``offset`` and its ``partner``
    (``maths`` sorted, not overlapping: only the first one after ``offset`` can)."""
    index = bisect_right(maths, offset, key=lambda span: span[0])
    return index < len(maths) and maths[index][1] <= partner


def _double_dollar(
    text: str, masked: str, offset: int, later: Iterator[int]
) -> tuple[set[int], tuple[int, int, str]] | None:
    """A ``$$`` at ``offset`` that arithmatex leaves as text; ``later``: the next lone ``$``s."""
    for first, second in pairwise(later):
        if second == first + 1:
            if not TEX_MARKER_RE.search(text, offset + 2, first):
                return None
            inner = text[offset + 2 : first]
            return {offset, offset + 1, first, second}, (
                offset,
                second + 1,
                "$$...$$ is shown as text here: display math must be a paragraph of its own "
                "(blank lines around it, no extra indentation); or write "
                f"${inner.strip()}$ inline",
            )
    if not _looks_like_tex(masked, offset + 2):
        return None
    return {offset, offset + 1}, (
        offset,
        offset + 2,
        "unclosed $$: no closing $$ before this paragraph ends (a blank line ends it), so "
        "the formula is shown as text; add the closing $$",
    )


def _display_openers(masked: str) -> Iterator[tuple[int, int, str]]:
    """``\\[`` and ``\\begin{env}`` inside a paragraph that is not a display block."""
    if "\\[" not in masked and "\\begin{" not in masked:
        return
    close = -2  # the first "\\]" at or after the current opener's end (-1: none is left)
    for offset, opener in arithmatex.display_openers(masked):
        if opener == "\\[":
            if -1 < close < offset + 2 or close == -2:
                close = masked.find("\\]", offset + 2)  # each "\\]" is found once
            inner_end = close if close >= 0 else len(masked)
            if not TEX_MARKER_RE.search(masked, offset + 2, min(inner_end, offset + 122)):
                continue
            if close < 0:
                yield (
                    offset,
                    offset + 2,
                    "unclosed \\[: no \\] before this paragraph ends (a blank line ends "
                    "it), so the formula is shown as text; add \\]",
                )
            else:
                yield (
                    offset,
                    offset + 2,
                    "\\[...\\] is shown as text here: display math must be a paragraph of "
                    "its own (nothing before \\[ or after \\], no extra indentation); use "
                    "\\(...\\) inside a sentence",
                )
        else:
            yield (
                offset,
                offset + len(opener),
                f"{opener} outside a formula is shown as text: arithmatex renders an "
                "environment only as a paragraph of its own (a lower-case name, closed by "
                "its \\end), or inside $$...$$",
            )


@rule(
    "M020",
    "math-no-renderer",
    summary="The page has formulas but its site loads no math renderer.",
    explanation="arithmatex only marks formulas up; MathJax or KaTeX, loaded through "
    "mkdocs.yml's `extra_javascript`, draws them. When the site model finds neither (see "
    "`qalint check --show-settings`), every formula shows as its TeX source, and the other "
    "M rules stay silent, since nothing can fail to render. Reported once per page, at its "
    "first formula; not reported when `math.renderer` is set in the qalint configuration "
    "(a theme that loads the script itself: set `math.renderer` to say which).",
    bad="# mkdocs.yml: markdown_extensions: [pymdownx.arithmatex], no extra_javascript\n"
    "The loss is $\\sum_i x_i$.",
    good="# mkdocs.yml adds extra_javascript: [javascripts/mathjax.js, "
    "https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js]\nThe loss is $\\sum_i x_i$.",
    severity=Severity.INFO,
    config_keys=("math.renderer",),
)
def math_no_renderer(ctx: RuleContext) -> Iterator[Diagnostic]:
    """One info per page with formulas when the site model says no renderer is loaded."""
    doc = ctx.document
    renderer, explicit = renderer_of(ctx, doc)
    if renderer != "none" or explicit or not doc.math:
        return
    where = doc.site.config_path.name if doc.site.config_path else "the site configuration"
    first = doc.math[0]
    yield math_no_renderer(
        ctx,
        first.span,
        f"{where} loads no math renderer (no MathJax or KaTeX in extra_javascript), so this "
        f"page's {len(doc.math)} formula(s) show as raw TeX; add MathJax or KaTeX to "
        "extra_javascript, or set math.renderer if the theme loads one",
    )


def math_spans(document: Document) -> list[MathSpan]:
    """All formulas of a document, hidden ones included (for tools and tests)."""
    return list(document.all_math(include_hidden=True))
