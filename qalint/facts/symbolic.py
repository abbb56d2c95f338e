"""Evaluate parsed formulas with sympy: closed relations (F006) and identities (F007).

sympy is imported inside the functions that need it, so a document whose formulas state no
relation never loads it. Verdicts are cached per formula text (``check_formula``).
"""

from __future__ import annotations

import math
import random
import re
import time
import zlib
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from qalint.facts import latex, quick
from qalint.facts.latex import Node, Relation

LOG_BASES = ("e", 2, 10)
SAMPLES = quick.SAMPLES  # the float pre-check must sample the very same points
MAX_BITS = 20_000  # exact integers and rationals larger than this are not built (9^{9^9})
MAX_TERMS = 1_000  # sums and products with more terms (nested ones counted together)
MAX_SECONDS = 2.0  # a formula whose conversion takes longer is left unchecked
OP_TEXT = {"=": "=", "!=": "≠", "<": "<", ">": ">", "<=": "≤", ">=": "≥", "~": "≈"}


@dataclass(frozen=True, slots=True)
class Verdict:
    """A false relation: which rule, the message, and its offsets in the formula."""

    code: str
    message: str
    start: int
    end: int


# Notation under which "=" is not the equality of two decimal numbers, so a formula using it
# states nothing these checks can evaluate:
# - asymptotic notation: $\Theta(n) + \Theta(n) = \Theta(n)$ relates sets of functions;
# - a numeral with a leading zero is written in another base: $0010 + 1110 = 10000$ (binary);
# - a decimal comma: $1 \times 3,50 = 3,5$ (French) is not the tuple (3, 50).
OTHER_NOTATION_RE = re.compile(
    r"\\(?:Theta|Omega|omega)(?![A-Za-z])|\\mathcal\s*\{?\s*O\b|(?<![A-Za-z\\])[Oo]\s*\("
    r"|(?<![\d.])0\d|\d\s*(?:\{,\}|,(?=\d))"
)


def other_notation(tex: str) -> bool:
    """Whether the formula uses notation under which its relations are not numeric."""
    return OTHER_NOTATION_RE.search(tex) is not None


def needs_evaluation(tex: str) -> bool:
    """Cheap pre-check (no sympy): does the formula state a relation worth evaluating?"""
    if other_notation(tex):
        return False
    return any(
        _closed(r) or _identity_candidate(r)
        for segment in latex.parse_formula(tex)
        for r in segment.relations()
    )


@lru_cache(maxsize=4096)
def check_formula(tex: str, tolerance: float = 0.0, identities: bool = True) -> tuple[Verdict, ...]:
    """Verdicts for every false relation of a formula (cached per formula).

    ``identities=False`` leaves identities unchecked (the text around the formula makes it
    conditional or an equation to solve), which spares evaluating them.
    """
    verdicts: list[Verdict] = []
    if other_notation(tex):
        return ()
    for segment in latex.parse_formula(tex):
        for relation in segment.relations():
            if relation.op == "def":
                continue
            if not _convertible(relation):
                continue  # a function sympy is not given (\Theta, O, f): no import for it
            try:
                if _closed(relation):
                    bases = _quick_bases(relation)
                    if quick.plainly_holds(relation, bases) or _plainly_close(relation, bases):
                        continue  # no need to import sympy to confirm it
                    message = _check_closed(relation, tex, tolerance)
                    if message:
                        verdicts.append(Verdict("F006", message, segment.start, segment.end))
                elif identities and _identity_candidate(relation):
                    seed = zlib.crc32(tex.encode())
                    constant = _constant_side(relation)
                    if quick.identity_unrefuted(relation, _quick_bases(relation), seed, constant):
                        continue  # sampling it exactly could not refute it: no sympy needed
                    message = _check_identity(relation, tex)
                    if message:
                        verdicts.append(Verdict("F007", message, segment.start, segment.end))
            except Exception:  # sympy may raise anything: leave the relation unchecked
                continue
    return tuple(verdicts)


