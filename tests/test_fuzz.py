"""Bounded fuzzing of real pages: a few hundred mutants, fixed seed, well under a minute.

The properties and the mutations are in ``fuzz_pages``; ``benchmarks/fuzz.py`` runs the same
with thousands of examples. Minimised failures found so far are kept as ``@example`` cases.
"""

from __future__ import annotations

from fuzz_pages import check_page, mutants
from hypothesis import HealthCheck, example, given, settings


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutants())
@example("$\\alpha^{}b + \\sin_{}x$\n")
@example("$R^{D$\n")
@example("$a^{b_{}$\n")
@example('Intro.\n\n!!!Question""\n')
@example("[a]((https://b.c)) " * 50 + "\n")
def test_mutated_real_pages_keep_the_fixers_promises(text: str) -> None:
    check_page(text)
