"""Kinds of findings the validator reports; wording lives here, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What is wrong; each kind maps to one M rule."""

    UNDEFINED = "undefined"
    BRACES = "braces"
    LEFT_RIGHT = "left-right"
    ENVIRONMENT = "environment"
    ALIGNMENT = "alignment"
    ARGUMENT = "argument"
    DOUBLE_SCRIPT = "double-script"
    EMPTY = "empty"
    CHARACTER = "character"
    DEFINITION = "definition"
    EMPTY_SCRIPT = "empty-script"
    ITALIC_WORD = "italic-word"
    STAR = "star"
    TOO_DEEP = "too-deep"

    @property
    def is_error(self) -> bool:
        """True for what a renderer refuses; False for style findings."""
        return self not in {Kind.EMPTY_SCRIPT, Kind.ITALIC_WORD, Kind.STAR, Kind.TOO_DEEP}


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding in a formula: ``tex[start:end]`` is the offending text.

    ``related`` is another offset the message refers to (the ``{`` a ``}`` is missing for),
    or -1. ``related`` positions are rendered by the caller, which knows the file position.
    """

    kind: Kind
    message: str
    start: int
    end: int
    related: int = -1