# --- classification (no sympy) -------------------------------------------------------------

SYMPY_FUNCTIONS = frozenset(
    {
        "log",
        "ln",
        "log2",
        "exp",
        "sin",
        "cos",
        "tan",
        "tanh",
        "sinh",
        "cosh",
        "atan",
        "sigmoid",
        "logit",
        "softplus",
        "relu",
        "sign",
        "abs",
        "max",
        "min",
    }
)  # the names ``_function`` converts; ``test_sympy_functions_match_the_converter`` checks it


def _convertible(relation: Relation) -> bool:
    r"""False when a side calls a function ``to_sympy`` refuses (``\Theta(n)``, ``O(n)``,
    ``T(n)``): such a relation is left unchecked, and sympy need not be imported for it."""
    for side in (relation.left, relation.right):
        for node in latex.walk(side):
            if node[0] in {"call", "dcall"} and node[1] not in SYMPY_FUNCTIONS:
                return False
    return not any(_open_bounds(side, frozenset()) for side in (relation.left, relation.right))


def _open_bounds(node: Node, bound: frozenset[str]) -> bool:
    """True when a sum or product has a variable bound (``\\sum_{i=0}^{h-1}``) that no
    enclosing sum binds: ``to_sympy`` expands sums term by term and refuses those."""
    if node[0] in {"sum", "prod"}:
        limits = latex.free_symbols(node[2]) | latex.free_symbols(node[3])
        if limits - bound:
            return True
        return _open_bounds(node[4], bound | {node[1]})
    return any(_open_bounds(child, bound) for child in latex.children(node))


def _closed(relation: Relation) -> bool:
    sides = (relation.left, relation.right)
    return relation.op != "def" and not any(
        latex.free_symbols(s) or latex.has_opaque(s) for s in sides
    )


# Piecewise-constant functions: "sign(x) = -1" is a case ("for x < 0"), not an identity.
PIECEWISE = {"sign", "max", "min", "relu", "abs"}


def _identity_candidate(relation: Relation) -> bool:
    """An equation stating an identity: same free variables on both sides, or variables on
    one side and a constant on the other (``\\sigma(x) + \\sigma(-x) = 1``)."""
    if relation.op != "=":
        return False
    left, right = relation.left, relation.right
    if left[0] in {"sym", "ufunc"}:
        return False  # a definition: y = ..., f(x) = ...
    if _local_definition(left, right):
        return False
    if any(latex.has_opaque(s) or latex.has_decimal(s) for s in (left, right)):
        return False
    symbols, other = latex.free_symbols(left), latex.free_symbols(right)
    if symbols and symbols == other:
        return True
    if bool(symbols) == bool(other):
        return False
    varying = left if symbols else right
    return not any(
        n[0] in {"call", "abs"} and (n[0] == "abs" or n[1] in PIECEWISE)
        for n in latex.walk(varying)
    )


# Names that stand for a known function only by convention: ``\\sigma`` is the sigmoid in one
# text and any activation in the next. ``\\sigma(x) = \\max(0, x)`` defines it locally.
LOCALLY_DEFINED = {"sigmoid"}


def _local_definition(left: Node, right: Node) -> bool:
    """``name(x, y) = ...`` for a conventional name, with the name not used on the right."""
    if left[0] != "call" or left[1] not in LOCALLY_DEFINED:
        return False
    if not all(arg[0] == "sym" for arg in left[2]):
        return False
    return not any(n[0] == "call" and n[1] == left[1] for n in latex.walk(right))


def _constant_side(relation: Relation) -> str | None:
    """ "l" or "r" when that side has no free variables (the other side must then be constant)."""
    if not latex.free_symbols(relation.left):
        return "l"
    if not latex.free_symbols(relation.right):
        return "r"
    return None


# --- conversion to sympy -------------------------------------------------------------------


