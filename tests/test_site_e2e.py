"""Issue 13 end to end: sites built by the test, checked and fixed the way a user runs qalint.

Each test writes a real site (a ``mkdocs.yml`` and pages under ``docs/``) in a temporary
project, runs the command line (``qalint check``, ``qalint fix``) on it, and compares what
qalint says with the page as MkDocs renders it: the oracle loads the same ``mkdocs.yml`` with
MkDocs' own ``load_config`` and converts the page with exactly the extensions and options
MkDocs hands Python-Markdown (``markdown_extensions``, ``mdx_configs``). One test also runs a
real ``mkdocs build``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
from test_site_model import cli, write

SANE_YML = (
    "site_name: t\nmarkdown_extensions:\n  - mdx_truly_sane_lists\n  - admonition\n"
    "  - pymdownx.superfences\n"
)
PLAIN_YML = "site_name: t\nmarkdown_extensions:\n  - admonition\n  - pymdownx.superfences\n"

TWO = "- Ways to regularize:\n  - dropout\n  - weight decay\n"
FOUR = "- Four spaces:\n    - dropout\n    - weight decay\n"
TAB = "- A tab:\n\t- dropout\n\t- weight decay\n"
PAGE = f"# Notes\n\n{TWO}\nText.\n\n{FOUR}\nMore.\n\n{TAB}"
TWO_LINES, FOUR_LINES, TAB_LINES = [4, 5], [10, 11], [16, 17]


def make_site(root: Path, yml: str, pages: dict[str, str]) -> Path:
    """A project (its walk-up stops at ``.git``) with ``mkdocs.yml`` and ``docs/<name>``."""
    (root / ".git").mkdir(exist_ok=True)
    write(root / "mkdocs.yml", yml)
    for name, text in pages.items():
        write(root / "docs" / name, text)
    return root


def rendered(root: Path, name: str) -> str:
    """The page's HTML body as MkDocs renders it with the site's own mkdocs.yml."""
    from mkdocs.config import load_config

    config = load_config(str(root / "mkdocs.yml"))
    md = markdown.Markdown(
        extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {}
    )
    return md.convert((root / "docs" / name).read_text(encoding="utf-8"))


def check(root: Path, *args: str) -> tuple[int, list[dict]]:
    """``qalint check --output-format json docs`` in the project: exit code and findings."""
    code, out, _ = cli("check", "--no-cache", "--output-format", "json", *args, "docs", cwd=root)
    return code, json.loads(out)


def lines_of(findings: list[dict], code: str) -> list[int]:
    return sorted(f["line"] for f in findings if f["code"] == code)


def literal_items(html: str) -> list[str]:
    """List-item lines the page shows as text: ``- word`` inside an item's text."""
    return re.findall(r"^\s*- (\w[\w ]*)", html, re.M)


def nested_lists(html: str) -> int:
    """How many lists sit inside a list item."""
    return html.count("<li>") and len(re.findall(r"<li>[^<]*<ul>", html))


# --- a truly_sane_lists site --------------------------------------------------------------------


def test_truly_sane_site_reports_what_renders_as_text_and_the_fix_nests_it(tmp_path: Path) -> None:
    root = make_site(tmp_path, SANE_YML, {"page.md": PAGE})
    html = rendered(root, "page.md")
    assert nested_lists(html) == 1  # only the 2-space list nests
    assert literal_items(html) == ["dropout", "weight decay"] * 2  # 4 spaces and the tab: text

    code, found = check(root)
    assert code == 1
    assert lines_of(found, "S020") == FOUR_LINES + TAB_LINES  # nothing on the 2-space list
    assert not [f for f in found if f["line"] in TWO_LINES]
    assert not lines_of(found, "S015")
    s020 = next(f for f in found if f["code"] == "S020")
    assert s020["severity"] == "error" and s020["fix"]["applicability"] == "safe"
    assert "with mdx_truly_sane_lists (mkdocs.yml) a nested item needs 2 spaces" in s020["message"]

    code, _, _ = cli("fix", "--no-cache", "docs", cwd=root)
    page = (root / "docs" / "page.md").read_text(encoding="utf-8")
    assert page == PAGE.replace(FOUR, FOUR.replace("    ", "  ")).replace(
        TAB, TAB.replace("\t", "  ")
    )
    html = rendered(root, "page.md")
    assert nested_lists(html) == 3 and literal_items(html) == []
    assert check(root) == (0, [])


