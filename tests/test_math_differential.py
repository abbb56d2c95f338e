"""qalint's verdict on each formula versus the real renderers (KaTeX and MathJax 3).

The renderers come from ``.ci/install-renderers`` (npm packages ``katex`` and
``mathjax-full@3`` in a throwaway folder). The folder is ``$QALINT_RENDERERS_DIR`` when it
holds them, else the script is run once per session. One node process renders the whole
corpus (JSON in, JSON out). Tests skip, saying why, when node or the packages are missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from oracles.corpus import SPLIT, corpus

from qalint.latex import validate

ROOT = Path(__file__).resolve().parent.parent
ORACLE = Path(__file__).resolve().parent / "oracles" / "render.js"
MIN_AGREEMENT = 0.99


def _has_packages(folder: Path) -> bool:
    modules = folder / "node_modules"
    return (modules / "katex" / "package.json").is_file() and (
        modules / "mathjax-full" / "package.json"
    ).is_file()


@pytest.fixture(scope="session")
def renderers_dir() -> Path:
    """The folder holding node_modules/katex and node_modules/mathjax-full."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed: cannot run KaTeX/MathJax as oracles")
    env_dir = os.environ.get("QALINT_RENDERERS_DIR")
    if env_dir and _has_packages(Path(env_dir)):
        return Path(env_dir)
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed and QALINT_RENDERERS_DIR does not hold the renderers")
    result = subprocess.run(
        [str(ROOT / ".ci" / "install-renderers")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    folder = Path(result.stdout.strip()) if result.stdout.strip() else None
    if result.returncode != 0 or folder is None or not _has_packages(folder):
        pytest.skip(
            "could not install katex and mathjax-full with npm: "
            + (result.stderr.strip()[-300:] or "no output")
        )
    return folder


@pytest.fixture(scope="session")
def verdicts(renderers_dir: Path) -> list[tuple[str, bool, dict]]:
    """Each corpus formula with the renderers' errors (None when it renders)."""
    cases = corpus()
    payload = json.dumps([{"tex": tex, "display": display} for tex, display in cases])
    result = subprocess.run(
        ["node", str(ORACLE), str(renderers_dir)],
        input=payload,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    out = json.loads(result.stdout)
    return [(tex, display, o) for (tex, display), o in zip(cases, out, strict=True)]


def _errors(tex: str, renderer: str, display: bool) -> list[str]:
    return [f.message for f in validate(tex, renderer, display) if f.kind.is_error]


@pytest.mark.parametrize("renderer", ["katex", "mathjax"])
def test_agreement_with_renderer(verdicts: list, renderer: str) -> None:
    """qalint says "error" exactly when the renderer raises, for at least 99% of formulas."""
    assert len(verdicts) >= 300
    disagreements = []
    for tex, display, out in verdicts:
        theirs = out[renderer]
        ours = _errors(tex, renderer, display)
        if bool(ours) != (theirs is not None):
            disagreements.append((tex, display, theirs, ours))
    for tex, display, theirs, ours in disagreements:
        print(
            f"[{renderer}] display={display} {tex!r}\n    renderer: {theirs}\n    qalint:   {ours}"
        )
    agreement = 1 - len(disagreements) / len(verdicts)
    print(
        f"[{renderer}] agreement {agreement:.2%} over {len(verdicts)} formulas, "
        f"{len(disagreements)} disagreements"
    )
    assert agreement >= MIN_AGREEMENT


@pytest.mark.parametrize("renderer", ["katex", "mathjax"])
def test_formulas_only_one_renderer_accepts(verdicts: list, renderer: str) -> None:
    """Every formula the two renderers judge differently gets the right verdict under each."""
    split = [(t, d, o) for t, d, o in verdicts if (o["katex"] is None) != (o["mathjax"] is None)]
    wrong = [
        (tex, display, out[renderer])
        for tex, display, out in split
        if bool(_errors(tex, renderer, display)) != (out[renderer] is not None)
    ]
    print(f"[{renderer}] {len(split)} formulas only one renderer accepts, {len(wrong)} wrong")
    assert len([t for t, _d, _o in split if t in SPLIT]) >= 10, (
        "the corpus must hold formulas that only one renderer accepts"
    )
    assert not wrong, wrong
