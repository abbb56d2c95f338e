"""Precision of qalint's error findings on the real sites, judged by each site's own renderer.

For every site in ``../shared/realsites``: qalint runs on a copy of the site (as
tests/test_realsites.py runs it), every page is rendered as the site's mkdocs.yml configures
Python-Markdown (tests/realsite_oracle.py), and each ERROR finding is confirmed or
contradicted with the per-rule methods of tests/test_realsites.py. Prints per site: pages,
error findings, confirmed, contradicted and unconfirmed (per rule, with an example), and the
renderer-visible defects found and missed; then the overall precision (confirmed / errors).

    python benchmarks/realsites_precision.py [SITE ...] [--verbose]

Formulas are judged by the real KaTeX/MathJax (node) when ``.ci/install-renderers`` can
provide them (``$QALINT_RENDERERS_DIR``); otherwise math findings count as unconfirmed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import test_realsites as rs  # noqa: E402  (the tests folder is not a package)


def _print_site(result: rs.SiteResult, verbose: bool) -> None:
    errors = len(result.errors)
    confirmed = result.confirmed
    print(f"{result.name}: {result.pages} pages, {errors} error findings, {confirmed} confirmed")
    for note in result.notes:
        print(f"  note: {note}")
    for state, label in ((False, "contradicted"), (None, "unconfirmed")):
        items = [(f, v) for f, v in result.errors if v.confirmed is state]
        by_rule = Counter(f["code"] for f, _v in items)
        print(f"  {label}: {len(items)}")
        for code, count in sorted(by_rule.items()):
            f, v = next((f, v) for f, v in items if f["code"] == code)
            print(f"    {code} x{count}, e.g. {f['path']}:{f['line']}: {v.how}")
    found = len(result.defects)
    missed = [d for d, ok in result.defects if not ok]
    print(f"  renderer-visible defects: {found} found, {found - len(missed)} reported, "
          f"{len(missed)} missed")  # fmt: skip
    for kind, count in sorted(Counter(d.kind for d in missed).items()):
        d = next(d for d in missed if d.kind == kind)
        print(f"    missed {kind} x{count}, e.g. {d.rel}:{d.line}: {d.what}")
    if verbose:
        print(result.report())


def main() -> int:
    """Evaluate the sites and print the precision table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", nargs="*", default=rs.SITES, help="site folder names")
    parser.add_argument("--verbose", action="store_true", help="every finding and defect")
    args = parser.parse_args()
    if not rs.ro.REALSITES.is_dir():
        print(f"{rs.ro.REALSITES} is missing", file=sys.stderr)
        return 2
    renderers = rs.renderers_dir()
    with tempfile.TemporaryDirectory() as folder:
        results = rs.evaluate_all(args.sites, Path(folder), renderers)
    total = confirmed = 0
    for result in results.values():
        _print_site(result, args.verbose)
        total += len(result.errors)
        confirmed += result.confirmed
    precision = confirmed / total if total else 1.0
    print(f"precision: {confirmed}/{total} = {precision:.1%} of error findings confirmed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