def test_truly_sane_site_builds_with_mkdocs_as_qalint_says(tmp_path: Path) -> None:
    root = make_site(tmp_path, SANE_YML, {"index.md": PAGE})
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "site")],
        cwd=root,
        check=True,
        capture_output=True,
    )
    built = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    body = built[built.index("<h1") : built.rindex("</ul>")]
    assert literal_items(body) == ["dropout", "weight decay"] * 2
    assert lines_of(check(root)[1], "S020") == FOUR_LINES + TAB_LINES


def test_the_same_page_without_the_extension_gets_the_opposite_verdicts(tmp_path: Path) -> None:
    root = make_site(tmp_path, PLAIN_YML, {"page.md": PAGE})
    html = rendered(root, "page.md")
    assert nested_lists(html) == 2 and literal_items(html) == []  # 4 spaces and the tab nest
    assert "<li>Ways to regularize:</li>\n<li>dropout</li>" in html  # 2 spaces render flat

    code, found = check(root)
    assert code == 0  # warnings only
    assert lines_of(found, "S015") == TWO_LINES[:1]  # one finding for the run of items
    assert "with Python-Markdown's lists (mkdocs.yml) a nested item needs 4 spaces" in next(
        f["message"] for f in found if f["code"] == "S015"
    )
    assert not lines_of(found, "S020")
    assert not [f for f in found if f["line"] in FOUR_LINES]
    assert lines_of(found, "W002") == TAB_LINES  # tabs: only a style warning, they nest

    cli("fix", "--no-cache", "--unsafe-fixes", "docs", cwd=root)
    page = (root / "docs" / "page.md").read_text(encoding="utf-8")
    assert page == PAGE.replace(TWO, TWO.replace("  ", "    ")).replace(
        TAB, TAB.replace("\t", "    ")
    )
    assert nested_lists(rendered(root, "page.md")) == 3
    assert check(root) == (0, [])


def test_an_unmodelled_extension_withholds_the_re_indent(tmp_path: Path) -> None:
    yml = SANE_YML + "  - pymdownx.critic\n"
    root = make_site(tmp_path, yml, {"page.md": PAGE, "q.md": "Text.\n"})
    code, out, err = cli("check", "--no-cache", "--output-format", "json", "docs", cwd=root)
    found = json.loads(out)
    assert code == 1
    assert err.count("pymdownx.critic, which qalint does not model") == 1  # once per run
    s020 = [f for f in found if f["code"] == "S020"]
    assert [f["line"] for f in s020] == FOUR_LINES + TAB_LINES  # still reported ...
    assert all(not f["fixable"] and "no fix is offered" in f["message"] for f in s020)  # ... no fix
    cli("fix", "--no-cache", "--unsafe-fixes", "docs", cwd=root)
    after = (root / "docs" / "page.md").read_text(encoding="utf-8")
    assert after == PAGE.replace("\t", "    ")  # only W002's tab expansion, which keeps the page
    assert literal_items(rendered(root, "page.md")) == ["dropout", "weight decay"] * 2


# --- the named false classes, each under its own mkdocs.yml --------------------------------------

TABBED_YML = PLAIN_YML + "  - pymdownx.tabbed:\n      alternate_style: true\n"
MATH_YML = (
    "  - pymdownx.arithmatex:\n      generic: true\n"
    "extra_javascript:\n  - https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js\n"
)
QUESTION_TABS = (
    '!!! Question ""\n    === "Question"\n        {heading}\n    === "Answer"\n        {answer}\n'
)


def _code_block_holds(text: str):
    """The page has a code block whose text (highlighting spans removed) holds ``text``."""

    def holds(html: str) -> bool:
        blocks = re.findall(r"<pre>(.*?)</pre>", html, re.S)
        return any(text in re.sub(r"<[^>]+>", "", block) for block in blocks)

    return holds


def _before(first: str, then: str):
    return lambda html: first in html and then in html and html.index(first) < html.index(then)


def _math_in_item(html: str) -> bool:
    item = html[html.index("<li>") : html.index("</li>")]
    return 'class="arithmatex"' in item and "$$" not in html.replace('class="arithmatex">\\[', "")


