"""Exact-enough arithmetic for fact checks: softmax, sigmoid, F1 and number formatting."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction


def softmax(logits: Sequence[float]) -> list[float]:
    """The softmax of ``logits`` (shifted by the maximum, so large logits do not overflow)."""
    top = max(logits)
    exps = [math.exp(x - top) for x in logits]
    total = sum(exps)
    return [e / total for e in exps]


def sigmoid(x: float) -> float:
    """The logistic sigmoid 1 / (1 + e^-x), stable for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def f1(precision: Fraction, recall: Fraction) -> Fraction:
    """The harmonic mean of precision and recall, exactly (0 when both are 0)."""
    if precision + recall <= 0:
        return Fraction(0)
    return 2 * precision * recall / (precision + recall)


def fmt(value: float | Fraction, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, "-0" shown as "0"."""
    text = f"{float(value):.{max(decimals, 0)}f}"
    return "0" if text.strip("-0.") == "" and decimals == 0 else text.replace("-0.000", "0.000")


def fmt_exact(value: Fraction, decimals: int) -> str:
    """A stated-number sum shown with the decimals it was stated with (1.09, not 1.0900001)."""
    text = fmt(value, decimals)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def fmt_percent(value: Fraction | float, decimals: int) -> str:
    """A fraction of one shown as a percentage (0.4 -> 40%)."""
    return fmt_exact(Fraction(value) * 100, decimals) + "%"


def shown_decimals(decimals: Sequence[int], extra: int = 1, floor: int = 3) -> int:
    """Decimals for computed values: one more than the author stated, at least ``floor``."""
    return max([floor, *(d + extra for d in decimals)])