class _Budget:
    """How much work converting one formula may still do: expanded terms and wall time."""

    def __init__(self) -> None:
        self.terms = MAX_TERMS
        self.deadline = time.monotonic() + MAX_SECONDS

    def spend(self, terms: int = 0) -> None:
        """Use ``terms`` expanded terms; raise ValueError when the budget is exhausted."""
        self.terms -= terms
        if self.terms < 0 or time.monotonic() > self.deadline:
            raise ValueError("formula too costly to evaluate")


def to_sympy(node: Node, log_base: Any, symbols: dict[str, Any]) -> Any:
    """The sympy expression of a parsed tree (``log_base`` used for an unqualified log).

    Raises ValueError for what cannot or should not be computed: unknown functions, exact
    numbers too large to build (``9^{9^9}``), sums with too many terms, slow conversions.
    """
    import sympy

    budget = _Budget()

    def conv(n: Node) -> Any:
        budget.spend()
        kind = n[0]
        if kind == "num":
            return sympy.Rational(n[1].numerator, n[1].denominator)
        if kind == "sym":
            if n[1] not in symbols:
                integer = n[1] in latex.INTEGER_NAMES
                symbols[n[1]] = sympy.Symbol(n[1], positive=True, integer=integer or None)
            return symbols[n[1]]
        if kind == "const":
            return sympy.pi if n[1] == "pi" else sympy.E
        if kind == "add":
            return sympy.Add(*[conv(t) for t in n[1]])
        if kind == "div":
            return conv(n[1]) / conv(n[2])
        if kind == "pow":
            base, exponent = conv(n[1]), conv(n[2])
            _check_power_size(base, exponent)
            return _bounded(sympy.Pow(base, exponent))
        if kind == "neg":
            return -conv(n[1])
        if kind == "fact":
            value = conv(n[1])
            if value.is_Number and abs(value) > MAX_BITS // 10:
                raise ValueError("factorial too large to compute exactly")
            return sympy.factorial(value)
        if kind == "binom":
            top, bottom = conv(n[1]), conv(n[2])
            if top.is_Number and abs(top) > MAX_BITS:
                raise ValueError("binomial too large to compute exactly")
            return sympy.binomial(top, bottom)
        if kind == "abs":
            return sympy.Abs(conv(n[1]))
        if kind in {"sum", "prod"}:
            return _big_operator(n, conv, symbols, budget)
        if kind == "mul":
            return _bounded(sympy.Mul(*[conv(t) for t in n[1]]))
        if kind == "diff":
            var = symbols.get(n[2]) or sympy.Symbol(n[2], positive=True)
            symbols[n[2]] = var
            return sympy.diff(conv(n[1]), var)
        if kind in {"call", "dcall"}:
            args = [conv(a) for a in n[2]]
            base = conv(n[3]) if n[3] is not None else None
            if kind == "dcall":
                x = sympy.Dummy("x")
                inner = _function(n[1], [x], base, log_base)
                return sympy.diff(inner, x).subs(x, args[0])
            return _function(n[1], args, base, log_base)
        raise ValueError(f"cannot convert {kind}")

    return conv(node)


def _bits(value: Any) -> int:
    """Bits of an exact rational's numerator plus denominator (0 for anything else)."""
    if not value.is_Rational:
        return 0
    return int(value.p).bit_length() + int(value.q).bit_length()


def _bounded(value: Any) -> Any:
    """``value``, refused when it is an exact rational too large to work with."""
    if _bits(value) > MAX_BITS:
        raise ValueError("exact value too large")
    return value


def _check_power_size(base: Any, exponent: Any) -> None:
    """Refuse ``base^exponent`` when sympy would build a gigantic exact number (9^{9^9})."""
    if not (base.is_Rational and exponent.is_Rational) or base == 0:
        return
    size = max(abs(math.log2(abs(int(base.p)))), abs(math.log2(int(base.q))), 1.0)
    if abs(float(exponent)) * size > MAX_BITS:
        raise ValueError("power too large to compute exactly")


