"""The site model: each page's own mkdocs.yml, found, loaded safely and normalised as MkDocs
normalises it, shown by ``qalint config``, and keyed into the result cache.

MkDocs itself is the oracle where it can be: its own ``MarkdownExtensions`` option normalises
the same lists, the extensions' own classes give the option defaults, and a real
``mkdocs build --strict`` builds the project's own site.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, question

import qalint
from qalint.cli import main
from qalint.config import Config, ConfigError, load_config
from qalint.engine import RunOptions, run
from qalint.site import DEFAULT_SITE, MarkdownFlags
from qalint.site.extensions import flags_from_extensions, normalise_extensions
from qalint.site.load import SiteResolver, load_site
from qalint.site.yamlconfig import MkDocsConfigError, PythonTag, load_mkdocs_yaml

REAL = (ROOT.parent / "shared" / "realsites").resolve()  # sites are found by real paths
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realsites is not here")

QUESTION = question()  # no findings on the default site


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def cli(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        code = main(list(args), out, err)
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder whose walk-up stops at its own top (it holds ``.git``)."""
    (tmp_path / ".git").mkdir()
    return tmp_path


# --- finding the config ----------------------------------------------------------------------


def test_nested_sites_and_a_page_outside_docs_dir(project: Path) -> None:
    write(project / "mkdocs.yml", "site_name: outer\nmarkdown_extensions: [admonition]\n")
    write(
        project / "docs" / "inner" / "mkdocs.yml",
        "site_name: inner\ndocs_dir: pages\nmarkdown_extensions: [mdx_truly_sane_lists]\n",
    )
    outer_page = write(project / "docs" / "a" / "p.md", QUESTION)
    inner_page = write(project / "docs" / "inner" / "pages" / "q.md", QUESTION)
    # Inside the inner config's folder but not in its docs_dir: the outer site renders it.
    beside_inner = write(project / "docs" / "inner" / "notes.md", QUESTION)
    outside = write(project / "notes" / "r.md", QUESTION)
    resolver = SiteResolver(Config())
    assert resolver.site_for(outer_page).config_path == project / "mkdocs.yml"
    assert resolver.site_for(beside_inner).config_path == project / "mkdocs.yml"
    inner = resolver.site_for(inner_page)
    assert inner.config_path == project / "docs" / "inner" / "mkdocs.yml"
    assert inner.flags.truly_sane_lists and inner.flags.nested_indent == 2
    assert not inner.flags.admonition
    assert resolver.site_for(outside) is resolver.default
    assert resolver.site_for(outside).origin == "default"


def test_a_config_one_folder_down_builds_a_docs_dir_elsewhere(project: Path) -> None:
    # hello-algo's shape: en/mkdocs.yml builds ../build/en/docs.
    write(project / "en" / "mkdocs.yml", "docs_dir: ../build/en/docs\n")
    page = write(project / "build" / "en" / "docs" / "ch" / "x.md", QUESTION)
    site = SiteResolver(Config()).site_for(page)
    assert site.config_path == project / "en" / "mkdocs.yml"
    assert site.docs_dir == project / "build" / "en" / "docs"


def test_mkdocs_config_flag_and_setting_override_the_walk(project: Path) -> None:
    write(project / "mkdocs.yml", "markdown_extensions: [admonition]\n")
    write(project / "other.yml", "markdown_extensions: [sane_lists]\n")
    page = write(project / "docs" / "p.md", QUESTION)
    code, out, _ = cli("config", "--output-format", "json", str(page))
    assert code == 0
    assert json.loads(out)[str(page)]["config_file"] == str(project / "mkdocs.yml")
    code, out, _ = cli(
        "config", "--output-format=json", "--mkdocs-config=other.yml", "docs/p.md", cwd=project
    )
    info = json.loads(out)["docs/p.md"]
    assert info["config_file"] == "other.yml"
    assert info["flags"]["sane_lists"] is True and info["flags"]["admonition"] is False
    # [tool.qalint] mkdocs-config is relative to the config file's folder.
    write(project / "sub" / "qalint.toml", 'mkdocs-config = "../other.yml"\n')
    code, out, _ = cli(
        "config", "--output-format", "json", "--config", "sub/qalint.toml", "docs/p.md", cwd=project
    )
    assert json.loads(out)["docs/p.md"]["config_file"] == "other.yml"


