"""F rules: facts stated in answers, checked by computation and by knowledge packs.

The work is done by ``qalint.facts``; this module declares the rules, reads the ``facts``
config section and turns findings into diagnostics. All prose and math is checked, including
Markdown hidden in HTML comments (a commented-out question still teaches whoever reads it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from qalint.config import Option, register_section
from qalint.diagnostics import Diagnostic, Severity
from qalint.facts.findings import Finding
from qalint.rules._memo import section
from qalint.rules.registry import Rule, RuleContext, rule

register_section(
    "facts",
    {
        "packs": Option(
            "list[str]",
            [],
            "Extra knowledge-pack files (.toml or .json), relative to the config file's folder.",
        ),
        "builtin-packs": Option(
            "bool", True, "Use the knowledge packs shipped with qalint (machine learning)."
        ),
        "tolerance": Option(
            "float",
            0.0,
            "Extra absolute slack on numeric comparisons, on top of the rounding the stated "
            "digits allow.",
            validate=lambda v: None if 0 <= v < 1 else "must be between 0 and 1",
        ),
    },
)

_STATE_KEY = "facts.findings"


def _findings(ctx: RuleContext) -> list[Finding]:
    """All fact findings of the document, computed once and shared by the F rules."""
    cache: dict[int, list[Finding]] = ctx.state.setdefault(_STATE_KEY, {})
    key = id(ctx.document)
    if key not in cache:
        from qalint.facts.run import run_checks

        extras = section(ctx, "facts")["packs"]
        if extras:
            base = ctx.config.root or Path.cwd()
            for extra in extras:
                ctx.depends_on(Path(extra) if Path(extra).is_absolute() else base / extra)
        cache[key] = run_checks(ctx.document, ctx.config, ctx.shared)
    return cache[key]


def _emit(this: Rule, ctx: RuleContext) -> Iterator[Diagnostic]:
    for finding in _findings(ctx):
        if finding.code != this.code:
            continue
        diagnostic = this(ctx, finding.span, finding.message)
        if finding.severity is not None:
            diagnostic = diagnostic.with_severity(finding.severity)
        yield diagnostic


@rule(
    "F001",
    "distribution-sum",
    summary="Stated probabilities of one distribution do not sum to 1.",
    explanation="""