def _big_operator(n: Node, conv: Any, symbols: dict[str, Any], budget: _Budget) -> Any:
    """A sum or product with integer bounds, expanded term by term (each term size-checked)."""
    import sympy

    low, high = conv(n[2]), conv(n[3])
    if not (low.is_Integer and high.is_Integer) or high - low > MAX_TERMS:
        raise ValueError("sum bounds")
    var, saved = n[1], symbols.get(n[1])
    total = sympy.Integer(0 if n[0] == "sum" else 1)
    try:
        for k in range(int(low), int(high) + 1):
            budget.spend(1)
            symbols[var] = sympy.Integer(k)
            term = conv(n[4])
            total = _bounded(total + term if n[0] == "sum" else total * term)
    finally:
        if saved is None:
            symbols.pop(var, None)
        else:
            symbols[var] = saved
    return total


def _function(name: str, args: list[Any], base: Any, log_base: Any) -> Any:
    import sympy

    x = args[0]
    if name == "log":
        chosen = sympy.sympify(
            base if base is not None else (sympy.E if log_base == "e" else log_base)
        )
        if chosen != sympy.E and chosen.is_number and (chosen <= 0 or chosen == 1):
            raise ValueError("logarithm base must be positive and not 1")
        return sympy.log(x, chosen)
    table = {
        "ln": lambda: sympy.log(x),
        "log2": lambda: sympy.log(x, 2),
        "exp": lambda: sympy.exp(x),
        "sin": lambda: sympy.sin(x),
        "cos": lambda: sympy.cos(x),
        "tan": lambda: sympy.tan(x),
        "tanh": lambda: sympy.tanh(x),
        "sinh": lambda: sympy.sinh(x),
        "cosh": lambda: sympy.cosh(x),
        "atan": lambda: sympy.atan(x),
        "sigmoid": lambda: 1 / (1 + sympy.exp(-x)),
        "logit": lambda: sympy.log(x / (1 - x)),
        "softplus": lambda: sympy.log(1 + sympy.exp(x)),
        "relu": lambda: sympy.Max(0, x),
        "sign": lambda: sympy.sign(x),
        "abs": lambda: sympy.Abs(x),
        "max": lambda: sympy.Max(*args),
        "min": lambda: sympy.Min(*args),
    }
    if name not in table:
        raise ValueError(f"unknown function {name}")
    return table[name]()


def _numeric(expr: Any) -> float | None:
    """A finite real value of a closed expression (within float range), or None."""
    value = expr.evalf(30)
    if not value.is_real or not value.is_finite:
        return None
    number = float(value)
    if not math.isfinite(number) or (number == 0 and value != 0):
        return None  # beyond float range: 10^{400}, 10^{-400}
    return number


# --- closed relations ----------------------------------------------------------------------


def _log_bases(relation: Relation) -> tuple[Any, ...]:
    """The bases an unqualified ``\\log`` may mean here (only e when there is none)."""
    if any(latex.has_ambiguous_log(s) for s in (relation.left, relation.right)):
        return LOG_BASES
    return ("e",)


def _quick_bases(relation: Relation) -> tuple[float | None, ...]:
    return tuple(None if base == "e" else float(base) for base in _log_bases(relation))


def _plainly_close(relation: Relation, bases: tuple[float | None, ...]) -> bool:
    """True when, in floats and with room to spare, a computed side lies inside the range a
    written decimal on the other side stands for (``\\log_2 7 \\approx 2.807``), or an
    approximation between two computed values is within half the 1% slack ``_holds`` gives
    it: the exact check would agree, so sympy need not be imported to confirm it."""
    op = relation.op
    if op not in {"=", "~"}:
        return False
    sides = (relation.left, relation.right)
    literals = [
        latex.lone_number(s) or latex.scientific_number(s, bare_power=op == "~") for s in sides
    ]
    for base in bases:
        values = [quick.value(s, base) for s in sides]
        if values[0] is None or values[1] is None:
            continue
        left, right = values
        if op == "~" and literals == [None, None]:
            if abs(left - right) <= 0.005 * max(1.0, abs(left), abs(right)):
                return True
            continue
        for at, literal in enumerate(literals):
            if literal is None or (literal[2] == 0 and not literal[3]):
                continue  # a whole number's range depends on the other side being rational
            stated = _side_range(sides[at], literal[1], False, op)
            other = values[1 - at]
            margin = 1e-9 * max(1.0, abs(other))
            if float(stated.low) + margin < other < float(stated.high) - margin:
                return True
    return False


