"""MkDocs plugins that rewrite a page before Markdown: read from mkdocs.yml, shown by
``qalint config``, and modelled where they change what the renderer sees.

mkdocs-macros renders each page as a Jinja template before Python-Markdown does; qalint
reads its tags as blank. Real Jinja (installed with MkDocs) is the oracle of where a tag
ends and whether a page lexes at all; the glassus__terminale_nsi site (which uses the
plugin throughout) is the real data.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import shutil
from pathlib import Path

import jinja2
import pytest
from conftest import ROOT

import qalint
from qalint.cli import main
from qalint.diagnostics import Diagnostic
from qalint.document import Document
from qalint.markdown import jinja
from qalint.markdown.parse import parse
from qalint.markdown.source import Source
from qalint.site import DEFAULT_SITE, JinjaSyntax, SiteModel
from qalint.site.load import load_site
from qalint.site.plugins import PluginsError, jinja_syntax, normalise_plugins

REAL = (ROOT.parent / "shared" / "realsites").resolve()
GLASSUS = REAL / "glassus__terminale_nsi"
needs_real = pytest.mark.skipif(not GLASSUS.is_dir(), reason="../shared/realsites is not here")

MACROS_SITE = SiteModel(
    plugins=(("macros", {}),),
    flags=type(DEFAULT_SITE.flags)(jinja=JinjaSyntax()),
)

# The glassus shape: a multi-line macro call whose string argument is a whole admonition
# with a fence, inside an exercise; a tab follows the macro.
MACRO_PAGE = '''\
!!! example "{{ exercice() }}"
    === "Énoncé"
        Écrire une fonction.

    {{
    correction(True,
    """
    ??? success \\"Correction Q3.\\"@
        ```python linenums='1'
        def f(x):
            return {'a': 1}
    """
    )
    }}

## After the macro

Text with an inline {{ variable }} here.
'''.replace("@", " ")  # a trailing space inside the macro's string, as glassus has


def cli(*args: str, cwd: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    os.chdir(cwd)
    try:
        code = main(list(args), out, err)
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue()


def jinja_lexes(text: str, env: jinja2.Environment | None = None) -> bool:
    """Whether real Jinja can parse ``text`` as a template."""
    try:
        (env or jinja2.Environment()).parse(text)
    except jinja2.TemplateSyntaxError:
        return False
    return True


# --- the plugins setting --------------------------------------------------------------------


def test_plugins_are_normalised_as_mkdocs_reads_them() -> None:
    assert normalise_plugins(None) == (("search", {}),)  # MkDocs' default
    assert normalise_plugins(["search", {"macros": None}, {"/tags": {"a": 1}}]) == (
        ("search", {}),
        ("macros", {}),
        ("tags", {"a": 1}),
    )
    assert normalise_plugins({"macros": {"render_by_default": False}}) == (
        ("macros", {"render_by_default": False}),
    )
    for bad in ("macros", [{"a": {}, "b": {}}], [3], [{"x": [1]}]):
        with pytest.raises(PluginsError):
            normalise_plugins(bad)


def test_macros_options_set_the_template_syntax() -> None:
    assert jinja_syntax((("search", {}),)) is None
    assert jinja_syntax((("macros", {"enabled": False}),)) is None
    assert jinja_syntax((("macros", {}),)) == JinjaSyntax()
    syntax = jinja_syntax(
        (
            (
                "macros",
                {
                    "j2_variable_start_string": "<<",
                    "j2_variable_end_string": ">>",
                    "j2_block_start_string": "",  # empty: Jinja's default stays
                    "render_by_default": False,
                    "force_render_paths": "quiz/*.md",
                },
            ),
        )
    )
    assert syntax == JinjaSyntax(
        variable_start="<<",
        variable_end=">>",
        render_by_default=False,
        force_render_paths="quiz/*.md",
    )


def test_plugins_are_read_through_inherit_and_shown_by_config(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "base.yml").write_text(
        "plugins:\n  - search\n  - macros:\n      j2_comment_start_string: '{##'\n",
        encoding="utf-8",
    )
    (tmp_path / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_name: x\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    site, _ = load_site(tmp_path / "mkdocs.yml")
    assert site.plugins == (("search", {}), ("macros", {"j2_comment_start_string": "{##"}))
    assert site.has_plugin("macros") and not site.has_plugin("mkdocs_quiz")
    assert site.flags.jinja == JinjaSyntax(comment_start="{##")
    assert pickle.loads(pickle.dumps(site)) == site  # sent to worker processes as it is
    assert hash(site.flags) == hash(pickle.loads(pickle.dumps(site.flags)))
    code, out, _ = cli("config", "docs", cwd=tmp_path)
    assert code == 0
    assert re.search(r"^  plugins:\n    search\n    macros  \(j2_comment_start_string", out, re.M)
    code, out, _ = cli("config", "--output-format", "json", "docs", cwd=tmp_path)
    assert json.loads(out)["docs"]["plugins"] == [
        {"name": "search", "options": {}},
        {"name": "macros", "options": {"j2_comment_start_string": "{##"}},
    ]
    assert json.loads(out)["docs"]["flags"]["jinja"]["comment_start"] == "{##"


def test_a_site_without_plugins_setting_has_search_and_the_default_site_none(
    tmp_path: Path,
) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    site, _ = load_site(tmp_path / "mkdocs.yml")
    assert site.plugins == (("search", {}),) and site.flags.jinja is None
    assert DEFAULT_SITE.plugins == () and DEFAULT_SITE.flags.jinja is None


# --- finding Jinja tags as Jinja does -------------------------------------------------------

LEXES = [
    "a {{ x }} b",
    "{{ '}}' }} and {{ \"%}\" }}",  # the end delimiter inside a string literal
    '{{ correction(True, """\n??? x \\"T\\"\n    ```py\n    }}\n""") }}',
    "{{ {'a': {'b': 1}} }}",  # a nested mapping: '}}' inside brackets is two '}'
    "{% if true %}x{% endif %} {# a comment with }} and %} #}",
    "{% raw %}{{ not a tag {% endraw %}",
    "{{ x -}}\n{%- if y +%}{% endif %}",
]
FAILS = [
    "{{ x",  # never closed
    "{{ 'abc }}",  # string never closed
    "{# comment",
    "{% raw %} {{ x }}",
    "int a[] = {{1,2},{3,4}};",  # C code: '}' with nothing open
    "{{ x ? y }}",  # a character Jinja's lexer does not know
    "{{ (x] }}",
]


@pytest.mark.parametrize("text", LEXES)
def test_tags_that_real_jinja_reads(text: str) -> None:
    assert jinja_lexes(text)
    tags = jinja.template_tags(text, JinjaSyntax())
    assert tags.error is None
    masked = jinja.mask(text, tags.spans)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    # What is left is Jinja's own output with every expression printing nothing: the
    # template's plain text, raw bodies included.
    env = jinja2.Environment(undefined=jinja2.ChainableUndefined, finalize=lambda _: "")
    rendered = env.from_string(text).render(x="", y="", a="", correction=lambda *a: "")
    assert masked.split() == rendered.split()


@pytest.mark.parametrize("text", FAILS)
def test_tags_that_real_jinja_rejects(text: str) -> None:
    assert not jinja_lexes(text)
    assert jinja.template_tags(text, JinjaSyntax()).error is not None


def test_a_string_literal_holding_the_end_delimiter_does_not_end_the_tag() -> None:
    text = '{{ f("a }} b") }} tail'
    tags = jinja.template_tags(text, JinjaSyntax())
    assert tags.spans == ((0, text.index(" tail")),)
    assert jinja.mask(text, tags.spans) == " " * text.index(" tail") + " tail"


def test_custom_delimiters() -> None:
    syntax = JinjaSyntax(variable_start="<<", variable_end=">>", block_start="<%", block_end="%>")
    text = "a {{ kept }} << x >> <% if y %>z<% endif %>"
    env = jinja2.Environment(
        variable_start_string="<<",
        variable_end_string=">>",
        block_start_string="<%",
        block_end_string="%>",
    )
    assert jinja_lexes(text, env)
    masked = jinja.mask(text, jinja.template_tags(text, syntax).spans)
    assert masked.split() == ["a", "{{", "kept", "}}", "z"]


# --- the parser reads the page mkdocs-macros hands to Markdown ------------------------------


def kinds(doc) -> list[tuple[str, int]]:
    return [(n.kind, n.lines[0].lineno) for n in doc.root.walk() if n.lines and n is not doc.root]


def test_macro_text_is_blank_and_everything_else_keeps_its_place() -> None:
    doc = parse(Source(MACRO_PAGE), "p.md", MACROS_SITE)
    assert not doc.code_blocks  # the fence inside the macro's string is not the page's
    assert len(doc.questions) == 1  # the ??? inside the string is not a block either
    heading = doc.headings[0]
    assert (heading.text, heading.span.line, heading.span.column) == ("After the macro", 16, 1)
    assert doc.templates[0].line == 1 and doc.templates[0].column == 14
    # the inline one: a paragraph with a placeholder for what the tag prints
    prose = [p.run.text for p in doc.prose if "Text with" in p.run.text]
    assert prose == ["Text with an inline x" + " " * (len("{{ variable }}") - 1) + " here."]
    # the call over many lines prints on a line of its own, between blank lines, at the
    # tag's column (so it is glued neither to the tab before it nor to what follows)
    assert [(p.node.kind, p.node.lines[0].lineno, p.run.text.strip()) for p in doc.prose][1] == (
        "paragraph",
        6,
        "x",
    )
    assert {s.line for s in doc.templates} == {1, 5, 18}
    assert doc.templates[1].end_line == 14


def test_no_structure_findings_inside_a_macro() -> None:
    found = qalint.lint_text(MACRO_PAGE, "p.md", site=MACROS_SITE)
    inside = [d for d in found if 5 <= d.line <= 14]
    assert inside == []
    # the same page on a site without the plugin: the fence in the string is unclosed
    plain = qalint.lint_text(MACRO_PAGE, "p.md", site=SiteModel())
    assert any(d.code == "S014" and 5 <= d.line <= 14 for d in plain)
    # a source-level rule too: the trailing space in the string is the macro's business
    assert any(d.code == "W001" and d.line == 8 for d in plain)


def test_a_tab_whose_body_is_a_macro_is_not_empty() -> None:
    page = (
        '!!! Question "Q1"\n    === "Question"\n        #### What is 2 + 2?\n\n'
        '    === "Answer"\n        {{ answer(4) }}\n'
    )
    assert not qalint.lint_text(page, "p.md", site=MACROS_SITE)
    assert [d.code for d in qalint.lint_text(page, "p.md")] == []  # plain text there
    # a statement prints nothing itself: a tab holding only a comment is empty
    empty = page.replace("{{ answer(4) }}", "{# answer #}")
    assert "S007" in [d.code for d in qalint.lint_text(empty, "p.md", site=MACROS_SITE)]


def test_without_the_plugin_braces_are_plain_text() -> None:
    doc = parse(Source("Set {{ a }} and {% b %}.\n"), "p.md", SiteModel())
    assert doc.prose[0].run.text == "Set {{ a }} and {% b %}."
    assert doc.templates == ()


@pytest.mark.parametrize(
    ("render_by_default", "front_matter", "masked"),
    [
        (True, "", True),
        (True, "render_macros: false\n", False),
        (False, "", False),
        (False, "render_macros: true\n", True),
        (False, "title: x\nrender_macros: yes\n", True),
    ],
)
def test_which_pages_the_plugin_renders(
    render_by_default: bool, front_matter: str, masked: bool
) -> None:
    site = SiteModel(
        flags=type(DEFAULT_SITE.flags)(jinja=JinjaSyntax(render_by_default=render_by_default))
    )
    text = (f"---\n{front_matter}---\n" if front_matter else "") + "A {{ b }} c\n"
    doc = parse(Source(text), "p.md", site)
    assert bool(doc.templates) is masked


def test_force_render_paths(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "quiz").mkdir(parents=True)
    site = SiteModel(
        docs_dir=docs,
        flags=type(DEFAULT_SITE.flags)(
            jinja=JinjaSyntax(render_by_default=False, force_render_paths="quiz/\n")
        ),
    )
    text = "A {{ b }} c\n"
    assert parse(Source(text), str(docs / "quiz" / "p.md"), site).templates
    assert not parse(Source(text), str(docs / "p.md"), site).templates


def test_front_matter_is_not_a_template() -> None:
    text = "---\ntitle: '{{ x'\n---\nA {{ b }} c\n"
    doc = parse(Source(text), "p.md", MACROS_SITE)
    assert [s.line for s in doc.templates] == [4]


def test_raw_block_body_is_markdown() -> None:
    text = "{% raw %}\n```\n{{ code }}\n```\n{% endraw %}\n"
    doc = parse(Source(text), "p.md", MACROS_SITE)
    assert [b.text for b in doc.code_blocks] == ["{{ code }}"]


# --- the real site --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def glassus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("glassus") / "glassus__terminale_nsi"
    shutil.copytree(GLASSUS, copy)
    return copy


@needs_real
def test_glassus_pages_lex_as_real_jinja_lexes_them(glassus: Path) -> None:
    env = jinja2.Environment()
    pages = sorted(glassus.rglob("*.md"))
    assert len(pages) > 100
    for page in pages:
        text = page.read_text(encoding="utf-8")
        body = re.sub(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*\n", "", text, flags=re.S)
        tags = jinja.template_tags(body, JinjaSyntax())
        assert (tags.error is None) == jinja_lexes(body, env), page


@needs_real
def test_glassus_has_no_findings_inside_macros(glassus: Path) -> None:
    code, out, _ = cli("check", "--output-format", "json", "--no-cache", ".", cwd=glassus)
    findings = json.loads(out)
    assert code == 1 and findings
    tagged: dict[str, list[tuple[int, int]]] = {}
    inside = []
    for finding in findings:
        path = finding["path"]
        if path not in tagged:
            text = (glassus / path).read_text(encoding="utf-8")
            spans = jinja.template_tags(text, JinjaSyntax()).spans
            tagged[path] = [
                (text.count("\n", 0, s) + 1, text.count("\n", 0, e) + 1) for s, e in spans
            ]
        # a multi-line macro's inner lines (its first and last may hold page text too)
        if any(a < finding["line"] < b for a, b in tagged[path]):
            inside.append(finding)
    assert inside == []
    codes = [f["code"] for f in findings if f["severity"] == "error"]
    # Before the plugin was modelled: 412 S014, most inside macro strings.
    assert codes.count("S014") < 100
    code, out, _ = cli("config", "docs", cwd=glassus)
    assert "    macros  [modelled" in out


# --- E030: a tag Jinja cannot read -----------------------------------------------------------


def test_e030_flags_a_page_real_jinja_cannot_render() -> None:
    from qalint.rules.registry import get_rule

    rule = get_rule("E030")
    assert rule is not None
    assert not jinja_lexes(rule.bad) and jinja_lexes(rule.good)
    found = [d for d in qalint.lint_text(rule.bad + "\n", "p.md", site=MACROS_SITE)]
    assert [(d.code, d.line, d.column) for d in found if d.code == "E030"] == [("E030", 2, 15)]
    assert "unexpected '}'" in found[0].message and "{% raw %}" in found[0].message
    assert not [d for d in qalint.lint_text(rule.good + "\n", "p.md", site=MACROS_SITE)]
    # without the plugin, braces are text and nothing fails
    assert not [d for d in qalint.lint_text(rule.bad + "\n", "p.md") if d.code == "E030"]


def test_e030_points_at_the_tag_after_front_matter() -> None:
    text = "---\ntitle: x\n---\n\nSee {{ f('a) }} here.\n"
    assert not jinja_lexes(text.split("---\n", 2)[2])
    found = [d for d in qalint.lint_text(text, "p.md", site=MACROS_SITE) if d.code == "E030"]
    assert [(d.line, d.column, d.span.end_line) for d in found] == [(5, 5, 5)]
    assert "string never closed" in found[0].message
    # a page the plugin does not render cannot fail
    off = "---\nrender_macros: false\n---\n\nSee {{ f('a) }} here.\n"
    assert not [d for d in qalint.lint_text(off, "p.md", site=MACROS_SITE) if d.code == "E030"]


@pytest.mark.skipif(not (REAL / "ewels__mkdocs-quiz").is_dir(), reason="no realsites")
def test_the_quiz_site_has_its_plugin_and_quizzes_are_not_blanked() -> None:
    site, _ = load_site(REAL / "ewels__mkdocs-quiz" / "mkdocs.yml")
    assert site.has_plugin("mkdocs_quiz") and site.flags.jinja is None
    page = REAL / "ewels__mkdocs-quiz" / "docs" / "assets" / "demo-quiz.md"
    doc = parse(Source(page.read_text(encoding="utf-8")), str(page), site)
    assert doc.templates == ()
    assert any("- [x] Paris" in line.text for n in doc.root.walk() for line in n.lines)


def test_a_finding_whose_fix_would_rewrite_a_tag_is_dropped() -> None:
    # W007 compares the opener with the configured form; the title the parser read is the
    # masked one, so its fix would write the placeholder over the macro.
    page = '!!! question "{{ exercice() }}"\n    === "Question"\n        #### Q?\n\n'
    page += '    === "Answer"\n        A.\n'
    plain = [d for d in qalint.lint_text(page, "p.md") if d.code == "W007"]
    assert plain and "{{ exercice() }}" in plain[0].fix.edits[0].replacement
    found = qalint.lint_text(page, "p.md", site=MACROS_SITE)
    assert not [d for d in found if d.fix and any("x " in e.replacement for e in d.fix.edits)]
    assert "W007" not in [d.code for d in found]


def _touches_a_tag_by_scan(doc: Document, finding: Diagnostic) -> bool:
    """The definition the engine's filter implements by bisection: a finding starting in a
    tag, or an edit of its fix overlapping one, is dropped."""
    at = (finding.span.line, finding.span.column)
    for tag in doc.templates:
        if (tag.line, tag.column) <= at < (tag.end_line, tag.end_column):
            return True
        start = doc.source.offset(tag.line, tag.column)
        end = doc.source.offset(tag.end_line, tag.end_column)
        edits = finding.fix.edits if finding.fix is not None else ()
        if any(edit.start < end and edit.end > start for edit in edits):
            return True
    return False


def test_findings_in_tags_are_dropped_as_a_scan_of_every_tag_would_drop_them() -> None:
    from qalint import engine

    lines = []
    for i in range(60):  # tags on one line and over several, trailing spaces in and out of them
        lines.append(f"Text {i} {{{{ macro({i}) }}}} after ")
        lines.append("{{ call(")
        lines.append(f"  'arg {i}' ")
        lines.append(") }} ")
        lines.append("")
    text = "\n".join(lines) + "\n"
    doc = parse(Source(text), "p.md", MACROS_SITE)
    assert len(doc.templates) == 120
    found = qalint.lint_text(text, "p.md", site=SiteModel())
    assert len(found) >= 180  # every trailing space, on the site without the plugin
    kept = engine._outside_templates(doc, found)
    assert kept == [d for d in found if not _touches_a_tag_by_scan(doc, d)]
    assert 0 < len(kept) < len(found)
