"""F rules: numeric claims, formulas and knowledge packs, as a user sees them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import qalint
from qalint.config import ConfigError, config_from_mapping
from qalint.diagnostics import Severity

SEED = Path(__file__).parent / "fixtures" / "seed_verbatim.md"
ONLY_F = config_from_mapping({"select": ["F"]})


def answer(*lines: str) -> str:
    """A question block whose answer tab holds ``lines``."""
    body = "\n".join("        " + line if line else "" for line in lines)
    return f'!!! Question ""\n    === "Question"\n        #### Why?\n\n    === "Answer"\n\n{body}\n'


def findings(text: str, config=ONLY_F) -> list:
    return [d for d in qalint.lint_text(text, "q.md", config) if d.code.startswith("F")]


def codes(text: str) -> list[str]:
    return [d.code for d in findings(text)]


# --- the seed ---------------------------------------------------------------------------------


def test_seed_reports_softmax_sum_logit_mismatch_and_hidden_layer_norm() -> None:
    found = findings(SEED.read_text(encoding="utf-8"))
    by_code = {(d.code, d.line): d for d in found}
    total = by_code[("F001", 52)]
    assert total.message == (
        "softmax outputs 0.99 + 0.1 sum to 1.09, not 1; softmax(10.1, 5.6) = (0.989, 0.011)"
    )
    assert (total.column, total.span.end_column) == (266, 288)  # `0.99` ... 0.1
    mismatch = by_code[("F002", 52)]
    assert "logits on line 51" in mismatch.message
    assert "0.1 for dog should be 0.011" in mismatch.message
    layer_norm = by_code[("F008", 107)]  # inside <!-- ... -->
    assert "[layer-norm-over-batch]" in layer_norm.message
    assert layer_norm.column == 113
    assert layer_norm.severity is Severity.ERROR


def test_seed_check_does_not_import_sympy() -> None:
    code = (
        "import sys, qalint; "
        f"qalint.lint_text(open({str(SEED)!r}, encoding='utf-8').read(), 'seed.md'); "
        "assert 'sympy' not in sys.modules, 'sympy imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_sympy_is_imported_when_a_formula_needs_it() -> None:
    code = (
        "import sys, qalint; "
        "d = qalint.lint_text('$\\\\log_2 8 = 4$\\n'); "
        "assert 'sympy' in sys.modules; assert [x.code for x in d] == ['F006'], d"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- F001 distribution-sum --------------------------------------------------------------------


def test_distribution_without_logits_gives_sum() -> None:
    (d,) = findings(answer("The softmax gives `0.6` for cat, `0.5` for dog and `0.1` for bird."))
    assert d.code == "F001"
    assert d.message.startswith("softmax outputs 0.6 + 0.5 + 0.1 sum to 1.2, not 1")
    assert (d.line, d.column) == (7, 28)


def test_single_correction_when_only_one_value_can_be_off() -> None:
    (d,) = findings(answer("The probability vector is `[0.9, 0.7]` for the two classes."))
    assert d.code == "F001"
    assert "if the others are right, 0.9 should be 0.3" not in d.message  # two candidates
    (d,) = findings(answer("Softmax gives `[0.2, 0.3, 0.9]`."))
    assert d.message.endswith("; if the others are right, 0.9 should be 0.5")


def test_percentages_sum_to_100() -> None:
    (d,) = findings(answer("Class probabilities are 70% for cat, 20% for dog and 20% for bird."))
    assert "sum to 110%, not 100%" in d.message


@pytest.mark.parametrize(
    "sentence",
    [
        "The softmax gives `0.7` for cat, `0.2` for dog and `0.1` for bird.",
        "The softmax gives `0.6` for cat and `0.3` for dog; the rest goes to other classes.",
        "Softmax outputs `0.66`, `0.24` and `0.10` for the three classes.",
        "Independent sigmoid outputs give 0.9 for cat and 0.8 for dog.",
        "The probabilities 0.9 and 0.8 belong to two different images.",
        "It is wrong to say softmax gives `0.99` for cat and `0.1` for dog.",
    ],
)
def test_distribution_silent_on_correct_or_unclear_statements(sentence: str) -> None:
    assert codes(answer(sentence)) == []


def test_sum_below_one_needs_a_complete_distribution() -> None:
    assert codes(answer("The softmax gives `0.5` for cat and `0.3` for dog.")) == []
    assert codes(answer("For the two classes the softmax gives `0.5` and `0.2`.")) == ["F001"]


def test_truncation_reading_does_not_reach_the_next_digit() -> None:
    """``0.4`` may be 0.44 truncated, never 0.5: two of them cannot make a distribution."""
    (d,) = findings(answer("The softmax gives `[0.4, 0.4]` for the two classes."))
    assert d.message.startswith("softmax outputs 0.4 + 0.4 sum to 0.8, not 1")
    assert codes(answer("The softmax gives `[0.33, 0.33, 0.33]` for the three classes.")) == []


# --- F002 logits-mismatch ---------------------------------------------------------------------


def test_logits_in_previous_list_item_are_used() -> None:
    text = answer(
        "- Logits are `2` for A and `0` for B.",
        "- Applying softmax to the logits gives `0.95` for A and `0.05` for B.",
    )
    (d,) = findings(text)
    assert d.code == "F002"
    assert d.message == (
        "softmax(2, 0) = (0.881, 0.119) for the logits on line 7, but the text states "
        "0.95 for A and 0.05 for B: 0.95 for A should be 0.881; 0.05 for B should be 0.119"
    )
    assert (d.line, d.column) == (8, 49)


def test_sigmoid_of_a_single_logit() -> None:
    (d,) = findings(answer("A logit of `0` gives a sigmoid output of `0.6`."))
    assert d.code == "F002"
    assert "sigmoid(0) = 0.500" in d.message
    # 0.5 is written 0.5 rounded or truncated: 0.4 is wrong even though 0.4 + one unit = 0.5.
    assert codes(answer("A logit of `0` gives a sigmoid output of `0.4`.")) == ["F002"]


def test_vector_input_and_output() -> None:
    assert codes(answer("The softmax of `[3, 2, 1]` is `[0.5, 0.3, 0.2]`.")) == ["F002"]
    assert codes(answer("The softmax of `[3, 2, 1]` is `[0.665, 0.245, 0.090]`.")) == []


def test_temperature_is_applied() -> None:
    assert codes(answer("With temperature `T = 2`, logits `[2, 0]` give `[0.731, 0.269]`.")) == []


def test_logits_in_another_question_are_not_used() -> None:
    text = answer("Logits are `2` and `0`.") + answer("The softmax gives `[0.5, 0.5]`.")
    assert codes(text) == []


# --- F003 value-out-of-range ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "column"),
    [
        ("The model predicts the class with a probability of 1.2.", 60),
        ("The probability of rain tomorrow is 1.5.", 45),
        ("The model is 120% confident.", 22),
        ("The classifier reaches an accuracy of 1.05.", 47),
        ("About 120% of the data is held out.", 15),
        ("We use an 80/20/10 split.", 19),
        ("The data is split into 80% train, 20% validation and 10% test.", 32),
        ("Its value is $P(A) = 1.2$.", 23),
        ("The precision of the model is 1.2.", 39),
        ("We split the data 70/20/20 into train, validation and test.", 27),
    ],
)
def test_out_of_range(sentence: str, column: int) -> None:
    (d,) = findings(answer(sentence))
    assert d.code == "F003"
    assert (d.line, d.column) == (7, column)


@pytest.mark.parametrize(
    "sentence",
    [
        "The probability of 5 consecutive heads is 1/32.",
        "Accuracy improved by 150% over the baseline.",
        "The accuracy of 95 models was averaged.",
        "We use an 80/10/10 split.",
        "A 70/30 train/test split is common.",
        "We use an 8/1/1 split.",  # a ratio, not percentages
        "We split the data 70/15/15 into train, validation and test.",
    ],
)
def test_in_range(sentence: str) -> None:
    assert codes(answer(sentence)) == []


# --- F004 / F005 metrics ----------------------------------------------------------------------


def test_f1_against_precision_and_recall() -> None:
    (d,) = findings(answer("With a precision of 0.9 and a recall of 0.5, the F1 score is 0.7."))
    assert d.code == "F004"
    assert d.message.endswith("= 2 × 0.9 × 0.5 / (0.9 + 0.5) = 0.643")
    assert codes(answer("With a precision of 0.9 and a recall of 0.5, the F1 score is 0.64.")) == []


def test_f1_respectively_and_across_sentences() -> None:
    assert codes(answer("Precision and recall of 0.7 and 0.8 give an F1 of 0.79.")) == ["F004"]
    assert codes(answer("The precision is 0.6 and the recall is 0.9. The F1 is 0.75.")) == ["F004"]
    assert codes(answer("The precision is 0.6 and the recall is 0.9. The F1 is 0.72.")) == []


def test_f1_on_the_edge_of_the_stated_digits() -> None:
    # The true F1 0.8 is not "0.7" (truncation of 0.8 is 0.8).
    text = answer("Precision is 0.8 and recall is 0.8, so the F1 score is 0.7.")
    assert codes(text) == ["F004"]
    # Premises with more digits may be rounded: 0.67 may be 2/3, whose F1 with 0.5 is 0.571.
    assert codes(answer("With precision 0.67 and recall 0.5, F1 is 0.571.")) == []
    assert codes(answer("With precision 0.67 and recall 0.5, F1 is 0.55.")) == ["F004"]


def test_metric_messages_use_the_authors_unit() -> None:
    (d,) = findings(answer("Precision 80% and recall 60% give an F1 of 75%."))
    assert d.message.endswith("= 2 × 80% × 60% / (80% + 60%) = 68.6%")
    (d,) = findings(answer("With TP = 40, FP = 10, FN = 20 and TN = 30, the accuracy is 80%."))
    assert d.message.endswith("= 70 / 100 = 70.0%")


def test_confusion_matrix_metrics() -> None:
    text = answer("With TP = 40, FP = 10, FN = 20 and TN = 30, the accuracy is 0.8.")
    (d,) = findings(text)
    assert d.code == "F005"
    assert "(TP + TN) / (TP + FP + FN + TN) = 70 / 100 = 0.700" in d.message
    counts = "A model with 90 true positives, 10 false positives, 30 false negatives"
    assert codes(answer(f"{counts} has precision 0.9 and recall 0.75.")) == []
    assert codes(answer(f"{counts} has a recall of 0.9.")) == ["F005"]
    # The exact 0.9 is not "0.8" truncated.
    assert codes(answer("With TN = 90 and FP = 10, the specificity is 0.8.")) == ["F005"]


# --- F006 / F007 formulas ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "tex",
    [
        r"\log_2 8 = 3",
        r"\sigma(0) = 0.5",
        r"\sigma(2) \approx 0.88",
        r"\pi \approx 3.1415",
        r"\log 8 = 3",
        r"e^3 = 20",
        r"\binom{5}{2} = 10",
        r"\sum_{i=1}^{10} i = 55",
        r"0 < \sigma(-5) < 0.01",
        r"50\% = 0.5",
        r"p = 0.5",
        r"x \in [0, 1]",
        r"2^{64} \approx 1.8 \times 10^{19}",
        r"2^{64} \approx 10^{19}",
        r"\log_0 5 = 2",  # no such logarithm: not checked
        r"10^{-400} = 0",  # beyond floating point: not checked
    ],
)
def test_true_or_unchecked_formulas(tex: str) -> None:
    assert codes(answer(f"We have ${tex}$.")) == []


@pytest.mark.parametrize(
    "tex",
    [
        r"\log_2 8 = 4",
        r"\sigma(0) = 0.6",
        r"\tanh(0) = 1",
        r"\binom{5}{2} = 20",
        r"\frac{7}{2} = 3",
        r"\sigma(5) < 0.9",
        r"\log 8 = 5",
        r"2^{10} = 1000",
        r"\sigma(0) = 0.4",
        r"\log_2 8 = 2.9",
        r"\sigma(0) < 0.5",
        r"10^{-3} = 0.01",
        r"2^{64} \approx 1.8 \times 10^{18}",
    ],
)
def test_false_closed_formulas(tex: str) -> None:
    (d,) = findings(answer(f"We have ${tex}$."))
    assert d.code == "F006"
    assert d.column == 18  # the formula, after "We have $"


def test_false_formula_message_shows_both_sides() -> None:
    (d,) = findings(answer(r"We have $\sigma(0) = 0.6$."))
    assert d.message == (
        r"$\sigma(0) = 0.6$ is false: the left side is 0.5 and the right side is 0.6, "
        "so '=' does not hold"
    )


def test_identities() -> None:
    (d,) = findings(answer(r"Products: $\log(ab) = \log a \cdot \log b$."))
    assert d.code == "F007"
    assert "is not an identity: at a = " in d.message
    for tex in (
        r"\log(ab) = \log a + \log b",
        r"\sigma(-x) = 1 - \sigma(x)",
        r"\frac{d}{dx}\sigma(x) = \sigma(x)(1 - \sigma(x))",
        r"y = 2x + 1",
        r"f(x) = x^2",
        r"2x + 3 = 7",
        r"\sigma(x) = 0.5 + 0.25x",
    ):
        assert codes(answer(f"Here ${tex}$.")) == [], tex


def test_identity_with_a_constant_side() -> None:
    assert codes(answer(r"Here $\sigma(x) + \sigma(-x) = 2$.")) == ["F007"]
    assert codes(answer(r"Here $\sin^2 x + \cos^2 x = 2$.")) == ["F007"]
    for tex in (
        r"\sigma(x) + \sigma(-x) = 1",
        r"2x + 3 = 7",  # an equation to solve
        r"x^2 = 4",
        r"\text{sign}(x) = -1",  # a case of a piecewise function
        r"(-1)^n = 1",
    ):
        assert codes(answer(f"Here ${tex}$.")) == [], tex


@pytest.mark.parametrize(
    "sentence",
    [
        r"For small $x$, $\tanh(x) = x$.",
        r"$e^x = 1 + x$ for small $x$.",
        r"$\log(1 + x) = x$ when $x$ is close to zero.",
        r"A first-order Taylor expansion gives $\sigma(x) = \frac{1}{2} + \frac{x}{4}$.",
        r"For $x < 0$, $\max(x, 2x) = x$.",
    ],
)
def test_conditional_or_approximate_identities_are_not_checked(sentence: str) -> None:
    assert codes(answer(sentence)) == []


def test_formula_quoted_as_a_mistake_is_not_checked() -> None:
    assert codes(answer(r"A common mistake is $\log(a + b) = \log a + \log b$.")) == []
    # The formula may open the sentence that calls it wrong.
    assert codes(answer(r"$\log(a + b) = \log a + \log b$ is a common mistake.")) == []
    assert codes(answer(r"$\log_2 8 = 4$ is wrong.")) == []
    assert codes(answer(r"$\log_2 8 = 4$.")) == ["F006"]


@pytest.mark.parametrize(
    "tex",
    [
        r"9^{9^{9}} = 1",
        r"10^{10^{10}} > 1",
        r"\sum_{i=1}^{10000} i^{i} = 1",
        r"\sum_{i=1}^{1000} \sum_{j=1}^{1000} i^{j} = 1",
        r"\prod_{i=1}^{1000} i^{i} = 1",
        r"100000! = 1",
        r"\binom{100000}{50000} = 2",
        "(" * 3000 + "1" + ")" * 3000 + " = 2",
        r"\frac{1}{" * 1500 + "2" + "}" * 1500 + " = 2",
        "2^{" * 500 + "1" + "}" * 500 + " = 2",
    ],
)
def test_pathological_formulas_neither_hang_nor_crash(tex: str) -> None:
    """Huge exact numbers and deep nesting are left unchecked, quickly (run in a child with a
    time limit, so a regression fails instead of hanging the suite)."""
    code = (
        "import sys, qalint; "
        "d = qalint.lint_text(sys.stdin.read(), 'q.md'); "
        "print([x.code for x in d if x.code.startswith('F')])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=answer(f"We have ${tex}$."),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_formula_verdicts_are_cached_per_expression() -> None:
    from qalint.facts import symbolic

    tex = r"\log_2 32 = 6"
    assert codes(answer(f"We have ${tex}$.")) == ["F006"]
    before = symbolic.check_formula.cache_info().hits
    assert codes(answer(f"Again ${tex}$, and ${tex}$.")) == ["F006", "F006"]
    assert symbolic.check_formula.cache_info().hits >= before + 2


def test_formula_in_commented_out_question_is_checked() -> None:
    text = "<!--\n" + answer(r"We have $\log_2 8 = 4$.") + "-->\n"
    assert codes(text) == ["F006"]


# --- F008 knowledge packs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "entry"),
    [
        ("Layer normalization normalizes over the mini-batch.", "layer-norm-over-batch"),
        ("Softmax is a linear function.", "softmax-linear"),
        ("Dropout is also applied during inference.", "dropout-at-inference"),
        ("The F1 score is the arithmetic mean of precision and recall.", "f1-arithmetic-mean"),
        (
            "Layer normalization computes the mean and variance over the batch.",
            "layer-norm-over-batch",
        ),
        ("Dropout is applied during training and inference.", "dropout-at-inference"),
        ("The softmax function is linear.", "softmax-linear"),
    ],
)
def test_builtin_pack(sentence: str, entry: str) -> None:
    (d,) = findings(answer(sentence))
    assert d.code == "F008"
    assert d.message.endswith(f"[{entry}]")


@pytest.mark.parametrize(
    "sentence",
    [
        "Layer normalization does not depend on the batch.",
        "Unlike batch normalization, layer normalization works for a batch of one.",
        "It is a misconception that dropout is applied during inference.",
        "Softmax is a non-linear function.",
        "Monte Carlo dropout keeps dropout active at inference time.",
        "Layer normalization works the same for a batch of one.",
        "The batch normalization layer normalizes over the batch, and layer normalization over "
        "the features.",
        "People often say that layer normalization normalizes over the batch, but it does so "
        "over the features.",
        "Dropout is applied during training and disabled at inference.",
        "Softmax uses a linear function of the inputs as its argument in logistic regression.",
        "Bagging mainly reduces variance and boosting mainly reduces bias.",
        "Random forests use bagging and gradient boosting uses boosting.",
        "The sigmoid is zero-centred only after subtracting 0.5.",
    ],
)
def test_builtin_pack_silent(sentence: str) -> None:
    assert codes(answer(sentence)) == []


def test_user_pack_and_its_severity(tmp_path: Path) -> None:
    pack = tmp_path / "team.toml"
    pack.write_text(
        "[[entries]]\nid = \"adam-no-lr\"\npattern = 'adam{gap}\\bhas no learning rate'\n"
        'message = "Adam has a learning rate (default 0.001)."\nseverity = "warning"\n'
        'reference = "https://arxiv.org/abs/1412.6980"\n',
        encoding="utf-8",
    )
    config = config_from_mapping(
        {"select": ["F"], "facts": {"packs": ["team.toml"]}}, tmp_path / "qalint.toml"
    )
    (d,) = findings(answer("Adam has no learning rate."), config)
    assert d.severity is Severity.WARNING
    assert d.message == (
        "Adam has a learning rate (default 0.001). "
        "(see https://arxiv.org/abs/1412.6980) [adam-no-lr]"
    )


def test_builtin_packs_can_be_turned_off() -> None:
    config = config_from_mapping({"select": ["F"], "facts": {"builtin-packs": False}})
    assert findings(answer("Softmax is a linear function."), config) == []


@pytest.mark.parametrize(
    ("content", "suffix", "expected"),
    [
        (
            '[[entries]]\nid = "x"\nmessage = "m"\n',
            ".toml",
            "entry 1 (id 'x'): 'pattern' is required",
        ),
        (
            '[[entries]]\nid = "x"\npattern = "(unclosed"\nmessage = "m"\n',
            ".toml",
            "entry 1 (id 'x'): 'pattern' is not a valid regular expression",
        ),
        (
            '[[entries]]\nid = "x"\npattern = "a"\nmessage = "m"\nseverity = "fatal"\n',
            ".toml",
            "entry 1 (id 'x'): 'severity' must be error, warning or info",
        ),
        (
            '[[entries]]\nid = "x"\npattern = "a"\nmessage = "m"\ncolour = "red"\n',
            ".toml",
            "entry 1 (id 'x'): unknown key 'colour'",
        ),
        (
            json.dumps(
                {
                    "entries": [
                        {"id": "a", "pattern": "a", "message": "m"},
                        {"id": "a", "pattern": "b", "message": "m"},
                    ]
                }
            ),
            ".json",
            "entry 2 (id 'a'): id 'a' is used twice",
        ),
        ("entries = [", ".toml", "knowledge pack is not valid TOML"),
        (
            '[[entries]]\nid = "x"\npattern = "a*"\nmessage = "m"\n',
            ".toml",
            "entry 1 (id 'x'): 'pattern' matches the empty string",
        ),
    ],
)
def test_malformed_pack_names_file_and_entry(
    tmp_path: Path, content: str, suffix: str, expected: str
) -> None:
    pack = tmp_path / f"bad{suffix}"
    pack.write_text(content, encoding="utf-8")
    config = config_from_mapping({"facts": {"packs": [pack.name]}}, tmp_path / "qalint.toml")
    with pytest.raises(ConfigError) as error:
        qalint.lint_text(answer("Anything."), "q.md", config)
    assert str(pack) in str(error.value)
    assert expected in str(error.value)


def test_missing_pack_is_a_config_error(tmp_path: Path) -> None:
    config = config_from_mapping({"facts": {"packs": ["nope.toml"]}}, tmp_path / "qalint.toml")
    with pytest.raises(ConfigError, match=r"nope\.toml: knowledge pack not found"):
        qalint.lint_text(answer("Anything."), "q.md", config)


def test_bad_tolerance_is_rejected() -> None:
    with pytest.raises(ConfigError, match=r"facts\.tolerance"):
        config_from_mapping({"facts": {"tolerance": 2}})


@pytest.mark.parametrize("code", [f"F00{n}" for n in range(1, 9)])
def test_rule_examples(code: str) -> None:
    """`qalint rule CODE` shows a bad example that fires and a good one that does not."""
    from qalint.rules.registry import get_rule

    rule = get_rule(code)
    assert rule is not None
    config = config_from_mapping({"select": [code]})
    assert [d.code for d in qalint.lint_text(rule.bad + "\n", "x.md", config)] == [code]
    assert qalint.lint_text(rule.good + "\n", "x.md", config) == []


def test_fenced_code_is_not_a_claim() -> None:
    text = answer("```python", "probs = [0.99, 0.1]  # softmax output for cat and dog", "```")
    assert codes(text) == []


def test_content_bank_has_no_fact_findings() -> None:
    content = Path(__file__).parent.parent / "content"
    files = sorted(content.glob("**/*.md"))
    if not files:
        pytest.skip("no content/ bank yet")
    found = [d for d in qalint.lint_paths(files, ONLY_F) if d.code.startswith("F")]
    assert found == []
