"""Words that mark questions and answers in real banks, in the languages seen so far."""

from __future__ import annotations

import re

# First word of a tab title that holds the question / the answer ("Corr. largeur" counts).
QUESTION_TAB_WORDS = frozenset(
    {
        "question",
        "questions",
        "énoncé",
        "enoncé",
        "énoncés",
        "enonce",
        "exercise",
        "exercice",
        "problem",
        "problème",
        "task",
        "frage",
        "aufgabe",
        "pregunta",
        "enunciado",
        "domanda",
        "quiz",
    }
)
ANSWER_TAB_WORDS = frozenset(
    {
        "answer",
        "answers",
        "solution",
        "solutions",
        "correction",
        "corrections",
        "corr",
        "corrigé",
        "corrige",
        "réponse",
        "réponses",
        "reponse",
        "antwort",
        "lösung",
        "respuesta",
        "solución",
        "risposta",
        "soluzione",
        "hint",
        "indice",
    }
)
# A collapsible whose title (or, untitled, whose type) reads like this holds an answer:
# "Answer", "Show Answer", "Solution 2", "Correction Q1", "Click for the answer".
ANSWER_TITLE_RE = re.compile(
    r"^\W*(?:(?:show|see|reveal|view|click(?:\s+(?:here|to\s+see))?(?:\s+for)?)\s+(?:the\s+)?)?"
    r"(?:answers?|solutions?|corrections?|corrigés?|corrigé|réponses?|reponses?|antwort|"
    r"lösung|respuesta|solución|risposta|soluzione|suggested\s+answer|model\s+answer)\b",
    re.I,
)
# A title that only numbers a question ("Question 3", "Exercise 2.1", "Q1", "Exercice 01.1").
GENERIC_TITLE_RE = re.compile(
    r"^\W*(?:questions?|exercises?|exercices?|problems?|problèmes?|q|ex|task|quiz)\W*"
    r"(?:[\dA-Za-z]{0,3}(?:[.\-]\d+)*)?\W*$",
    re.I,
)
# A lead paragraph that opens an exercise: "**Exercise:**", "**Q**:", "**Question 3.**".
LEAD_RE = re.compile(
    r"^\s*(?:\*\*|__)(?:exercises?|exercices?|questions?|q|problems?|task)\s*\d*[.:]?"
    r"(?:\*\*|__)\s*[.:]?",
    re.I,
)
# Heading labels of heading-based banks: "2.1-1", "Q1.", "Question 3", "Exercise 2", "4-2".
HEADING_LABEL_RE = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*-\d+[a-z]?\b|(?:q|question|exercise|exercice|problem)\s*\d+(?:\.\d+)*"
    r"[a-z]?\b\s*[.:)]?)",
    re.I,
)
# A lettered multiple-choice option line: "A. text", "b) text", "(C) text", "- A) text".
OPTION_LINE_RE = re.compile(r"^\s*(?:[-*+]\s+)?\(?([A-Ha-h])[.)]\s+(\S.*)$")
# The letter an answer names: "Answer: B", "**Correct answer:** (c)", "B.", "**B**".
ANSWER_LETTER_RE = re.compile(
    r"^\W*(?:(?:the\s+)?(?:correct\s+)?(?:answer|réponse|solution)\s*(?:is)?\s*[:：]?\s*"
    r"[*_(\s]*([A-Ha-h])\b(?:[*_)\s.:,]|$)"
    r"|[*_(]*([A-Ha-h])(?:[*_).:,]|$))",
    re.I,
)


def first_word(title: str) -> str:
    """The first word of a title, lowered, without trailing punctuation ("Corr." → corr)."""
    words = title.strip().split(None, 1)
    return words[0].lower().strip(".:!?()[]*_") if words else ""


def is_answer_title(text: str) -> bool:
    """True when a collapsible's title announces an answer."""
    return bool(ANSWER_TITLE_RE.match(text))
