"""CPU seconds of one in-process ``qalint check`` split into phases, for finding hot spots.

Usage: ``python benchmarks/profile_phases.py DIR [--repeat N] [--profile OUT.prof] [-- ARGS]``.

Runs ``qalint check --no-cache DIR`` (plus ARGS) in this process with the workers forced to
one (so every cost is counted here, and a loaded machine's other work is not), and prints the
CPU time (``time.process_time``) of: the whole run, parsing (``engine.parse``), the per-file
rules (``engine.lint_document``, which includes what rules compute lazily, such as the question
model) and the rest (start of the run, discovery, site models, reading, output). With
``--profile`` the last repetition runs under cProfile and its statistics are saved. Meant for
comparing two checkouts on the same files: run it with each one's ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time


def main() -> None:
    """Parse the arguments, run the check N times and print the fastest phase times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", default=None)
    parser.add_argument("rest", nargs="*")
    args = parser.parse_args()

    from qalint import cli, engine

    engine._jobs = lambda options, count: 1  # one process: every cost is counted here
    spent = {"parse": 0.0, "rules": 0.0}
    parse, lint_document = engine.parse, engine.lint_document

    def timed_parse(*a, **k):  # type: ignore[no-untyped-def]
        start = time.process_time()
        try:
            return parse(*a, **k)
        finally:
            spent["parse"] += time.process_time() - start

    def timed_lint(*a, **k):  # type: ignore[no-untyped-def]
        start = time.process_time()
        try:
            return lint_document(*a, **k)
        finally:
            spent["rules"] += time.process_time() - start

    engine.parse, engine.lint_document = timed_parse, timed_lint
    argv = ["check", "--no-cache", args.folder, *args.rest]
    best: dict[str, float] = {}
    os.chdir(args.folder)
    argv[2] = "."
    for round_ in range(args.repeat):
        spent.update(parse=0.0, rules=0.0)
        profiler = None
        if args.profile and round_ == args.repeat - 1:
            import cProfile

            profiler = cProfile.Profile()
        start = time.process_time()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            if profiler:
                profiler.enable()
            with contextlib.suppress(SystemExit):
                cli.main(argv)
            if profiler:
                profiler.disable()
        total = time.process_time() - start
        if profiler:
            profiler.dump_stats(args.profile)
            continue
        times = {"total": total, **spent, "other": total - spent["parse"] - spent["rules"]}
        for key, value in times.items():
            best[key] = min(best.get(key, value), value)
    print(" ".join(f"{k}={v:.3f}" for k, v in best.items()))


if __name__ == "__main__":
    sys.exit(main())
