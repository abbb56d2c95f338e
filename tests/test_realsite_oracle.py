"""The real-site oracle itself: it reads configs as MkDocs does; its verdicts go both ways.

tests/test_realsites.py trusts ``realsite_oracle`` (mkdocs.yml -> Markdown -> HTML) and its
per-rule confirmation methods. These tests hold the oracle to MkDocs' own code where MkDocs
has it (extension normalisation, INHERIT), and show on small sites built here that each
confirmation method confirms a real defect and contradicts a false claim.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import realsite_oracle as ro
import test_realsites as rs
from mkdocs.config.config_options import MarkdownExtensions

EXTENSIONS = [
    "admonition",
    {"toc": {"permalink": True}},
    "md_in_html",
    {"pymdownx.tabbed": {"alternate_style": True}},
    "pymdownx.keys",
    {"pymdownx.tabbed": {"combine_header_slug": True}},
    "md_in_html",
    {"tables": {}},
]


def test_extensions_are_normalised_as_mkdocs_does() -> None:
    """Builtins first, duplicates dropped, a repeated extension's options replaced (not merged)."""
    option = MarkdownExtensions(builtins=["toc", "tables", "fenced_code"], configkey="mdx")
    theirs = option.run_validation(
        [dict(e) if isinstance(e, dict) else e for e in EXTENSIONS]  # it pops items
    )
    names, configs = ro._normalise_extensions(EXTENSIONS)
    assert names == theirs
    assert configs == option.configdata
    assert configs["pymdownx.tabbed"] == {"combine_header_slug": True}


def test_config_tags_are_inert_and_inherit_merges(tmp_path: Path) -> None:
    """!!python/name, !ENV and !relative load without running anything; INHERIT merges dicts."""
    (tmp_path / "base.yml").write_text(
        "site_name: base\ntheme:\n  name: material\n  language: zh\n"
        "markdown_extensions:\n  - admonition\n"
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        encoding="utf-8",
    )
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "mkdocs.yml").write_text(
        "INHERIT: ../base.yml\nsite_name: !ENV [SITE_NAME, 'en']\ndocs_dir: ../build/docs\n"
        "theme:\n  language: en\nextra:\n  path: !relative $config_dir\n",
        encoding="utf-8",
    )
    data = ro.load_config(tmp_path / "en" / "mkdocs.yml")
    assert data["theme"] == {"name": "material", "language": "en"}
    assert data["site_name"] == ro.EnvTag(["SITE_NAME", "en"])
    assert data["extra"]["path"] == ro.RelativeTag("$config_dir")
    emoji = data["markdown_extensions"][1]["pymdownx.emoji"]["emoji_index"]
    assert emoji == ro.PyName("material.extensions.emoji.twemoji")
    from mkdocs.utils.yaml import yaml_load

    with (tmp_path / "base.yml").open("rb") as fd:  # MkDocs imports the name: the real object
        assert callable(yaml_load(fd)["markdown_extensions"][1]["pymdownx.emoji"]["emoji_index"])
    assert callable(ro._resolve(emoji))


SITE_FOLDER = "site"


