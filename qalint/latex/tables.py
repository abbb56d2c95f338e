"""The renderers' command, environment and delimiter tables (JSON data, loaded once)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

RENDERERS = ("mathjax", "katex")
RENDERER_NAMES = {"mathjax": "MathJax", "katex": "KaTeX"}


def _data(name: str) -> dict:
    text = resources.files("qalint.latex").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class Table:
    """What one renderer knows: commands with their argument specs, environments, delimiters."""

    renderer: str
    specs: dict[str, str | None]
    environments: dict[str, dict]
    delimiters: frozenset[str]
    operators: frozenset[str]
    words: frozenset[str]
    limits: frozenset[str]
    script_refused: frozenset[str]
    text_commands: frozenset[str]

    @property
    def name(self) -> str:
        """The renderer's display name (MathJax, KaTeX)."""
        return RENDERER_NAMES[self.renderer]

    def spec(self, command: str) -> str | None:
        """The argument spec of a known command ("" for none; None when unchecked)."""
        return self.specs[command]


@cache
def load_table(renderer: str) -> Table:
    """The table for ``mathjax`` or ``katex``."""
    if renderer not in RENDERERS:
        raise ValueError(f"unknown renderer {renderer!r}")
    data = _data(f"{renderer}.json")
    overrides = _data("specs.json")
    specs: dict[str, str | None] = {}
    for name, arity in data["commands"].items():
        if name in overrides:
            specs[name] = overrides[name]
        else:
            specs[name] = None if arity is None else "m" * arity
    words = _data("words.json")
    return Table(
        renderer,
        specs,
        data["environments"],
        frozenset(data["delimiters"]),
        frozenset(words["operators"]),
        frozenset(words["words"]) | frozenset(words["operators"]),
        frozenset(data["limits"]),
        frozenset(data["script_refused"]),
        frozenset(data["text_commands"]),
    )


def other_renderer(renderer: str) -> str:
    """The renderer that is not ``renderer``."""
    return "katex" if renderer == "mathjax" else "mathjax"
