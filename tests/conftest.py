"""Shared test helpers: lint text with qalint, build question blocks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

SEED = ROOT / "tests" / "fixtures" / "seed_verbatim.md"
CONTENT = ROOT / "content"


def question(
    heading: str = "#### What is dropout?",
    answer: str = "A regularization technique.",
    admonition: str = '!!! Question ""',
    tabs: tuple[str, str] = ("Question", "Answer"),
    body_indent: int = 8,
) -> str:
    """One well-formed question block (change a part to break it)."""
    pad = " " * body_indent
    return (
        f"{admonition}\n"
        f'    === "{tabs[0]}"\n'
        f"{pad}{heading}\n\n"
        f'    === "{tabs[1]}"\n\n'
        f"{pad}{answer}\n"
    )


@pytest.fixture
def seed_text() -> str:
    """The verbatim seed bank."""
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def extra_rule():
    """Register a throw-away fixable rule for one test (``add(code, check)``), and remove it
    afterwards."""
    from qalint.rules import registry

    added: list[str] = []

    def add(code: str, check) -> None:
        registry.all_rules()
        registry.rule(
            code,
            f"test-rule-{code.lower()}",
            summary="test",
            explanation="test",
            bad="x",
            good="y",
            fixable=True,
        )(check)
        added.append(code)

    yield add
    for code in added:
        registry._REGISTRY.pop(code, None)