def make_site(tmp_path: Path, page: str, yml: str) -> rs.Site:
    """A one-page site rendered by the oracle (no findings yet)."""
    tmp_path = tmp_path / SITE_FOLDER
    tmp_path.mkdir()
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "q.md").write_text(page, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(yml, encoding="utf-8")
    config = ro.site_config("synthetic", tmp_path)
    pages = ro.render_site(config)
    math = {rel: rs.page_math(p, config) for rel, p in pages.items()}
    return rs.Site(config, pages, [], math, True)


MATERIAL = (
    "site_name: t\nmarkdown_extensions:\n  - admonition\n  - pymdownx.details\n"
    "  - pymdownx.superfences\n  - pymdownx.tabbed:\n      alternate_style: true\n"
    "  - pymdownx.arithmatex:\n      generic: true\n"
    "extra_javascript:\n  - https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js\n"
)


def finding(code: str, line: int, message: str = "", **extra: Any) -> dict[str, Any]:
    """A qalint JSON finding on docs/q.md, its path as qalint run beside the site prints it."""
    out = {"path": f"{SITE_FOLDER}/docs/q.md", "line": line, "end_line": line, "column": 1,
           "end_column": 1, "code": code, "message": message, "severity": "error"}  # fmt: skip
    out.update(extra)
    return out


def verdict(site: rs.Site, f: dict[str, Any]) -> bool | None:
    """The oracle's verdict on one finding."""
    return rs.confirm(site, f).confirmed


def test_unclosed_fence_confirmed_closed_fence_contradicted(tmp_path: Path) -> None:
    """S014: a fence never closed shows as text; one closed after a paragraph line is code."""
    page = (
        "Intro:\n```python\nx = 1\n```\n\nText.\n\n"
        "````\n```\nshown = 1\n```\n````\n\n"
        "```\ny = 2\n\nThe end of the page.\n"
    )
    site = make_site(tmp_path, page, MATERIAL)
    assert verdict(site, finding("S014", 2)) is False
    assert verdict(site, finding("S014", 8)) is False  # ``` shown inside a ```` block
    assert verdict(site, finding("S014", 14)) is True


def test_escaped_line_confirmed_line_meant_outside_contradicted(tmp_path: Path) -> None:
    """S008: an under-indented body line renders outside; a heading after the block is meant so."""
    page = (
        '!!! note "Title"\n\n   Under-indented body text.\n\n'
        '!!! tip "Other"\n    Body of the tip.\n## A heading right after\n\n'
        '!!! info "Privacy"\nQuiz data stays in the browser.\n\n'
        '!!! info "Title only"\n\nA paragraph of its own.\n'
    )
    site = make_site(tmp_path, page, MATERIAL)
    assert verdict(site, finding("S008", 3, "falls out of the note (line 1)")) is True
    assert verdict(site, finding("S008", 7, "falls out of the tip (line 5)")) is False
    assert verdict(site, finding("S008", 10, "falls out of the info (line 9)")) is True
    assert verdict(site, finding("S008", 14, "falls out of the info (line 12)")) is False
    defects = list(rs.visible_defects(site, site.pages["q.md"]))
    assert [(d.kind, d.line) for d in defects] == [("empty-container", 3), ("empty-container", 10)]


def test_claims_in_code_and_quiz_distractors_are_not_claims(tmp_path: Path) -> None:
    """F rules: prose confirms; inline code and a wrong quiz option contradict."""
    page = (
        "We have $2 + 2 = 5$ here.\n\nIn code: `2 + 2 = 5`.\n\n"
        "<quiz>\nWhat is 2 + 2?\n- [x] 4\n- [ ] 2 + 2 = 5 always\n</quiz>\n"
    )
    site = make_site(tmp_path, page + "\n", MATERIAL + "plugins:\n  - mkdocs_quiz\n")
    assert verdict(site, finding("F006", 1, column=9, end_column=20)) is True
    assert verdict(site, finding("F006", 3, column=10, end_column=21)) is False
    assert verdict(site, finding("F006", 8, column=7, end_column=26)) is False


def test_math_shown_as_text_and_formula_errors(tmp_path: Path) -> None:
    """M008 needs a $ left on the page; M001 needs the real renderer to fail on the formula."""
    page = "Price $5 and no closing.\n\nFine $x^2$ here.\n\nBad $\\foo{x}$ here.\n"
    site = make_site(tmp_path, page, MATERIAL)
    assert verdict(site, finding("M008", 1)) is True
    assert verdict(site, finding("M008", 3)) is False
    renderers = rs.renderers_dir()
    if renderers is not None:
        rs.judge_math([site], renderers)
        assert verdict(site, finding("M001", 5)) is True
        assert verdict(site, finding("M001", 3)) is False


def test_literal_syntax_is_found_and_placed(tmp_path: Path) -> None:
    """Literal markers, fences and list dashes on the page map back to their source lines."""
    page = (
        "Some intro text here.\n\n!!!note without a space is fine\n\n"
        "A paragraph with a list:\n- one\n- two\n\n"
        "Text\n\n??? success\n\n    Body.\n\n"
        "Last words:\n```\nnever closed\n"
    )
    site = make_site(tmp_path, page, "site_name: t\nmarkdown_extensions:\n  - admonition\n")
    kinds = sorted((d.kind, d.line) for d in rs.visible_defects(site, site.pages["q.md"]))
    assert kinds == [
        ("literal-fence", 16),
        ("literal-list-item", 6),
        ("literal-list-item", 7),
        ("literal-marker", 11),
    ]
