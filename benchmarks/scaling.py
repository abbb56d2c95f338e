"""Scaling benchmark: every construct that once cost quadratic time, at n, 2n, 4n and 8n.

Usage::

    python benchmarks/scaling.py                 # every construct, in-process
    python benchmarks/scaling.py --only links    # constructs whose name holds "links"
    python benchmarks/scaling.py --cli           # also time `qalint check --no-cache` (or
                                                 # `qalint fix`) on the full-size file

Each construct is one Markdown page built by repeating a piece of text. It is linted (or
fixed) in this process at n, 2n, 4n and 8n repetitions; the script prints the seconds of each
and the growth ratio per doubling (time at 2n over time at n). Linear time shows ratios near 2;
quadratic time near 4. The full size (8n) is the size at which the issue that introduced this
script measured seconds of work; ``--cli`` runs it once in a fresh process, the way a user or
a CI job does, for a figure to compare with the 1-second bar. Times are wall clock: on a
busy machine they are noisy, so the fastest of ``--repeat`` runs is kept.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Construct:
    """A page built from ``count`` repetitions of a piece, linted or fixed."""

    name: str
    build: Callable[[int], str]
    full: int  # repetitions at the largest size (8n)
    fix: bool = False
    mkdocs_yml: str | None = None  # the site's configuration, when not the default site


def _sentence_of_probabilities(count: int) -> str:
    values = ", ".join(f"0.{(i * 37) % 90 + 10}" for i in range(count))
    return f"The model outputs the probabilities {values} for the classes.\n"


def _table(count: int) -> str:
    rows = "".join(f"| r{i} | [x](https://e.org/{i}) |\n" for i in range(count))
    return "| name | link |\n|---|---|\n" + rows


_QUESTION = (
    '!!! Question ""\n    === "Question"\n        #### What is $x^2$?\n\n'
    '    === "Answer"\n\n        It is 0.5 and 0.5 [ref](https://e.org).\n\n'
)

CONSTRUCTS = [
    Construct("\\( repeated on one line", lambda n: "\\( " * n + "\n", 8_000),
    Construct("$$ repeated on one line", lambda n: "$$ " * n + "\n", 12_000),
    Construct("$a repeated on one line", lambda n: "$a " * n + "\n", 50_000),
    Construct("a sentence of probabilities", _sentence_of_probabilities, 5_000),
    Construct("a table of rows with links", _table, 10_000),
    Construct("links on one line", lambda n: "[a](https://b.c/d) " * n + "\n", 8_000),
    Construct("$x$ repeated", lambda n: "$x$ " * n + "\n", 45_000),
    Construct(
        "fix: [a]((https://b.c)) repeated",
        lambda n: "[a]((https://b.c)) " * n + "\n",
        3_200,
        fix=True,
    ),
    Construct("\\[ repeated on one line", lambda n: "\\[ x " * n + "\n", 8_000),
    Construct("\\begin{x} repeated in a paragraph", lambda n: "\\begin{x} a " * n + "\n", 6_000),
    Construct("numbers in a sentence", lambda n: "about 3% of 12 and 0.5 " * n + ".\n", 4_000),
    Construct("inline code spans", lambda n: "`a` " * n + "\n", 40_000),
    Construct("formulas with ^{}", lambda n: "$a^{}b$ " * n + "\n", 6_000, fix=True),
    Construct("bare URLs on one line", lambda n: "see https://e.org/x " * n + "\n", 6_000),
    Construct("reference links", lambda n: "[a][r] " * n + "\n\n[r]: https://e.org\n", 20_000),
    Construct("emphasis and HTML tags", lambda n: "*a* <b>c</b> " * n + "\n", 10_000),
    Construct("HTML comments", lambda n: "<!-- c --> x " * n + "\n", 10_000),
    Construct("question blocks", lambda n: _QUESTION * n, 2_000),
    Construct("nested list items", lambda n: "- a\n    - b\n" * n, 10_000),
    Construct("fix: trailing spaces on many lines", lambda n: "a  \n" * n, 20_000, fix=True),
    Construct(
        "macros: a finding beside each tag",
        lambda n: "{{ m(1) }} a \n" * n,
        20_000,
        mkdocs_yml="site_name: s\nplugins:\n  - macros\n",
    ),
]


def _run(construct: Construct, count: int) -> float:
    """Seconds to lint (or fix) the page of ``count`` repetitions in this process."""
    from qalint import fix_text, lint_text

    text = construct.build(count)
    with tempfile.TemporaryDirectory(prefix="qalint-scaling-") as work:
        site = None
        if construct.mkdocs_yml is not None:
            site = Path(work) / "mkdocs.yml"
            site.write_text(construct.mkdocs_yml, encoding="utf-8")
        begin = time.perf_counter()
        if construct.fix:
            fix_text(text, "page.md", site=site)
        else:
            lint_text(text, "page.md", site=site)
        return time.perf_counter() - begin


def _cli(construct: Construct) -> float:
    """Seconds of one fresh ``qalint check --no-cache`` (or ``fix``) on the full-size page."""
    with tempfile.TemporaryDirectory(prefix="qalint-scaling-") as work:
        page = Path(work) / "page.md"
        page.write_text(construct.build(construct.full), encoding="utf-8")
        if construct.mkdocs_yml is not None:
            (Path(work) / "mkdocs.yml").write_text(construct.mkdocs_yml, encoding="utf-8")
        (Path(work) / "qalint.toml").write_text("# scaling benchmark\n", encoding="utf-8")
        command = "fix" if construct.fix else "check"
        cmd = [sys.executable, "-m", "qalint", command, "page.md", "--no-cache", "--quiet"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        begin = time.perf_counter()
        subprocess.run(cmd, cwd=work, env=env, capture_output=True, check=False)
        return time.perf_counter() - begin


def main() -> None:
    """Print each construct's times at n..8n and its growth ratio per doubling."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default="", help="run the constructs whose name holds this")
    parser.add_argument("--repeat", type=int, default=2, help="runs per size, fastest kept")
    parser.add_argument("--cli", action="store_true", help="also time a fresh process at 8n")
    args = parser.parse_args()
    _run(CONSTRUCTS[0], 10)  # imports, so the first timing does not include them
    print(
        f"{'construct':36} {'8n size':>9} {'n':>7} {'2n':>7} {'4n':>7} {'8n':>7}  "
        f"{'ratios per doubling':22}{'  cli 8n' if args.cli else ''}"
    )
    for construct in CONSTRUCTS:
        if args.only not in construct.name:
            continue
        counts = [construct.full // 8 * k for k in (1, 2, 4, 8)]
        times = [min(_run(construct, c) for _ in range(args.repeat)) for c in counts]
        ratios = " ".join(f"{b / max(a, 1e-4):4.1f}" for a, b in pairwise(times))
        size = len(construct.build(construct.full).encode())
        line = (
            f"{construct.name:36} {size / 1000:7.0f}KB "
            + " ".join(f"{t:7.3f}" for t in times)
            + f"  {ratios:22}"
        )
        if args.cli:
            line += f"  {_cli(construct):6.2f}s"
        print(line, flush=True)


if __name__ == "__main__":
    main()
