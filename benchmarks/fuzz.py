"""A longer fuzz campaign over mutated real pages (the suite runs a bounded one).

Usage::

    python benchmarks/fuzz.py                     # 3,000 examples, random seed
    python benchmarks/fuzz.py --examples 10000 --seed 7

Runs the properties of ``tests/fuzz_pages.py`` (no internal error, JSON that parses, an
idempotent fix that keeps every word and adds no error) on mutants of the seed, ``content/``
and the real sites' pages, and prints how many ran, how long it took and the minimised
failure when there is one (add it to ``tests/test_fuzz.py`` as an ``@example``).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fuzz_pages import check_page, mutants, pages  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402


def main() -> None:
    """Run the campaign and print its result."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=None, help="fix the random seed")
    args = parser.parse_args()
    ran = [0]

    def prop(text: str) -> None:
        ran[0] += 1
        check_page(text)

    test = settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )(given(mutants())(prop))
    if args.seed is not None:
        test = seed(args.seed)(test)
    begin = time.perf_counter()
    try:
        test()
    except Exception:  # the minimised failing example is in the traceback
        traceback.print_exc()
        print(f"FAILED after {ran[0]} examples, {time.perf_counter() - begin:.0f} s")
        raise SystemExit(1) from None
    print(
        f"{ran[0]} examples from {len(pages())} page slices passed in "
        f"{time.perf_counter() - begin:.0f} s"
    )


if __name__ == "__main__":
    main()
