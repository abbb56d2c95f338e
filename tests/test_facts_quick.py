"""True closed formulas are confirmed without sympy; false ones still reach the exact check."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

import qalint
from qalint.facts import claims, latex, quick, symbolic, text

FIXTURES = Path(__file__).parent / "fixtures" / "facts"
MATH_RE = re.compile(r"\$([^$]+)\$")

QUESTION = """!!! Question ""
    === "Question"
        #### Which logarithms are worth knowing?

    === "Answer"

        We have $\\log_2 8 = 3$, $\\sigma(0) = 0.5$, $e^{0} = 1$ and $\\ln 1 < 0.1$.
"""


def _relations(
    name: str, keep: Callable[[latex.Relation], bool]
) -> list[tuple[str, latex.Relation]]:
    """The relations ``keep`` accepts in the formulas of a facts corpus fixture."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    found = []
    for tex in MATH_RE.findall(text):
        for segment in latex.parse_formula(tex):
            found += [(tex, r) for r in segment.relations() if keep(r)]
    return found


def test_nothing_the_exact_check_calls_false_passes_as_plainly_true() -> None:
    relations = [
        *_relations("wrong.md", symbolic._closed),
        *_relations("correct.md", symbolic._closed),
    ]
    relations += [(tex, latex.parse_formula(tex)[0].relations()[0]) for tex in CLOSE_CALLS]
    false = 0
    for tex, relation in relations:
        if symbolic._check_closed(relation, tex, 0.0):
            false += 1
            bases = symbolic._quick_bases(relation)
            assert not quick.plainly_holds(relation, bases), tex
            assert not symbolic._plainly_close(relation, bases), tex
    assert false >= 10  # the wrong corpus states false closed formulas


# Near misses of the stated-range shortcut: each is false, by a little (or by the rounding
# rule a whole number gets against an irrational value).
CLOSE_CALLS = [
    r"\log_2 7 \approx 2.806",
    r"\log_2 7 = 2.809",
    r"e^{7} \approx 1100",
    r"\sigma(1) = 0.74",
    r"\ln 2 \approx 0.68",
    r"\pi \approx 3.15",
    r"\ln 2 \approx \frac{3}{5}",
]
CLOSE_ENOUGH = [
    r"\log_2 7 \approx 2.807",
    r"\sigma(1) = 0.73",
    r"e^{3} \approx 20.09",
    r"\ln 2 \approx \frac{69}{100}",
    r"\sqrt{2} = 1.41",
    r"e^{-1} = 36.8\%",
]


def test_stated_decimals_are_confirmed_without_sympy() -> None:
    for tex in CLOSE_ENOUGH:
        (relation,) = latex.parse_formula(tex)[0].relations()
        assert symbolic._check_closed(relation, tex, 0.0) is None, tex
        assert symbolic._plainly_close(relation, symbolic._quick_bases(relation)), tex
    for tex in CLOSE_CALLS:
        (relation,) = latex.parse_formula(tex)[0].relations()
        assert symbolic._check_closed(relation, tex, 0.0), tex


def test_values_it_cannot_compute_are_left_to_sympy() -> None:
    for tex in (r"\log_0 5 = 2", r"\sum_{i=1}^{3} i = 6", r"10^{400} = 1", r"20! = 1"):
        (relation,) = latex.parse_formula(tex)[0].relations()
        assert not quick.plainly_holds(relation, (None,)), tex
    for tex in (r"3! = 6", r"\binom{5}{2} = 10", r"\frac{4!}{2!\,2!} = \binom{4}{2}"):
        (relation,) = latex.parse_formula(tex)[0].relations()
        assert quick.plainly_holds(relation, (None,)), tex  # small factorials are exact


IDENTITIES = """!!! Question ""
    === "Question"
        #### Which sigmoid identities hold?

    === "Answer"

        The sigmoid satisfies $\\sigma(-x) = 1 - \\sigma(x)$ and $\\tanh(x) = 2\\sigma(2x) - 1$.
"""


