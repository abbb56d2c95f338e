"""Speed benchmark of ``qalint check`` (offline rules), as ratios to the parse floor.

Usage (after ``python3 -m pip install -e '.[bench]'``)::

    python benchmarks/speed.py                      # banks of 1,000 and 10,000 files
    python benchmarks/speed.py --files 1000         # one size
    python benchmarks/speed.py --bank DIR           # an existing folder of Markdown files
    python benchmarks/speed.py --files 1000 --select S,L,M   # some rule families only

Two banks of each size are built in a temporary folder (removed afterwards unless ``--keep``)
and measured one after the other, then printed side by side: the generated bank
(``benchmarks/generate.py``, questions composed from templates) and the realistic bank
(``benchmarks/realistic.py``, real pages copied as they are: the seed, ``content/`` and the
pages of ``../shared/realsites``, replicated to size). Every figure is the wall time of a
fresh process, start-up included; with ``--repeat N`` the fastest of N runs is kept, and the
floor and the two cold runs take turns (their per-round ratios are printed too), so a machine
whose speed drifts slows them alike:

- **floor**: read and parse every file with bare markdown-it-py, one process, no rules:
  ``MarkdownIt("commonmark")`` plus the plugins for the same extensions the site uses:
  front matter (mdit-py-plugins), Material admonitions, content tabs and arithmatex
  (mdformat-mkdocs). Without the tabs plugin a tab body is an indented code block that
  markdown-it never parses inline, so the floor would skip most of the text qalint reads;
- **cold, --no-cache**: ``qalint check`` with the cache off;
- **cold, empty cache**: ``qalint check`` with a fresh cache folder (writes it);
- **warm**: the same again (every file a cache hit);
- **one file edited**: after changing one file (cross-file rules included);
- **one small file**: ``qalint check FILE`` on one file of the bank (the pre-commit case),
  median of 5 runs, with and without a warm cache, and ``python -c pass`` for reference;
- **one formula file**: the same for a short page stating ``\\frac{d}{dx} \\tanh(x) = 1 -
  \\tanh^2(x)``, a formula qalint evaluates.

Peak memory is the sum of the resident sizes of the process tree (qalint and its workers),
sampled every 20 ms from ``/proc`` (psutil elsewhere; the tree is listed every half second,
so that sampling costs about 1% of a core and does not slow the runs it measures), and the
largest single process (``ru_maxrss`` from ``os.wait4``, which covers the waited-for
descendants too). Where
``markdownlint-cli2`` (npm) or ``pymarkdown`` (PyPI ``pymarkdownlnt``) are on PATH, they are
timed on the same files; otherwise the table says so.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from realistic import build as build_realistic  # noqa: E402

FLOOR_SCRIPT = """
import os, sys
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin
from mdformat_mkdocs.mdit_plugins import (
    material_admon_plugin,
    material_content_tabs_plugin,
    pymd_arithmatex_plugin,
)

md = (
    MarkdownIt("commonmark")
    .use(front_matter_plugin)
    .use(material_admon_plugin)
    .use(material_content_tabs_plugin)
    .use(pymd_arithmatex_plugin)
)
paths = []
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    paths.extend(os.path.join(folder, f) for f in sorted(files) if f.endswith(".md"))
tokens = 0
for path in paths:
    with open(path, encoding="utf-8") as handle:
        tokens += len(md.parse(handle.read()))
print(len(paths), tokens)
"""


# The pre-commit case with a formula: one short page stating a true identity, which qalint
# evaluates (without importing sympy, since floats at its sample points settle it).
FORMULA_PAGE = """!!! Question ""
    === "Question"
        #### What is the derivative of tanh?

    === "Answer"

        $\\frac{d}{dx} \\tanh(x) = 1 - \\tanh^2(x)$
