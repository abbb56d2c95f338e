"""Claims in a sentence: numbers with their stated precision, the labels and roles they have.

A ``Number`` remembers how it was written (``0.10`` states two decimals, ``40%`` is 0.40
with two), so checks can allow exactly the rounding the author's digits allow. Numbers that
follow each other with only labels and connectors between them form a ``Group`` (``0.99``
for cat and ``0.1`` for dog), the unit a distribution or a list of logits is stated in. The
role of a number or group comes from the cue word just before it (logits, probability,
precision...) and the label from the words just after it (for cat, to class A).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache

from qalint._fastinit import fast_frozen_init
from qalint.facts.text import Sentence
from qalint.facts.triggers import Triggers, holds, triggers

NUMBER_RE = re.compile(
    r"(?<![\w.\-−/])(?P<sign>[-−](?=\d))?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
    r"(?P<pct>\s?%)?(?![\w.]\d|[\w/%])"
)
# Words that may sit between a cue and its number ("precision of about 0.8").
FILLER = (
    r"(?:\s|=|:|\(|,|\bis\b|\bwas\b|\bof\b|\bat\b|\bequals?\b|\bequal to\b|\bscores?\b|"
    r"\bvalues?\b|\babout\b|\baround\b|\bapproximately\b|\broughly\b|\bexactly\b|"
    r"\bbecomes?\b|\bwould be\b|\bwill be\b|\bbe\b|\bthe\b|\ban?\b|\bits\b|\btheir\b|"
    r"\bare\b|\bwere\b|\bgets?\b|\bhas\b|\bhave\b|\bonly\b|\bjust\b|\bvector\b|"
    r"\bsay\b|\bthen\b|\bnow\b|\bso\b|\bis\s+then\b|\bset\s+(?:to|at)\b|\bfixed\s+at\b|"
    r"\btherefore\b|\bthus\b|\bhence\b|\bonly\b|\[|≈|~|"
    r"\b(?:model|classifier|network|detector|predictor|system)(?:'s)?\b)*"
)
FILLER_RE = re.compile(FILLER, re.I)  # used with fullmatch(text, pos, end)
METRIC_CUES: dict[str, str] = {
    "precision": r"\bprecision\b|\bpositive predictive value\b|\bPPV\b",
    "recall": r"\brecall\b|\bsensitivity\b|\btrue positive rate\b|\bTPR\b|\bhit rate\b",
    "f1": r"\bF1(?:[- ]?score)?\b|\bF[- ]score\b|\bF[- ]measure\b|\bF_1\b",
    "accuracy": r"\baccuracy\b",
    "specificity": r"\bspecificity\b|\btrue negative rate\b|\bTNR\b",
    "tp": r"\btrue positives?\b|\bTP\b",
    "fp": r"\bfalse positives?\b|\bFP\b",
    "fn": r"\bfalse negatives?\b|\bFN\b",
    "tn": r"\btrue negatives?\b|\bTN\b",
}
COUNT_ROLES = ("tp", "fp", "fn", "tn")
# "softmax of [3, 2, 1]", "the sigmoid of 2": the group right after is the function's input.
LOGIT_INPUT_RE = re.compile(
    r"\b(?:softmax|sigmoid)(?:\s+function)?\s*(?:of|to|on|over|applied\s+to)?\s*"
    r"(?:the\s+)?(?:logits?\s+|scores?\s+|inputs?\s+|vector\s+)?[\[(]?\s*$",
    re.I,
)
OUTPUT_AFTER_INPUT_RE = re.compile(r"\b(?:is|are|equals?|becomes?)\b|=", re.I)
ROLE_CUES: dict[str, str] = {
    "logit": r"\blogits?\b|\blog[- ]odds\b|\bpre-activations?\b",
    "probability": r"\bprobabilit(?:y|ies)\b|\bconfidences?\b|\bchances?\b",
    **METRIC_CUES,
}
ROLE_RES = {
    role: re.compile(cue, re.I if role not in {"tp", "fp", "fn", "tn"} else 0)
    for role, cue in ROLE_CUES.items()
}
# Any cue of any role, case aside: every match of a role's cue, of a metric named after a
# number (COUNT_SUFFIX_RES) and of a list of metrics (CUE_LIST) is also a match of this.
ANY_CUE = "|".join(f"(?:{cue})" for cue in ROLE_CUES.values())
_RoleGate = tuple[int, str, re.Pattern[str], Triggers | None, re.Pattern[str] | None]


@cache
def _role_gates() -> list[_RoleGate]:
    """Per role: its cue words (see facts.triggers), or for a role without usable words its
    cue ignoring case. On ASCII text, a role whose words are missing has no cue."""
    gates: list[_RoleGate] = []
    for rank, (role, cue) in enumerate(ROLE_CUES.items()):
        words = triggers(cue, re.I, min_length=2)
        loose = None if words is not None else re.compile(cue, re.I)
        gates.append((rank, role, ROLE_RES[role], words, loose))
    return gates


def cue_roles(text: str) -> list[tuple[int, str, re.Pattern[str]]]:
    """(rank in ``ROLE_RES``, role, pattern) of each role whose cue ``text`` may hold.

    A role left out has no match in ``text``; an empty list means ``ANY_CUE`` has none.
    """
    gates = _role_gates()
    if not text.isascii():  # re.I also folds some non-ASCII letters to ASCII ones
        if re.search(ANY_CUE, text, re.I) is None:
            return []
        return [(rank, role, pattern) for rank, role, pattern, _, _ in gates]
    folded = text.lower()
    out = []
    for rank, role, pattern, words, loose in gates:
        if loose is not None:
            if loose.search(text) is None:
                continue
        elif not holds(words, folded):  # type: ignore[arg-type]
            continue
        out.append((rank, role, pattern))
    return out


COUNT_SUFFIX_RES = {
    role: re.compile(
        r"^\s*(?:" + ROLE_CUES[role].replace(r"\b", "", 1) + ")", 0 if role in COUNT_ROLES else re.I
    )
    for role in METRIC_CUES
}
DISTRIBUTION_RE = re.compile(
    r"\bsoftmax\b|\bprobabilit(?:y|ies)\b|\bdistribution\b|\bconfidences?\b|\bsoft[- ]targets?\b"
    r"|\bposteriors?\b|\bclass scores\b",
    re.I,
)
SOFTMAX_RE = re.compile(r"\bsoftmax\b", re.I)
SIGMOID_RE = re.compile(r"\bsigmoid\b|\blogistic function\b", re.I)
OUTPUT_VERB_RE = re.compile(
    r"\b(?:gets?|gives?|giving|yields?|yielding|produces?|producing|outputs?|results? in|"
    r"obtains?|obtained|becomes?|returns?|returning|maps?|turns?|converts?|into|predicts?|"
    r"assigns?|probabilit(?:y|ies)|leads? to)\b|=|->|→|⇒",
    re.I,
)
LABEL_AFTER_RE = re.compile(  # used with match(text, pos, end): anchored at pos
    r"\s*(?:(?:for|to|on)\s+(?:the\s+)?(?:(?:class|label|category|token)\s+)?"
    r"(?P<label>[A-Za-z][\w'-]*(?:\s+(?!and\b|or\b|for\b|to\b)[A-Z0-9][\w-]*)?)"
    r"|\((?P<plabel>[A-Za-z][\w -]{0,20})\))"
)
LABEL_BEFORE_RE = re.compile(
    r"(?:\b(?P<label>[A-Za-z][\w-]*)\s*[:=]|\bP\s*\(\s*(?P<plabel>[\w -]{1,20})\s*\)\s*=)\s*$"
)
CONNECTOR_RE = re.compile(r"^\s*(?:,|;|/)?\s*(?:(?:and|or)\s+)?$", re.I)
VECTOR_OPEN_RE = re.compile(r"[\[(]\s*$")
COUNT_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "both": 2,
    "binary": 2,
}
CLASS_COUNT_RE = re.compile(
    r"\b(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten|both)\s+"
    r"(?:possible\s+|output\s+|target\s+)?(?:classes|labels|categories|outcomes|classes')\b"
    r"|\b(?P<binary>binary)\b",
    re.I,
)


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Number:
    """A number as written: its exact value, decimals stated, percent or not, and offsets."""

    text: str
    value: Fraction  # as a fraction of one for percentages (40% -> 2/5)
    decimals: int  # decimals of the value in the unit it is written in
    percent: bool
    start: int  # offsets into the leaf text
    end: int
    label: str | None = None

    @property
    def ulp(self) -> Fraction:
        """One unit in the last stated place, in the same unit as ``value``."""
        return Fraction(1, self._places)

    @property
    def _places(self) -> int:
        """``1 / ulp``: the stated places, two more for a percentage."""
        return 10**self.decimals * (100 if self.percent else 1)

    def interval(self) -> tuple[Fraction, Fraction]:
        """Every true value this text could stand for when rounded or truncated to its digits.

        The end away from zero is open: ``0.8`` stands for [0.75, 0.9), since 0.9 itself is
        written 0.9 whether rounded or truncated (``-0.8`` stands for (-0.9, -0.75]).
        """
        # value -/+ ulp / 2 and value +/- ulp, in integers: this runs for every check.
        p, q, s = self.value.numerator, self.value.denominator, self._places
        if p >= 0:
            return Fraction(2 * s * p - q, 2 * s * q), Fraction(s * p + q, s * q)
        return Fraction(s * p - q, s * q), Fraction(2 * s * p + q, 2 * s * q)

    def admits(self, true: float | Fraction, slack: float = 0.0) -> bool:
        """Whether ``true`` written at this number's precision gives this text.

        An exact (``Fraction``) value is compared exactly; a computed float gets a margin of
        1e-12 for its rounding error, and the open end of the interval stays open.
        """
        low, high = self.interval()
        if isinstance(true, Fraction):
            room = Fraction(slack)
            if self.value >= 0:
                return low - room <= true < high + room
            return low - room < true <= high + room
        if self.value >= 0:
            return float(low) - slack - 1e-12 <= true < float(high) + slack - 1e-12
        return float(low) - slack + 1e-12 < true <= float(high) + slack + 1e-12

    @property
    def significant_digits(self) -> int:
        """Digits from the first to the last non-zero one (``0.80`` and ``40%`` have one)."""
        digits = re.sub(r"\D", "", self.text).strip("0")
        return max(len(digits), 1)

    @property
    def shown(self) -> str:
        """The number as the author wrote it (without surrounding code marks)."""
        return self.text.replace("−", "-")


@dataclass(slots=True)
class Group:
    """Numbers stated together (``0.7, 0.2 and 0.1``), with what the sentence says about them."""

    sentence: Sentence
    numbers: list[Number]
    role: str | None = None
    vector: bool = False
    after_output_verb: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def start(self) -> int:
        """Offset of the first number."""
        return self.numbers[0].start

    @property
    def end(self) -> int:
        """Offset just past the last number."""
        return self.numbers[-1].end

    @property
    def labels(self) -> list[str | None]:
        """The label of each number (``None`` where none is stated)."""
        return [n.label for n in self.numbers]

    @property
    def fully_labelled(self) -> bool:
        """True when every number has a label and no label repeats."""
        labels = [label.lower() for label in self.labels if label]
        return len(labels) == len(self.numbers) and len(set(labels)) == len(labels)


def parse_numbers(sentence: Sentence) -> list[Number]:
    """Every number of a sentence, with its label when one is written next to it."""
    text = sentence.plain
    out: list[Number] = []
    for m in NUMBER_RE.finditer(text, sentence.start, sentence.end):
        sign, digits, frac, pct = m.group("sign", "int", "frac", "pct")
        frac = frac or ""
        numerator = int(digits.replace(",", "") + frac)
        denominator = 10 ** len(frac) * (100 if pct else 1)
        value = Fraction(-numerator if sign else numerator, denominator)
        start, end = m.span()
        label = _label_after(text, end, sentence.end) or _label_before(text, sentence.start, start)
        out.append(Number(m.group().strip(), value, len(frac), bool(pct), start, end, label))
    return out


def _label_after(text: str, pos: int, end: int) -> str | None:
    m = LABEL_AFTER_RE.match(text, pos, end)
    if not m:
        return None
    label = m.group("label") or m.group("plabel")
    if label and (
        label in {"a", "an"}
        or label.lower()
        in {
            "the",
            "each",
            "every",
            "all",
            "this",
            "that",
            "its",
            "their",
            "it",
            "them",
            "both",
        }
    ):
        return None
    return label


def _label_before(text: str, start: int, pos: int) -> str | None:
    window = text[max(start, pos - 40) : pos]
    if ":" not in window and "=" not in window:
        return None  # both forms end with one of these
    m = LABEL_BEFORE_RE.search(window)
    if not m:
        return None
    label = m.group("label") or m.group("plabel")
    if label and any(ROLE_RES[r].fullmatch(label) for r in ROLE_RES):
        return None
    return label


def _label_tail(text: str, number: Number) -> int:
    """Offset just past the number's label when the label follows it."""
    if not number.label:
        return number.end
    m = LABEL_AFTER_RE.match(text, number.end)
    return m.end() if m else number.end


