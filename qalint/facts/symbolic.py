"""Evaluate parsed formulas with sympy: closed relations (F006) and identities (F007).

sympy is imported inside the functions that need it, so a document whose formulas state no
relation never loads it. Verdicts are cached per formula text (``check_formula``).
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from qalint.facts import latex
from qalint.facts.latex import Node, Relation

LOG_BASES = ("e", 2, 10)
SAMPLES = 6
OP_TEXT = {"=": "=", "!=": "≠", "<": "<", ">": ">", "<=": "≤", ">=": "≥", "~": "≈"}


@dataclass(frozen=True, slots=True)
class Verdict:
    """A false relation: which rule, the message, and its offsets in the formula."""

    code: str
    message: str
    start: int
    end: int


def needs_evaluation(tex: str) -> bool:
    """Cheap pre-check (no sympy): does the formula state a relation worth evaluating?"""
    return any(
        _closed(r) or _identity_candidate(r)
        for segment in latex.parse_formula(tex)
        for r in segment.relations()
    )


@lru_cache(maxsize=4096)
def check_formula(tex: str, tolerance: float = 0.0) -> tuple[Verdict, ...]:
    """Verdicts for every false relation of a formula (cached per formula)."""
    verdicts: list[Verdict] = []
    for segment in latex.parse_formula(tex):
        for relation in segment.relations():
            if relation.op == "def":
                continue
            try:
                if _closed(relation):
                    message = _check_closed(relation, tex, tolerance)
                    if message:
                        verdicts.append(Verdict("F006", message, segment.start, segment.end))
                elif _identity_candidate(relation):
                    message = _check_identity(relation, tex)
                    if message:
                        verdicts.append(Verdict("F007", message, segment.start, segment.end))
            except (ArithmeticError, ValueError, TypeError, RecursionError, AttributeError):
                continue
    return tuple(verdicts)


# --- classification (no sympy) -------------------------------------------------------------


def _closed(relation: Relation) -> bool:
    sides = (relation.left, relation.right)
    return relation.op != "def" and not any(
        latex.free_symbols(s) or latex.has_opaque(s) for s in sides
    )


def _identity_candidate(relation: Relation) -> bool:
    if relation.op != "=":
        return False
    left, right = relation.left, relation.right
    if left[0] in {"sym", "ufunc"}:
        return False  # a definition: y = ..., f(x) = ...
    symbols = latex.free_symbols(left)
    if not symbols or symbols != latex.free_symbols(right):
        return False
    return not any(latex.has_opaque(s) or latex.has_decimal(s) for s in (left, right))


# --- conversion to sympy -------------------------------------------------------------------


def to_sympy(node: Node, log_base: Any, symbols: dict[str, Any]) -> Any:
    """The sympy expression of a parsed tree (``log_base`` used for an unqualified log)."""
    import sympy

    def conv(n: Node) -> Any:
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
        if kind == "mul":
            return sympy.Mul(*[conv(t) for t in n[1]])
        if kind == "div":
            return conv(n[1]) / conv(n[2])
        if kind == "pow":
            return sympy.Pow(conv(n[1]), conv(n[2]))
        if kind == "neg":
            return -conv(n[1])
        if kind == "fact":
            return sympy.factorial(conv(n[1]))
        if kind == "binom":
            return sympy.binomial(conv(n[1]), conv(n[2]))
        if kind == "abs":
            return sympy.Abs(conv(n[1]))
        if kind in {"sum", "prod"}:
            low, high = conv(n[2]), conv(n[3])
            if not (low.is_Integer and high.is_Integer) or high - low > 10_000:
                raise ValueError("sum bounds")
            var = sympy.Symbol(n[1], integer=True)
            inner = dict(symbols)
            inner[n[1]] = var
            body = to_sympy(n[4], log_base, inner)
            op = sympy.Sum if kind == "sum" else sympy.Product
            return op(body, (var, low, high)).doit()
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


def _function(name: str, args: list[Any], base: Any, log_base: Any) -> Any:
    import sympy

    x = args[0]
    if name == "log":
        chosen = base if base is not None else (sympy.E if log_base == "e" else log_base)
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
    """A finite real value of a closed expression, or None."""
    value = expr.evalf(30)
    if not value.is_real or not value.is_finite:
        return None
    return float(value)


# --- closed relations ----------------------------------------------------------------------


def _side_interval(node: Node, value: float) -> tuple[float, float, str]:
    """The values a side may stand for: a stated literal allows its rounding or truncation."""
    literal = latex.lone_number(node)
    if literal is None or (literal[2] == 0 and not literal[3]):
        return value, value, "exact"
    number = literal[1]
    ulp = Fraction(1, 10 ** literal[2]) / (100 if literal[3] else 1)
    half = ulp / 2
    if number >= 0:
        return float(number - half), float(number + ulp), "stated"
    return float(number - ulp), float(number + half), "stated"


def _check_closed(relation: Relation, tex: str, tolerance: float) -> str | None:
    bases = (
        LOG_BASES
        if any(latex.has_ambiguous_log(s) for s in (relation.left, relation.right))
        else ("e",)
    )
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


def _holds(relation: Relation, left: Any, right: Any, lv: float, rv: float, tol: float) -> bool:
    import sympy

    def exact(n: Node, expr: Any) -> bool:
        if latex.lone_number(n) is not None:
            return True
        try:
            return bool(sympy.simplify(expr).is_Rational)
        except (TypeError, ValueError, AttributeError):
            return False

    l_lo, l_hi, l_kind = _side_interval(relation.left, lv)
    r_lo, r_hi, r_kind = _side_interval(relation.right, rv)
    literal_left = latex.lone_number(relation.left)
    literal_right = latex.lone_number(relation.right)
    # An integer stated against an irrational value stands for its rounding (e^3 = 20).
    for literal, other, other_expr, side in (
        (literal_left, relation.right, right, "l"),
        (literal_right, relation.left, left, "r"),
    ):
        if (
            literal is not None
            and literal[2] == 0
            and not literal[3]
            and not exact(other, other_expr)
        ):
            value = float(literal[1])
            if side == "l":
                l_lo, l_hi, l_kind = value - 0.5, value + 1, "stated"
            else:
                r_lo, r_hi, r_kind = value - 0.5, value + 1, "stated"
    scale = max(1.0, abs(lv), abs(rv))
    eps = 1e-9 * scale + tol
    if relation.op == "~" and l_kind == "exact" and r_kind == "exact":
        eps = max(eps, 0.01 * scale)
    op = relation.op
    if op in {"<", "<=", ">", ">="}:
        # A bound is meant exactly: sigma(5) < 0.9 is false even though 0.9 may be rounded.
        l_lo = l_hi = lv
        r_lo = r_hi = rv
    if op in {"=", "~"}:
        return l_lo - eps <= r_hi and r_lo - eps <= l_hi
    if op == "!=":
        return not (l_kind == r_kind == "exact" and abs(lv - rv) <= 1e-12 * scale)
    if op == "<":
        return l_lo < r_hi + eps
    if op == "<=":
        return l_lo <= r_hi + eps
    if op == ">":
        return l_hi > r_lo - eps
    if op == ">=":
        return l_hi >= r_lo - eps
    return True


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
    for base in bases:
        symbols: dict[str, Any] = {}
        left = to_sympy(relation.left, base, symbols)
        right = to_sympy(relation.right, base, symbols)
        rng = random.Random(zlib.crc32(tex.encode()))
        valid = differ = 0
        first: str | None = None
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
        counterexample = counterexample or first
    text = tex[relation.start : relation.end].strip()
    return f"${text}$ is not an identity: {counterexample}"