"""


# Measured as a user runs it: bytecode cached (some CI images set PYTHONDONTWRITEBYTECODE,
# which makes every start recompile qalint from source).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Measure:
    """One timed process: wall seconds, peak tree RSS and largest process RSS (bytes)."""

    seconds: float
    tree_peak: int
    largest: int
    returncode: int
    stdout: str


def _children_of(pid: int) -> list[int]:
    """The pid and all its descendants (psutil when available, else /proc on Linux)."""
    try:
        import psutil

        proc = psutil.Process(pid)
        return [pid] + [c.pid for c in proc.children(recursive=True)]
    except ImportError:
        pass
    except Exception:  # the process is gone
        return []
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _tree_rss(pids: list[int]) -> int:
    """The summed resident size of these processes (/proc on Linux, else psutil)."""
    if os.path.exists("/proc/self/statm"):
        return sum(_rss(p) for p in pids)
    try:
        import psutil
    except ImportError:
        return 0
    total = 0
    for p in pids:
        with contextlib.suppress(Exception):  # exited between listing and reading
            total += psutil.Process(p).memory_info().rss
    return total


# Sampling must not slow what it measures: qalint keeps both cores busy, so a sampler that
# listed the process tree every 10 ms (15% of a core with psutil) slowed qalint by several
# percent, and the one-process floor not at all (it leaves a core idle). Sizes are read
# every 20 ms and the tree is listed every half second (workers live for the whole run):
# about 1% of one core.
SAMPLE_EVERY = 0.02  # seconds between memory samples
TREE_EVERY = 25  # samples between looks for new (worker) processes


def run_measured(cmd: list[str], cwd: Path) -> Measure:
    """Run ``cmd`` once: wall time, sampled peak RSS of its tree, ru_maxrss from wait4."""
    sampling = os.path.exists("/proc") or _has_psutil()
    out_path = cwd.parent / f".speed-out-{os.getpid()}"
    with open(out_path, "w+", encoding="utf-8") as out:
        begin = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, env=ENV)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            tree: list[int] = []
            count = 0
            while not done.is_set():
                if count % TREE_EVERY == 0:
                    tree = _children_of(proc.pid) or tree
                count += 1
                peak[0] = max(peak[0], _tree_rss(tree))
                time.sleep(SAMPLE_EVERY)  # cheaper than Event.wait with a timeout

        sampler = threading.Thread(target=sample, daemon=True)
        if sampling:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - begin
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        if sampling:
            sampler.join()
        out.seek(0)
        text = out.read()
    out_path.unlink()
    return Measure(elapsed, peak[0], usage.ru_maxrss * 1024, proc.returncode, text)


def _has_psutil() -> bool:
    try:
        import psutil  # noqa: F401
    except ImportError:
        return False
    return True


def qalint(*args: str) -> list[str]:
    """The command line of one qalint run with this interpreter."""
    return [sys.executable, "-m", "qalint", "check", *args]


def best(cmd: list[str], cwd: Path, repeat: int) -> Measure:
    """The fastest of ``repeat`` runs (the figure least disturbed by other load)."""
    runs = [run_measured(cmd, cwd) for _ in range(repeat)]
    return min(runs, key=lambda m: m.seconds)


def median(cmd: list[str], cwd: Path, repeat: int) -> Measure:
    """The run with the median wall time of ``repeat`` runs."""
    runs = sorted((run_measured(cmd, cwd) for _ in range(repeat)), key=lambda m: m.seconds)
    return runs[len(runs) // 2]


def edit_one_file(bank: Path) -> tuple[Path, str]:
    """Append a question to the middle file of the bank; returns (path, original text)."""
    files = sorted(bank.rglob("*.md"))
    target = files[len(files) // 2]
    original = target.read_text(encoding="utf-8")
    target.write_text(
        original + '\n!!! Question ""\n    === "Question"\n        #### What is '
        'an edited question, asked once?\n\n    === "Answer"\n\n        An answer '
        "written for the benchmark's edit step.\n",
        encoding="utf-8",
    )
    return target, original


def others(bank: Path, repeat: int) -> list[tuple[str, Measure | None, str]]:
    """Other linters on the same files, where installed."""
    rows: list[tuple[str, Measure | None, str]] = []
    cli2 = shutil.which("markdownlint-cli2")
    if cli2:
        rows.append(("markdownlint-cli2", best([cli2, "**/*.md"], bank, repeat), ""))
    else:
        rows.append(("markdownlint-cli2", None, "not installed (npm i -g markdownlint-cli2)"))
    # The bench extra installs pymarkdown next to this interpreter, which may not be on PATH.
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    pymarkdown = shutil.which("pymarkdown", path=search)
    if pymarkdown:
        rows.append(("pymarkdown scan", best([pymarkdown, "scan", "-r", "."], bank, repeat), ""))
    else:
        rows.append(("pymarkdown", None, "not installed (pip install pymarkdownlnt)"))
    return rows


def _mb(value: int) -> str:
    return f"{value / 2**20:,.0f} MB" if value else "n/a"


Rows = list[tuple[str, Measure | None, str]]


def bench(bank: Path, select: list[str], repeat: int, compare: bool) -> tuple[Rows, Measure]:
    """Measure one bank and print its table; returns its rows and its floor."""
    count = sum(1 for _ in bank.rglob("*.md"))
    size = sum(p.stat().st_size for p in bank.rglob("*.md"))
    (bank / "qalint.toml").write_text("# qalint speed benchmark\n", encoding="utf-8")
    cache = bank / ".qalint_cache"
    flags = ["--exit-zero", *([f"--select={','.join(select)}"] if select else [])]
    rows: list[tuple[str, Measure | None, str]] = []

    warm_up = bank.parent / "warm-up"  # writes the bytecode caches before anything is timed
    warm_up.mkdir(exist_ok=True)
    shutil.copy(next(bank.rglob("*.md")), warm_up / "q.md")
    run_measured(qalint("q.md", "--no-cache", *flags), warm_up)
    run_measured([sys.executable, "-c", FLOOR_SCRIPT, "."], warm_up)
    shutil.rmtree(warm_up)

    # The floor and the cold runs take turns, so that a machine whose speed drifts (a shared
    # virtual machine) slows them alike instead of skewing their ratio.
    floors, nocaches, colds = [], [], []
    for _ in range(repeat):
        floors.append(run_measured([sys.executable, "-c", FLOOR_SCRIPT, "."], bank))
        shutil.rmtree(cache, ignore_errors=True)
        nocaches.append(run_measured(qalint(".", "--no-cache", *flags), bank))
        if cache.exists():
            raise SystemExit(f"--no-cache wrote {cache}")
        colds.append(run_measured(qalint(".", *flags), bank))
    floor = min(floors, key=lambda m: m.seconds)
    rows.append(("floor: markdown-it-py parse", floor, "one process, no rules"))
    nocache = min(nocaches, key=lambda m: m.seconds)
    rows.append(("cold, --no-cache", nocache, ""))
    cold = min(colds, key=lambda m: m.seconds)
    rows.append(("cold, empty cache (fills it)", cold, ""))
    warm = best(qalint(".", *flags), bank, repeat)
    rows.append(("warm (all cache hits)", warm, f"{warm.seconds / cold.seconds:.3f}x cold"))
    target, original = edit_one_file(bank)
    try:
        edited = run_measured(qalint(".", *flags), bank)
    finally:
        target.write_text(original, encoding="utf-8")
    rows.append(("one file edited", edited, f"{edited.seconds / cold.seconds:.3f}x cold"))
    if warm.stdout != cold.stdout:
        print("!! warm output differs from the cold output")
    if nocache.stdout != cold.stdout:
        print("!! --no-cache output differs from the cached run's output")

    single = bank.parent / "single"
    shutil.rmtree(single, ignore_errors=True)
    single.mkdir()
    (single / "qalint.toml").write_text("# qalint speed benchmark\n", encoding="utf-8")
    shutil.copy(target, single / "q.md")
    start = median([sys.executable, "-c", "pass"], single, 5)
    rows.append(("python -c pass", start, "interpreter start, for reference"))
    rows.append(
        (
            "one small file, --no-cache",
            median(qalint("q.md", "--no-cache", *flags), single, 5),
            f"{target.stat().st_size:,} bytes",
        )
    )
    run_measured(qalint("q.md", *flags), single)
    rows.append(("one small file, warm cache", median(qalint("q.md", *flags), single, 5), ""))
    (single / "tanh.md").write_text(FORMULA_PAGE, encoding="utf-8")
    rows.append(
        (
            "one formula file, --no-cache",
            median(qalint("tanh.md", "--no-cache", *flags), single, 5),
            "a true derivative identity (the issue's pre-commit case)",
        )
    )
    shutil.rmtree(single, ignore_errors=True)
    if compare:
        rows.extend(others(bank, 1))  # for reference: one run each (pymarkdown takes minutes)

    if os.path.exists("/proc/self/statm"):
        psutil_note = "sizes from /proc every 20 ms"
    else:
        psutil_note = "sizes from psutil every 20 ms" if _has_psutil() else "not sampled"
    print(
        f"\n{count:,} files, {size / 1e6:.1f} MB, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, rules: {','.join(select) or 'default (all offline)'}"
    )
    print(
        f"{'measurement':34} {'seconds':>9} {'x floor':>8} {'tree peak':>10} {'largest':>9}  note"
    )
    for label, m, note in rows:
        if m is None:
            print(f"{label:34} {'-':>9} {'-':>8} {'-':>10} {'-':>9}  {note}")
            continue
        ratio = m.seconds / floor.seconds
        print(
            f"{label:34} {m.seconds:9.2f} {ratio:8.2f} {_mb(m.tree_peak):>10} "
            f"{_mb(m.largest):>9}  {note}"
        )
    if repeat > 1:
        rounds = ", ".join(
            f"{n.seconds / f.seconds:.2f}/{c.seconds / f.seconds:.2f}"
            for f, n, c in zip(floors, nocaches, colds, strict=True)
        )
        print(f"per round, --no-cache/empty cache over that round's floor: {rounds}")
    for name, m, _ in rows:
        if m is not None and name.startswith(("markdownlint", "pymarkdown")):
            print(f"qalint cold (--no-cache) is {nocache.seconds / m.seconds:.2f}x {name}")
    print(f"(tree peak: sum over qalint and its workers, {psutil_note}; largest: ru_maxrss)")
    return rows, floor


def side_by_side(banks: list[tuple[str, Rows, Measure]]) -> None:
    """The measurements of several banks of one size in one table (seconds, x floor)."""
    print("\nside by side (seconds, ratio to the bank's own floor):")
    print(f"{'measurement':34}" + "".join(f" {name:>22}" for name, _, _ in banks))
    labels = [label for label, m, _ in banks[0][1] if m is not None]
    for label in labels:
        cells = []
        for _, rows, floor in banks:
            m = next((m for name, m, _ in rows if name == label), None)
            cells.append(
                f" {'-':>22}"
                if m is None
                else f" {m.seconds:12.2f} {m.seconds / floor.seconds:8.2f}x"
            )
        print(f"{label:34}" + "".join(cells))


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--files",
        type=int,
        action="append",
        help="bank size to generate (repeatable; default 1000 and 10000)",
    )
    parser.add_argument("--bank", type=Path, help="measure this folder instead of generating")
    parser.add_argument("--select", default="", help="rule codes or prefixes (default: all)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per figure, fastest kept (default 1)"
    )
    parser.add_argument(
        "--no-compare", action="store_true", help="skip markdownlint-cli2 and pymarkdown"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated banks")
    args = parser.parse_args()
    select = [c.strip() for c in args.select.split(",") if c.strip()]
    if args.bank:
        work = Path(tempfile.mkdtemp(prefix="qalint-speed-"))
        bank = work / "bank"
        shutil.copytree(args.bank, bank)
        bench(bank, select, args.repeat, not args.no_compare)
        shutil.rmtree(work)
        return
    for files in args.files or [1000, 10000]:
        work = Path(tempfile.mkdtemp(prefix="qalint-speed-"))
        generate(work / "generated" / "bank", files)
        build_realistic(work / "realistic" / "bank", files)
        results = []
        try:
            for name in ("generated", "realistic"):
                print(f"\n== {name} bank ==")
                rows, floor = bench(work / name / "bank", select, args.repeat, not args.no_compare)
                results.append((f"{name} bank", rows, floor))
            side_by_side(results)
        finally:
            if args.keep:
                print(f"banks kept in {work}")
            else:
                shutil.rmtree(work)


def in_git_work_tree(folder: Path) -> None:
    """Make ``folder`` a git work tree (when git is installed), as a real bank is: qalint
    then asks git which files are ignored, and that cost is part of every figure."""
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(folder)], check=False, capture_output=True)
        (folder / ".gitignore").write_text("site/\n", encoding="utf-8")


if __name__ == "__main__":
    main()