FALSE_CLASSES = {
    "a fence right after a paragraph": (
        PLAIN_YML,
        "Some text\n```python\nx = 1\n```\n",
        _code_block_holds("x = 1"),
    ),
    "a fence right after a paragraph, fenced_code only": (
        "site_name: t\nmarkdown_extensions: [admonition]\n",
        "Some text\n```python\nx = 1\n```\n",
        _code_block_holds("x = 1"),
    ),
    "a fence followed by text": (
        PLAIN_YML,
        "```python\nx = 1\n```\nMore text.\n",
        # superfences closes the fence; the text after it shares a paragraph with the block
        lambda html: _code_block_holds("x = 1")(html) and "</pre></div>\nMore text.</p>" in html,
    ),
    "a fence in a truly sane list item, closed at its indentation": (
        SANE_YML,
        "- item\n  ```python\n  x = 1\n  ```\n",
        _code_block_holds("x = 1"),
    ),
    "a fence in an admonition, closed at its indentation": (
        PLAIN_YML,
        "!!! note\n    ```python\n    x = 1\n    ```\n\nAfter.\n",
        _before('<p class="admonition-title">Note</p>', "<p>After.</p>"),
    ),
    "a longer fence inside a shorter block": (
        PLAIN_YML,
        "```\n``````\ninner\n``````\n```\n",
        _code_block_holds("``````\ninner\n``````"),
    ),
    "a heading right after an admonition": (
        PLAIN_YML,
        "!!! note\n    Body.\n## Next section\n\nText.\n",
        _before("</div>", '<h2 id="next-section">Next section</h2>'),
    ),
    "the next list item right after an admonition": (
        PLAIN_YML,
        "- a\n\n    !!! note\n        Body.\n- b\n",
        _before('<p class="admonition-title">Note</p>', "<li>b</li>"),
    ),
    "tabs with no blank line between them": (
        TABBED_YML,
        QUESTION_TABS.format(heading="#### What is dropout?", answer="A regularization technique."),
        lambda html: (
            html.count("tabbed-block") == 2
            and '<h4 id="what-is-dropout">What is dropout?</h4>' in html
        ),
    ),
    "a setext question heading": (
        TABBED_YML,
        '!!! Question ""\n    === "Question"\n'
        "        What is dropout?\n        ----------------\n\n"
        '    === "Answer"\n\n        A regularization technique.\n',
        lambda html: (
            '<div class="tabbed-block">\n<h2 id="what-is-dropout">What is dropout?</h2>' in html
        ),
    ),
    "$$ in a sane-lists list item": (
        "site_name: t\nmarkdown_extensions:\n  - sane_lists\n" + MATH_YML,
        "- The loss:\n\n    $$\n    L = -\\sum_i y_i \\log p_i\n    $$\n\n- Next.\n",
        _math_in_item,
    ),
    "$$ in a truly sane list item": (
        SANE_YML + MATH_YML,
        "- The loss:\n\n  $$\n  L = -\\sum_i y_i \\log p_i\n  $$\n\n- Next.\n",
        _math_in_item,
    ),
}


@pytest.mark.parametrize("name", list(FALSE_CLASSES))
def test_named_false_classes_are_gone(tmp_path: Path, name: str) -> None:
    yml, page, renders_right = FALSE_CLASSES[name]
    root = make_site(tmp_path, yml, {"page.md": page})
    # A setext heading is level 2: a bank that asks with level-2 headings says so.
    write(root / "qalint.toml", "[structure]\nheading-level = 2\n" if "setext" in name else "")
    html = rendered(root, "page.md")
    assert renders_right(html), html
    code, found = check(root)
    assert (code, found) == (0, []), found


# --- real defects the model finds, and questions of every shape -----------------------------------


def test_words_before_a_url_are_an_error_with_no_percent_20_fix(tmp_path: Path) -> None:
    page = "Data: [Kaggle](Dataset: https://www.kaggle.com/c/titanic) here.\n"
    root = make_site(tmp_path, PLAIN_YML, {"page.md": page})
    href = re.search(r'<a href="([^"]*)">Kaggle</a>', rendered(root, "page.md"))
    assert href and href.group(1) == "Dataset: https://www.kaggle.com/c/titanic"  # not a URL
    code, found = check(root)
    [finding] = found
    assert code == 1 and finding["code"] == "L020" and finding["severity"] == "error"
    cli("fix", "--no-cache", "--unsafe-fixes", "docs", cwd=root)
    fixed = (root / "docs" / "page.md").read_text(encoding="utf-8")
    assert "%20" not in fixed
    assert "Dataset: [Kaggle](https://www.kaggle.com/c/titanic)" in fixed
    assert '<a href="https://www.kaggle.com/c/titanic">' in rendered(root, "page.md")


def test_a_list_item_glued_to_a_closing_fence_is_reported_as_text(tmp_path: Path) -> None:
    root = make_site(tmp_path, SANE_YML, {"page.md": "```python\nx = 1\n```\n- item\n"})
    assert literal_items(rendered(root, "page.md")) == ["item"]
    code, found = check(root)
    assert code == 1 and lines_of(found, "S020") == [4]


