"""Offline link rules (L001..L014): each fires on the bad form and stays quiet on the good one."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from rendered import render_html

import qalint
from qalint.config import ConfigError, config_from_mapping
from qalint.diagnostics import Applicability, Diagnostic
from qalint.links.anchors import slugify
from qalint.links.progress import Progress
from qalint.rules.registry import all_rules

SEED = Path(__file__).parent / "fixtures" / "seed_verbatim.md"


def links(text: str, path: str | None = None, **config: object) -> list[Diagnostic]:
    cfg = config_from_mapping(config) if config else None
    return [d for d in qalint.lint_text(text, path, cfg) if d.code.startswith("L")]


def where(diagnostics: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in diagnostics]


def apply(text: str, diagnostic: Diagnostic) -> str:
    assert diagnostic.fix is not None
    for edit in sorted(diagnostic.fix.edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


def hrefs(text: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)"', render_html(text))


def test_seed_doubled_parentheses_reported_with_line_column_and_safe_fix() -> None:
    text = SEED.read_text(encoding="utf-8")
    found = [d for d in links(text, "seed.md") if d.code == "L001"]
    assert where(found) == [("L001", 51, 171)]
    (d,) = found
    assert "[Refer this SE question](https://datascience.stackexchange.com" in d.message
    assert d.fix is not None and d.fix.applicability is Applicability.SAFE
    fixed = apply(text, d)
    line = fixed.splitlines()[50]
    assert (
        "[Refer this SE question](https://datascience.stackexchange.com/questions/31041/"
        "what-does-logits-in-machine-learning-mean)."
    ) in line
    assert not [x for x in links(fixed, "seed.md") if x.code == "L001"]
    url = "https://datascience.stackexchange.com/questions/31041/what-does-logits-in-machine-learning-mean"
    assert "(" + url + ")" in hrefs(text) and url in hrefs(fixed)


def test_seed_has_no_other_link_findings() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert [d.code for d in links(text, "seed.md")] == ["L001"]


CASES = [
    # (markdown, expected findings)
    ("See [a] (https://arxiv.org/abs/1).\n", [("L002", 1, 8)]),
    ("Cite [1] (Smith 2020) here.\n", []),
    ("Stray [c]](https://a.org/x) here.\n", [("L003", 1, 10)]),
    ("Open [d(https://a.org/y) here.\n", [("L003", 1, 6)]),
    ("Open [e](https://a.org/z and more.\n", [("L003", 1, 6)]),
    ("Backwards (https://a.org/r)[text] here.\n", [("L003", 1, 11)]),
    ("Interval [0, 1) and [[x]](https://a.org/n) fine.\n", []),
    ("Dropout (https://a.org/d) is plain text.\n", [("L010", 1, 10)]),
    (
        "Wiki (https://a.org/A_(b)), code `(https://a.org/c)` and [y](<https://a.org/y>).\n",
        [("L010", 1, 7)],
    ),
    ("Code `[x](` and math $[a](b$ are not links.\n", []),
    ("Empty [f]() here.\n", [("L004", 1, 7)]),
    ("Top [top](#) is fine.\n", []),
    ("[g](https://a.org/a b)\n", [("L005", 1, 5)]),
    ("[g](<a b.md>) is an angle-bracket target.\n", []),
    ("[h](www.example.org/p)\n", [("L006", 1, 5)]),
    ("[h](github.com/user/repo)\n", [("L006", 1, 5)]),
    ("[h](notes.md)\n", []),
    ("[i](javascript:alert(1))\n", [("L007", 1, 5)]),
    ("[j][nodef] here.\n", [("L008", 1, 1)]),
    ("Matrix a[i][j] is indexing.\n", []),
    ("Use [k][Used] and [used].\n\n[used]: https://a.org/used\n", []),
    ("Text.\n\n[unused]: https://a.org/unused\n", [("L009", 3, 1)]),
    ("Footnote.\n\n[^1]: a note\n", []),
    ("Bare https://example.org/bare here.\n", [("L010", 1, 6)]),
    ("Bare www.example.com here.\n", [("L010", 1, 6)]),
    ("Auto <https://example.org/auto> and [t](https://example.org/t).\n", []),
    ("![](img.png)\n", [("L011", 1, 1)]),
    ("![A diagram](https://example.org/img.png)\n", []),
    ("[l](http://arxiv.org/abs/2)\n", [("L012", 1, 5)]),
    ("[l](http://en.wikipedia.org/wiki/Softmax)\n", [("L012", 1, 5)]),
    ("[l](http://example.org/plain)\n", []),
    ("[p](#page)\n\n# Page\n", []),
    ("[q](#nah)\n\n# Page\n", [("L014", 1, 5)]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_rule_fires_exactly_where_expected(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(links(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "See [a] (https://arxiv.org/abs/1).\n",
        "Stray [c]](https://a.org/x) here.\n",
        "Open [d(https://a.org/y) here.\n",
        "Open [e](https://a.org/z and more.\n",
        "Backwards (https://a.org/r)[text] here.\n",
        "[j][nodef] here.\n",
        "Bare https://example.org/bare here.\n",
    ],
)
def test_reported_syntax_really_renders_no_link(text: str) -> None:
    assert hrefs(text) == []


@pytest.mark.parametrize(
    ("text", "code", "fixed"),
    [
        ("See [a] (https://a.org/x).\n", "L002", "See [a](https://a.org/x).\n"),
        ("Bare https://a.org/x here.\n", "L010", "Bare <https://a.org/x> here.\n"),
        ("[l](http://arxiv.org/abs/2)\n", "L012", "[l](https://arxiv.org/abs/2)\n"),
        ("[g](https://a.org/a b)\n", "L005", "[g](https://a.org/a%20b)\n"),
        ("[h](www.example.org/p)\n", "L006", "[h](https://www.example.org/p)\n"),
    ],
)
def test_fixes_repair_the_link(text: str, code: str, fixed: str) -> None:
    (d,) = [d for d in links(text) if d.code == code]
    assert apply(text, d) == fixed
    assert not [d for d in links(fixed) if d.code == code]
    unsafe = {"L005", "L006"}
    assert d.fix is not None
    assert (d.fix.applicability is Applicability.UNSAFE) == (code in unsafe)


def test_messages_quote_the_link_and_say_the_fix() -> None:
    (d,) = links("[h](www.example.org/p)\n")
    assert "'www.example.org/p'" in d.message and "https://www.example.org/p" in d.message
    (d,) = links("[q](#nah)\n\n# Page\n")
    assert "'#nah'" in d.message and "this page" in d.message
    assert links("[q](#nah)\n\n# Page\n\n## Nah!\n") == []  # "Nah!" gets the id "nah"


def test_missing_anchor_suggests_the_close_heading() -> None:
    (d,) = links("[q](#what-is-dropot)\n\n#### What is Dropout?\n")
    assert "did you mean '#what-is-dropout'" in d.message


def test_headings_inside_tabs_and_duplicates_get_toc_ids() -> None:
    text = (
        "[a](#what-is-x) [b](#what-is-x_1) [c](#custom)\n\n"
        '!!! Question ""\n    === "Question"\n        #### What is X?\n\n'
        '    === "Answer"\n        #### What is *X*?\n\n'
        "## Title {#custom}\n"
    )
    assert links(text) == []
    assert 'id="what-is-x"' in render_html(text) and 'id="what-is-x_1"' in render_html(text)


@pytest.mark.parametrize(
    "heading",
    [
        "What is Entropy *(information theory)*?",
        "Ünïcode — dash & amp",
        "What is `x_1` [link](http://a.org)?",
        "  Spaces   and -- dashes  ",
        "What does `__init__` do?",
        "What is `<div>` for?",
        "Use `a &amp; b` and *c*",
    ],
)
def test_slugify_matches_python_markdown_toc(heading: str) -> None:
    from qalint.links.anchors import heading_text

    html = render_html(f"## {heading}\n")
    expected = re.search(r'id="([^"]*)"', html).group(1)  # type: ignore[union-attr]
    assert slugify(heading_text(heading)[0]) == expected


UNICODE_PAGE = (
    "# Привет мир\n\n## Что такое Dropout?\n\n## Übung  zwei\n\n"
    "[a](#привет-мир) [b](#что-такое-dropout) [c](#übung-zwei) "
    "[d](#%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82-%D0%BC%D0%B8%D1%80)\n"
)


def test_unicode_heading_ids_when_mkdocs_sets_a_slugify(tmp_path: Path) -> None:
    import markdown
    import pymdownx.slugs

    page = tmp_path / "docs" / "q.md"
    page.parent.mkdir()
    page.write_text(UNICODE_PAGE, encoding="utf-8")
    # Default toc drops the Cyrillic letters: every one of these links is broken.
    found = [d for d in qalint.lint_paths([page]) if d.code == "L014"]
    assert [d.column for d in found] == [5, 22, 46, 63]
    assert "set 'slugify' for toc in mkdocs.yml" in found[0].message
    (tmp_path / "mkdocs.yml").write_text(
        "markdown_extensions:\n  - toc:\n"
        "      slugify: !!python/object/apply:pymdownx.slugs.slugify\n"
        "        kwds:\n          case: lower\n",
        encoding="utf-8",
    )
    assert [d for d in qalint.lint_paths([page]) if d.code == "L014"] == []
    html = markdown.markdown(
        UNICODE_PAGE,
        extensions=["toc"],
        extension_configs={"toc": {"slugify": pymdownx.slugs.slugify(case="lower")}},
    )
    ids = re.findall(r'id="([^"]*)"', html)
    assert ids == ["привет-мир", "что-такое-dropout", "übung-zwei"]


def test_relative_files_and_fragments_across_pages(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## What is Dropout?\n", encoding="utf-8")
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a.png").write_bytes(b"\x89PNG")
    page = tmp_path / "page.md"
    text = (
        "[a](other.md) [b](other.md#what-is-dropout) [c](other.md#nope)\n\n"
        "[d](missing.md) ![e](img/a.png) ![f](img/b.png) [g](img/) [h](/abs/path.md)\n"
    )
    page.write_text(text, encoding="utf-8")
    found = [d for d in qalint.lint_paths([page]) if d.code.startswith("L")]
    assert where(found) == [("L014", 1, 49), ("L013", 3, 5), ("L013", 3, 38)]
    assert "'missing.md' does not exist" in found[1].message


def test_a_link_climbing_to_the_filesystem_root_is_checked_not_a_crash(tmp_path: Path) -> None:
    """``../`` repeated past the top resolves to ``/``, a folder that exists (it was an
    internal error: a Path of ``/`` has no name to add ``.md`` to)."""
    page = tmp_path / "page.md"
    climb = "../" * (len(tmp_path.parts) + 3)
    page.write_text(f"[root]({climb}) [gone]({climb}no-such-file.md)\n", encoding="utf-8")
    found = [d for d in qalint.lint_paths([page]) if d.code.startswith(("L", "E"))]
    column = len("[root]() [gone](") + len(climb) + 1
    assert [(d.code, d.column) for d in found] == [("L013", column)]


def test_text_with_a_space_before_parentheses_is_not_read_as_a_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    text = "Cite [1] (Smith) here, [x] (y) there, [z] () and ![] (a.png) and [e] (#nope).\n"
    page.write_text(text, encoding="utf-8")
    found = [d for d in qalint.lint_paths([page]) if d.code.startswith("L")]
    # Nothing here renders as a link; only the two targets that read as addresses get L002.
    spaces = [text.index("] (a.png") + 2, text.index("] (#nope") + 2]
    assert where(found) == [("L002", 1, spaces[0]), ("L002", 1, spaces[1])]
    assert hrefs(text) == []


def test_missing_file_message_quotes_the_target_as_written(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("[c](%20q.md) [d](sub/../gone.md)\n", encoding="utf-8")
    found = [d for d in qalint.lint_paths([page]) if d.code == "L013"]
    assert [d.column for d in found] == [5, 18]
    assert "link target '%20q.md' does not exist" in found[0].message
    assert found[1].message.startswith("link target 'sub/../gone.md' does not exist")
    assert "looked for '" + (tmp_path / "gone.md").as_posix() + "'" in found[1].message


def test_link_targets_resolve_through_symbolic_links_as_path_resolve(tmp_path: Path) -> None:
    from qalint.rules.links import _resolve_from, _resolved_name

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "f.md").write_text("# F\n", encoding="utf-8")
    (tmp_path / "a" / "lnk").symlink_to("../c")
    (tmp_path / "la").symlink_to("a")
    (tmp_path / "loop").symlink_to("loop")
    targets = [
        "x.md",
        "../x.md",
        "../../../../x",
        "lnk/f.md",
        "lnk/../f.md",
        "./b//",
        "..",
        "../la/b/../lnk/f.md",
        "b/../../c/f.md",
        "f.md/x/../y",
        "...",
        "../loop/x",
    ]
    for folder in ("a", "la", "a/b", "la/b", "la/lnk"):
        page_folder = tmp_path / folder
        real = str(page_folder.resolve())
        for target in targets:
            try:
                expected = (page_folder / target).resolve()
            except RuntimeError:
                with pytest.raises(RuntimeError):
                    _resolve_from(real, page_folder, target)
                continue
            assert _resolve_from(real, page_folder, target) == expected, (folder, target)
            assert _resolved_name(real, page_folder, target) == str(expected), (folder, target)


def test_missing_target_is_shown_as_the_path_form_showed_it() -> None:
    # L013 builds "looked for '...'" with os.path on strings; it is what pathlib made of it.
    for folder in (Path("."), Path("a/b"), Path("/r/a"), Path("/")):
        for target in ("x.md", "./x//y/", "../../../x", "..", "a/./b/../c", "//x", "...", "x/."):
            expected = Path(os.path.normpath(folder / target)).as_posix()
            assert os.path.normpath(os.path.join(folder, target)) == expected, (folder, target)


def test_bare_url_keeps_its_balanced_parentheses() -> None:
    url = "https://en.wikipedia.org/wiki/Dropout_(neural_networks)"
    text = f"Bare {url}, and https://a.org/x_(y). End https://a.org/z) too.\n"
    found = links(text)
    spans = [(d.span.column - 1, d.span.end_column - 1) for d in found]
    assert [text[start:end] for start, end in spans] == [
        url,
        "https://a.org/x_(y)",
        "https://a.org/z",
    ]
    assert f"'<{url}>'" in found[0].message
    fixed = apply(text, found[0])
    assert f"<{url}>," in fixed
    assert hrefs(fixed) == [url]


def test_missing_file_is_not_checked_for_text_without_a_path() -> None:
    assert links("[d](missing.md)\n") == []


def test_mkdocs_magiclink_makes_bare_urls_fine(tmp_path: Path) -> None:
    page = tmp_path / "docs" / "q.md"
    page.parent.mkdir()
    page.write_text("Bare https://example.org/bare here.\n", encoding="utf-8")
    assert [d.code for d in qalint.lint_paths([page]) if d.code == "L010"] == ["L010"]
    (tmp_path / "mkdocs.yml").write_text(
        "markdown_extensions:\n  - pymdownx.magiclink\n", encoding="utf-8"
    )
    assert [d.code for d in qalint.lint_paths([page]) if d.code == "L010"] == []
    config = config_from_mapping({"links": {"magiclink": "off"}})
    assert [d.code for d in qalint.lint_paths([page], config) if d.code == "L010"] == ["L010"]


def test_commented_out_magiclink_does_not_count(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "markdown_extensions:\n  # - pymdownx.magiclink\n", encoding="utf-8"
    )
    page = tmp_path / "q.md"
    page.write_text("Bare https://example.org/bare here.\n", encoding="utf-8")
    assert [d.code for d in qalint.lint_paths([page]) if d.code == "L010"] == ["L010"]


def test_autorefs_makes_undefined_references_fine(tmp_path: Path) -> None:
    page = tmp_path / "docs" / "q.md"
    page.parent.mkdir()
    page.write_text("See [Dropout][dropout-section].\n", encoding="utf-8")
    assert [d.code for d in qalint.lint_paths([page]) if d.code == "L008"] == ["L008"]
    # The site that builds the page turns the plugin on (its mkdocs.yml, INHERIT followed).
    (tmp_path / "base.yml").write_text("plugins:\n  - search\n  - autorefs\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("INHERIT: base.yml\n", encoding="utf-8")
    assert [d for d in qalint.lint_paths([page]) if d.code == "L008"] == []
    # A page the site does not build (outside docs_dir) is not under its plugins.
    outside = tmp_path / "q.md"
    outside.write_text("See [Dropout][dropout-section].\n", encoding="utf-8")
    assert [d.code for d in qalint.lint_paths([outside]) if d.code == "L008"] == ["L008"]


def test_https_hosts_extend_the_shipped_list() -> None:
    text = "[l](http://example.org/plain)\n"
    assert where(links(text, **{"links": {"https-hosts": ["example.org"]}})) == [("L012", 1, 5)]


def test_links_in_comments_are_not_reported() -> None:
    assert links("<!--\n[b]((https://github.com/x))\n-->\n\nText.\n") == []


@pytest.mark.parametrize(
    "code",
    [
        r.code
        for r in all_rules()
        if r.code.startswith("L0")
        and r.code not in {"L013", "L021", "L022", "L023"}
        and not r.online
    ],
)
def test_documented_examples(code: str) -> None:
    rule = next(r for r in all_rules() if r.code == code)
    assert code not in [d.code for d in links(rule.good + "\n")]
    assert code in [d.code for d in links(rule.bad + "\n")]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"headers": {"api.github.com": {"Authorization": "token ghp_abc"}}}, "environment"),
        ({"exclude": ["(unclosed"]}, "invalid regular expression"),
        ({"accept": [999]}, "100..599"),
        ({"check_urls": True}, "did you mean 'check-urls'"),
        ({"concurrency": 0}, "at least 1"),
    ],
)
def test_bad_config_is_rejected_with_the_key(section: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        config_from_mapping({"links": section})


def test_a_secret_written_into_the_config_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_mapping({"links": {"headers": {"*": {"Authorization": "token ghp_abc"}}}})
    assert "Authorization" in str(caught.value) and "ghp_abc" not in str(caught.value)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_and_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    tty, pipe = _Tty(), io.StringIO()
    for stream, enabled in ((tty, True), (pipe, True), (_Tty(), False)):
        bar = Progress(3, enabled, stream)
        for failed in (False, True, False):
            bar.advance(failed)
        bar.finish()
    assert "3/3, 1 failing" in tty.getvalue()
    assert pipe.getvalue() == ""


@pytest.mark.parametrize(("name", "value"), [("CI", "true"), ("CI", "1"), ("TERM", "dumb")])
def test_no_progress_in_ci_logs_even_on_a_pseudo_terminal(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv(name, value)
    tty = _Tty()
    bar = Progress(2, True, tty)
    bar.advance(False)
    bar.advance(True)
    bar.finish()
    assert tty.getvalue() == ""
