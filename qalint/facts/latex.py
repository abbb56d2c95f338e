"""A small TeX math parser for the formulas fact checks evaluate.

It reads the subset that closed formulas and textbook identities use (numbers, + - × ÷,
fractions, powers, roots, log/ln/exp, trigonometric and hyperbolic functions, sigmoid, ReLU,
max/min, binomials, factorials, sums and products with numeric bounds, derivatives of known
functions, percent) into a tiny tree of tuples, with no dependency: sympy is only needed to
evaluate the tree (``qalint.facts.symbolic``). Anything outside the subset (vectors, sets,
integrals, transposes, bold symbols...) raises ``Unsupported`` and is simply not checked.

Tree nodes: ``("num", Fraction, decimals, percent)``, ``("sym", name)``, ``("const", name)``,
``("add", terms)``, ``("mul", factors)``, ``("div", a, b)``, ``("pow", a, b)``,
``("neg", a)``, ``("call", name, args, base)``, ``("ufunc", name, args)`` (an unknown
function: opaque), ``("fact", a)``, ``("binom", n, k)``, ``("abs", a)``,
``("sum"|"prod", var, low, high, body)``, ``("diff", body, var)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from qalint._fastinit import fast_frozen_init

Node = tuple


class Unsupported(Exception):
    """The formula uses TeX outside the supported subset."""


RELATIONS = {
    "=": "=",
    "\\neq": "!=",
    "\\ne": "!=",
    "≠": "!=",
    "<": "<",
    ">": ">",
    "\\lt": "<",
    "\\gt": ">",
    "\\le": "<=",
    "\\leq": "<=",
    "\\leqslant": "<=",
    "≤": "<=",
    "\\ge": ">=",
    "\\geq": ">=",
    "\\geqslant": ">=",
    "≥": ">=",
    "\\approx": "~",
    "≈": "~",
    "\\simeq": "~",
    "\\thickapprox": "~",
}
# Some relation's token is in the text of every formula that states a relation; a formula
# without one (most are expressions: ``$x^2$``) need not be tokenized to know it states none.
RELATION_TEXT_RE = re.compile("|".join(map(re.escape, sorted(RELATIONS, key=len, reverse=True))))


def may_relate(tex: str) -> bool:
    """False when the formula holds no relation (``=``, ``<``, ``\\le``, ``\\approx``...):
    ``parse_formula`` would then find none but definitions."""
    return RELATION_TEXT_RE.search(tex) is not None


DEFINITIONS = {
    "\\equiv",
    "\\triangleq",
    "\\coloneqq",
    "\\doteq",
    "\\sim",
    "\\propto",
    "\\stackrel",
    "\\overset",
    "\\defeq",
    "\\eqqcolon",
    "\\cong",
}
FUNCTIONS = {
    "\\log": "log",
    "\\ln": "ln",
    "\\exp": "exp",
    "\\sin": "sin",
    "\\cos": "cos",
    "\\tan": "tan",
    "\\tanh": "tanh",
    "\\sinh": "sinh",
    "\\cosh": "cosh",
    "\\max": "max",
    "\\min": "min",
    "\\arctan": "atan",
    "\\lg": "log2",
    "\\sgn": "sign",
}
NAMED_FUNCTIONS = {
    "relu": "relu",
    "sigmoid": "sigmoid",
    "softplus": "softplus",
    "tanh": "tanh",
    "exp": "exp",
    "log": "log",
    "ln": "ln",
    "max": "max",
    "min": "min",
    "sgn": "sign",
    "sign": "sign",
    "abs": "abs",
    "sigm": "sigmoid",
    "logit": "logit",
    "elu": None,
    "gelu": None,
    "softmax": None,
    "swish": None,
}
GREEK = {
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "rho",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Phi",
    "Psi",
    "Omega",
    "ell",
    "Sigma",
    "Pi",
}
ACCENTS = {"\\hat", "\\bar", "\\tilde", "\\dot", "\\ddot", "\\widehat", "\\widetilde", "\\overline"}
SKIP = {
    "\\,",
    "\\;",
    "\\:",
    "\\!",
    "\\ ",
    "~",
    "\\left",
    "\\right",
    "\\big",
    "\\Big",
    "\\bigg",
    "\\Bigg",
    "\\bigl",
    "\\bigr",
    "\\Bigl",
    "\\Bigr",
    "\\displaystyle",
    "\\textstyle",
    "\\limits",
    "&",
    "\\middle",
}
SEPARATORS = {",", ";", "\\quad", "\\qquad", "\\\\", "\\text-sep"}
CONNECTIVES = {
    "and",
    "or",
    "for",
    "if",
    "where",
    "when",
    "so",
    "since",
    "thus",
    "hence",
    "with",
    "i.e.",
    "e.g.",
    "then",
    "because",
    "but",
    "while",
    "as",
    "but not",
}
TEXT_COMMANDS = {
    "\\text",
    "\\mathrm",
    "\\operatorname",
    "\\textrm",
    "\\textit",
    "\\mathit",
    "\\textsf",
    "\\mathsf",
    "\\texttt",
    "\\mathtt",
}
INTEGER_NAMES = {"n", "k", "m", "i", "j", "N", "K", "M", "T"}
MAX_DEPTH = 40  # nesting (brackets, fractions, exponents) deeper than this is not checked
TOKEN_RE = re.compile(
    r"(?P<num>\d{1,3}(?:\{,\}\d{3})+(?:\.\d+)?|\d+\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|"
    r"\.\d+|\d+)"
    r"|(?P<cmd>\\[A-Za-z]+|\\[,;:! %{}|\\\[\]()])"
    r"|(?P<ws>\s+)"
    r"|(?P<ch>[A-Za-z]|[-+*/^_(){}\[\]|!=<>,;'&~.:]|[≠≤≥≈·×÷−])"
)


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Token:
    """One TeX token and its offset in the formula."""

    kind: str  # num, cmd, ch
    text: str
    start: int
    end: int


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Relation:
    """One relation of a chain ``a = b < c``: its operator, two sides and source offsets."""

    op: str  # =, !=, <, >, <=, >=, ~ ; "def" for definitional relations (not checked)
    left: Node
    right: Node
    start: int
    end: int


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Segment:
    """One statement of a formula (formulas split at top-level commas, \\quad, "and"...)."""

    sides: tuple[Node, ...]
    ops: tuple[str, ...]
    start: int
    end: int

    def relations(self) -> list[Relation]:
        """Adjacent pairs of the chain, as relations."""
        return [
            Relation(op, self.sides[i], self.sides[i + 1], self.start, self.end)
            for i, op in enumerate(self.ops)
        ]


def tokenize(tex: str) -> list[Token]:
    """TeX tokens with offsets; spacing commands and ``\\left``/``\\right`` are dropped."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(tex):
        m = TOKEN_RE.match(tex, pos)
        if not m:
            raise Unsupported(f"unexpected character {tex[pos]!r}")
        pos = m.end()
        if m.lastgroup == "ws":
            continue
        text = m.group()
        if text in SKIP:
            continue
        kind = m.lastgroup or "ch"
        if text in {"·", "×"}:
            text, kind = "\\cdot", "cmd"
        elif text == "÷":
            text, kind = "\\div", "cmd"
        elif text == "−":
            text = "-"
        elif text in {"≠", "≤", "≥", "≈"}:
            kind = "cmd"
        tokens.append(Token(kind, text, m.start(), m.end()))
    return _merge_text_commands(tex, tokens)