BLOCKS_YML = TABBED_YML + (
    "  - md_in_html\n  - pymdownx.blocks.admonition\n  - pymdownx.blocks.details\n"
    "  - pymdownx.blocks.tab:\n      alternate_style: true\n"
)
EVERY_SHAPE = (
    QUESTION_TABS.format(heading="#### What is dropout?", answer="A regularization technique.")
    + "\n/// details | What is overfitting?\n    type: question\n\nFitting the noise.\n///\n\n"
    "<details markdown>\n<summary>What is a tensor?</summary>\n\nAn array.\n\n</details>\n\n"
    "/// admonition | Exercise\n    type: question\n\n//// tab | Question\n"
    "#### What is momentum?\n////\n\n//// tab | Answer\nA moving average of gradients.\n////\n///\n"
)


TABS_IN_BLOCKS = (
    "/// admonition | Exercise 1\n    type: question\n\n"
    '=== "Question"\n    #### What is momentum?\n\n=== "Answer"\n    A moving average.\n///\n\n'
    '<details class="question" markdown>\n<summary>Exercise 2</summary>\n\n'
    '=== "Question"\n    #### What is a tensor?\n\n=== "Answer"\n    An array.\n\n</details>\n'
)


def test_question_tabs_in_a_blocks_admonition_or_an_html_details_are_questions(
    tmp_path: Path,
) -> None:
    root = make_site(tmp_path, BLOCKS_YML, {"page.md": TABS_IN_BLOCKS})
    html = rendered(root, "page.md")
    assert '<div class="admonition question">' in html and '<details class="question">' in html
    assert html.count('class="tabbed-set tabbed-alternate"') == 2
    assert check(root) == (0, [])  # no S001 for the /// marker or the <details> element


def test_questions_of_every_shape_after_a_tabs_question_are_not_stray(tmp_path: Path) -> None:
    root = make_site(tmp_path, BLOCKS_YML, {"page.md": EVERY_SHAPE})
    html = rendered(root, "page.md")
    assert html.count('<details class="question">') == 1 and html.count("<details>") == 1
    assert html.count('<div class="admonition question">') == 2  # !!! and /// admonition
    assert html.count('class="tabbed-set tabbed-alternate"') == 2
    code, out, _ = cli("questions", "docs", cwd=root)
    assert code == 0 and out.count("\n") == 5 and "4 questions" in out
    assert check(root) == (0, [])  # no S001 for ///, no S009 for the blocks after the tabs


def test_a_broken_question_opener_is_one_error_and_the_fix_opens_it(tmp_path: Path) -> None:
    page = '??? question"What is dropout?"\n    A regularization technique.\n'
    root = make_site(
        tmp_path, "site_name: t\nmarkdown_extensions: [pymdownx.details]\n", {"q.md": page}
    )
    assert "<details" not in rendered(root, "q.md")
    code, found = check(root)
    assert code == 1 and [(f["line"], f["code"]) for f in found] == [(1, "S032")]
    cli("fix", "--no-cache", "docs", cwd=root)
    assert "<summary>What is dropout?</summary>" in rendered(root, "q.md")


def test_a_linked_page_is_read_with_its_own_site(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "a" / "mkdocs.yml", "site_name: a\n")
    write(tmp_path / "a" / "docs" / "index.md", "See [it](../../b/docs/ru.md#привет-мир).\n")
    write(
        tmp_path / "b" / "mkdocs.yml",
        "site_name: b\nmarkdown_extensions:\n  - toc:\n"
        "      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n",
    )
    write(tmp_path / "b" / "docs" / "ru.md", "# Привет мир\n\nText.\n")
    assert '<h1 id="привет-мир">' in rendered(tmp_path / "b", "ru.md")
    code, out, _ = cli("check", "--output-format", "json", "a/docs", cwd=tmp_path)
    assert (code, json.loads(out)) == (0, [])  # b's slugify makes the id, not a's default
    write(tmp_path / "b" / "mkdocs.yml", "site_name: b\n")  # the cached result goes stale
    code, out, _ = cli("check", "--output-format", "json", "a/docs", cwd=tmp_path)
    assert [f["code"] for f in json.loads(out)] == ["L014"]
    assert '<h1 id="_1">' in rendered(tmp_path / "b", "ru.md")  # toc's default drops the letters


# --- the README says what the model reads --------------------------------------------------------

