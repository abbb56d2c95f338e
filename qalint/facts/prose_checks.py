"""Numeric checks over prose claims: distributions, logits, ranges, metrics (F001-F005).

Each check states its arithmetic in the message and allows exactly the error that the
author's stated digits allow (a value written ``0.99`` stands for anything that rounds or
truncates to it). Only claims whose meaning is clear from cue words are checked: precision
matters more than recall.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from qalint.facts import claims, numeric
from qalint.facts.claims import Group, Number
from qalint.facts.findings import Finding
from qalint.facts.text import Sentence
from qalint.facts.triggers import Prefiltered

LOOKBACK = 8  # sentences of the same answer searched for the logits of a distribution
NEGATION_RE = re.compile(
    r"\b(?:not|never|wrong(?:ly)?|incorrect(?:ly)?|mistaken(?:ly)?|mistakes?|misconceptions?|"
    r"false(?!\s+(?:positive|negative)s?\b)|cannot|can't|impossible|invalid)\b|n't\b",
    re.I,
)
NEGATION_WORDS = Prefiltered(NEGATION_RE)  # the same test, cheaper
COUNT_NOUN_AFTER_RE = re.compile(  # used with match(text, pos, end): anchored at pos
    r"\s+(?!(?:and|or|for|to|in|on|when|if|which|that|because|so|but|respectively|since|while|"
    r"of|at|with|is|are|was|were|means?|indicates?|would|will|per|as|by|than|from|after|before|"
    r"under|over|the|a|an|this|it|given)\b)[a-z]",
    re.I,
)
# "the probability of X is 1.2" / "... = 1.2"; a bare "= 4" is no probability ("2 + 2 = 4").
PROBABILITY_CONTEXT_RE = re.compile(
    r"\b(?:probability|chance|likelihood)\s+(?:of|that)\b[^.;:]{0,60}?\b(?:is|was|equals|becomes)"
    r"\s+(?:about\s+|around\s+|roughly\s+|approximately\s+|exactly\s+|only\s+)?$"
    # "=" ends a probability context only after a probability word: "A = [[2, 3]]" names a
    # matrix (its brackets are blanked in the plain view, so the 2 is not right after "=").
    r"|\b(?:probability|chance|likelihood)\b[^.;:=]{0,60}=\s*$",
    re.I,
)
CONFIDENT_RE = re.compile(r"\s*(?:confident|sure|certain|likely|chance|probability)\b", re.I)
SHARE_RE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s?%\s+of\s+(?:the\s+|all\s+(?:the\s+)?)?(?:training\s+|test\s+)?"
    r"(?:data(?:set)?|samples|examples|instances|images|observations|points|records|rows|"
    r"population|variance|weights|neurons|units|tokens|labels|predictions|cases|patients)\b",
    re.I,
)
SPLIT_RE = re.compile(
    r"(?<![\w./])(?P<parts>\d{1,3}(?:\s?/\s?\d{1,3}){1,2})(?:\s?%)?\s+"
    r"(?:(?:train(?:ing)?|validation|val|dev|test)[-/ ](?:(?:train(?:ing)?|validation|val|dev|"
    r"test)[-/ ]){0,2})?(?:data(?:set)?\s+)?split\b",
    re.I,
)
# "we split the data 70/20/20 into train, validation and test" (parts before the set names).
SPLIT_VERB_RE = re.compile(
    r"\b(?:split|splits|splitting|divide|divides|divided|dividing)\s+(?:the\s+|our\s+|a\s+)?"
    r"(?:(?:data(?:set)?|examples|samples|images|records)\s+)?(?:in(?:to)?\s+)?"
    r"(?P<parts>\d{1,3}(?:\s?/\s?\d{1,3}){1,2})(?![\w/.])(?:\s?%)?\s+(?:in(?:to)?\s+|for\s+|as\s+)?"
    r"(?:the\s+)?(?:train(?:ing)?|validation|val|dev|test)\b",
    re.I,
)
SPLIT_PART_RE = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:\.\d+)?)\s?%\s+(?:(?:of\s+the\s+data\s+)?(?:is\s+|are\s+)?"
    r"(?:used\s+)?(?:for|as)\s+)?(?:the\s+)?(?P<label>train(?:ing)?|validation|val|dev|test(?:ing)?)\b",
    re.I,
)
METRIC_ROLES = ("precision", "recall", "f1", "accuracy", "specificity")
DIGIT_RE = re.compile(r"\d")  # every number claims.NUMBER_RE reads has a digit
# Besides role cues and distribution words, what lets a check read a number: "=" or
# "likelihood" (a stated probability), softmax or sigmoid (a group read as their logits);
# with a percent sign, the words of a share, a split part or a confidence (SHARE_RE,
# SPLIT_PART_RE, CONFIDENT_RE); with a slash, the words of a split (SPLIT_RE, SPLIT_VERB_RE).
CHECKABLE_RE = re.compile(r"softmax|sigmoid|likelihood|=", re.I)
PERCENT_READER_RE = re.compile(
    r"%\s+of\s|train|val|dev|test|confident|sure|certain|likely|chance|probability", re.I
)
SLASH_READER_RE = re.compile(r"split|divid", re.I)


@dataclass
class Options:
    """Settings of the numeric checks (from the ``facts`` config section)."""

    tolerance: float = 0.0  # extra absolute slack on every comparison


@dataclass(slots=True)
class SentenceClaims:
    """A sentence with its numbers, groups and the metric values it states."""

    sentence: Sentence
    numbers: list[Number]
    groups: list[Group]
    metrics: dict[str, list[Number]] = field(default_factory=dict)
    checked: bool = True  # False: no check can find anything in the sentence
    cues: claims.Cues | None = None
    outputs: bool | None = None  # whether a group may be a distribution (None: not known)


def analyse(sentence: Sentence, cues: claims.Cues | None = None) -> SentenceClaims:
    """Numbers, groups and metric roles of one sentence (``cues``: the sentence's)."""
    if DIGIT_RE.search(sentence.plain, sentence.start, sentence.end) is None:
        return SentenceClaims(sentence, [], [], checked=False)  # most sentences
    numbers = claims.parse_numbers(sentence)
    cues = cues or claims.Cues(sentence)
    groups = claims.group_numbers(sentence, numbers, cues)
    result = SentenceClaims(sentence, numbers, groups, cues=cues)
    for group in groups:
        roles = claims.respectively_roles(sentence, group) if cues.metrics else None
        if roles is None and group.role in claims.METRIC_CUES:
            roles = [group.role] * len(group.numbers) if len(group.numbers) == 1 else None
            if roles is None:
                # "TP = 40, FP = 10": each number takes the cue right before it.
                roles = []
                for number in group.numbers:
                    found = cues.before(number.start)
                    roles.append(found[0] if found else "")
        if roles:
            for role, number in zip(roles, group.numbers, strict=True):
                if role in claims.METRIC_CUES:
                    result.metrics.setdefault(role, []).append(number)
    for number in numbers:
        if any(number in values for values in result.metrics.values()):
            continue
        integer = number.value.denominator == 1 and number.value >= 0 and not number.percent
        suffix = cues.after(number.end, integer)
        found = cues.before(number.start)
        role = suffix if suffix in claims.COUNT_ROLES else (found[0] if found else suffix)
        if role in claims.METRIC_CUES:
            result.metrics.setdefault(role, []).append(number)
    return result


def _analyse_checkable(sentence: Sentence) -> SentenceClaims:
    """``analyse``, or an empty result for a sentence whose numbers no check reads.

    A number is read by a check only with a role cue, a distribution word, or one of
    ``CHECKABLE_RE`` (or its like for percent signs and slashes) in its sentence; without
    them its sentence yields no finding, no logits and no metric for another sentence.
    """
    if DIGIT_RE.search(sentence.plain, sentence.start, sentence.end) is None:
        return SentenceClaims(sentence, [], [], checked=False)  # most sentences
    cues = claims.Cues(sentence)
    text = sentence.text
    outputs = None  # found out only when needed
    if not (
        cues.any
        or CHECKABLE_RE.search(text)
        or ("%" in text and PERCENT_READER_RE.search(text))
        or ("/" in text and SLASH_READER_RE.search(text))
    ):
        outputs = _may_state_outputs(text)
        if not outputs:
            return SentenceClaims(sentence, [], [], checked=False)
    result = analyse(sentence, cues)
    result.outputs = outputs
    return result


def check(sentences: list[Sentence], options: Options) -> Iterator[Finding]:
    """Every numeric finding of a document's sentences."""
    analysed = []
    leaf, leaf_digits = None, False
    for sentence in sentences:
        if sentence.is_question:
            continue
        if sentence.plain is not leaf:  # a leaf without a digit has no number in any sentence
            leaf = sentence.plain
            leaf_digits = DIGIT_RE.search(leaf) is not None
        analysed.append(
            _analyse_checkable(sentence)
            if leaf_digits
            else SentenceClaims(sentence, [], [], checked=False)
        )
    leaf_metrics = _leaf_metrics(analysed)
    for index, item in enumerate(analysed):
        if not item.checked or NEGATION_WORDS.search(item.sentence.text):
            continue
        outputs = item.outputs
        if outputs is None:
            outputs = _may_state_outputs(item.sentence.text)
        if item.groups and outputs:
            for group in item.groups:
                yield from _check_distribution(analysed, index, group, options)
        yield from _check_ranges(item, options)
        yield from _check_metrics(item, leaf_metrics.get(id(item.sentence.prose), {}), options)


# --- distributions and logits ------------------------------------------------------------


_DISTRIBUTION_WORDS = Prefiltered(claims.DISTRIBUTION_RE)
_SIGMOID_WORDS = Prefiltered(claims.SIGMOID_RE)


def _may_state_outputs(sentence: str) -> bool:
    """False when no group of the sentence can be a distribution or softmax/sigmoid outputs
    (both need a distribution word, softmax being one, or sigmoid)."""
    return bool(_DISTRIBUTION_WORDS.search(sentence) or _SIGMOID_WORDS.search(sentence))


def _is_distribution(group: Group) -> bool:
    sentence = group.sentence.text
    if len(group.numbers) < 2 or group.role not in (None, "probability"):
        return False
    if not claims.DISTRIBUTION_RE.search(sentence):
        return False
    if claims.SIGMOID_RE.search(sentence) and not claims.SOFTMAX_RE.search(sentence):
        return False
    if re.search(r"\bmulti-?label\b|\bindependent\b|\bthreshold", sentence, re.I):
        return False
    if (
        group.role is None
        and claims.ROLE_RES["logit"].search(sentence)
        and not (group.after_output_verb)
    ):
        return False
    return (
        group.fully_labelled or group.vector or claims.class_count(sentence) == len(group.numbers)
    )


def _find_logits(analysed: list[SentenceClaims], index: int, group: Group) -> Group | None:
    """The logits a distribution was computed from: same sentence first, then earlier ones.

    An earlier sentence counts only inside the same answer (tab or admonition) or the same
    paragraph or list, and only when the outputs refer back to logits or both are labelled
    with the same classes.
    """
    here = analysed[index]
    for candidate in reversed(here.groups):
        if candidate.start < group.start and _is_logits(candidate, group):
            return candidate
    refers_back = bool(claims.ROLE_RES["logit"].search(here.sentence.text))
    for back in range(index - 1, max(-1, index - 1 - LOOKBACK), -1):
        item = analysed[back]
        same_leaf = item.sentence.prose is here.sentence.prose
        if not same_leaf and (
            item.sentence.scope != here.sentence.scope or here.sentence.scope_is_root
        ):
            break
        for candidate in reversed(item.groups):
            if not _is_logits(candidate, group):
                continue
            labelled = candidate.fully_labelled and group.fully_labelled
            if refers_back or labelled:
                return candidate
    return None


def _is_logits(candidate: Group, outputs: Group) -> bool:
    if candidate.role != "logit" or candidate.after_output_verb:
        return False
    if len(candidate.numbers) != len(outputs.numbers):
        return False
    if candidate.fully_labelled and outputs.fully_labelled:
        return sorted(x.lower() for x in candidate.labels if x) == sorted(
            x.lower() for x in outputs.labels if x
        )
    return True


def _aligned(logits: Group, outputs: Group) -> list[float]:
    """Logit values in the order of the outputs (matched by label when both are labelled)."""
    if logits.fully_labelled and outputs.fully_labelled:
        by_label = {n.label.lower(): float(n.value) for n in logits.numbers if n.label}
        return [by_label[n.label.lower()] for n in outputs.numbers if n.label]
    return [float(n.value) for n in logits.numbers]


def _describe(number: Number) -> str:
    return f"{number.shown} for {number.label}" if number.label else number.shown


def _is_output(group: Group) -> bool:
    """A group stated as the result of softmax/sigmoid (for comparison with logits)."""
    if group.role not in (None, "probability"):
        return False
    sentence = group.sentence.text
    named = claims.SOFTMAX_RE.search(sentence) or claims.SIGMOID_RE.search(sentence)
    return bool(group.after_output_verb or group.role == "probability") and bool(
        named or claims.DISTRIBUTION_RE.search(sentence)
    )


def _check_distribution(
    analysed: list[SentenceClaims], index: int, group: Group, options: Options
) -> Iterator[Finding]:
    if any(n.value < 0 or n.value > 1 for n in group.numbers):
        return
    sentence = group.sentence
    softmax_named = bool(claims.SOFTMAX_RE.search(sentence.text))
    sigmoid_named = bool(claims.SIGMOID_RE.search(sentence.text)) and not softmax_named
    is_distribution = _is_distribution(group)
    if not is_distribution and not _is_output(group):
        return
    logits = _find_logits(analysed, index, group)
    if logits is not None and len(group.numbers) == 1 and softmax_named:
        logits = None  # the softmax of one logit is 1; a lone value is a sigmoid claim
    temperature = _temperature(analysed, index, logits)
    values = (
        [v / temperature for v in _aligned(logits, group)]
        if logits is not None and temperature is not None
        else None
    )
    decimals = [n.decimals + (2 if n.percent else 0) for n in group.numbers]
    shown = numeric.shown_decimals(decimals)
    if is_distribution and not sigmoid_named:
        yield from _check_sum(group, logits, values, softmax_named, decimals, shown, options)
    if values is None or logits is None:
        return
    readings: list[tuple[str, list[float]]] = []
    if softmax_named or (not sigmoid_named and len(values) > 1):
        readings.append(("softmax", numeric.softmax(values)))
    if sigmoid_named or not softmax_named:
        readings.append(("sigmoid", [numeric.sigmoid(v) for v in values]))
    for _, computed in readings:
        if all(
            n.admits(v, options.tolerance) for n, v in zip(group.numbers, computed, strict=True)
        ):
            return  # some reading the text allows fits the stated values
    function, computed = readings[0]
    wrong = [
        (n, v)
        for n, v in zip(group.numbers, computed, strict=True)
        if not n.admits(v, options.tolerance)
    ]
    inputs = ", ".join(n.shown for n in logits.numbers)
    outputs = ", ".join(numeric.fmt(v, shown) for v in computed)
    if function == "softmax":
        call = f"softmax({inputs}) = ({outputs})"
    elif len(computed) == 1:
        call = f"sigmoid({inputs}) = {outputs}"
    else:
        call = f"sigmoid of ({inputs}) = ({outputs})"
    fixes = "; ".join(f"{_describe(n)} should be {numeric.fmt(v, shown)}" for n, v in wrong)
    stated = " and ".join(_describe(n) for n in group.numbers)
    first = wrong[0][0]
    logit_span = logits.sentence.prose.run.span(logits.start, logits.end)
    where = "" if logits.sentence is sentence else f" for the logits on line {logit_span.line}"
    yield Finding(
        "F002",
        sentence.prose.run,
        first.start,
        first.end,
        f"{call}{where}, but the text states {stated}: {fixes}",
    )


def _check_sum(
    group: Group,
    logits: Group | None,
    values: list[float] | None,
    softmax_named: bool,
    decimals: list[int],
    shown: int,
    options: Options,
) -> Iterator[Finding]:
    """F001: the values of one distribution must be able to sum to 1."""
    sentence = group.sentence
    total = sum((n.value for n in group.numbers), Fraction(0))
    low = sum((n.interval()[0] for n in group.numbers), Fraction(0))
    high = sum((n.interval()[1] for n in group.numbers), Fraction(0))
    slack = Fraction(options.tolerance) * len(group.numbers)
    complete = (
        bool(logits) or group.vector or claims.class_count(sentence.text) == len(group.numbers)
    )
    # Each value's range is open at its upper end, so a sum of upper ends of exactly 1 is short.
    if not (low - slack > 1 or (complete and high + slack <= 1)):
        return
    kind = "softmax outputs" if softmax_named else "probabilities"
    as_percent = all(n.percent for n in group.numbers)
    sum_text = (
        numeric.fmt_percent(total, max(decimals) - 2)
        if as_percent
        else numeric.fmt_exact(total, max(decimals))
    )
    whole = "100%" if as_percent else "1"
    message = f"{kind} {' + '.join(n.shown for n in group.numbers)} sum to {sum_text}, not {whole}"
    if values is not None and logits is not None:
        computed = numeric.softmax(values)
        message += (
            f"; softmax({', '.join(n.shown for n in logits.numbers)}) = "
            f"({', '.join(numeric.fmt(v, shown) for v in computed)})"
        )
    else:
        fix = _single_correction(group, total)
        message += f"; {fix}" if fix else f"; correct the values so they sum to {whole}"
    yield Finding("F001", sentence.prose.run, group.start, group.end, message)


TEMPERATURE_RE = re.compile(
    r"\btemperature\b(?:\s+(?:of|is|=|at|set\s+to))?\s*(?:T\s*=\s*)?(?P<t>\d+(?:\.\d+)?)?",
    re.I,
)


def _temperature(analysed: list[SentenceClaims], index: int, logits: Group | None) -> float | None:
    """The softmax temperature stated with the logits (1 when none), None when unreadable."""
    texts = [analysed[index].sentence.text]
    if logits is not None and logits.sentence is not analysed[index].sentence:
        texts.append(logits.sentence.text)
    value = 1.0
    for text in texts:
        m = TEMPERATURE_RE.search(text)
        if m:
            if not m.group("t") or float(m.group("t")) <= 0:
                return None
            value = float(m.group("t"))
    return value


def _single_correction(group: Group, total: Fraction) -> str | None:
    """The one value that, changed alone, makes the values sum to 1 (when only one can)."""
    candidates = []
    for number in group.numbers:
        replacement = 1 - (total - number.value)
        if 0 <= replacement <= 1 and replacement != number.value:
            candidates.append((number, replacement))
    if len(candidates) != 1:
        return None
    number, replacement = candidates[0]
    shown = (
        numeric.fmt_percent(replacement, number.decimals)
        if number.percent
        else numeric.fmt_exact(replacement, max(number.decimals, 1))
    )
    return f"if the others are right, {_describe(number)} should be {shown}"


# --- ranges --------------------------------------------------------------------------------


CONTEXT_WINDOW = 400  # characters before a number read for "the probability of ... is"


def _context_start(sentence: claims.Sentence, number: claims.Number) -> int:
    """Where the search for a probability context before ``number`` starts: a bounded window
    (the whole sentence prefix, searched for every number, cost quadratic time)."""
    return max(sentence.start, number.start - CONTEXT_WINDOW)


def _check_ranges(item: SentenceClaims, options: Options) -> Iterator[Finding]:
    sentence = item.sentence
    text = sentence.plain
    run = sentence.prose.run
    metric_numbers = {id(n): role for role, ns in item.metrics.items() for n in ns}
    cues = item.cues or claims.Cues(sentence)
    for number in item.numbers:
        role = metric_numbers.get(id(number))
        if role is None:
            found = cues.before(number.start)
            role = found[0] if found else None
        confident = number.percent and CONFIDENT_RE.match(text, number.end, sentence.end)
        if role is None and (
            confident
            or (
                PROBABILITY_CONTEXT_RE.search(text, _context_start(sentence, number), number.start)
                and "=" not in text[max(sentence.start, number.start - 3) : number.start]
            )
        ):
            role = "probability"
        if role not in ("probability", *METRIC_ROLES):
            continue
        if COUNT_NOUN_AFTER_RE.match(text, number.end, sentence.end) and not confident:
            continue
        if role != "probability" and not number.percent and number.decimals == 0:
            continue  # "accuracy of 95" may mean percent; too ambiguous to judge
        if 0 <= number.value <= 1:
            continue
        what = "a probability" if role == "probability" else f"{role} (a rate)"
        limit = "100%" if number.percent else "1"
        yield Finding(
            "F003",
            run,
            number.start,
            number.end,
            f"{number.shown} is outside the range of {what}: it must lie between 0 and {limit}",
        )
    has_percent = text.find("%", sentence.start, sentence.end) >= 0  # shares need one
    shares = SHARE_RE.finditer(text, sentence.start, sentence.end) if has_percent else ()
    for m in shares:
        value = Fraction(m.group("num"))
        if value > 100:
            yield Finding(
                "F003",
                run,
                m.start(),
                m.end("num") + 1,
                f"a share of {m.group('num')}% of a whole is impossible: a part is at most 100%",
            )
    yield from _check_splits(item, options, has_percent)


def _check_splits(item: SentenceClaims, options: Options, has_percent: bool) -> Iterator[Finding]:
    sentence = item.sentence
    run = sentence.prose.run
    # Split ratios are written with slashes (80/10/10); split parts with percent signs.
    matches = (
        [
            *SPLIT_RE.finditer(sentence.plain, sentence.start, sentence.end),
            *SPLIT_VERB_RE.finditer(sentence.plain, sentence.start, sentence.end),
        ]
        if sentence.plain.find("/", sentence.start, sentence.end) >= 0
        else []
    )
    for m in matches:
        parts = [int(p) for p in re.split(r"\s?/\s?", m.group("parts"))]
        # Parts summing to little are a ratio (8/1/1, 5/5), not percentages.
        if sum(parts) != 100 and sum(parts) >= 50 and all(p <= 100 for p in parts):
            yield Finding(
                "F003",
                run,
                m.start("parts"),
                m.end("parts"),
                f"a {m.group('parts')} split adds up to {sum(parts)}%, not 100%",
            )
    if not has_percent:
        return
    parts = [
        (m, m.group("label").lower()[:3])
        for m in SPLIT_PART_RE.finditer(sentence.plain, sentence.start, sentence.end)
    ]
    kinds = {"tra": "train", "val": "validation", "dev": "validation", "tes": "test"}
    labels = {kinds.get(label, label) for _, label in parts}
    if len(parts) < 2 or len(labels) != len(parts):
        return
    total = sum((Fraction(m.group("num")) for m, _ in parts), Fraction(0))
    complete = labels == {"train", "validation", "test"} or bool(
        re.search(r"\bsplit\b|\bdivided\b", sentence.text, re.I)
    )
    if total > 100 or (complete and total < 100):
        shown = " + ".join(f"{m.group('num')}%" for m, _ in parts)
        yield Finding(
            "F003",
            run,
            parts[0][0].start(),
            parts[-1][0].end(),
            f"the data split {shown} adds up to {numeric.fmt_exact(total, 2)}%, not 100%",
        )


# --- metrics -------------------------------------------------------------------------------


def _leaf_metrics(analysed: list[SentenceClaims]) -> dict[int, dict[str, Number]]:
    """Per prose leaf, each metric stated exactly once in it (ambiguous ones left out)."""
    seen: dict[int, dict[str, list[Number]]] = {}
    for item in analysed:
        if not item.metrics:
            continue  # an empty bucket and a missing one read the same
        bucket = seen.setdefault(id(item.sentence.prose), {})
        for role, numbers in item.metrics.items():
            bucket.setdefault(role, []).extend(numbers)
    return {
        leaf: {role: ns[0] for role, ns in bucket.items() if len(ns) == 1}
        for leaf, bucket in seen.items()
    }


def _check_metrics(
    item: SentenceClaims, leaf: dict[str, Number], options: Options
) -> Iterator[Finding]:
    own = {role: ns[0] for role, ns in item.metrics.items() if len(ns) == 1}
    if not own:
        return
    values = {**leaf, **own}
    run = item.sentence.prose.run
    slack = options.tolerance
    counts = {r: values[r] for r in claims.COUNT_ROLES if r in values}
    if not all(
        n.value.denominator == 1 and n.value >= 0 and not n.percent for n in counts.values()
    ):
        counts = {}
    checked_f1 = False
    if counts:
        tp, fp = counts.get("tp"), counts.get("fp")
        fn, tn = counts.get("fn"), counts.get("tn")
        formulas: dict[str, tuple[Fraction, str] | None] = {
            "precision": _ratio(tp, [tp, fp], "TP / (TP + FP)"),
            "recall": _ratio(tp, [tp, fn], "TP / (TP + FN)"),
            "specificity": _ratio(tn, [tn, fp], "TN / (TN + FP)"),
            "accuracy": _accuracy(tp, fp, fn, tn),
            "f1": _ratio(tp, [tp, tp, fp, fn], "2TP / (2TP + FP + FN)", numerator_factor=2),
        }
        for role, formula in formulas.items():
            stated = own.get(role)
            if stated is None or formula is None:
                continue
            # Only check when the sentence states the metric or the counts.
            true, text = formula
            checked_f1 = checked_f1 or role == "f1"
            if not stated.admits(true, slack):
                decimals = numeric.shown_decimals([stated.decimals + (2 if stated.percent else 0)])
                yield Finding(
                    "F005",
                    run,
                    stated.start,
                    stated.end,
                    f"{role} {stated.shown} contradicts the confusion matrix: {text} = "
                    f"{_shown_like(stated, true, decimals)}",
                )
    if checked_f1 or "f1" not in own:
        return
    precision, recall, stated_f1 = values.get("precision"), values.get("recall"), own["f1"]
    if precision is None or recall is None:
        return
    if not all(0 <= n.value <= 1 for n in (precision, recall, stated_f1)):
        return
    # Precision and recall are the premises; F1 is their consequence and may be rounded or
    # truncated to its digits. A premise with one significant digit (0.8, 40%) is taken as
    # exact; one with more (0.67) may itself be rounded, which moves F1 a little.
    true = numeric.f1(precision.value, recall.value)
    if stated_f1.admits(true, slack + _f1_premise_slack(precision, recall)):
        return
    decimals = numeric.shown_decimals(
        [n.decimals + (2 if n.percent else 0) for n in (precision, recall, stated_f1)]
    )
    yield Finding(
        "F004",
        run,
        stated_f1.start,
        stated_f1.end,
        f"F1 {stated_f1.shown} contradicts precision {precision.shown} and recall "
        f"{recall.shown}: F1 = 2PR / (P + R) = 2 × {precision.shown} × {recall.shown} / "
        f"({precision.shown} + {recall.shown}) = {_shown_like(stated_f1, true, decimals)}",
    )


def _shown_like(stated: Number, value: Fraction, decimals: int) -> str:
    """A computed rate written the way the author wrote theirs (68.6% next to 75%)."""
    if stated.percent:
        return numeric.fmt(value * 100, max(decimals - 2, 1)) + "%"
    return numeric.fmt(value, decimals)


def _f1_premise_slack(precision: Number, recall: Number) -> float:
    """How far F1 may move when precision and recall are rounded to their stated digits.

    First-order bound: |dF1/dP| * ulp(P) / 2 + |dF1/dR| * ulp(R) / 2, counting only premises
    with more than one significant digit.
    """
    p, r = float(precision.value), float(recall.value)
    if p + r <= 0:
        return 0.0
    slack = 0.0
    for number, partial in ((precision, 2 * r * r), (recall, 2 * p * p)):
        if number.significant_digits > 1:
            slack += partial / (p + r) ** 2 * float(number.ulp) / 2
    return slack


def _ratio(
    numerator: Number | None, parts: list[Number | None], text: str, numerator_factor: int = 1
) -> tuple[Fraction, str] | None:
    if numerator is None or any(p is None for p in parts):
        return None
    denominator = sum((p.value for p in parts if p is not None), Fraction(0))
    if denominator == 0:
        return None
    value = numerator.value * numerator_factor / denominator
    shown = text
    return value, f"{shown} = {numerator_factor * int(numerator.value)} / {int(denominator)}"


def _accuracy(
    tp: Number | None, fp: Number | None, fn: Number | None, tn: Number | None
) -> tuple[Fraction, str] | None:
    if tp is None or fp is None or fn is None or tn is None:
        return None
    total = tp.value + fp.value + fn.value + tn.value
    if total == 0:
        return None
    return (
        (tp.value + tn.value) / total,
        f"(TP + TN) / (TP + FP + FN + TN) = {int(tp.value + tn.value)} / {int(total)}",
    )