def _merge_text_commands(tex: str, tokens: list[Token]) -> list[Token]:
    """``\\text{word}`` becomes one token: a connective separator, or a word."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.text in TEXT_COMMANDS and i + 1 < len(tokens) and tokens[i + 1].text == "{":
            depth, j = 0, i + 1
            while j < len(tokens):
                if tokens[j].text == "{":
                    depth += 1
                elif tokens[j].text == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= len(tokens):
                raise Unsupported("unclosed text command")
            word = tex[tokens[i + 1].end : tokens[j].start].strip()
            if not word:
                i = j + 1
                continue
            kind = "sep" if word.lower().strip(",. ") in CONNECTIVES else "word"
            out.append(Token(kind, word, token.start, tokens[j].end))
            i = j + 1
            continue
        out.append(token)
        i += 1
    return out


def split_segments(tokens: list[Token]) -> list[list[Token]]:
    """Token lists of the statements of a formula, split at top-level separators."""
    segments: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.text in {"(", "[", "{"} or token.text in {"\\{"}:
            depth += 1
        elif token.text in {")", "]", "}", "\\}"}:
            depth -= 1
        if depth == 0 and (token.kind == "sep" or token.text in SEPARATORS):
            segments.append([])
            continue
        segments[-1].append(token)
    # A line of an aligned block that starts with a relation continues the previous chain.
    merged: list[list[Token]] = []
    for segment in segments:
        if not segment:
            continue
        if merged and _is_relation(segment[0]):
            merged[-1].extend(segment)
        else:
            merged.append(segment)
    return merged


def _is_relation(token: Token) -> bool:
    return token.text in RELATIONS or token.text in DEFINITIONS or token.text == ":"


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    # -- token helpers --
    def peek(self, offset: int = 0) -> Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def text(self, offset: int = 0) -> str | None:
        token = self.peek(offset)
        return token.text if token else None

    def take(self, expected: str | None = None) -> Token:
        token = self.peek()
        if token is None or (expected is not None and token.text != expected):
            raise Unsupported(f"expected {expected!r}")
        self.pos += 1
        return token

    # -- grammar --
    def chain(self) -> tuple[list[Node], list[str]]:
        sides = [self.expr()]
        ops: list[str] = []
        while self.peek() is not None:
            token = self.take()
            if token.text == ":" and self.text() == "=":
                self.take()
                ops.append("def")
            elif token.text in DEFINITIONS:
                ops.append("def")
            elif token.text in RELATIONS:
                ops.append(RELATIONS[token.text])
            else:
                raise Unsupported(f"unexpected {token.text!r}")
            sides.append(self.expr())
        return sides, ops

    def expr(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Unsupported("nested too deeply")
        terms = [self.unary()]
        while self.text() in {"+", "-"}:
            sign = self.take().text
            term = self.unary()
            terms.append(("neg", term) if sign == "-" else term)
        self.depth -= 1
        return terms[0] if len(terms) == 1 else ("add", tuple(terms))

    def unary(self) -> Node:
        signs = 0
        while self.text() in {"-", "+"}:
            signs += self.take().text == "-"
        node = self.term()
        return ("neg", node) if signs % 2 else node

    def term(self) -> Node:
        node = self.power()
        divisions = 0
        while True:
            text = self.text()
            if text in {"\\cdot", "*", "\\times", "\\ast"}:
                self.take()
                node = _times(node, self.power())
            elif text in {"/", "\\div"}:
                self.take()
                divisions += 1
                if divisions > MAX_DEPTH:
                    raise Unsupported("too many divisions in a row")
                node = ("div", node, self.power())
            elif self.starts_atom():
                node = _times(node, self.power())
            else:
                return node

    def starts_atom(self) -> bool:
        token = self.peek()
        if token is None:
            return False
        if token.kind in {"num", "word"}:
            return True
        if token.kind == "ch":
            return token.text.isalpha() or token.text in {"(", "{", "[", "|"}
        return (
            token.text not in RELATIONS
            and token.text not in DEFINITIONS
            and token.text
            not in {
                "\\cdot",
                "\\times",
                "\\div",
                "\\ast",
                "\\%",
            }
        )

    def power(self) -> Node:
        node = self.atom()
        for _ in range(MAX_DEPTH):
            text = self.text()
            if text == "^":
                self.take()
                node = ("pow", node, self.exponent())
            elif text == "!":
                self.take()
                node = ("fact", node)
            elif text == "\\%":
                self.take()
                if node[0] != "num":
                    raise Unsupported("percent of an expression")
                node = ("num", node[1] / 100, node[2], True)
            else:
                return node
        raise Unsupported("too many powers or factorials in a row")

    def exponent(self) -> Node:
        token = self.peek()
        if token is None:
            raise Unsupported("missing exponent")
        inner = self.text(1) if token.text == "{" else token.text
        if inner in {"T", "\\top", "*", "(", "\\prime", "\\intercal", "H", "\\dagger"}:
            raise Unsupported("transpose or index superscript")
        if token.text == "{":
            return self.group()
        if token.kind == "num":
            if len(token.text) > 1:
                raise Unsupported("x^23 means x^2 followed by 3; too easy to misread")
            self.take()
            return _number(token.text, False)
        if token.kind == "ch" and token.text.isalpha():
            self.take()
            return ("sym", token.text)
        if token.text == "-":
            self.take()
            if self.text() == "-":
                raise Unsupported("repeated sign in an exponent")
            return ("neg", self.exponent())
        return self.atom()

    def group(self) -> Node:
        self.take("{")
        node = self.expr()
        self.take("}")
        return node

    def argument(self) -> Node:
        """A command argument: a braced group or a single token."""
        if self.text() == "{":
            return self.group()
        token = self.take()
        if token.kind == "num" and len(token.text) == 1:
            return _number(token.text, False)
        if token.kind == "ch" and token.text.isalpha():
            return ("sym", token.text)
        raise Unsupported("unsupported argument")

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise Unsupported("unexpected end")
        text = token.text
        if token.kind == "num":
            self.take()
            return _number(text.replace("{,}", ""), False)
        if token.kind == "word":
            self.take()
            return self.word(text)
        if text in {"(", "["}:
            self.take()
            node = self.expr()
            self.take(")" if text == "(" else "]")
            return node
        if text == "{":
            return self.group()
        if text in {"|", "\\vert", "\\lvert"}:
            self.take()
            node = self.expr()
            if self.text() not in {"|", "\\vert", "\\rvert"}:
                raise Unsupported("unclosed absolute value")
            self.take()
            return ("abs", node)
        if token.kind == "ch" and text.isalpha():
            return self.letter()
        if text in {"\\frac", "\\dfrac", "\\tfrac"}:
            return self.fraction()
        if text == "\\sqrt":
            self.take()
            index: Node | None = None
            if self.text() == "[":
                self.take()
                index = self.expr()
                self.take("]")
            body = self.argument()
            return ("pow", body, ("div", _number("1", False), index or _number("2", False)))
        if text in {"\\binom", "\\dbinom", "\\tbinom"}:
            self.take()
            return ("binom", self.argument(), self.argument())
        if text in {"\\sum", "\\prod"}:
            return self.big_operator(text[1:])
        if text == "\\pi":
            self.take()
            return ("const", "pi")
        if text in FUNCTIONS:
            self.take()
            return self.call(FUNCTIONS[text])
        if text == "\\sigma" and self.text(1) in {"(", "'"}:
            self.take()
            return self.call("sigmoid")
        if text in ACCENTS:
            self.take()
            inner = self.argument()
            if inner[0] != "sym":
                raise Unsupported("accent over an expression")
            return self.subscripted(f"{text[1:]}_{inner[1]}")
        if text.startswith("\\") and text[1:] in GREEK:
            self.take()
            return self.subscripted(text[1:])
        if text == "\\sigma":
            self.take()
            return self.subscripted("sigma")
        raise Unsupported(f"unsupported {text}")

    def word(self, text: str) -> Node:
        key = text.lower()
        if key == "e":
            return ("const", "e")
        if key in NAMED_FUNCTIONS:
            name = NAMED_FUNCTIONS[key]
            if name is None:
                raise Unsupported(f"unsupported function {text}")
            return self.call(name)
        if self.text() == "(":
            return ("ufunc", text, self.call_args())
        return self.subscripted(text.replace(" ", "_"))

    def letter(self) -> Node:
        token = self.take()
        name = token.text
        if name == "e" and self.text() == "^":
            return ("const", "e")
        nxt = self.peek()
        if nxt is not None and nxt.text == "(" and nxt.start == token.end:
            return ("ufunc", name, self.call_args())
        if nxt is not None and nxt.text == "'":
            raise Unsupported("derivative of an unknown function")
        return self.subscripted(name)

    def subscripted(self, name: str) -> Node:
        if self.text() == "_":
            self.take()
            token = self.peek()
            if token is None:
                raise Unsupported("missing subscript")
            if token.text == "{":
                depth, parts = 0, []
                while True:
                    tok = self.take()
                    depth += {"{": 1, "}": -1}.get(tok.text, 0)
                    parts.append(tok.text)
                    if depth == 0:
                        break
                name = f"{name}_{''.join(parts[1:-1])}"
            else:
                name = f"{name}_{self.take().text}"
        if self.text() == "'":
            self.take()
            name += "'"
        if self.text() == "(" and self.peek() is not None:
            # p_i(x), f_theta(x): an unknown function applied.
            prev = self.tokens[self.pos - 1]
            if self.tokens[self.pos].start == prev.end and "_" in name:
                return ("ufunc", name, self.call_args())
        return ("sym", name)

    def call_args(self) -> tuple[Node, ...]:
        self.take("(")
        args = [self.expr()]
        while self.text() == ",":
            self.take()
            args.append(self.expr())
        self.take(")")
        return tuple(args)

    def call(self, name: str) -> Node:
        base: Node | None = None
        power: Node | None = None
        derivative = False
        if self.text() == "_":
            if name != "log":
                raise Unsupported("subscript on a function")
            self.take()
            base = self.argument()
        if self.text() == "'":
            self.take()
            derivative = True
        if self.text() == "^":
            self.take()
            power = self.exponent()
            if power == ("neg", _number("1", False)):
                raise Unsupported("inverse function notation")
        if self.text() == "(":
            args = self.call_args()
        elif self.text() == "[" and name not in {"max", "min"}:
            self.take()
            args = (self.expr(),)
            self.take("]")
        else:
            args = (self.juxtaposed(),)
        if name in {"max", "min"} and len(args) < 2:
            raise Unsupported("max/min of a set")
        if name not in {"max", "min"} and len(args) != 1:
            raise Unsupported("wrong number of arguments")
        node: Node = ("call", name, args, base)
        if derivative:
            if len(args) != 1:
                raise Unsupported("derivative of a function of several arguments")
            node = ("dcall", name, args, base)
        if power is not None:
            node = ("pow", node, power)
        return node

    def juxtaposed(self) -> Node:
        """The argument of ``\\log x y``: atoms up to an operator or another function."""
        node = self.power()
        while (
            self.starts_atom()
            and self.text() not in FUNCTIONS
            and self.text()
            not in {
                "\\frac",
                "\\sum",
                "\\prod",
                "(",
            }
            and (self.peek() is None or self.peek().kind != "word")
        ):  # type: ignore[union-attr]
            node = _times(node, self.power())
        return node

    def fraction(self) -> Node:
        self.take()
        numerator = self.argument()
        denominator = self.argument()
        if numerator in {("sym", "d")} and denominator[0] == "mul":
            factors = denominator[1]
            if len(factors) == 2 and factors[0] == ("sym", "d") and factors[1][0] == "sym":
                return ("diff", self.power(), factors[1][1])
        return ("div", numerator, denominator)

    def big_operator(self, kind: str) -> Node:
        self.take()
        if self.text() != "_":
            raise Unsupported("sum without bounds")
        self.take()
        self.take("{")
        var_token = self.take()
        if not (var_token.kind == "ch" and var_token.text.isalpha()):
            raise Unsupported("sum index")
        self.take("=")
        low = self.expr()
        self.take("}")
        self.take("^")
        high = self.argument()
        body = self.term_for_operator()
        return (kind, var_token.text, low, high, body)

    def term_for_operator(self) -> Node:
        node = self.power()
        while self.starts_atom() or self.text() in {"\\cdot", "\\times"}:
            if self.text() in {"\\cdot", "\\times"}:
                self.take()
            node = _times(node, self.power())
        return node


def _times(node: Node, factor: Node) -> Node:
    """``node`` times ``factor``, products kept flat (a long product is not a deep tree)."""
    if node[0] == "mul":
        return ("mul", (*node[1], factor))
    return ("mul", (node, factor))


def _number(text: str, percent: bool) -> Node:
    clean = text.replace("{,}", "")
    value = (
        Fraction(clean)
        if "e" not in clean.lower()
        else Fraction(float(clean)).limit_denominator(10**12)
    )
    decimals = len(clean.split(".")[1].split("e")[0].split("E")[0]) if "." in clean else 0
    return ("num", value, decimals, percent)


@lru_cache(maxsize=4096)
def parse_formula(tex: str) -> tuple[Segment, ...]:
    """The statements of a formula that parse (unsupported ones are left out)."""
    try:
        tokens = tokenize(tex)
    except Unsupported:
        return ()
    out: list[Segment] = []
    for segment in split_segments(tokens):
        parser = _Parser(segment)
        try:
            sides, ops = parser.chain()
        except (Unsupported, ZeroDivisionError, ValueError, RecursionError):
            continue
        out.append(Segment(tuple(sides), tuple(ops), segment[0].start, segment[-1].end))
    return tuple(out)


def free_symbols(node: Node) -> set[str]:
    """Names of the free variables of a tree (sum indices are bound)."""
    kind = node[0]
    if kind == "sym":
        return {node[1]}
    if kind in {"num", "const"}:
        return set()
    if kind in {"sum", "prod"}:
        return (free_symbols(node[4]) - {node[1]}) | free_symbols(node[2]) | free_symbols(node[3])
    if kind == "diff":
        return free_symbols(node[1])
    out: set[str] = set()
    for child in children(node):
        out |= free_symbols(child)
    return out


def children(node: Node) -> list[Node]:
    """The nodes directly below ``node``, in the order the formula writes them."""
    kind = node[0]
    if kind in {"add", "mul"}:
        return list(node[1])
    if kind in {"div", "pow", "binom"}:
        return [node[1], node[2]]
    if kind in {"neg", "fact", "abs"}:
        return [node[1]]
    if kind in {"call", "dcall"}:
        return list(node[2]) + ([node[3]] if node[3] is not None else [])
    if kind == "ufunc":
        return list(node[2])
    if kind in {"sum", "prod"}:
        return [node[2], node[3], node[4]]
    if kind == "diff":
        return [node[1]]
    return []


def walk(node: Node):
    """This node and every node below it."""
    yield node
    for child in children(node):
        yield from walk(child)


def has_opaque(node: Node) -> bool:
    """True when the tree applies an unknown function (its value cannot be computed)."""
    return any(n[0] == "ufunc" for n in walk(node))


def has_ambiguous_log(node: Node) -> bool:
    """True when ``\\log`` is written without a base (e, 2 and 10 are all in use)."""
    return any(n[0] in {"call", "dcall"} and n[1] == "log" and n[3] is None for n in walk(node))


def has_decimal(node: Node) -> bool:
    """True when a decimal number (an approximation) appears in the tree."""
    return any(n[0] == "num" and (n[2] > 0 or n[3]) for n in walk(node))


def lone_number(node: Node) -> Node | None:
    """The number node when a side is just a (possibly negated) literal."""
    if node[0] == "num":
        return node
    if node[0] == "neg" and node[1][0] == "num":
        inner = node[1]
        return ("num", -inner[1], inner[2], inner[3])
    return None


def _power_of_ten(node: Node) -> int | None:
    """``k`` when the node is ``10^{k}`` with an integer ``k`` (possibly negative)."""
    if node[0] != "pow" or node[1] != ("num", Fraction(10), 0, False):
        return None
    exponent = lone_number(node[2])
    if exponent is None or exponent[2] != 0 or exponent[3] or abs(exponent[1]) > 400:
        return None
    return int(exponent[1])


def scientific_number(node: Node, bare_power: bool = False) -> Node | None:
    """``1.8 \\times 10^{19}`` as one number node whose decimals may be negative.

    The decimals count places after the point of the value itself (``1.8e19`` is stated to
    -18 places: its last digit is worth 10^18). With ``bare_power``, ``10^{19}`` alone also
    counts, as ``1 \\times 10^{19}``.
    """
    sign = 1
    if node[0] == "neg":
        sign, node = -1, node[1]
    if bare_power and (k := _power_of_ten(node)) is not None:
        return ("num", sign * Fraction(10) ** k, -k, False)
    if node[0] != "mul" or len(node[1]) != 2:
        return None
    mantissa, power = node[1]
    k = _power_of_ten(power)
    if mantissa[0] != "num" or mantissa[3] or k is None:
        return None
    return ("num", sign * mantissa[1] * Fraction(10) ** k, mantissa[2] - k, False)
