"""The fast ``__init__`` of frozen dataclasses keeps them what they were."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from qalint import _fastinit, document
from qalint.diagnostics import Span
from qalint.facts import claims, findings, latex, text
from qalint.markdown import inline
from qalint.markdown.source import SrcLine

FAST = [
    Span,
    SrcLine,
    document.Heading,
    document.Link,
    document.MathSpan,
    document.CodeSpan,
    document.CodeBlock,
    document.Comment,
    document.Prose,
    document.Tab,
    document.QuestionBlock,
    text.Sentence,
    claims.Number,
    inline.RawLink,
    inline.RawMath,
    latex.Token,
    latex.Relation,
    latex.Segment,
    findings.Finding,
]


@dataclasses.dataclass(frozen=True, slots=True)
class Sample:
    """A class like the ones the helper serves."""

    a: int
    b: str = "x"
    c: tuple[int, ...] = ()


def _reference() -> type:
    """The same class with the ``__init__`` dataclasses writes."""

    @dataclasses.dataclass(frozen=True, slots=True)
    class Sample:
        a: int
        b: str = "x"
        c: tuple[int, ...] = ()

    return Sample


def test_instances_are_the_same_as_with_the_dataclass_init() -> None:
    fast = _fastinit.fast_frozen_init(Sample)
    slow = _reference()
    assert inspect.signature(fast.__init__) == inspect.signature(slow.__init__)
    for args, kwargs in [((1,), {}), ((1, "y"), {}), ((1,), {"c": (2,)}), ((), {"a": 3, "b": "z"})]:
        one, other = fast(*args, **kwargs), slow(*args, **kwargs)
        assert dataclasses.astuple(one) == dataclasses.astuple(other)
        assert one == fast(*args, **kwargs) and hash(one) == hash(fast(*args, **kwargs))
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast(1).a = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        fast()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        fast(1, "y", (), 4)  # type: ignore[call-arg]


def test_classes_it_cannot_serve_keep_their_init_or_are_refused() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class WithFactory:
        items: list[int] = dataclasses.field(default_factory=list)

    before = WithFactory.__init__
    assert _fastinit.fast_frozen_init(WithFactory).__init__ is before

    @dataclasses.dataclass(slots=True)
    class NotFrozen:
        a: int

    with pytest.raises(TypeError):
        _fastinit.fast_frozen_init(NotFrozen)


@pytest.mark.parametrize("cls", FAST, ids=lambda c: c.__qualname__)
def test_the_model_classes_use_it(cls: type) -> None:
    # The helper gave them its __init__ (a field list it cannot serve would leave them slow).
    assert "_set_" in " ".join(cls.__init__.__code__.co_freevars + cls.__init__.__code__.co_names)
    assert dataclasses.fields(cls)