def _check_closed(relation: Relation, tex: str, tolerance: float) -> str | None:
    bases = _log_bases(relation)
    shown: tuple[float, float] | None = None
    for base in bases:
        left = to_sympy(relation.left, base, {})
        right = to_sympy(relation.right, base, {})
        lv, rv = _numeric(left), _numeric(right)
        if lv is None or rv is None:
            return None
        if _holds(relation, left, right, lv, rv, tolerance):
            return None
        shown = shown or (lv, rv)
    assert shown is not None
    lv, rv = shown
    left_text = tex[relation.start : relation.end]
    op = OP_TEXT[relation.op]
    digits = _digits(relation)
    base_note = " (in base e, 2 or 10)" if len(bases) > 1 else ""
    return (
        f"${left_text.strip()}$ is false{base_note}: the left side is {_show(lv, digits)} "
        f"and the right side is {_show(rv, digits)}, so '{op}' does not hold"
    )


@dataclass(frozen=True, slots=True)
class _Range:
    """The values one side of a relation may stand for (a point, or a stated number's range)."""

    low: Fraction | float
    high: Fraction | float
    low_open: bool = False
    high_open: bool = False
    stated: bool = False


def _stated_range(number: Fraction, ulp: Fraction) -> _Range:
    """A written number stands for its rounding or its truncation: ``0.8`` is [0.75, 0.9)."""
    half = ulp / 2
    if number >= 0:
        return _Range(number - half, number + ulp, high_open=True, stated=True)
    return _Range(number - ulp, number + half, low_open=True, stated=True)


def _side_range(node: Node, value: Fraction | float, other_exact: bool, op: str) -> _Range:
    """The range of one side; ``other_exact`` tells whether the other side is rational."""
    literal = latex.lone_number(node) or latex.scientific_number(node, bare_power=op == "~")
    if literal is None:
        return _Range(value, value)
    number, decimals, percent = literal[1], literal[2], literal[3]
    if decimals == 0 and not percent:
        if other_exact:
            return _Range(number, number)
        # An integer stated against an irrational value stands for its rounding (e^3 = 20).
        return _stated_range(number, Fraction(1))
    ulp = Fraction(10) ** -decimals / (100 if percent else 1)
    return _stated_range(number, ulp)


def _rational(expr: Any) -> Fraction | None:
    """The exact value of a side that sympy evaluated to a rational number."""
    if not expr.is_Rational:
        return None
    return Fraction(int(expr.p), int(expr.q))


def _below(low: Fraction | float, high: Fraction | float, strict: bool, eps: Any) -> bool:
    return low < high + eps if strict else low <= high + eps


def _overlap(a: _Range, b: _Range, eps: Any) -> bool:
    """True when two ranges share a value (open ends excluded, ``eps`` of slack)."""
    return _below(a.low, b.high, a.low_open or b.high_open, eps) and _below(
        b.low, a.high, b.low_open or a.high_open, eps
    )


