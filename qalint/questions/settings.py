"""Which shapes are detected, from the configuration and from a page's own directive.

``[tool.qalint.structure] shapes`` (default ``["auto"]``: every shape) names the shapes to
detect; ``"auto"`` with ``"-NAME"`` entries detects every shape but those. A page narrows it
with a comment anywhere in it: ``<!-- qalint: shapes=tabs,quiz -->`` (same syntax, comma
separated; ``shapes=auto,-heading`` turns one shape off for that page).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from qalint.questions.model import SHAPES

AUTO = "auto"
SHAPES_DIRECTIVE_RE = re.compile(r"qalint:\s*shapes\s*=\s*([\w,\s+-]*)")


@dataclass(frozen=True, slots=True)
class Settings:
    """What the detectors need from the configuration (hashable: it keys the memo)."""

    shapes: frozenset[str] = frozenset(SHAPES)
    question_types: frozenset[str] = frozenset({"question"})
    tabs: tuple[str, ...] = ("Question", "Answer")
    optional_tabs: tuple[str, ...] = ()


DEFAULT_SETTINGS = Settings()


def shape_problem(values: list[str]) -> str | None:
    """A configuration problem with a ``shapes`` list, or None."""
    if not values:
        return f"must name at least one shape, or {AUTO!r}"
    for value in values:
        name = value[1:] if value.startswith("-") else value
        if name != AUTO and name not in SHAPES:
            return f"unknown shape {value!r}; use {AUTO!r} or {', '.join(SHAPES)}"
    return None


def resolve(values: Iterable[str]) -> frozenset[str]:
    """The shapes a ``shapes`` list turns on (``auto`` = all, ``-NAME`` removes one)."""
    values = [v.strip() for v in values if v.strip()]
    on = {v for v in values if not v.startswith("-") and v != AUTO}
    if AUTO in values or not on:
        on = set(SHAPES)
    return frozenset(on - {v[1:] for v in values if v.startswith("-")})


def from_options(options: dict) -> Settings:
    """Settings from the ``structure`` config section."""
    return Settings(
        resolve(options.get("shapes", [AUTO])),
        frozenset(t.lower() for t in options.get("admonition-types", ["question"])),
        tuple(options.get("tabs", ["Question", "Answer"])),
        tuple(options.get("optional-tabs", [])),
    )


def page_shapes(comment_bodies: Iterable[str]) -> frozenset[str] | None:
    """The shapes a page's ``<!-- qalint: shapes=... -->`` comment asks for, if it has one.

    Unknown names are ignored (a typo turns nothing on by itself).
    """
    for body in comment_bodies:
        if "shapes" not in body:
            continue
        m = SHAPES_DIRECTIVE_RE.search(body)
        if m:
            values = [v.strip() for v in m.group(1).split(",")]
            return resolve(v for v in values if v.lstrip("-") in (*SHAPES, AUTO))
    return None