@pytest.mark.parametrize("text", [QUESTION, IDENTITIES], ids=["closed", "identities"])
def test_true_formulas_do_not_import_sympy(text: str) -> None:
    code = (
        "import sys, qalint; "
        f"found = qalint.lint_text({text!r}, 'q.md'); "
        "print([d.code for d in found if d.code.startswith('F')], 'sympy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[] False", done.stderr


FALSE_IDENTITIES = [
    r"\sigma(-x) = \sigma(x)",
    r"\tanh(x) = 2\sigma(x) - 1",
    r"\log(xy) = \log x \log y",
    r"e^{x+y} = e^x + e^y",
    r"(x + y)^2 = x^2 + y^2",
    r"\frac{1}{1+e^{-x}} = \frac{1}{1+e^{x}}",
]
TRUE_IDENTITIES = [
    r"\sigma(-x) = 1 - \sigma(x)",
    r"\log(xy) = \log x + \log y",
    r"e^{x+y} = e^x e^y",
    r"(x + y)^2 = x^2 + 2xy + y^2",
    r"\max(x, 0) = \mathrm{relu}(x)",
]


# Equations to solve and near misses, which the exact check does not call identities.
NOT_REFUTED = [
    r"2x + 3 = 7",
    r"\frac{(n - 1)!}{n!} = \frac{1}{n}",
    r"\binom{n}{2} = \frac{n^2 - n}{2}",
    r"\max(x, 1) = x",
    r"\frac{d}{dn} n^2 = 2n",
    r"a b c = 2",
]


def _identity_relations() -> list[tuple[str, latex.Relation]]:
    relations = [
        *_relations("wrong.md", symbolic._identity_candidate),
        *_relations("correct.md", symbolic._identity_candidate),
    ]
    listed = FALSE_IDENTITIES + TRUE_IDENTITIES + NOT_REFUTED
    relations += [(tex, latex.parse_formula(tex)[0].relations()[0]) for tex in listed]
    return [(t, r) for t, r in relations if symbolic._convertible(r)]  # as check_formula does


def _unrefuted(tex: str, relation: latex.Relation) -> bool:
    return quick.identity_unrefuted(
        relation,
        symbolic._quick_bases(relation),
        zlib.crc32(tex.encode()),
        symbolic._constant_side(relation),
    )


def test_no_identity_the_exact_check_refutes_passes_as_unrefuted() -> None:
    refuted = skipped = 0
    for tex, relation in _identity_relations():
        if symbolic._check_identity(relation, tex):
            refuted += 1
            assert not _unrefuted(tex, relation), tex
        elif _unrefuted(tex, relation):
            skipped += 1
    assert refuted >= len(FALSE_IDENTITIES)
    assert skipped >= len(TRUE_IDENTITIES) + len(NOT_REFUTED)


def test_float_sampling_draws_the_exact_checks_variables_in_its_order() -> None:
    """The float pre-check samples the very points sympy samples: same names, same order,
    the same whole-number names."""
    compared = 0
    for _, relation in _identity_relations():
        names = quick.sampled_names(relation)
        if names is None:
            continue
        symbols: dict[str, object] = {}
        symbolic.to_sympy(relation.left, "e", symbols)
        symbolic.to_sympy(relation.right, "e", symbols)
        exact = [(name, bool(symbol.is_integer)) for name, symbol in symbols.items()]
        assert names == exact, relation
        compared += 1
    assert compared >= 20


def test_true_identities_and_equations_skip_sympy() -> None:
    for tex in TRUE_IDENTITIES + NOT_REFUTED:
        (relation,) = latex.parse_formula(tex)[0].relations()
        assert symbolic._identity_candidate(relation), tex
        assert symbolic._check_identity(relation, tex) is None, tex
        assert _unrefuted(tex, relation), tex


def _cue_before_by_search(text: str, start: int, pos: int) -> tuple[str, int] | None:
    """The definition ``claims.Cues.before`` implements: every role pattern searched in the
    text up to the number, the cue ending closest to it with only filler words between."""
    best: tuple[str, int] | None = None
    window = text[start:pos]
    for role, pattern in claims.ROLE_RES.items():
        for m in pattern.finditer(window):
            if claims.FILLER_RE.fullmatch(window, m.end()) and (best is None or m.end() > best[1]):
                best = (role, m.end())
    return best


def test_cues_found_once_per_sentence_match_a_search_per_number() -> None:
    checked = 0
    for name in ("correct.md", "wrong.md"):
        document = qalint.parse_text((FIXTURES / name).read_text(encoding="utf-8"))
        for sentence in text.document_sentences(document):
            cues = claims.Cues(sentence)
            for number in claims.parse_numbers(sentence):
                expected = _cue_before_by_search(sentence.plain, sentence.start, number.start)
                assert cues.before(number.start) == expected, sentence.text
                checked += 1
    assert checked > 500


def _fresh_run(text: str) -> tuple[list[str], bool]:
    """The F codes ``lint_text`` reports on ``text`` in a fresh interpreter, and whether that
    interpreter imported sympy to find them."""
    script = (
        "import json, sys, qalint\n"
        f"found = qalint.lint_text({text!r})\n"
        "codes = [d.code for d in found if d.code.startswith('F')]\n"
        "print(json.dumps([codes, 'sympy' in sys.modules]))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    codes, imported = json.loads(run.stdout)
    return codes, imported


def test_derivative_identities_are_confirmed_without_sympy() -> None:
    """``\\frac{d}{dx}`` is differentiated in floats (the chain rule, node by node): true
    identities skip sympy's import; a false one still goes to sympy and is reported."""
    text = "$\\frac{d}{dx} \\tanh(x) = 1 - \\tanh^2(x)$ and $\\frac{d}{dx} x^3 = 3x^2$.\n"
    assert _fresh_run(text) == ([], False)
    wrong = qalint.lint_text("$\\frac{d}{dx} \\tanh(x) = 1 + \\tanh^2(x)$.\n")
    assert [d.code for d in wrong if d.code.startswith("F")] == ["F007"]


def test_sympy_functions_match_the_converter() -> None:
    """The names the no-import pre-check lets through are exactly those sympy is given."""
    import sympy

    x = sympy.Symbol("x", positive=True)
    for name in symbolic.SYMPY_FUNCTIONS:
        symbolic._function(name, [x, x], None, "e")
    with pytest.raises(ValueError, match="unknown function"):
        symbolic._function("Theta", [x], None, "e")


def test_identities_of_integer_names_are_confirmed_without_sympy() -> None:
    assert _fresh_run("$2^{2n} = 2^n \\times 2^n = 4^n$.\n") == ([], False)
    wrong = qalint.lint_text("$2^{2n} = 2^n + 2^n$ for every $n$.\n")
    assert [d.code for d in wrong if d.code.startswith("F")] == ["F007"]


def test_identities_in_a_conditional_sentence_are_not_evaluated() -> None:
    """ "Both satisfy the equation $x^2 = x + 1$" states an equation to solve: F007 would not
    be reported there, so it is not evaluated (sympy is not imported for it)."""
    text = "Show that both roots satisfy the equation $x^2 = x + 1$.\n"
    assert _fresh_run(text) == ([], False)
    wrong = qalint.lint_text("The square is the successor: $x^2 = x + 1$.\n")
    assert [d.code for d in wrong if d.code.startswith("F")] == ["F007"]


def test_sums_with_variable_bounds_are_left_unchecked_without_sympy() -> None:
    """The exact check expands a sum term by term and refuses a variable bound, so such a
    formula is known unchecked before sympy is imported; a bound that an enclosing sum
    binds is still expanded."""
    (open_sum,) = latex.parse_formula(r"\sum_{i = 0}^{h - 1} 2^i = 2^h - 1")[0].relations()
    assert not symbolic._convertible(open_sum)
    for tex, wrong in (
        (r"\sum_{i=1}^{3} \sum_{j=1}^{i} 1 = 6", False),
        (r"\sum_{i=1}^{3} \sum_{j=1}^{i} 1 = 7", True),
    ):
        (relation,) = latex.parse_formula(tex)[0].relations()
        assert symbolic._convertible(relation), tex
        assert bool(symbolic.check_formula(tex)) == wrong, tex


def test_formulas_without_a_relation_token_state_no_relation() -> None:
    """The pre-filter that spares tokenizing most formulas never hides a relation the parser
    would find (every formula of the fact corpora, plus relation spellings)."""
    texts = [
        tex
        for name in ("correct.md", "wrong.md")
        for tex in MATH_RE.findall((FIXTURES / name).read_text(encoding="utf-8"))
    ]
    texts += [r"a \le b", r"x \neq 1", r"p \approx 0.5", "a ≥ b", r"\sigma(0) \simeq 0.5", "x^2"]
    related = 0
    for tex in texts:
        relations = [
            r for segment in latex.parse_formula(tex) for r in segment.relations() if r.op != "def"
        ]
        if relations:
            related += 1
            assert latex.may_relate(tex), tex
    assert related > 50
    assert not latex.may_relate(r"\frac{1}{1 + e^{-x}}")
