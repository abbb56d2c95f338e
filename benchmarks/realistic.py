"""Build a realistic question bank of N files from real pages, for the speed benchmark.

Usage: ``python benchmarks/realistic.py OUT_DIR [--files N]``.

The generated bank (``generate.py``) composes questions from templates; this one copies real
pages as they are, with their math, numbers, links and odd shapes: the seed
(``tests/fixtures/seed_verbatim.md``), ``content/*.md`` and every Markdown page of more than
200 bytes in the real sites of ``../shared/realsites`` (when that folder is there). Pages are
replicated round-robin to ``N`` files, 100 to a folder; the output is deterministic.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALSITES = ROOT.parent / "shared" / "realsites"
PER_FOLDER = 100


def sources() -> list[Path]:
    """The real pages the bank is made of, in a fixed order."""
    found = [ROOT / "tests" / "fixtures" / "seed_verbatim.md", *sorted(ROOT.glob("content/*.md"))]
    if REALSITES.is_dir():
        for path in sorted(REALSITES.rglob("*.md")):
            if path.stat().st_size <= 200:
                continue  # placeholders for the files the pages link to
            try:
                path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            found.append(path)
    return found


def build(out: Path, files: int) -> int:
    """Write ``files`` pages under ``out``; returns how many distinct real pages were used."""
    pages = sources()
    if not pages:
        sys.exit("no real pages found")
    for index in range(files):
        source = pages[index % len(pages)]
        target = out / f"real-{index // PER_FOLDER:03d}" / f"{source.stem}-{index:05d}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return len(pages)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    used = build(args.out, args.files)
    print(f"{args.files} files from {used} real pages in {args.out}")


if __name__ == "__main__":
    main()