def group_numbers(
    sentence: Sentence, numbers: list[Number], cues: Cues | None = None
) -> list[Group]:
    """Split a sentence's numbers into groups stated together (``cues``: the sentence's)."""
    cues = cues or Cues(sentence)
    text = sentence.plain
    groups: list[Group] = []
    for number in numbers:
        if groups:
            previous = groups[-1].numbers[-1]
            between = text[_label_tail(text, previous) : number.start]
            prefix = LABEL_BEFORE_RE.search(between)
            if prefix and number.label == (prefix.group("label") or prefix.group("plabel")):
                between = between[: prefix.start()]
            if CONNECTOR_RE.match(between) and previous.percent == number.percent:
                groups[-1].numbers.append(number)
                continue
        groups.append(Group(sentence, [number]))
    input_end: int | None = None
    verbs = _OutputVerbs(sentence)
    for group in groups:
        tail = tail_start(text, sentence.start, group.start)
        group.vector = len(group.numbers) > 1 and bool(
            VECTOR_OPEN_RE.search(text, tail, group.start)
        )
        group.role = _role(group, cues)
        group.after_output_verb = verbs.before(group.start)
        if input_end is not None:
            between = text[input_end : group.start]
            if OUTPUT_AFTER_INPUT_RE.search(between) or OUTPUT_VERB_RE.search(between):
                group.after_output_verb = True
                if group.role == "logit":
                    group.role = None
                continue
        if group.role == "logit" and not group.after_output_verb:
            input_end = group.end
        elif group.role is None and LOGIT_INPUT_RE.search(text, tail, group.start):
            group.role = "logit"
            input_end = group.end
    return groups


