"""The MkDocs plugin ``qalint``, in real ``mkdocs build`` runs of temporary Material sites."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT, SEED, question

MATERIAL = """\
site_name: Test bank
theme:
  name: material
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.arithmatex:
      generic: true
"""


@pytest.fixture(scope="module")
def entry_point(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder declaring the plugin's entry point, as installing qalint does.

    The tests import qalint from the checkout, which may not be the installed copy, so the
    entry point of pyproject.toml is declared again here for the ``mkdocs`` subprocess.
    """
    folder = tmp_path_factory.mktemp("entry")
    info = folder / "qalint_plugin_under_test-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: qalint-plugin-under-test\nVersion: 0\n", encoding="utf-8"
    )
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    target = declared["project"]["entry-points"]["mkdocs.plugins"]["qalint"]
    (info / "entry_points.txt").write_text(
        f"[mkdocs.plugins]\nqalint = {target}\n", encoding="utf-8"
    )
    return folder


def _site(folder: Path, pages: dict[str, bytes], plugin: str = "  - qalint\n") -> Path:
    (folder / "docs").mkdir(parents=True)
    for name, data in pages.items():
        (folder / "docs" / name).write_bytes(data)
    (folder / "mkdocs.yml").write_text(MATERIAL + "plugins:\n" + plugin, encoding="utf-8")
    return folder


def _build(site: Path, entry: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(entry), str(ROOT)]),
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site / "public"), *args],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


GOOD = question("#### What is dropout?", "A regularization technique that drops units.").encode()


def test_pyproject_declares_the_plugin_entry_point() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    target = declared["project"]["entry-points"]["mkdocs.plugins"]["qalint"]
    module, _, name = target.partition(":")
    plugin = getattr(importlib.import_module(module), name)
    from mkdocs.plugins import BasePlugin

    assert issubclass(plugin, BasePlugin)


def test_strict_build_fails_on_the_seed_and_names_l001(tmp_path: Path, entry_point: Path) -> None:
    site = _site(tmp_path, {"index.md": GOOD, "seed.md": SEED.read_bytes()})
    strict = _build(site, entry_point, "--strict")
    assert strict.returncode != 0
    warnings = [line for line in strict.stderr.splitlines() if "L001" in line]
    assert warnings, strict.stderr
    assert warnings[0].startswith("WARNING")
    assert "docs/seed.md:" in warnings[0]
    assert "warnings in strict mode" in strict.stdout + strict.stderr
    assert "index.md" not in strict.stderr.replace("docs/seed.md", "")

    lenient = _build(site, entry_point)
    assert lenient.returncode == 0, lenient.stderr
    assert "L001" in lenient.stderr
    assert (site / "public" / "seed" / "index.html").is_file()
    assert (site / ".qalint_cache").is_dir()  # the result cache qalint check uses


def test_the_good_page_alone_builds_strictly(tmp_path: Path, entry_point: Path) -> None:
    site = _site(tmp_path, {"index.md": GOOD})
    done = _build(site, entry_point, "--strict")
    assert done.returncode == 0, done.stderr
    assert "qalint checked 1 page: 0 findings at or above warning" in done.stderr  # it ran


def test_options_select_ignore_and_min_severity(tmp_path: Path, entry_point: Path) -> None:
    seed = SEED.read_bytes()
    strict_and_ignoring = _site(
        tmp_path / "a",
        {"seed.md": seed},
        "  - qalint:\n      min-severity: error\n      ignore: [L001]\n",
    )
    done = _build(strict_and_ignoring, entry_point)
    flagged = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    assert any(" F001 " in line for line in flagged), done.stderr  # errors are still reported
    assert all(" W0" not in line for line in flagged)  # W findings are warnings: below error
    assert "L001" not in done.stderr
    assert "INFO    -  docs/seed.md:" in done.stderr and " W001 " in done.stderr  # logged as info

    selecting = _site(tmp_path / "c", {"seed.md": seed}, "  - qalint:\n      select: [L]\n")
    done = _build(selecting, entry_point)
    lines = done.stderr.splitlines()
    codes = {w.split()[3] for w in lines if w.startswith("WARNING") and ".md:" in w}
    assert codes and all(c.startswith("L") for c in codes), done.stderr

    bad = _site(tmp_path / "d", {"seed.md": seed}, "  - qalint:\n      ignore: [X999]\n")
    done = _build(bad, entry_point)
    assert done.returncode != 0
    assert "qalint: configuration error" in done.stderr


def test_the_projects_own_bank_builds_strictly_with_the_plugin(
    tmp_path: Path, entry_point: Path
) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    (tmp_path / "mkdocs.yml").write_text(
        MATERIAL.replace("site_name: Test bank", "site_name: qalint bank\ndocs_dir: content")
        + "plugins:\n  - search\n  - qalint\n",
        encoding="utf-8",
    )
    done = _build(tmp_path, entry_point, "--strict")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "public" / "deep-learning" / "index.html").is_file()