def test_site_overrides_in_the_qalint_config(project: Path) -> None:
    write(project / "mkdocs.yml", "markdown_extensions: [admonition]\n")
    write(
        project / "qalint.toml",
        "[site]\n"
        'markdown-extensions = ["pymdownx.superfences", {"pymdownx.tabbed" = '
        "{alternate_style = true}}]\n"
        'math = "katex"\n',
    )
    write(project / "docs" / "p.md", QUESTION)
    code, out, _ = cli("config", "docs/p.md", cwd=project)
    assert code == 0
    origin = "override ([tool.qalint.site] in qalint.toml sets markdown-extensions, math)"
    assert f"origin:       {origin}" in out
    code, out, _ = cli("config", "--output-format", "json", "docs/p.md", cwd=project)
    info = json.loads(out)["docs/p.md"]
    assert [e["name"] for e in info["extensions"]] == [
        "toc",
        "tables",
        "fenced_code",
        "pymdownx.superfences",
        "pymdownx.tabbed",
    ]
    assert info["math"] == "katex"
    assert info["flags"]["tabbed_alternate"] is True and info["flags"]["admonition"] is False
    write(project / "qalint.toml", '[site]\nmath = "mathjx"\n')
    code, _, err = cli("config", "docs/p.md", cwd=project)
    assert code == 2 and "site.math" in err and "mathjax" in err


# --- loading safely ----------------------------------------------------------------------------


def test_python_tags_are_inert(tmp_path: Path) -> None:
    marker = tmp_path / "X"
    write(tmp_path / "evil_module_for_qalint.py", f"open({str(marker)!r}, 'w').close()\n")
    config = write(
        tmp_path / "mkdocs.yml",
        "markdown_extensions:\n"
        "  - toc:\n"
        "      slugify: !!python/name:evil_module_for_qalint.slugify\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:os.system\n"
        "extra:\n"
        f'  boom: !!python/object/apply:os.system ["touch {marker}"]\n'
        "  more: !!python/object/new:os.system [x]\n",
    )
    sys.path.insert(0, str(tmp_path))
    try:
        loaded = load_mkdocs_yaml(config)
    finally:
        sys.path.remove(str(tmp_path))
    assert not marker.exists()
    assert "evil_module_for_qalint" not in sys.modules
    boom = loaded.data["extra"]["boom"]
    assert boom == PythonTag("object/apply", "os.system", [f"touch {marker}"])
    site, _ = load_site(config)
    assert site.flags.toc_slugify == "evil_module_for_qalint.slugify"
    assert str(site.options("pymdownx.emoji")["emoji_index"]) == "!!python/name:os.system"
    pickle.loads(pickle.dumps(site))  # workers receive it


def test_slugify_with_arguments(tmp_path: Path) -> None:
    config = write(
        tmp_path / "mkdocs.yml",
        "markdown_extensions:\n  - toc:\n"
        "      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n",
    )
    assert load_site(config)[0].flags.toc_slugify == "pymdownx.slugs.slugify(case=lower)"


def test_env_tag_as_pyyaml_env_tag_resolves_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QALINT_DOCS", "pages")
    monkeypatch.delenv("QALINT_UNSET", raising=False)
    monkeypatch.delenv("QALINT_UNSET2", raising=False)
    config = write(
        tmp_path / "mkdocs.yml",
        "docs_dir: !ENV QALINT_DOCS\n"
        "extra:\n"
        "  a: !ENV [QALINT_UNSET, QALINT_UNSET2, 42]\n"
        "  b: !ENV [QALINT_UNSET, QALINT_DOCS, fallback]\n"
        "  c: !ENV QALINT_UNSET\n",
    )
    loaded = load_mkdocs_yaml(config)
    assert loaded.data["extra"] == {"a": 42, "b": "pages", "c": None}
    assert load_site(config)[0].docs_dir == tmp_path / "pages"
    # The same file through MkDocs' own loader gives the same values.
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    with open(config, "rb") as handle:
        assert yaml_load(handle, get_yaml_loader())["extra"] == loaded.data["extra"]


