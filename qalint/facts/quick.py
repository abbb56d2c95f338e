"""Floating-point evaluation of closed formulas, so that plainly true relations skip sympy.

Most closed relations in a bank are right (``$\\log_2 8 = 3$``, ``$\\sigma(0) = 0.5$``).
Importing sympy to confirm that costs half a second, which a pre-commit run on one file
cannot afford. This module evaluates a parsed side in floats; ``plainly_holds`` answers True
only when the relation holds with a clear margin (or the two sides agree to twelve digits),
in which case the exact check could not find it false. Anything else, and anything this
module cannot evaluate, goes to sympy as before.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping

from qalint.facts.latex import INTEGER_NAMES, Node, Relation, children

MAX_MAGNITUDE = 2.0**50  # beyond this, floats may hide an exact difference
MAX_FACTORIAL = 17  # 17! < 2**50: factorials and binomials up to it are exact in floats
_FUNCTIONS: dict[str, Callable[..., float]] = {
    "ln": math.log,
    "log2": math.log2,
    "exp": math.exp,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "tanh": math.tanh,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "atan": math.atan,
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
    "logit": lambda x: math.log(x / (1 - x)),
    "softplus": lambda x: math.log1p(math.exp(x)),
    "relu": lambda x: max(0.0, x),
    "sign": lambda x: float((x > 0) - (x < 0)),
    "abs": abs,
    "max": max,
    "min": min,
}


def value(
    node: Node,
    log_base: float | None,
    point: Mapping[str, float] | None = None,
    bounded: bool = True,
) -> float | None:
    """The float value of a side (``log_base`` for an unqualified log; None: ln), its free
    variables taking their values from ``point``. ``bounded``: None beyond ``MAX_MAGNITUDE``,
    for comparisons with exact numbers (relative comparisons need no bound)."""
    try:
        result = _value(node, log_base, point or {})
    except (ArithmeticError, ValueError, TypeError, IndexError):
        return None
    if result is None or not math.isfinite(result):
        return None
    if bounded and abs(result) > MAX_MAGNITUDE:
        return None
    return result


def _value(n: Node, log_base: float | None, point: Mapping[str, float]) -> float | None:
    kind = n[0]
    if kind == "num":
        return float(n[1])
    if kind == "sym":
        return point.get(n[1])
    if kind == "const":
        return math.pi if n[1] == "pi" else math.e
    if kind in {"add", "mul"}:
        parts = [_value(t, log_base, point) for t in n[1]]
        if any(p is None for p in parts):
            return None
        return math.fsum(parts) if kind == "add" else math.prod(parts)  # type: ignore[arg-type]
    if kind in {"neg", "abs"}:
        inner = _value(n[1], log_base, point)
        return None if inner is None else (-inner if kind == "neg" else abs(inner))
    if kind in {"div", "pow"}:
        left, right = _value(n[1], log_base, point), _value(n[2], log_base, point)
        if left is None or right is None:
            return None
        return left / right if kind == "div" else math.pow(left, right)
    if kind == "call":
        return _call(n, log_base, point)
    if kind == "diff":  # d/dx of a side: forward-mode differentiation at the point
        dual = _dual(n[1], n[2], log_base, point)
        return None if dual is None else dual[1]
    if kind == "dcall" and len(n[2]) == 1 and n[3] is None:  # f'(a)
        arg = _value(n[2][0], log_base, point)
        derivative = _DERIVATIVES.get(n[1])
        return None if arg is None or derivative is None else derivative(arg)
    if kind == "fact":  # n! of a small whole number; anything else is left to sympy
        arg = _value(n[1], log_base, point)
        if arg is None or not arg.is_integer() or not 0 <= arg <= MAX_FACTORIAL:
            return None
        return float(math.factorial(int(arg)))
    if kind == "binom":
        top, bottom = _value(n[1], log_base, point), _value(n[2], log_base, point)
        if top is None or bottom is None or not (top.is_integer() and bottom.is_integer()):
            return None
        if not 0 <= bottom <= top <= MAX_FACTORIAL:
            return None
        return float(math.comb(int(top), int(bottom)))
    return None  # sums, products, higher derivatives: left to sympy


# Derivatives of the smooth functions, for the forward-mode differentiation of ``_dual``.
_DERIVATIVES: dict[str, Callable[[float], float]] = {
    "ln": lambda x: 1 / x,
    "log2": lambda x: 1 / (x * math.log(2)),
    "exp": math.exp,
    "sin": math.cos,
    "cos": lambda x: -math.sin(x),
    "tan": lambda x: 1 / math.cos(x) ** 2,
    "tanh": lambda x: 1 - math.tanh(x) ** 2,
    "sinh": math.cosh,
    "cosh": math.sinh,
    "atan": lambda x: 1 / (1 + x * x),
    "sigmoid": lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2,
    "logit": lambda x: 1 / (x * (1 - x)),
    "softplus": lambda x: 1 / (1 + math.exp(-x)),
}


def _dual(
    n: Node, var: str, log_base: float | None, point: Mapping[str, float]
) -> tuple[float, float] | None:
    """(value, derivative by ``var``) of a side at ``point``, by the chain rule node by node
    (exact rules in floating point, no step size); None for what it does not cover."""
    kind = n[0]
    if kind in {"num", "const"}:
        v = _value(n, log_base, point)
        return None if v is None else (v, 0.0)
    if kind == "sym":
        v = point.get(n[1])
        return None if v is None else (v, 1.0 if n[1] == var else 0.0)
    if kind == "neg":
        inner = _dual(n[1], var, log_base, point)
        return None if inner is None else (-inner[0], -inner[1])
    if kind in {"add", "mul"}:
        parts = [_dual(t, var, log_base, point) for t in n[1]]
        if any(p is None for p in parts):
            return None
        if kind == "add":
            return math.fsum(p[0] for p in parts), math.fsum(p[1] for p in parts)  # type: ignore[index]
        value, slope = 1.0, 0.0
        for v, d in parts:  # type: ignore[misc]
            value, slope = value * v, slope * v + value * d
        return value, slope
    if kind in {"div", "pow"}:
        left = _dual(n[1], var, log_base, point)
        right = _dual(n[2], var, log_base, point)
        if left is None or right is None:
            return None
        (u, du), (w, dw) = left, right
        if kind == "div":
            return u / w, (du * w - u * dw) / (w * w)
        value = math.pow(u, w)
        if dw == 0.0:
            return value, (w * math.pow(u, w - 1) * du if du else 0.0)
        if u <= 0:
            return None
        return value, value * (dw * math.log(u) + w * du / u)
    if kind == "call" and len(n[2]) == 1:
        inner = _dual(n[2][0], var, log_base, point)
        if inner is None:
            return None
        name, (x, dx) = n[1], inner
        if name == "log":
            base = _value(n[3], log_base, point) if n[3] is not None else log_base
            scale = 1.0 if base is None else math.log(base)
            if base is not None and (base <= 0 or base == 1):
                return None
            return math.log(x) / scale, dx / (x * scale)
        function, derivative = _FUNCTIONS.get(name), _DERIVATIVES.get(name)
        if function is None or derivative is None:
            return None
        return function(x), derivative(x) * dx
    return None


def _call(n: Node, log_base: float | None, point: Mapping[str, float]) -> float | None:
    args = [_value(a, log_base, point) for a in n[2]]
    if not args or any(a is None for a in args):
        return None
    name = n[1]
    if name == "log":
        base = _value(n[3], log_base, point) if n[3] is not None else log_base
        if base is None:
            return math.log(args[0])  # type: ignore[arg-type]
        if base <= 0 or base == 1:
            return None
        return math.log(args[0]) / math.log(base)  # type: ignore[arg-type]
    function = _FUNCTIONS.get(name)
    return None if function is None else function(*args)


def plainly_holds(relation: Relation, log_bases: tuple[float | None, ...]) -> bool:
    """True when the relation holds in floating point with room to spare, in some log base."""
    for base in log_bases:
        left, right = value(relation.left, base), value(relation.right, base)
        if left is None or right is None:
            continue
        scale = max(1.0, abs(left), abs(right))
        op = relation.op
        if op in {"=", "~"} and abs(left - right) <= 1e-12 * scale:
            return True
        margin = 1e-9 * scale
        if (op in {"<", "<="} and left < right - margin) or (
            op in {">", ">="} and left > right + margin
        ):
            return True
    return False


SAMPLES = 6  # points each identity is sampled at, by this pre-check and the exact check alike
AGREE = 1e-12  # sides this close in floats agree at 30 digits too (the exact check: 1e-8)
SPREAD = 1e-6  # values this far apart in floats differ at 30 digits too (there: 1e-9)


class _Unordered(Exception):
    """The exact check's sampling order cannot be told without converting the formula."""