def _holds(relation: Relation, left: Any, right: Any, lv: float, rv: float, tol: float) -> bool:
    """Whether the relation holds at the precision of the numbers it states.

    Rational sides (``\\log_2 8``, ``\\sigma(0)``) are compared exactly, so a value on the
    edge of a stated number's range is decided correctly (``\\log_2 8 = 2.9`` is false);
    irrational ones in floating point with a relative margin.
    """
    op = relation.op
    exact_left, exact_right = _rational(left), _rational(right)
    exact = exact_left is not None and exact_right is not None
    left_value: Fraction | float = exact_left if exact_left is not None else lv
    right_value: Fraction | float = exact_right if exact_right is not None else rv
    eps: Any = Fraction(tol) if exact else 1e-9 * max(1.0, abs(lv), abs(rv)) + tol
    if op in {"<", "<=", ">", ">="}:
        # A bound is meant exactly: sigma(5) < 0.9 is false even though 0.9 may be rounded.
        if op == "<":
            return left_value < right_value + eps
        if op == "<=":
            return left_value <= right_value + eps
        if op == ">":
            return left_value > right_value - eps
        return left_value >= right_value - eps
    lrange = _side_range(relation.left, left_value, exact_right is not None, op)
    rrange = _side_range(relation.right, right_value, exact_left is not None, op)
    if op == "!=":
        if lrange.stated or rrange.stated:
            return True
        return left_value != right_value if exact else abs(lv - rv) > 1e-12 * max(1.0, abs(lv))
    if op == "~" and not (lrange.stated or rrange.stated):
        eps = max(eps, Fraction(1, 100) * max(1, abs(left_value), abs(right_value)))
    return _overlap(lrange, rrange, eps)


def _digits(relation: Relation) -> int:
    decimals = [
        n[2] + (2 if n[3] else 0)
        for side in (relation.left, relation.right)
        for n in latex.walk(side)
        if n[0] == "num"
    ]
    return max([4, *(d + 1 for d in decimals)])


def _show(value: float, digits: int) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if abs(value) >= 1e6 or abs(value) < 1e-4:
        return f"{value:.{digits}g}"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


# --- identities ----------------------------------------------------------------------------


def _check_identity(relation: Relation, tex: str) -> str | None:
    import sympy

    bases = (
        LOG_BASES
        if any(latex.has_ambiguous_log(s) for s in (relation.left, relation.right))
        else ("e",)
    )
    counterexample: str | None = None
    constant = _constant_side(relation)
    for base in bases:
        symbols: dict[str, Any] = {}
        left = to_sympy(relation.left, base, symbols)
        right = to_sympy(relation.right, base, symbols)
        rng = random.Random(zlib.crc32(tex.encode()))
        valid = differ = 0
        first: str | None = None
        varying: list[float] = []  # values of the side with variables, when the other is constant
        for _ in range(SAMPLES):
            point = {}
            for symbol in symbols.values():
                if symbol.is_integer:
                    point[symbol] = sympy.Integer(rng.randint(2, 9))
                else:
                    point[symbol] = sympy.Rational(rng.randint(300, 2900), 1000)
            lv = left.evalf(30, subs=point)
            rv = right.evalf(30, subs=point)
            if not (lv.is_real and rv.is_real and lv.is_finite and rv.is_finite):
                continue
            valid += 1
            lf, rf = float(lv), float(rv)
            if constant is not None:
                varying.append(rf if constant == "l" else lf)
            if abs(lf - rf) > 1e-8 * max(1.0, abs(lf), abs(rf)):
                differ += 1
                if first is None:
                    where = ", ".join(
                        f"{s} = {_show(float(v), 3)}"
                        for s, v in sorted(point.items(), key=lambda kv: str(kv[0]))
                    )
                    first = (
                        f"at {where} the left side is {_show(lf, 4)} and the right side is "
                        f"{_show(rf, 4)}"
                    )
        if valid < 3 or differ < valid:
            return None
        if varying and not _all_close(varying):
            return None  # an equation to solve (2x + 3 = 7), not an identity
        counterexample = counterexample or first
    text = tex[relation.start : relation.end].strip()
    return f"${text}$ is not an identity: {counterexample}"


def _all_close(values: list[float]) -> bool:
    """True when every value equals the first one (up to rounding error)."""
    first = values[0]
    return all(abs(v - first) <= 1e-9 * max(1.0, abs(first), abs(v)) for v in values)
