"""Benchmark: formulas validated per second on one core (floor: 20,000/s).

Usage: ``python benchmarks/latex.py [--seconds N]``. Validates the formulas of the
differential corpus under both renderers, in one thread: the valid ones (what a clean bank
holds), then the whole corpus with its mutations (a third of them errors, each with a
did-you-mean search), and prints each rate and its ratio to the floor. Rates are formulas per
second of this process's CPU time, so a busy machine does not lower them; the wall-clock rate
is printed next to it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qalint.latex import validate
from tests.oracles.corpus import corpus

FLOOR = 20_000


def main() -> None:
    """Run the benchmark and print formulas/s."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    mixed = corpus()
    valid = [
        (tex, display)
        for tex, display in mixed
        if not any(f.kind.is_error for f in validate(tex, "mathjax", display))
    ]
    for label, cases, renderer in [
        ("valid formulas", valid, "mathjax"),
        ("valid formulas", valid, "katex"),
        ("corpus with mutations", mixed, "mathjax"),
        ("corpus with mutations", mixed, "katex"),
    ]:
        validate("x", renderer)  # load tables outside the timing
        count = 0
        begin = time.perf_counter()
        cpu_begin = time.process_time()
        while time.perf_counter() - begin < args.seconds:
            for tex, display in cases:
                validate(tex, renderer, display)
            count += len(cases)
        # CPU time of this one process: the rate on one core, even on a busy machine.
        rate = count / (time.process_time() - cpu_begin)
        wall = count / (time.perf_counter() - begin)
        print(
            f"{renderer}, {label}: {rate:,.0f} formulas/s of CPU time ({wall:,.0f}/s wall) "
            f"over {count} formulas (mean length "
            f"{sum(len(t) for t, _ in cases) / len(cases):.0f} chars); "
            f"{rate / FLOOR:.2f}x the {FLOOR:,}/s floor"
        )


if __name__ == "__main__":
    main()
