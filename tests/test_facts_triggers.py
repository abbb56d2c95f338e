"""The knowledge-pack prefilter: literals a pattern cannot match without, and never a lost match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qalint.facts.packs import load_packs
from qalint.facts.triggers import may_match, triggers

FIXTURES = Path(__file__).parent / "fixtures" / "facts"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bsoftmax\b is linear", [{"softmax is linear"}]),
        (r"layer[ -]?norm\w* over", [{"layer"}, {"norm"}, {" over"}]),
        (r"(?:dropout|dropped) units", [{" units"}, {"drop"}, {"out", "ped"}]),
        (r"(?:softmax|sigmoid)\s+x", [{"oftmax", "igmoid"}]),  # re factors out the "s"
        (r"(?:dropout|ab)\s+x", None),  # one branch has no literal of 3 characters
        (r"(?:tanh){2}", [{"tanh"}]),
        (r"(?:tanh)?\d+", None),  # an optional group requires nothing
        (r"Sigmoid(?<!x)Units", [{"sigmoidunits"}]),  # zero-width tests keep literals adjacent
        (r"[abc]+", None),
        (r"(", None),  # not a pattern: no prefilter (the pack loader reports the error)
    ],
)
def test_triggers_are_the_literals_every_match_contains(
    pattern: str, expected: list[set[str]] | None
) -> None:
    found = triggers(pattern, re.I)
    assert (sorted(map(sorted, found)) if found else None) == (
        sorted(map(sorted, expected)) if expected else None
    )


def test_every_clause_must_hold() -> None:
    found = triggers(r"layer\s*norm.*?(?:batch|dataset)", re.I)
    assert may_match(found, "layer norm over the batch")
    assert not may_match(found, "layer norm over the features")
    assert not may_match(found, "batch norm over the batch")


def _sentences() -> list[str]:
    text = "\n".join(
        (FIXTURES / name).read_text(encoding="utf-8") for name in ("correct.md", "wrong.md")
    )
    return [s.strip() for s in re.split(r"\n\s*\n", text) if s.strip()]


def test_the_prefilter_never_hides_a_match_of_a_shipped_pattern() -> None:
    entries = load_packs([], None)
    assert entries and all(e.triggers is not None for e in entries)
    for entry in entries:  # the shipped patterns are compiled lazily: each must compile
        for pattern in (entry.pattern, entry.unless, entry.unless_sentence):
            assert pattern is None or pattern.search("") is None, entry.id
    matched = 0
    for sentence in _sentences():
        folded = sentence.casefold()
        flat = re.sub(r"\s+", "", sentence).casefold()
        for entry in entries:
            for text, view in ((sentence, folded), (flat, flat)):
                if entry.pattern.search(text):
                    matched += 1
                    assert entry.may_match(view), (entry.id, text)
    assert matched > 30  # the corpora exercise the patterns


@given(st.lists(st.sampled_from(["soft", "max", "Soft", "MAX", " ", "x", "ß", "ss", "-", "lin"])))
def test_a_text_the_pattern_matches_always_passes_the_prefilter(parts: list[str]) -> None:
    text = "".join(parts)
    pattern = r"soft[ -]?max\b.*?(?:lin|ss)"
    if re.search(pattern, text, re.I):
        assert may_match(triggers(pattern, re.I), text.casefold())