def sampled_names(relation: Relation) -> list[tuple[str, bool]] | None:
    """The variables the exact identity check (``symbolic._check_identity``) samples, in the
    order it draws their values, each with whether it takes whole numbers; None where that
    order depends on the conversion itself (sums and products bind their index).

    The exact check names a variable when converting first meets it, left side then right;
    a derivative's variable is named (not whole) before its body is converted.
    """
    order: dict[str, bool] = {}

    def visit(node: Node) -> None:
        kind = node[0]
        if kind == "sym":
            order.setdefault(node[1], node[1] in INTEGER_NAMES)
        elif kind in {"sum", "prod"}:
            raise _Unordered
        elif kind == "diff":
            order.setdefault(node[2], False)
            visit(node[1])
        else:
            for child in children(node):
                visit(child)

    try:
        visit(relation.left)
        visit(relation.right)
    except _Unordered:
        return None
    return list(order.items())


def identity_unrefuted(
    relation: Relation, log_bases: tuple[float | None, ...], seed: int, constant: str | None
) -> bool:
    """True when the exact identity check could not call the identity false, decided in
    floats at the very points it samples (same seed, same order of draws).

    The exact check reports an identity only when, in every log base, the two sides differ
    at every valid point and (``constant``: "l" or "r", the side without variables) the
    other side takes one value throughout. So one point where the sides agree, or two
    points where the varying side takes clearly different values, settles it. A point
    floats cannot evaluate decides nothing; False means "ask sympy".
    """
    names = sampled_names(relation)
    if not names:
        return False
    for base in log_bases:
        rng = random.Random(seed)
        varying: list[float] = []
        for _ in range(SAMPLES):
            point = {
                name: float(rng.randint(2, 9)) if whole else rng.randint(300, 2900) / 1000
                for name, whole in names
            }
            left = value(relation.left, base, point, bounded=False)
            right = value(relation.right, base, point, bounded=False)
            if left is None or right is None:
                continue
            if abs(left - right) <= AGREE * max(1.0, abs(left), abs(right)):
                return True
            if constant is not None:
                varying.append(right if constant == "l" else left)
        if varying and max(varying) - min(varying) > SPREAD * max(1.0, *map(abs, varying)):
            return True
    return False