# The option (or word) the README names for each MarkdownFlags field.
FLAG_WORDS = {
    "tab_length": "`tab_length`",
    "admonition": "`admonition`",
    "details": "`pymdownx.details`",
    "tabbed": "`pymdownx.tabbed`",
    "tabbed_alternate": "`alternate_style`",
    "blocks": "`///` block names",
    "superfences": "`pymdownx.superfences`",
    "fenced_code": "`fenced_code`",
    "sane_lists": "`sane_lists`",
    "truly_sane_lists": "`mdx_truly_sane_lists`",
    "nested_indent": "`nested_indent`",
    "truly_sane": "`truly_sane`",
    "md_in_html": "`md_in_html`",
    "attr_list": "`attr_list`",
    "def_list": "`def_list`",
    "footnotes": "`footnotes`",
    "tables": "`tables`",
    "abbr": "`abbr`",
    "arithmatex": "`pymdownx.arithmatex`",
    "arithmatex_generic": "`generic`",
    "smart_dollar": "`smart_dollar`",
    "inline_syntax": "`inline_syntax`",
    "block_syntax": "`block_syntax`",
    "magiclink": "`pymdownx.magiclink`",
    "snippets": "`pymdownx.snippets`",
    "snippets_base_path": "`base_path`",
    "snippets_check_paths": "`check_paths`",
    "toc_slugify": "`slugify`",
}


def test_readme_section_names_every_modelled_extension_and_option() -> None:
    from dataclasses import fields

    from conftest import ROOT

    from qalint.site.extensions import HARMLESS, MODELLED
    from qalint.site.model import MarkdownFlags

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## How qalint reads your site")
    section = readme[start : readme.index("\n## ", start + 1)]
    for field in fields(MarkdownFlags):
        if field.name in {"jinja"}:  # a plugin's, described with the plugins
            continue
        assert FLAG_WORDS[field.name] in section, field.name
    for name in MODELLED | HARMLESS:
        short = name.rsplit(".", 1)[-1]
        spelled = (f"`{name}`", f"`.{short}`", f"`{short}`")
        assert any(s in section for s in spelled), name
    for how in ("qalint config", "--show-settings", "[tool.qalint.site]", "--mkdocs-config"):
        assert how in section, how


MARKERS_PAGE = (
    '# T\n\n!!! note "Remember"\n    Body.\n\n??? question "What?"\n    Answer.\n\n'
    '=== "Tab"\n    In tab.\n\n/// details | Why?\nBecause.\n///\n'
)


def test_markers_of_extensions_the_site_leaves_off_render_as_text_and_are_errors(
    tmp_path: Path,
) -> None:
    root = make_site(tmp_path, "site_name: t\nmarkdown_extensions: [pymdownx.superfences]\n", {})
    write(root / "docs" / "p.md", MARKERS_PAGE)
    html = rendered(root, "p.md")
    shown = [line for line in MARKERS_PAGE.splitlines() if line[:3] in {"!!!", "???", "===", "///"}]
    assert all(f"<p>{line}".replace('"', "&quot;") in html.replace('"', "&quot;") for line in shown)
    code, found = check(root)
    assert code == 1
    assert [(f["line"], f["code"]) for f in found] == [
        (3, "S060"),
        (6, "S060"),
        (9, "S060"),
        (12, "S060"),
    ]
    assert "does not enable pymdownx.blocks.details" in found[3]["message"]
    on = TABBED_YML + "  - pymdownx.details\n  - pymdownx.blocks.details\n"
    write(root / "mkdocs.yml", on)
    html = rendered(root, "p.md")
    assert html.count("<details") == 2 and "admonition" in html and "tabbed-set" in html
    assert check(root) == (0, [])


def test_the_configuration_matrix_is_what_real_mkdocs_yml_files_give() -> None:
    """Each configuration of the differential matrix is the flags the site model reads from
    the markdown_extensions the oracle renders with (so the matrix tests real configs)."""
    from dataclasses import replace

    from rendered import renderer_config
    from test_differential import MATRIX

    from qalint.site.extensions import flags_from_extensions, normalise_extensions

    for name, flags in MATRIX.items():
        extensions, options = renderer_config(flags)
        listed = [{ext: options[ext]} if ext in options else ext for ext in extensions]
        read = flags_from_extensions(normalise_extensions(listed))
        if not flags.tabbed:  # alternate_style means nothing without pymdownx.tabbed
            read = replace(read, tabbed_alternate=flags.tabbed_alternate)
        assert read == flags, name