def test_relative_tag(tmp_path: Path) -> None:
    config = write(
        tmp_path / "site" / "mkdocs.yml",
        "docs_dir: src\n"
        "markdown_extensions:\n"
        "  - pymdownx.snippets:\n"
        "      base_path:\n"
        "        - !relative $config_dir/snips\n"
        "        - !relative $docs_dir\n"
        "        - !relative\n"
        "        - extra\n",
    )
    site, _ = load_site(config)
    assert site.flags.snippets_base_path == (
        str(tmp_path / "site" / "snips"),
        str(tmp_path / "site" / "src"),
        "!relative",
        str(tmp_path / "site" / "extra"),
    )


def test_inherit_merges_like_mkdocs(tmp_path: Path) -> None:
    write(
        tmp_path / "base" / "common.yml",
        "theme: {name: material, features: [a, b], palette: {primary: red}}\n"
        "markdown_extensions: [admonition, pymdownx.details]\n"
        "extra_javascript: [katex.min.js]\n",
    )
    child = write(
        tmp_path / "site" / "mkdocs.yml",
        "INHERIT: ../base/common.yml\ntheme: {features: [c], palette: {accent: blue}}\n",
    )
    loaded = load_mkdocs_yaml(child)
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    with open(child, "rb") as handle:
        assert loaded.data == yaml_load(handle, get_yaml_loader())
    assert loaded.data["theme"] == {
        "name": "material",
        "features": ["c"],
        "palette": {"primary": "red", "accent": "blue"},
    }
    site, _ = load_site(child)
    assert site.inherited_from == (tmp_path / "base" / "common.yml",)
    assert site.flags.details and site.math == "katex"
    assert site.docs_dir == tmp_path / "site" / "docs"  # relative to the child


def test_inherit_cycle_and_missing_parent_are_clear_errors(project: Path) -> None:
    write(project / "a.yml", "INHERIT: b.yml\n")
    write(project / "b.yml", "INHERIT: a.yml\n")
    with pytest.raises(MkDocsConfigError, match=r"INHERIT forms a cycle: .*a\.yml -> .*b\.yml"):
        load_mkdocs_yaml(project / "a.yml")
    write(project / "mkdocs.yml", "INHERIT: nowhere.yml\n")
    write(project / "docs" / "p.md", QUESTION)
    code, _, err = cli("check", "docs", cwd=project)
    assert code == 2
    assert "nowhere.yml" in err and "does not exist" in err and "Traceback" not in err