class Cues:
    """The role cues of one sentence, found once and shared by every number in it.

    ``before(pos)`` is the role whose cue ends closest before ``pos`` (the start of a number
    parsed from the sentence) with only filler words in between. Searching the whole
    sentence finds the same cues before ``pos`` as searching the text up to it: a number
    never follows a word character, and no cue can run on into a digit or a minus sign.
    """

    __slots__ = ("_found", "_memo", "_metrics", "_roles", "_sentence", "_text")

    def __init__(self, sentence: Sentence) -> None:
        self._sentence = sentence
        self._text = sentence.plain[sentence.start : sentence.end]
        self._roles: list[tuple[int, str, re.Pattern[str]]] | None = None
        self._metrics: bool | None = None
        self._found: list[tuple[int, int, str]] | None = None
        self._memo: dict[int, tuple[str, int] | None] = {}

    @property
    def any(self) -> bool:
        """Whether the sentence may hold a cue at all (False: no role cue, metric or count)."""
        if self._roles is None:
            self._roles = cue_roles(self._text)
        return bool(self._roles)

    @property
    def metrics(self) -> bool:
        """Whether the sentence may name a metric or count (False: no metric cue, no metric
        named after a number, no list of metrics)."""
        if self._metrics is None:
            if self._roles is None:
                self._roles = cue_roles(self._text)
            self._metrics = any(role in METRIC_CUES for _, role, _ in self._roles)
        return self._metrics

    def _cues(self) -> list[tuple[int, int, str]]:
        """(end, rank, role) of every cue, the latest end first (the first role on ties)."""
        if self._found is None:
            if self._roles is None:
                self._roles = cue_roles(self._text)
            found = [
                (m.end(), -rank, role)
                for rank, role, pattern in self._roles
                for m in pattern.finditer(self._text)
            ]
            found.sort(reverse=True)
            self._found = found
        return self._found

    def before(self, pos: int) -> tuple[str, int] | None:
        """The role whose cue ends closest before ``pos`` with only filler words in between."""
        if pos in self._memo:
            return self._memo[pos]
        found = self._cues()
        limit = pos - self._sentence.start
        best = None
        first = bisect_left(found, -limit, key=lambda cue: -cue[0])  # latest end <= limit
        for end, _, role in itertools.islice(found, first, None):
            if end <= limit and FILLER_RE.fullmatch(self._text, end, limit):
                best = (role, end)
                break
        self._memo[pos] = best
        return best

    def after(self, number_end: int, integer: bool) -> str | None:
        """``role_after`` for a number of the sentence."""
        if not self.metrics:
            return None
        return role_after(self._sentence.plain, number_end, self._sentence.end, integer)


