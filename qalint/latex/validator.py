"""Parse one TeX formula the way MathJax 3 or KaTeX does and report what it would refuse.

The parser is a small recursive descent over ``tokens.tokenize``: a math list runs until a
closer (``}``, ``\\right``, ``\\end``, ``]`` of an optional argument, or the end); commands
take their arguments by the spec in the renderer's table; scripts, primes, ``&`` and ``\\\\``
are checked where they occur. Style findings (empty scripts, italic words, ``*``) are made in
the same pass, since they depend on the same context (text arguments, upright fonts).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache

from qalint.latex.findings import Finding, Kind
from qalint.latex.tables import RENDERER_NAMES, Table, load_table, other_renderer
from qalint.latex.tokens import CHAR, COMMENT, LONE, SPACE, SYMBOL, WORD, Token, tokenize

# Environments whose rows have a single column (no &).
NO_AMP_ENVS = frozenset({"equation", "equation*", "multline", "multline*"})
# Environments that take a brace argument right after \begin{...}.
ENV_ARGS = {
    "array": "n",
    "darray": "n",
    "subarray": "n",
    "alignat": "n",
    "alignat*": "n",
    "alignedat": "n",
    "xalignat": "n",
    "xalignat*": "n",
    "xxalignat": "n",
}
# Arguments of these commands are set upright: a word there is not an italic word.
UPRIGHT = frozenset(
    {
        "mathrm",
        "mathbf",
        "mathsf",
        "mathtt",
        "operatorname",
        "operatornamewithlimits",
        "mathup",
        "textrm",
        "mbox",
        "mathop",
        "mathbb",
        "mathcal",
        "mathfrak",
        "mathscr",
        "boldsymbol",
        "bm",
        "pmb",
        "symrm",
        "symbf",
        "symup",
        "mathnormal",
        "mathit",
        "label",
        "tag",
    }
)
LIMITS_EXTRA = frozenset({"operatorname", "mathop", "operatornamewithlimits"})
DEFINERS = frozenset(
    {
        "newcommand",
        "renewcommand",
        "providecommand",
        "def",
        "gdef",
        "edef",
        "xdef",
        "DeclareMathOperator",
        "let",
    }
)
# Environments that are whole numbered equations: each row takes its own \tag, and MathJax
# refuses one nested directly inside another ("Erroneous nesting of equation structures").
EQUATION_ENVS = frozenset(
    {
        "equation",
        "equation*",
        "align",
        "align*",
        "alignat",
        "alignat*",
        "gather",
        "gather*",
        "multline",
        "multline*",
        "flalign",
        "flalign*",
        "eqnarray",
        "eqnarray*",
        "xalignat",
        "xalignat*",
        "xxalignat",
    }
)
# Environments in which MathJax refuses \tag ("\tag not allowed in aligned environment").
MATHJAX_NO_TAG_ENVS = frozenset(
    {"aligned", "gathered", "alignedat", "split", "flalign*", "xxalignat"}
)
# Math delimiters of arithmatex: inside a formula they are undefined control sequences.
MATH_DELIMITERS = frozenset("()[]")
# Infix fraction commands: one per group.
INFIX = frozenset({"over", "atop", "choose", "above", "brace", "brack"})
MAX_DEPTH = 200
_DEF_RE = re.compile(
    r"\\(?:(?:re|provide)?newcommand|DeclareMathOperator)\*?\s*\{?\s*\\([a-zA-Z]+|.)\s*\}?"
    r"(?:\s*\[(\d)\](\s*\[)?)?|\\[gex]?def\s*\\([a-zA-Z]+|.)((?:#\d)*)"
)


# Plain-TeX macros whose one argument is laid out in columns (& and \cr or \\), as MathJax
# defines them: $\pmatrix{0 & 1 \\ 1 & 0}$. KaTeX defines none of them (M001 there).
COLUMN_MACROS = frozenset({"matrix", "pmatrix", "cases", "eqalign", "eqalignno", "leqalignno"})


def collect_definitions(texts: Iterable[str]) -> dict[str, int]:
    """Macros defined by ``\\newcommand``/``\\def``/``\\DeclareMathOperator`` in ``texts``.

    Maps each name to its number of mandatory arguments (a ``\\newcommand`` with a default
    for its first argument, ``[2][x]``, has one mandatory argument).
    """
    found: dict[str, int] = {}
    for tex in texts:
        if "\\" not in tex:
            continue
        for m in _DEF_RE.finditer(tex):
            if m.group(1):
                found[m.group(1)] = max(int(m.group(2) or 0) - bool(m.group(3)), 0)
            elif m.group(4):
                found[m.group(4)] = len(m.group(5)) // 2
    return found


def validate(
    tex: str, renderer: str = "mathjax", display: bool = False, macros: dict[str, int] | None = None
) -> list[Finding]:
    """Findings for one formula (offsets into ``tex``), errors and style findings alike.

    ``macros`` maps user-defined command names (no backslash) to their argument counts.
    """
    if not tex.strip() or _only_comments(tex):
        return [
            Finding(
                Kind.EMPTY, "empty formula: write the math or remove the delimiters", 0, len(tex)
            )
        ]
    parser = _Parser(tex, load_table(renderer), display, macros or {})
    parser.run()
    return parser.findings


def _closest(name: str, names: Iterable[str]) -> str | None:
    """The known name closest to ``name`` (same length give or take two), if close enough."""
    size = len(name)
    pool = [n for n in names if abs(len(n) - size) <= 2 and n.isalpha()]
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.7)
    return close[0] if close else None


@lru_cache(maxsize=4096)
def _suggest(name: str, renderer: str) -> str | None:
    return _closest(name, load_table(renderer).specs)


def _only_comments(tex: str) -> bool:
    return "%" in tex and all(not line.split("%", 1)[0].strip() for line in tex.split("\n"))


class _Parser:
    """One formula's parse; ``findings`` holds the result after ``run``."""

    def __init__(self, tex: str, table: Table, display: bool, macros: dict[str, int]) -> None:
        self.tex = tex
        self.table = table
        self.katex = table.renderer == "katex"
        self.display = display
        # Argument specs of user macros ("mm": two arguments; "om": optional, then one).
        self.macros: dict[str, str] = {name: "m" * count for name, count in macros.items()}
        self.toks: list[Token] = tokenize(tex)
        self.n = len(self.toks)
        self.findings: list[Finding] = []
        self.open_braces = 0
        self.open_lefts = 0
        self.open_envs = 0
        self.envs: list[str] = []  # open environments, innermost last
        self.tags = [0]  # \tag count of the current row, per numbered equation
        self.bodies: list[tuple[int, int]] = []  # token ranges of macro definitions
        self.depth = 0
        self.aborted = False

    # -- reporting -------------------------------------------------------------------------

    def error(self, kind: Kind, message: str, start: int, end: int, related: int = -1) -> None:
        if not self.aborted:
            self.findings.append(Finding(kind, message, start, end, related))

    def _tok_end(self, i: int) -> int:
        return self.toks[i][3] if i < self.n else len(self.tex)

    # -- helpers ---------------------------------------------------------------------------

    def skip_space(self, i: int) -> int:
        toks, n = self.toks, self.n
        while i < n and toks[i][0] >= SPACE and toks[i][0] != LONE:
            i += 1
        return i

    def is_char(self, i: int, char: str) -> bool:
        return i < self.n and self.toks[i][0] == CHAR and self.toks[i][1] == char

    def known(self, name: str) -> bool:
        return name in self.macros or name in self.table.specs

    # -- main loop -------------------------------------------------------------------------

    def run(self) -> None:
        i = self.seq(0, None, amp=False, upright=False, in_left=False)
        while i < self.n:  # only reached after a stray closer at the top level
            i = self.seq(i, None, amp=False, upright=False, in_left=False)
        if self.bodies:
            self.check_bodies()

    def seq(self, i: int, closer: str | None, amp: bool, upright: bool, in_left: bool) -> int:
        """Parse a math list from token ``i`` until ``closer``; return the closer's index."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.depth -= 1
            start = self.toks[i][2] if i < self.n else len(self.tex)
            self.error(
                Kind.TOO_DEEP,
                f"formula nested more than {MAX_DEPTH} groups deep: qalint checked it only up "
                "to that depth (the renderer may still draw it; flatten it if it does not)",
                start,
                start + 1,
            )
            self.aborted = True  # the groups left open by the cut are not findings
            return self.n
        toks = self.toks  # self.n can grow: MathJax argument comments re-split tokens
        sup = sub = False
        word_start = -1  # token index where a run of adjacent letters starts
        prev_operand = False
        limits_ok = False
        infix = 0  # \over, \atop and friends seen in this group
        while i < self.n:
            kind, text, start, end = toks[i]
            if kind == CHAR:
                if text.isalpha() and text.isascii():
                    if (
                        word_start < 0
                        or toks[i - 1][3] != start
                        or toks[i - 1][0] != CHAR
                        or not toks[i - 1][1].isalpha()
                    ):
                        self.word_end(word_start, i, upright)
                        word_start = i
                    sup = sub = limits_ok = False
                    prev_operand = True
                    i += 1
                    continue
                if word_start >= 0:
                    self.word_end(word_start, i, upright)
                word_start = -1
                if text == "{":
                    i = self.group(i, upright=upright)
                    sup = sub = limits_ok = False
                    prev_operand = True
                    continue
                if text == "}":
                    if closer == "}" or self.open_braces:
                        self.depth -= 1
                        return i
                    self.error(
                        Kind.BRACES, "unmatched }: remove it or add the { it closes", start, end
                    )
                    i += 1
                    continue
                if text == "]" and closer == "]":
                    self.depth -= 1
                    return i
                if text == "^" or text == "_":
                    if text == "^" and sup:
                        self.error(
                            Kind.DOUBLE_SCRIPT,
                            "double superscript: put the scripts in "
                            "braces, e.g. x^{a^b} or {x^a}^b",
                            start,
                            end,
                        )
                    elif text == "_" and sub:
                        self.error(
                            Kind.DOUBLE_SCRIPT,
                            "double subscript: put the scripts in braces, e.g. x_{a_b} or {x_a}_b",
                            start,
                            end,
                        )
                    if text == "^":
                        sup = True
                    else:
                        sub = True
                    i = self.script_arg(i, upright)
                    prev_operand = True
                    continue
                if text == "'":
                    if sup:
                        self.error(
                            Kind.DOUBLE_SCRIPT,
                            "prime after a superscript makes a double "
                            "superscript: write x'^{a} or x^{a'}",
                            start,
                            end,
                        )
                        sup = False  # one finding for a run of primes
                    i += 1
                    continue
                if text == "&":
                    if not amp:
                        self.error(
                            Kind.ALIGNMENT,
                            "misplaced &: & separates columns only "
                            "directly inside an environment such as aligned or matrix",
                            start,
                            end,
                        )
                    sup = sub = prev_operand = False
                    i += 1
                    continue
                if text == "*":
                    self.star(i, prev_operand)
                    prev_operand = False
                    i += 1
                    continue
                if text in "#$" or text < " ":  # what refused_char can report
                    self.refused_char(text, start, end)
                sup = sub = limits_ok = False
                prev_operand = text.isalnum() or text in ")]|."
                i += 1
                continue
            if kind >= SPACE and kind != LONE:
                if word_start >= 0:
                    self.word_end(word_start, i, upright)
                    word_start = -1
                i += 1
                continue
            if word_start >= 0:
                self.word_end(word_start, i, upright)
            word_start = -1
            if kind == LONE:
                if not self.katex:  # MathJax ignores a trailing backslash
                    i += 1
                    continue
                self.error(
                    Kind.UNDEFINED,
                    "a lone \\ ends the formula: remove it or write \\backslash",
                    start,
                    end,
                )
                i += 1
                continue
            if kind == SYMBOL:
                if text == "\\":
                    if self.envs and self.envs[-1] in EQUATION_ENVS:
                        self.tags[-1] = 0  # a new row of a numbered equation
                    i = self.skip_bracket(i + 1)
                    sup = sub = prev_operand = False
                    continue
                sup = sub = limits_ok = False
                prev_operand = text in "{}|"
                if not self.known(text):
                    self.undefined(text, start, end)
                    i += 1
                elif self.macros.get(text) or self.table.specs.get(text):
                    i = self.command(i, amp, upright)  # an accent such as \^ (KaTeX)
                else:
                    i += 1
                continue
            # control word
            if text == "right":
                if closer == "right" or self.open_lefts:
                    self.depth -= 1
                    return i
                j = self.delimiter_after(i, "\\right")
                self.error(
                    Kind.LEFT_RIGHT,
                    f"{self.tex[start : self._tok_end(j - 1)]} has no "
                    "matching \\left: add a \\left before it or remove it",
                    start,
                    self._tok_end(j - 1),
                )
                i = j
                continue
            if text == "end":
                if closer == "end" or self.open_envs:
                    self.depth -= 1
                    return i
                name, j = self.env_name(i)
                self.error(
                    Kind.ENVIRONMENT,
                    f"\\end{{{name}}} has no matching \\begin{{{name}}}",
                    start,
                    self._tok_end(j - 1),
                )
                i = j
                continue
            if text == "limits" or text == "nolimits":
                if not limits_ok:
                    self.error(
                        Kind.ARGUMENT,
                        f"\\{text} must follow a large operator such as \\sum or \\lim",
                        start,
                        end,
                    )
                i += 1
                continue
            if text == "middle":
                j = self.delimiter_after(i, "\\middle")
                if not in_left:
                    self.error(
                        Kind.LEFT_RIGHT,
                        "\\middle is only allowed between \\left and \\right",
                        start,
                        self._tok_end(j - 1),
                    )
                i = j
                continue
            if text in INFIX:
                infix += 1
                if infix == 2:
                    self.error(
                        Kind.ARGUMENT,
                        f"a second infix fraction (\\{text}) in the same group: put each in "
                        "braces, e.g. {a \\over b}, or write \\frac",
                        start,
                        end,
                    )
                i += 1
                continue
            if text == "cr":
                if amp:  # a row end, as \\ (KaTeX knows \cr only here)
                    if self.envs and self.envs[-1] in EQUATION_ENVS:
                        self.tags[-1] = 0
                    sup = sub = prev_operand = False
                    i += 1
                    continue
                self.error(
                    Kind.ALIGNMENT,
                    "misplaced \\cr: it ends a row only inside an environment such as "
                    "aligned or matrix (write \\\\ there)",
                    start,
                    end,
                )
                i += 1
                continue
            if text == "hline" or text == "hdashline":
                if not amp:
                    self.error(
                        Kind.ALIGNMENT,
                        f"\\{text} is only allowed inside an array or matrix environment",
                        start,
                        end,
                    )
                i += 1
                continue
            if text == "tag":
                self.tag(i)
            limits_ok = text in self.table.limits or text in LIMITS_EXTRA or text in self.macros
            i = self.command(i, amp, upright)
            sup = sub = False
            prev_operand = True
        self.word_end(word_start, i, upright)
        self.depth -= 1
        return i

    def tag(self, i: int) -> None:
        """Check where the ``\\tag`` at ``i`` stands: display math, one per row, allowed here."""
        start, end = self.toks[i][2], self.toks[i][3]
        if self.katex and not self.display:
            self.error(
                Kind.ENVIRONMENT,
                "KaTeX allows \\tag only in display math: use $$...$$ or \\[...\\], or remove it",
                start,
                end,
            )
        elif not self.katex and self.envs and self.envs[-1] in MATHJAX_NO_TAG_ENVS:
            self.error(
                Kind.ENVIRONMENT,
                f"MathJax refuses \\tag inside {{{self.envs[-1]}}}: put it after "
                f"\\end{{{self.envs[-1]}}}, or use a numbered environment such as {{align}}",
                start,
                end,
            )
        self.tags[-1] += 1
        if self.tags[-1] == 2:
            self.error(
                Kind.ENVIRONMENT,
                "a second \\tag for the same equation: each equation (each row of align or "
                "gather) takes one \\tag",
                start,
                end,
            )

    def refused_char(self, text: str, start: int, end: int) -> bool:
        """Report a character the renderer refuses in math; True when it was one."""
        if text == "#":
            message = (
                "# cannot be used in math (it marks macro parameters): write \\# for the symbol"
            )
        elif text == "$" and self.katex:
            message = (
                "KaTeX refuses $ inside math: write \\$ for a dollar sign, "
                "or close the formula earlier"
            )
        elif ord(text) < 32 and text not in "\t\n\r":
            message = f"control character U+{ord(text):04X} in math: remove it"
        else:
            return False
        self.error(Kind.CHARACTER, message, start, end)
        return True

    # -- groups ----------------------------------------------------------------------------

    def group(self, i: int, upright: bool, amp: bool = False) -> int:
        """Parse ``{ ... }`` starting at token ``i`` (the ``{``); return the index after it."""
        start = self.toks[i][2]
        self.open_braces += 1
        j = self.seq(i + 1, "}", amp=amp, upright=upright, in_left=False)
        self.open_braces -= 1
        if self.is_char(j, "}"):
            return j + 1
        at = self.toks[j][2] if j < self.n else len(self.tex.rstrip()) or len(self.tex)
        self.error(
            Kind.BRACES,
            "missing } for the { opened at {related}" + self.comment_hint(i, j),
            max(at - 1, start),
            max(at, start + 1),
            related=start,
        )
        return j

    def raw_group(self, i: int, text_mode: bool = False) -> int:
        """Skip a balanced ``{ ... }`` whose content is not math; return the index after it."""
        toks, n = self.toks, self.n
        start = toks[i][2]
        depth = 0
        j = i
        math_shift = False
        math_start = -1
        while j < n:
            kind, text, s, e = toks[j]
            if kind == CHAR:
                if text == "{":
                    depth += 1
                elif text == "}":
                    depth -= 1
                    if depth == 0:
                        if math_shift:
                            self.error(
                                Kind.CHARACTER,
                                "unclosed $ inside the text: add the closing $ before the }",
                                math_start,
                                math_start + 1,
                            )
                        return j + 1
                elif text == "$" and text_mode:
                    math_shift = not math_shift
                    if math_shift:
                        math_start = s
                    else:
                        self.text_math(math_start + 1, s)
                elif text_mode and self.katex and not math_shift and text in "^_&#":
                    self.error(
                        Kind.CHARACTER,
                        f"KaTeX refuses {text} in text: write \\{text}"
                        if text != "^"
                        else "KaTeX refuses ^ in text: write \\^{}",
                        s,
                        e,
                    )
            elif kind == WORD and text_mode and not math_shift and self.katex:
                # MathJax shows control sequences in text as they are; KaTeX expands them.
                if not self.known(text):
                    self.undefined(text, s, e)
                elif text not in self.table.text_commands and text not in self.macros:
                    self.error(
                        Kind.UNDEFINED,
                        f"KaTeX does not know \\{text} in text: move it "
                        "out of the text, or wrap it in $...$",
                        s,
                        e,
                    )
            j += 1
        self.error(
            Kind.BRACES,
            "missing } for the { opened at {related}" + self.comment_hint(i, j),
            start,
            start + 1,
            related=start,
        )
        return j

    def comment_hint(self, first: int, stop: int) -> str:
        """A hint when a ``%`` comment between tokens ``first`` and ``stop`` hid a ``}``."""
        if any(t[0] == COMMENT and "}" in self.tex[t[2] : t[3]] for t in self.toks[first:stop]):
            return (
                " (a % starts a comment to the end of the line and hides it: "
                "write \\% for a percent sign)"
            )
        return ""

    def text_math(self, start: int, end: int) -> None:
        """Validate ``$...$`` inside a text argument (``tex[start:end]``) as inline math."""
        inner = _Parser(self.tex[start:end], self.table, False, {})
        inner.macros = self.macros
        inner.run()
        for finding in inner.findings:
            self.findings.append(
                Finding(
                    finding.kind,
                    finding.message,
                    finding.start + start,
                    finding.end + start,
                    finding.related + start if finding.related >= 0 else -1,
                )
            )

    def skip_bracket(self, i: int) -> int:
        """Skip an optional ``[...]`` right at token ``i`` (after ``\\\\``)."""
        if self.is_char(i, "["):
            j = i
            while j < self.n and not self.is_char(j, "]"):
                j += 1
            return min(j + 1, self.n)
        return i

    # -- commands --------------------------------------------------------------------------

    def undefined(self, name: str, start: int, end: int) -> None:
        message = f"undefined control sequence \\{name}"
        other = other_renderer(self.table.renderer)
        if name in MATH_DELIMITERS:
            message += (
                f": \\{name} delimits a formula and cannot appear inside one; remove it, "
                f"or write {name} for the bracket itself"
            )
        elif name in load_table(other).specs:
            message += (
                f": {RENDERER_NAMES[other]} knows it but {self.table.name} does not "
                f"(math.renderer is {self.table.renderer})"
            )
        else:
            close = _suggest(name, self.table.renderer) or _closest(name, self.macros)
            if close:
                message += f" (did you mean \\{close}?)"
            else:
                message += ": define it with \\newcommand or in math.macros, or fix its name"
        self.error(Kind.UNDEFINED, message, start, end)

    def command(self, i: int, amp: bool, upright: bool) -> int:
        """Parse the control word at ``i`` and its arguments; return the index after them."""
        _kind, name, start, end = self.toks[i]
        if name == "left":
            return self.left(i, upright)
        if name == "begin":
            return self.environment(i)
        if name in DEFINERS:
            return self.definition(i)
        if name == "verb":
            return self.verb(i)
        if name in self.macros:
            spec: str | None = self.macros[name]
        elif name in self.table.specs:
            spec = self.table.specs[name]
        else:
            self.undefined(name, start, end)
            return i + 1
        if not spec:
            return i + 1
        j = i + 1
        if self.katex and self.toks[i][0] == SYMBOL and j < self.n and self.toks[j][0] == SPACE:
            self.error(
                Kind.ARGUMENT,
                f"KaTeX takes no space after the accent \\{name}: write \\{name}{{a}}",
                start,
                self.toks[j][3],
            )
            return j
        arg_upright = upright or name in UPRIGHT
        for index, part in enumerate(spec):
            if part == "s":
                if self.is_char(j, "*"):
                    j += 1
                continue
            if part == "o":
                k = self.skip_space(j)
                if self.is_char(k, "["):
                    j = self.optional(k, name, start)
                continue
            k = self.skip_space(j)
            if part == "D":
                j = self.dimension(k)
                continue
            if part == "d":
                j = self.delimiter_after(i if index == 0 else j - 1, "\\" + name)
                continue
            if (
                k >= self.n
                or self.toks[k][0] in (SPACE, COMMENT)
                or (self.toks[k][0] == CHAR and self.toks[k][1] in "}&")
                or (self.toks[k][0] == WORD and self.toks[k][1] in ("right", "end"))
            ):
                needed = [p for p in spec if p in "mtn"]
                number = sum(p in "mtn" for p in spec[:index]) + 1
                where = self._tok_end(j - 1)
                self.error(
                    Kind.ARGUMENT,
                    f"\\{name} needs {len(needed)} argument"
                    f"{'s' if len(needed) > 1 else ''} in braces; argument {number} is "
                    "missing",
                    start,
                    max(end, where),
                )
                return k
            kind, text, s, _e = self.toks[k]
            if kind == CHAR and text == "{":
                if not self.katex:
                    self.split_argument_comment(k)
                if part == "m":
                    j = self.group(k, upright=arg_upright, amp=name in COLUMN_MACROS)
                else:
                    j = self.raw_group(k, text_mode=part == "t")
            elif kind == CHAR and text in "^_":
                self.error(
                    Kind.ARGUMENT,
                    f"\\{name} is followed by {text} instead of its "
                    "argument: put the argument in braces",
                    s,
                    s + 1,
                )
                j = k + 1
            elif kind == WORD and part == "m":
                self.bare_argument(name, k)
                j = self.command(k, amp, arg_upright)
            else:
                if kind == WORD and not self.known(text):
                    self.undefined(text, s, self.toks[k][3])
                elif kind == CHAR:
                    self.refused_char(text, s, self.toks[k][3])
                j = k + 1
        return j

    def bare_argument(self, name: str, k: int) -> None:
        """A command with arguments of its own cannot be the unbraced argument of ``name``."""
        text = self.toks[k][1]
        spec = self.macros[text] if text in self.macros else self.table.specs.get(text)
        if text not in ("left", "begin") and not (spec and any(p in "mtnd" for p in spec)):
            return
        if name == "sqrt" and text == "frac":  # both renderers special-case \sqrt\frac12
            return
        self.error(
            Kind.ARGUMENT,
            f"\\{text} takes arguments, so it cannot be the argument of \\{name} without "
            f"braces: write \\{name}{{\\{text}...}}",
            self.toks[k][2],
            self.toks[k][3],
        )

    def split_argument_comment(self, k: int) -> None:
        """MathJax finds the end of a braced argument by counting braces in the raw text.

        So a ``%`` inside an argument (``\\text{95% sure}``) does not hide its closing
        ``}``: when the comment token swallowed it, split the comment at that brace.
        """
        tex = self.tex
        if "%" not in tex:
            return
        depth = 0
        pos = self.toks[k][2]
        size = len(tex)
        while pos < size:
            char = tex[pos]
            if char == "\\":
                pos += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    break
            pos += 1
        else:
            return
        t = k
        while t < self.n and self.toks[t][3] <= pos:
            t += 1
        if t >= self.n or self.toks[t][0] != COMMENT:
            return
        comment_start, comment_end = self.toks[t][2], self.toks[t][3]
        pieces: list[Token] = [(COMMENT, "", comment_start, pos)] if pos > comment_start else []
        pieces.append((CHAR, "}", pos, pos + 1))
        pieces += [
            (kind, text, s + pos + 1, e + pos + 1)
            for kind, text, s, e in tokenize(tex[pos + 1 : comment_end])
        ]
        self.toks[t : t + 1] = pieces
        self.n = len(self.toks)

    def optional(self, k: int, name: str, start: int) -> int:
        """Parse ``[ ... ]`` at token ``k``; return the index after ``]``."""
        j = self.seq(k + 1, "]", amp=False, upright=False, in_left=False)
        if self.is_char(j, "]"):
            return j + 1
        self.error(
            Kind.ARGUMENT,
            f"missing ] for the optional argument of \\{name} opened at {{related}}",
            self.toks[k][2],
            self.toks[k][3],
            related=self.toks[k][2],
        )
        return j

    def dimension(self, k: int) -> int:
        if self.is_char(k, "{"):
            return self.raw_group(k)
        while (
            k < self.n
            and self.toks[k][0] == CHAR
            and (self.toks[k][1].isalnum() or self.toks[k][1] in ".-+,")
        ):
            k += 1
        return k

    def script_arg(self, i: int, upright: bool) -> int:
        """Parse the argument of the ``^``/``_`` at ``i``; return the index after it."""
        toks = self.toks
        _kind, char, start, end = toks[i]
        k = self.skip_space(i + 1)
        what = "superscript" if char == "^" else "subscript"
        if (
            k >= self.n
            or (toks[k][0] == CHAR and toks[k][1] in "}&^_'")
            or (toks[k][0] == WORD and toks[k][1] in ("right", "end"))
            or (toks[k][0] == SYMBOL and toks[k][1] == "\\")
            or toks[k][0] == LONE
        ):
            self.error(
                Kind.ARGUMENT,
                f"{char} has no {what}: write {char}{{...}} or remove the {char}",
                start,
                end,
            )
            return k if k < self.n and toks[k][1] not in "^_'" else min(k + 1, self.n)
        kind, text, s, e = toks[k]
        if kind == CHAR and text == "{":
            j = self.group(k, upright=upright)
            closed = j > k + 1 and toks[j - 1][0] == CHAR and toks[j - 1][1] == "}"
            if closed and all(t[0] in (SPACE, COMMENT) for t in toks[k + 1 : j - 1]):
                self.error(
                    Kind.EMPTY_SCRIPT,
                    f"empty {what} {char}{{}}: remove it",
                    start,
                    self._tok_end(j - 1),
                )
            return j
        if kind == CHAR:
            self.refused_char(text, s, e)
            return k + 1
        if kind == WORD:
            if text == "begin" or (text == "left" and self.katex):
                self.error(
                    Kind.ARGUMENT,
                    f"{self.table.name} refuses \\{text} right after {char}: "
                    f"put the {what} in braces",
                    s,
                    e,
                )
                return self.command(k, False, upright)
            if text in self.table.script_refused and text not in self.macros:
                self.error(
                    Kind.ARGUMENT,
                    f"{self.table.name} refuses \\{text} as a {what} without braces: "
                    f"write {char}{{\\{text}...}}",
                    s,
                    e,
                )
            return self.command(k, False, upright)
        if kind == SYMBOL and not self.known(text):
            self.undefined(text, s, e)
        return k + 1

    def star(self, i: int, prev_operand: bool) -> None:
        """A style finding for ``*`` between two operands (multiplication)."""
        k = self.skip_space(i + 1)
        if not prev_operand or k >= self.n:
            return
        kind, text, _s, _e = self.toks[k]
        nxt = (kind == CHAR and (text.isalnum() or text in "({")) or (
            kind == WORD and text not in ("right", "end")
        )
        if nxt:
            start, end = self.toks[i][2], self.toks[i][3]
            self.error(
                Kind.STAR,
                "* renders as an asterisk: write \\cdot or \\times for "
                "multiplication (\\ast for convolution)",
                start,
                end,
            )

    def word_end(self, first: int, stop: int, upright: bool) -> None:
        """A style finding when letters ``toks[first:stop]`` spell a word set in italics."""
        if first < 0 or upright or stop - first < 2:
            return
        word = self.tex[self.toks[first][2] : self.toks[stop - 1][3]]
        lower = word.lower()
        if lower not in self.table.words or (len(word) < 3 and lower != "ln"):
            return
        if lower in self.table.operators and lower in self.table.specs:
            advice = f"write \\{lower}"
        else:
            advice = f"write \\operatorname{{{word}}} or \\text{{{word}}}"
        self.error(
            Kind.ITALIC_WORD,
            f"'{word}' is set as the product of italic letters {' '.join(word)}: {advice}",
            self.toks[first][2],
            self.toks[stop - 1][3],
        )

    # -- delimiters ------------------------------------------------------------------------

    def delimiter_after(self, i: int, what: str) -> int:
        """Check the delimiter after the token at ``i``; return the index after it."""
        k = self.skip_space(i + 1)
        if k < self.n:
            kind, text, _s, _e = self.toks[k]
            delim = text if kind == CHAR else "\\" + text
            if delim in self.table.delimiters:
                return k + 1
        start = self.toks[i][2]
        found = self.tex[self.toks[k][2] : self.toks[k][3]] if k < self.n else "the end"
        self.error(
            Kind.LEFT_RIGHT,
            f"{what} must be followed by a delimiter such as ( [ \\{{ | or . (found {found!r})"
            if k < self.n
            else f"{what} must be followed by a delimiter such as ( [ \\{{ | or .",
            start,
            self._tok_end(i),
        )
        return (
            k + 1
            if k < self.n and self.toks[k][0] in (CHAR, SYMBOL) and self.toks[k][1] not in "{}"
            else k
        )

    def left(self, i: int, upright: bool) -> int:
        start = self.toks[i][2]
        j = self.delimiter_after(i, "\\left")
        label = self.tex[start : self._tok_end(j - 1)]
        self.open_lefts += 1
        k = self.seq(j, "right", amp=False, upright=upright, in_left=True)
        self.open_lefts -= 1
        if k < self.n and self.toks[k][0] == WORD and self.toks[k][1] == "right":
            return self.delimiter_after(k, "\\right")
        self.error(
            Kind.LEFT_RIGHT,
            f"{label} has no matching \\right: add \\right) (or "
            "\\right. for none) before the end of its group",
            start,
            self._tok_end(j - 1),
        )
        return k

    # -- environments ----------------------------------------------------------------------

    def env_name(self, i: int) -> tuple[str, int]:
        """The name in ``{...}`` after ``\\begin``/``\\end`` at ``i``, and the index after it."""
        k = self.skip_space(i + 1)
        if not self.is_char(k, "{"):
            return "", k
        j = k + 1
        while j < self.n and not self.is_char(j, "}"):
            j += 1
        name = self.tex[self.toks[k][3] : self.toks[j][2]] if j < self.n else ""
        return name.strip(), min(j + 1, self.n)

    def environment(self, i: int) -> int:
        start = self.toks[i][2]
        name, j = self.env_name(i)
        if not name:
            self.error(
                Kind.ARGUMENT,
                "\\begin needs an environment name in braces, e.g. \\begin{aligned}",
                start,
                self._tok_end(i),
            )
            return j
        head_end = self._tok_end(j - 1)
        envs = self.table.environments
        if name not in envs:
            other = other_renderer(self.table.renderer)
            if name in load_table(other).environments:
                hint = f": {RENDERER_NAMES[other]} knows it but {self.table.name} does not"
            else:
                close = difflib.get_close_matches(name, list(envs), n=1, cutoff=0.6)
                hint = f" (did you mean {{{close[0]}}}?)" if close else ""
            self.error(Kind.ENVIRONMENT, f"unknown environment {{{name}}}{hint}", start, head_end)
        elif self.katex and envs[name].get("display_only") and not self.display:
            self.error(
                Kind.ENVIRONMENT,
                f"KaTeX allows {{{name}}} only in display math: use "
                "$$...$$ or \\[...\\], or an inline form such as {aligned}",
                start,
                head_end,
            )
        if name in ENV_ARGS:
            k = self.skip_space(j)
            if self.is_char(k, "{"):
                j = self.raw_group(k)
            elif not self.katex and k < self.n:  # MathJax takes one token as the argument
                j = k + 1
            else:
                self.error(
                    Kind.ARGUMENT,
                    f"\\begin{{{name}}} needs its column argument in braces, e.g. {{cc}}",
                    start,
                    head_end,
                )
        numbered = name in EQUATION_ENVS
        if numbered and not self.katex and self.envs and self.envs[-1] in EQUATION_ENVS:
            self.error(
                Kind.ENVIRONMENT,
                f"MathJax refuses {{{name}}} inside {{{self.envs[-1]}}} (erroneous nesting of "
                "equation structures): use {aligned}, {gathered} or {split} inside",
                start,
                head_end,
            )
        self.open_envs += 1
        self.envs.append(name)
        if numbered:
            self.tags.append(0)
        k = self.seq(j, "end", amp=name not in NO_AMP_ENVS, upright=False, in_left=False)
        if numbered:
            self.tags.pop()
        self.envs.pop()
        self.open_envs -= 1
        if k < self.n and self.toks[k][0] == WORD and self.toks[k][1] == "end":
            end_name, after = self.env_name(k)
            if end_name != name:
                self.error(
                    Kind.ENVIRONMENT,
                    f"\\begin{{{name}}} at {{related}} is ended by "
                    f"\\end{{{end_name}}}: make the names match",
                    self.toks[k][2],
                    self._tok_end(after - 1),
                    related=start,
                )
            return after
        self.error(
            Kind.ENVIRONMENT, f"\\begin{{{name}}} has no matching \\end{{{name}}}", start, head_end
        )
        return k

    # -- definitions -----------------------------------------------------------------------

    def definition(self, i: int) -> int:
        """Check ``\\newcommand{\\x}[n]{body}`` and friends and register the macro.

        The body is not parsed as math (it holds ``#1``); only its control sequences are
        checked, by ``check_bodies`` once the whole formula is read.
        """
        name, start = self.toks[i][1], self.toks[i][2]
        if not self.known(name):
            self.undefined(name, start, self.toks[i][3])
        j = self.skip_space(i + 1)
        if self.is_char(j, "*") and name != "let":
            j = self.skip_space(j + 1)
        target, j = self.definition_name(i, j)
        if target is None:
            return j
        self.check_redefinition(name, target, start, self._tok_end(j - 1))
        if name == "let":
            j = self.skip_space(j)
            if self.is_char(j, "="):
                j = self.skip_space(j + 1)
            self.macros[target] = ""
            return min(j + 1, self.n)
        if name in ("def", "gdef", "edef", "xdef"):
            count = 0
            while self.is_char(j, "#") and j + 1 < self.n:
                count += 1
                j += 2
            spec = "m" * count
        else:
            spec, j = self.definition_parameters(name, j)
        self.macros[target] = spec
        k = self.skip_space(j)
        if self.is_char(k, "{"):
            after = self.raw_group(k)
            self.bodies.append((k + 1, after))
            return after
        if k < self.n and not self.is_char(k, "}"):
            return k + 1  # a one-token definition, \newcommand{\R}R
        self.error(
            Kind.ARGUMENT,
            f"\\{name}{{\\{target}}} needs its definition in braces after it",
            start,
            self._tok_end(k - 1),
        )
        return k

    def check_bodies(self) -> None:
        """Report unknown control sequences in definitions' bodies (they fail where used).

        Checked after the whole formula, so a body may use a macro defined after it.
        """
        for first, stop in self.bodies:
            for kind, text, start, end in self.toks[first:stop]:
                if kind == WORD and not self.known(text):
                    self.undefined(text, start, end)

    def definition_name(self, i: int, j: int) -> tuple[str | None, int]:
        """The command a definer at ``i`` defines, from token ``j``; None when malformed."""
        definer, start, end = self.toks[i][1], self.toks[i][2], self.toks[i][3]
        resume = j
        if j < self.n and self.toks[j][0] in (WORD, SYMBOL):
            return self.toks[j][1], j + 1
        if self.is_char(j, "{") and definer not in ("let", "def", "gdef", "edef", "xdef"):
            reported = len(self.findings)
            after = self.raw_group(j)
            if len(self.findings) > reported:
                return None, after  # raw_group reported the missing }
            inner = [t for t in self.toks[j + 1 : after - 1] if t[0] not in (SPACE, COMMENT)]
            if len(inner) == 1 and inner[0][0] in (WORD, SYMBOL):
                return inner[0][1], after
            end, resume = self._tok_end(after - 1), after
        self.error(
            Kind.DEFINITION,
            f"\\{definer} needs the name of the command to define, "
            "e.g. \\newcommand{\\R}{\\mathbb{R}}",
            start,
            end,
        )
        return None, resume

    def check_redefinition(self, definer: str, target: str, start: int, end: int) -> None:
        """KaTeX refuses to \\newcommand a known name and to \\renewcommand an unknown one."""
        if self.katex and definer == "newcommand" and target in self.table.specs:
            self.error(
                Kind.DEFINITION,
                f"KaTeX already defines \\{target}: \\newcommand "
                "cannot redefine it; use \\renewcommand or another name",
                start,
                end,
            )
        elif self.katex and definer == "renewcommand" and not self.known(target):
            self.error(
                Kind.DEFINITION,
                f"\\renewcommand{{\\{target}}}: KaTeX does not know "
                f"\\{target} yet; use \\newcommand",
                start,
                end,
            )

    def definition_parameters(self, definer: str, j: int) -> tuple[str, int]:
        """``[n]`` and ``[default]`` after a \\newcommand name: the macro's argument spec."""
        k = self.skip_space(j)
        if definer == "DeclareMathOperator" or not self.is_char(k, "["):
            return "", j
        close = k
        while close < self.n and not self.is_char(close, "]"):
            close += 1
        digits = self.tex[self.toks[k][3] : self.toks[close][2]].strip() if close < self.n else ""
        if not (len(digits) == 1 and digits.isdigit()):
            self.error(
                Kind.DEFINITION,
                f"\\{definer}: the number of arguments in [...] must be a digit 0 to 9",
                self.toks[k][2],
                self._tok_end(close),
            )
            return "", min(close + 1, self.n)
        count = int(digits)
        j = min(close + 1, self.n)
        k = self.skip_space(j)
        if count and self.is_char(k, "["):  # [default]: the first argument is optional
            close = k
            while close < self.n and not self.is_char(close, "]"):
                close += 1
            if self.katex:
                self.error(
                    Kind.DEFINITION,
                    f"KaTeX does not support a default value for the first argument of "
                    f"\\{definer}: remove the [...] after [{count}]",
                    self.toks[k][2],
                    self._tok_end(close),
                )
            return "o" + "m" * (count - 1), min(close + 1, self.n)
        return "m" * count, j

    def verb(self, i: int) -> int:
        """Skip ``\\verb|...|``."""
        j = i + 1
        if j >= self.n:
            return j
        delim = self.toks[j][1]
        k = j + 1
        while k < self.n and not (self.toks[k][0] == CHAR and self.toks[k][1] == delim):
            k += 1
        return min(k + 1, self.n)