def test_broken_mkdocs_yml_names_file_and_line(project: Path) -> None:
    write(project / "mkdocs.yml", "site_name: x\ntheme: material\ndocs_dir: a: b\nnav: []\n")
    write(project / "docs" / "p.md", QUESTION)
    done = subprocess.run(
        [sys.executable, "-m", "qalint", "check", "docs"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 2
    assert f"{project / 'mkdocs.yml'}:3: invalid MkDocs config: mapping values" in done.stderr
    assert "Traceback" not in done.stderr
    for text in ("[1, 2]\n", "markdown_extensions: [{a: 1, b: 2}]\n", "!unknown x\n"):
        write(project / "mkdocs.yml", text)
        with pytest.raises(ConfigError, match=r"mkdocs\.yml"):
            load_site(project / "mkdocs.yml")


# --- normalising extensions -----------------------------------------------------------------


EXTENSION_LISTS = [
    ["admonition", {"toc": {"permalink": True}}, "pymdownx.details"],
    ["md_in_html", "pymdownx.keys", "tables", "pymdownx.keys", "md_in_html"],
    [{"toc": {"permalink": True}}, "toc", {"toc": {"toc_depth": 2}}, "fenced_code"],
    {"pymdownx.tabbed": {"alternate_style": True}, "admonition": None},
    [],
]


@pytest.mark.parametrize("value", EXTENSION_LISTS)
def test_normalisation_agrees_with_mkdocs(value: object) -> None:
    import copy

    from mkdocs.config.config_options import MarkdownExtensions

    option = MarkdownExtensions(builtins=["toc", "tables", "fenced_code"])
    names = option.run_validation(copy.deepcopy(value))
    expected = [(name, option.configdata.get(name, {})) for name in names]
    assert list(normalise_extensions(value)) == expected


@needs_real
def test_uppmax_repeated_extensions_appear_once_in_first_place() -> None:
    site, _ = load_site(REAL / "UPPMAX__UPPMAX-documentation" / "mkdocs.yml")
    names = [name for name, _ in site.extensions]
    assert names[:3] == ["toc", "tables", "fenced_code"]
    assert names.count("md_in_html") == 1 and names.count("pymdownx.keys") == 1
    assert names.index("md_in_html") < names.index("pymdownx.emoji")  # its first place
    assert site.options("toc")["toc_depth"] == 2
    assert site.unmodelled == ("pymdownx.critic",)


def test_markdown_extensions_prefix_is_folded() -> None:
    value = ["markdown.extensions.admonition", {"markdown.extensions.toc": {"permalink": True}}]
    assert [n for n, _ in normalise_extensions(value)] == [
        "toc",
        "tables",
        "fenced_code",
        "admonition",
    ]


# --- flags ---------------------------------------------------------------------------------------


def test_default_flags_follow_the_extensions_own_defaults() -> None:
    from mdx_truly_sane_lists import makeExtension as truly
    from pymdownx.arithmatex import ArithmatexExtension
    from pymdownx.snippets import SnippetExtension
    from pymdownx.tabbed import TabbedExtension

    arith = ArithmatexExtension().getConfigs()
    flags = flags_from_extensions(
        normalise_extensions(
            ["pymdownx.arithmatex", "pymdownx.tabbed", "mdx_truly_sane_lists", "pymdownx.snippets"]
        ),
        Path("/site"),
    )
    assert flags.smart_dollar is arith["smart_dollar"]
    assert list(flags.inline_syntax) == arith["inline_syntax"]
    assert list(flags.block_syntax) == arith["block_syntax"]
    assert flags.arithmatex_generic is arith["generic"] is False
    assert flags.tabbed_alternate is TabbedExtension().getConfigs()["alternate_style"] is False
    sane = truly().getConfigs()
    assert (flags.nested_indent, flags.truly_sane) == (sane["nested_indent"], sane["truly_sane"])
    snippets = SnippetExtension().getConfigs()
    assert flags.snippets_check_paths is snippets["check_paths"]
    assert snippets["base_path"] == ["."] and flags.snippets_base_path == ("/site",)
    assert not flags.admonition and not flags.details and flags.tables and flags.fenced_code


@pytest.mark.parametrize(
    ("scripts", "math"),
    [
        (["javascripts/mathjax.js", "https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js"], "mathjax"),
        ([{"path": "https://cdn.example/mathjax@3/es5/tex-chtml.js", "async": True}], "mathjax"),
        (["js/tex-svg.js"], "mathjax"),
        ([{"path": "javascripts/katex.js"}, "https://unpkg.com/katex/dist/katex.min.js"], "katex"),
        (["js/jquery.js", {"path": "js/app.mjs", "type": "module"}], "none"),
        (None, "none"),
    ],
)
def test_math_renderer_from_extra_javascript(scripts: object, math: str) -> None:
    from qalint.site.extensions import math_renderer

    assert math_renderer(scripts) == math


def test_meta_is_unmodelled_because_it_swallows_a_first_line() -> None:
    import markdown

    page = "Question: What is X?\n\nAnswer.\n"
    assert "What is X" not in markdown.markdown(page, extensions=["meta"])
    assert "What is X" in markdown.markdown(page)
    from qalint.site.extensions import unmodelled

    names = ["meta", "pymdownx.highlight", "pymdownx.saneheaders", "admonition"]
    assert unmodelled(normalise_extensions(names)) == ("meta", "pymdownx.saneheaders")


def test_material_default_site_is_the_default_flags() -> None:
    flags = flags_from_extensions(DEFAULT_SITE.extensions)
    assert flags == MarkdownFlags()


def test_blocks_register_their_names() -> None:
    flags = flags_from_extensions(
        normalise_extensions(
            [
                {"pymdownx.blocks.admonition": {"types": ["new", {"name": "odd", "class": "x"}]}},
                "pymdownx.blocks.details",
                "pymdownx.blocks.tab",
                "pymdownx.blocks.definition",
            ]
        )
    )
    assert flags.blocks == {"admonition", "new", "odd", "details", "tab", "define"}


# What each real site renders with (from its own mkdocs.yml, read by hand).
REAL_SITES = {
    "walkccc__CLRS": ("docs/index.md", "katex", dict(admonition=False, tabbed=False)),
    "krahets__hello-algo": (
        "build/en/docs/index.md",
        "mathjax",
        dict(admonition=True, arithmatex=True, arithmatex_generic=True, tabbed_alternate=True),
    ),
    "UPPMAX__UPPMAX-documentation": (
        "docs/index.md",
        "none",
        dict(details=True, md_in_html=True, snippets=True, arithmatex=False, def_list=False),
    ),
    "ewels__mkdocs-quiz": (
        "docs/index.md",
        "none",
        dict(snippets=True, snippets_check_paths=True, tabbed_alternate=True, footnotes=False),
    ),
    "glassus__terminale_nsi": (
        "docs/index.md",
        "mathjax",
        dict(arithmatex_generic=True, abbr=True, def_list=True, snippets=True, details=True),
    ),
}


@needs_real
@pytest.mark.parametrize("name", sorted(REAL_SITES))
def test_real_sites(name: str) -> None:
    page, math, expected = REAL_SITES[name]
    site = SiteResolver(Config()).site_for(REAL / name / page)
    assert site.origin == "mkdocs.yml"
    assert site.math == math
    for flag, value in expected.items():
        assert getattr(site.flags, flag) == value, flag
    assert not site.flags.truly_sane_lists and site.flags.nested_indent == 4


@needs_real
def test_hello_algo_inherits_and_keeps_docs_outside_its_folder() -> None:
    site = SiteResolver(Config()).site_for(REAL / "krahets__hello-algo/build/en/docs/index.md")
    assert site.config_path == REAL / "krahets__hello-algo" / "en" / "mkdocs.yml"
    assert site.inherited_from == (REAL / "krahets__hello-algo" / "mkdocs.yml",)
    assert site.docs_dir == REAL / "krahets__hello-algo" / "build" / "en" / "docs"
    # The extensions come from the parent only (the child sets none).
    assert site.has("pymdownx.arithmatex") and site.has("pymdownx.tabbed")


# --- showing it -------------------------------------------------------------------------------


def test_qalint_config_text_and_json_for_the_project() -> None:
    code, out, _ = cli("config", "content/deep-learning.md", cwd=ROOT)
    assert code == 0
    assert out.startswith("content/deep-learning.md:\n  mkdocs.yml:   mkdocs.yml\n")
    assert "  docs_dir:     content\n" in out and "  math:         mathjax\n" in out
    assert "    pymdownx.tabbed  (alternate_style: true)\n" in out
    code, out, _ = cli("check", "--show-settings", "--output-format", "json", "content", cwd=ROOT)
    info = json.loads(out)["content"]
    assert info["config_file"] == "mkdocs.yml" and info["origin"] == "mkdocs.yml"
    assert {"name": "pymdownx.arithmatex", "options": {"generic": True}} in info["extensions"]
    assert info["flags"]["arithmatex_generic"] is True


def test_qalint_config_says_when_there_is_no_mkdocs_yml(project: Path) -> None:
    write(project / "p.md", QUESTION)
    code, out, _ = cli("config", "p.md", cwd=project)
    assert code == 0
    assert "mkdocs.yml:   (none)" in out and "Material for MkDocs documents" in out
    assert cli("config", "missing.md", cwd=project)[0] == 2


def test_unmodelled_extension_is_named_once_per_run(project: Path) -> None:
    write(
        project / "mkdocs.yml",
        "markdown_extensions: [pymdownx.critic, admonition, pymdownx.superfences,"
        " {pymdownx.tabbed: {alternate_style: true}}]\n",
    )
    for n in range(3):
        write(project / "docs" / f"p{n}.md", QUESTION)
    code, _, err = cli("check", "--no-cache", "docs", cwd=project)
    assert code == 0
    assert err.count("enables pymdownx.critic, which qalint does not model") == 1
    assert cli("check", "--no-cache", "--quiet", "docs", cwd=project)[2] == ""
    assert "pymdownx.critic" in cli("fix", "--no-cache", "--diff", "docs", cwd=project)[2]


# --- exclude_docs and the cache ---------------------------------------------------------------


def test_exclude_docs_skips_walked_pages_not_named_ones(project: Path) -> None:
    write(project / "mkdocs.yml", "exclude_docs: |\n  drafts/\n  *.tmp.md\n")
    for rel in ("docs/a.md", "docs/drafts/b.md", "docs/c.tmp.md", "docs/.hidden.md", "notes/d.md"):
        write(project / rel, QUESTION)
    here = Path.cwd()
    os.chdir(project)
    try:
        config = Config()
        assert run(["."], config, RunOptions(use_cache=False)).files_checked == 2  # a, notes/d
        named = run(["docs/drafts/b.md"], config, RunOptions(use_cache=False))
        assert named.files_checked == 1
    finally:
        os.chdir(here)
    out = cli("config", "docs/drafts/b.md", "docs/a.md", cwd=project)[1]
    assert out.count("excluded:     yes: the site does not render this page") == 1


@pytest.mark.parametrize(
    "exclude",
    ["", "drafts/\n*.tmp.md\n# comment\n", "/top.md\nsub/**/x.md\n", "*.md\n!keep.md\n"],
)
def test_exclusion_matcher_agrees_with_pathspec(exclude: str) -> None:
    import pathspec

    from qalint.site.load import exclusion_matcher

    spec = pathspec.GitIgnoreSpec.from_lines([".*", "/templates/", *exclude.splitlines()])
    matcher = exclusion_matcher(exclude)
    for path in [
        "a.md",
        "top.md",
        "x/top.md",
        "drafts/b.md",
        "x/drafts/b.md",
        "c.tmp.md",
        ".hidden.md",
        "x/.git/y.md",
        "templates/t.md",
        "x/templates/t.md",
        "sub/a/b/x.md",
        "keep.md",
        "x/keep.md",
    ]:
        assert matcher(path) == spec.match_file(path), path


def test_cache_is_stale_when_mkdocs_yml_or_its_parent_changes(project: Path) -> None:
    write(project / "base.yml", "markdown_extensions: [admonition]\n")
    write(project / "mkdocs.yml", "INHERIT: base.yml\nmarkdown_extensions: [pymdownx.details]\n")
    for n in range(3):
        write(project / "docs" / f"p{n}.md", QUESTION)
    write(project / "qalint.toml", 'cache-dir = ".cache"\n')
    here = Path.cwd()
    os.chdir(project)
    try:

        def hits() -> int:
            return run(["docs"], load_config(None, project), RunOptions(jobs=1)).cache_hits

        assert hits() == 0
        assert hits() == 3
        write(project / "mkdocs.yml", "INHERIT: base.yml\nmarkdown_extensions: [sane_lists]\n")
        assert hits() == 0
        assert hits() == 3
        write(project / "base.yml", "markdown_extensions: [admonition, footnotes]\n")
        assert hits() == 0
        # A nearer mkdocs.yml takes over the pages: another site, so no stale result either.
        write(project / "docs" / "mkdocs.yml", "docs_dir: .\n")
        assert hits() == 0
    finally:
        os.chdir(here)


def test_workers_get_each_page_its_site(project: Path) -> None:
    write(
        project / "mkdocs.yml",
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
    )
    for n in range(60):
        write(project / "docs" / f"p{n:02}.md", QUESTION)
    here = Path.cwd()
    os.chdir(project)
    try:
        serial = run(["docs"], Config(), RunOptions(use_cache=False, jobs=1))
        parallel = run(["docs"], Config(), RunOptions(use_cache=False, jobs=2))
    finally:
        os.chdir(here)
    assert parallel.files_checked == 60 and parallel.diagnostics == serial.diagnostics


# --- public API -------------------------------------------------------------------------------


def test_text_functions_take_a_site(project: Path) -> None:
    config = write(
        project / "mkdocs.yml",
        "markdown_extensions: [mdx_truly_sane_lists, admonition, pymdownx.superfences,"
        " {pymdownx.tabbed: {alternate_style: true}}]\n",  # what QUESTION needs to render
    )
    doc = qalint.parse_text("- a\n  - b\n", "x.md", site=config)
    assert doc.site.config_path == config and doc.site.flags.nested_indent == 2
    assert qalint.parse_text("x\n").site is DEFAULT_SITE
    site, _ = load_site(config)
    assert qalint.lint_text(QUESTION, "q.md", site=site) == qalint.lint_text(QUESTION, "q.md")
    assert qalint.fix_text(QUESTION, site=site) == QUESTION


# --- the project's own site --------------------------------------------------------------------


def test_project_site_builds_strict(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(tmp_path / "site"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    page = (tmp_path / "site" / "deep-learning" / "index.html").read_text(encoding="utf-8")
    assert 'class="tabbed-set tabbed-alternate' in page and 'class="arithmatex"' in page
    # qalint reads the same file for content/.
    site = SiteResolver(Config()).site_for(ROOT / "content" / "deep-learning.md")
    assert site.config_path == ROOT / "mkdocs.yml" and site.docs_dir == ROOT / "content"


def test_default_excludes_match_as_pathspec_does() -> None:
    """MkDocs' default excludes are matched without pathspec (a site with no exclude_docs
    needs no gitignore engine), exactly as pathspec's gitignore rules match them."""
    import pathspec

    from qalint.site.load import MKDOCS_DEFAULT_EXCLUDE, exclusion_matcher

    spec = pathspec.GitIgnoreSpec.from_lines(list(MKDOCS_DEFAULT_EXCLUDE))
    matcher = exclusion_matcher("")
    paths = ["a.md", ".a.md", "x/.hidden/y.md", "x/.y.md", "templates/a.md", "templates",
             "x/templates/a.md", "templatesx/a.md", "a/b/c.md", "t/templates/q/r.md",
             "templates/sub/a.md"]  # fmt: skip
    assert [matcher(p) for p in paths] == [spec.match_file(p) for p in paths]
    assert matcher(".a.md") and matcher("templates/a.md") and not matcher("a/b/c.md")


@pytest.mark.parametrize("snippets", [True, False])
def test_snippet_fragment_links_resolve_from_the_including_page(
    tmp_path: Path, snippets: bool
) -> None:
    """A file outside docs_dir under the snippets base path is a fragment: its relative
    links resolve from the page that includes it, so they are not checked from its folder."""
    extensions = "[pymdownx.snippets, pymdownx.superfences]" if snippets else "[admonition]"
    write(tmp_path / "mkdocs.yml", f"site_name: s\nmarkdown_extensions: {extensions}\n")
    write(tmp_path / "docs" / "img" / "a.png", "")
    write(tmp_path / "docs" / "page.md", '# Page\n\n--8<-- "includes/part.md"\n')
    write(tmp_path / "includes" / "part.md", "See ![a](img/a.png).\n")
    code, out, _ = cli("check", "--no-cache", "--output-format", "json", ".", cwd=tmp_path)
    codes = [d["code"] for d in json.loads(out)]
    if snippets:
        assert "L013" not in codes and code == 0
    else:  # no snippets: the file is a page of the default site, its link checked from there
        assert codes.count("L013") == 1 and code == 1