Softmax outputs and class probabilities of one prediction sum to 1. qalint adds the values
a sentence states for distinct classes (or as a vector) and reports a sum that cannot be 1
even allowing for the rounding the written digits allow (`0.99` may stand for 0.985-1.0).
A sum below 1 is only reported when the values cover every class (a vector, "the three
classes", or as many values as stated logits). When the logits are stated nearby, the message
gives the true softmax.
""",
    bad="""
Logits are `10.1` for cat and `5.6` for dog.
Applying softmax we get `0.99` for cat and `0.1` for dog.
""",
    good="""
Logits are `10.1` for cat and `5.6` for dog.
Applying softmax we get `0.989` for cat and `0.011` for dog.
""",
    config_keys=("facts.tolerance",),
)
def distribution_sum(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Report distributions that do not sum to 1."""
    yield from _emit(distribution_sum, ctx)


@rule(
    "F002",
    "logits-mismatch",
    summary="Stated softmax or sigmoid outputs disagree with the stated logits.",
    explanation="""
When an answer states logits and, in the same sentence or shortly before in the same answer,
the softmax (or sigmoid) outputs computed from them, qalint computes the outputs and reports
each stated value that does not round (or truncate) to the true one. Logits and outputs are
matched by class label when both are labelled.
""",
    bad="Logits `2.0` for A and `1.0` for B give softmax outputs `0.8` for A and `0.2` for B.",
    good="Logits `2.0` for A and `1.0` for B give softmax outputs `0.73` for A and `0.27` for B.",
    config_keys=("facts.tolerance",),
)
def logits_mismatch(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Report outputs that softmax/sigmoid of the stated logits do not give."""
    yield from _emit(logits_mismatch, ctx)


@rule(
    "F003",
    "value-out-of-range",
    summary="A probability or rate outside [0, 1], or shares of a whole above 100%.",
    explanation="""
A probability, confidence, accuracy, precision, recall or F1 score lies between 0 and 1
(0% and 100%). A share of a dataset cannot exceed 100%, and a train/validation/test split
must add up to 100% (`80/10/10`).
""",
    bad="The model predicts the class with a probability of 1.2.",
    good="The model predicts the class with a probability of 0.92.",
)
def value_out_of_range(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Report probabilities, rates and shares outside their range."""
    yield from _emit(value_out_of_range, ctx)


@rule(
    "F004",
    "f1-mismatch",
    summary="A stated F1 score contradicts the stated precision and recall.",
    explanation="""
F1 is the harmonic mean of precision and recall, 2PR / (P + R). qalint reports an F1 that
does not round (or truncate) to the F1 of the stated precision and recall. A precision or
recall written with one significant digit (`0.8`, `40%`) is taken as exact; one written with
more (`0.67`) may itself be rounded, and the F1 it allows widens accordingly.
""",
    bad="With a precision of 0.8 and a recall of 0.6, the F1 score is 0.8.",
    good="With a precision of 0.8 and a recall of 0.6, the F1 score is 0.69.",
    config_keys=("facts.tolerance",),
)
def f1_mismatch(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Report F1 scores inconsistent with precision and recall."""
    yield from _emit(f1_mismatch, ctx)


@rule(
    "F005",
    "confusion-matrix-mismatch",
    summary="Accuracy, precision, recall, specificity or F1 contradict a stated confusion matrix.",
    explanation="""
When an answer states confusion-matrix counts (TP, FP, FN, TN) and metrics in the same
paragraph or list, qalint computes each metric exactly from the counts and reports a stated
value that does not round (or truncate) to it.
""",
    bad="With TP = 40, FP = 10, FN = 20 and TN = 30, the precision is 0.67.",
    good="With TP = 40, FP = 10, FN = 20 and TN = 30, the precision is 0.8.",
    config_keys=("facts.tolerance",),
)
def confusion_matrix_mismatch(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Report metrics inconsistent with stated confusion-matrix counts."""
    yield from _emit(confusion_matrix_mismatch, ctx)


@rule(
    "F006",
    "false-formula",
    summary="A closed equation or inequality in math (no free variables) is false.",
    explanation="""
A formula such as `$\\log_2 8 = 3$` or `$\\sigma(0) = 0.5$` has no free variables, so it can be
evaluated. qalint evaluates both sides (with sympy) and reports a relation that is false at
the precision of the stated numbers (`0.88` may stand for anything that rounds or truncates to
it; `1.8 \\times 10^{19}` is a stated number too). An unqualified `\\log` is accepted in base
e, 2 or 10. Formulas qalint cannot parse, or that would take too long to evaluate (huge exact
powers, sums of thousands of terms), are not checked; a sentence that says the formula is
wrong ("a common mistake is ...") is skipped.
""",
    bad="The sigmoid at zero is $\\sigma(0) = 0.6$.",
    good="The sigmoid at zero is $\\sigma(0) = 0.5$.",
    config_keys=("facts.tolerance",),
)
def false_formula(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Report closed formulas that evaluate to false."""
    yield from _emit(false_formula, ctx)


@rule(
    "F007",
    "false-identity",
    summary="A symbolic identity in math is false.",
    explanation="""
An equation whose two sides have the same free variables, or whose one side is a constant
and the other takes that same value for every input (`$\\sigma(x) + \\sigma(-x) = 1$`), and
whose left side is not a lone symbol being defined (`y = ...`, `f(x) = ...`), states an
identity. qalint evaluates both sides at several random positive points; when they differ at
every point the identity is false with certainty, and the message shows one counterexample.
Equations with decimal numbers, formulas qalint cannot parse, and formulas whose sentence
restricts or approximates them ("for small x", "for x < 0", "Taylor expansion") are not
checked.
""",
    bad="The logarithm turns products into sums: $\\log(ab) = \\log a \\cdot \\log b$.",
    good="The logarithm turns products into sums: $\\log(ab) = \\log a + \\log b$.",
)
def false_identity(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Report identities that are false."""
    yield from _emit(false_identity, ctx)


@rule(
    "F008",
    "known-misconception",
    summary="A sentence matches a known misconception from a knowledge pack.",
    explanation="""
Knowledge packs list statements that are known to be wrong, as data: a regular expression,
a message, a reference and a severity. qalint ships a machine-learning pack (layer
normalization over the batch, softmax called linear, dropout at inference, ...); add your own
with `facts.packs = ["my-pack.toml"]`. A match preceded by a negation ("it is not true that")
is not reported. Each entry's severity overrides this rule's default.
""",
    bad="Layer normalization normalizes the activations over the whole dataset.",
    good="Layer normalization normalizes the activations over the features of each example.",
    config_keys=("facts.packs", "facts.builtin-packs"),
    severity=Severity.ERROR,
)
def known_misconception(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Report sentences that match knowledge-pack entries."""
    yield from _emit(known_misconception, ctx)