def role_after(text: str, number_end: int, end: int, integer: bool) -> str | None:
    """The metric or count named right after a number ("40% precision", "90 true positives")."""
    after = text[number_end:end]
    for role, pattern in COUNT_SUFFIX_RES.items():
        if (role in COUNT_ROLES) == integer and pattern.match(after):
            return role
    return None


def _role(group: Group, cues: Cues) -> str | None:
    integer = all(
        n.value.denominator == 1 and n.value >= 0 and not n.percent for n in group.numbers
    )
    suffix = cues.after(group.end, integer)
    if suffix in COUNT_ROLES:
        return suffix
    found = cues.before(group.start)
    if found:
        return found[0]
    return suffix


class _OutputVerbs:
    """Whether an output verb (gives, yields, =) sits between the last logit cue and a group.

    Groups are asked in order, and each stretch of the sentence is read once: the logit cues
    of the whole sentence are found once, and verbs only in the text added since the last
    question (neither a cue nor a verb runs into the digit or sign that starts a number, so
    these are the matches a search of each prefix finds).
    """

    __slots__ = ("_cue_ends", "_from", "_last_verb", "_sentence")

    def __init__(self, sentence: Sentence) -> None:
        self._sentence = sentence
        found = ROLE_RES["logit"].finditer(sentence.plain, sentence.start, sentence.end)
        self._cue_ends = [m.end() for m in found]
        self._from = sentence.start  # verbs were looked for up to here
        self._last_verb = -1  # where the latest verb found so far starts

    def before(self, start: int) -> bool:
        """True when a verb follows the last logit cue before ``start`` (``start`` grows)."""
        if start > self._from:
            for m in OUTPUT_VERB_RE.finditer(self._sentence.plain, self._from, start):
                self._last_verb = m.start()
            self._from = start
        index = bisect_right(self._cue_ends, start) - 1
        cue_end = self._cue_ends[index] if index >= 0 else self._sentence.start
        return self._last_verb >= cue_end


def tail_start(text: str, start: int, end: int, window: int = 200) -> int:
    """Where to search ``text[start:end]`` for a phrase that must end at ``end`` (a cue
    right before a number): trailing white space (a blanked formula) and ``window``
    characters before it. Searching the whole prefix for every number cost quadratic time."""
    last = end
    while last > start and text[last - 1].isspace():
        last -= 1
    return max(start, last - window)


_CUE_ALTERNATIVES = "|".join(f"(?:{c})" for c in METRIC_CUES.values())
CUE_LIST = (
    rf"((?:{_CUE_ALTERNATIVES})(?:\s*(?:,|and|,\s*and)\s*(?:the\s+)?(?:{_CUE_ALTERNATIVES}))+)"
    rf"(?:\s+score)?\s*(?:of|are|were|=|:|at|equal to|reach)?\s*(?:about\s+)?$"
)
CUE_LIST_RE = re.compile(CUE_LIST, re.I)


def respectively_roles(sentence: Sentence, group: Group) -> list[str] | None:
    """Roles for "precision and recall of 0.8 and 0.6": k cues then k numbers, in order."""
    text = sentence.plain
    m = CUE_LIST_RE.search(text, tail_start(text, sentence.start, group.start, 600), group.start)
    if not m:
        return None
    roles = []
    for piece in re.split(r"\s*(?:,\s*and|,|and)\s*", m.group(1)):
        role = next((r for r, p in ROLE_RES.items() if p.search(piece)), None)
        if role is None:
            return None
        roles.append(role)
    return roles if len(roles) == len(group.numbers) else None


def class_count(text: str) -> int | None:
    """The number of classes a sentence announces ("three classes", "binary"), if any."""
    m = CLASS_COUNT_RE.search(text)
    if not m:
        return None
    if m.group("binary"):
        return 2
    word = m.group("n").lower()
    return int(word) if word.isdigit() else COUNT_WORDS.get(word)
