"""The real-site oracle: every page of a real MkDocs site rendered exactly as its mkdocs.yml says.

Test helper only, and deliberately independent of qalint (a test oracle must not share code
with the thing it checks). It:

- loads ``mkdocs.yml`` with a permissive YAML loader that accepts MkDocs' tags
  (``!!python/name:``, ``!ENV``, ``!relative``) without executing anything, and follows
  ``INHERIT`` as MkDocs does (a recursive dict merge, child wins, lists replaced);
- normalises ``markdown_extensions`` as MkDocs' ``MarkdownExtensions`` option does: the
  builtins ``toc``, ``tables``, ``fenced_code`` first, duplicates dropped, and a repeated
  extension's non-empty options replace the earlier ones (MkDocs assigns, it does not merge);
- builds a ``markdown.Markdown`` with those extensions, ``!!python/name:`` values resolved to
  the real callables when their module is installed; extensions that cannot be loaded are
  recorded in ``SiteConfig.skipped`` and left out;
- runs ``pymdownx.snippets`` from the config's folder (relative ``base_path`` entries are
  resolved against it, as ``mkdocs build`` run there would);
- strips front matter with MkDocs' own ``mkdocs.utils.meta.get_data``;
- for a site using the mkdocs-quiz plugin, replaces each ``<quiz>`` block as the plugin does
  (code blocks masked, a placeholder rendered with the page, then the quiz's question,
  options and content rendered as fragments into a ``div.quiz``); other plugins (macros,
  glightbox, ...) do not run: that HTML is pre-plugin, and ``SiteConfig.notes`` says so;
- parses the HTML into a small tree (``Node``) and offers text runs with their context (code,
  math, containers) and ``locate``/``line_runs`` to map between rendered text and source lines.
"""

from __future__ import annotations

import copy
import importlib
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import yaml

ROOT = Path(__file__).resolve().parent.parent
REALSITES = ROOT.parent / "shared" / "realsites"

# Each site's config file, relative to its folder (hello-algo's English build inherits the
# Chinese config one folder up and sets a docs_dir outside its own folder).
SITE_CONFIGS: dict[str, str] = {
    "walkccc__CLRS": "mkdocs.yml",
    "krahets__hello-algo": "en/mkdocs.yml",
    "UPPMAX__UPPMAX-documentation": "mkdocs.yml",
    "ewels__mkdocs-quiz": "mkdocs.yml",
    "glassus__terminale_nsi": "mkdocs.yml",
}
MKDOCS_BUILTINS = ["toc", "tables", "fenced_code"]
# The client-side KaTeX auto-render delimiters a site configures in its own JavaScript
# (walkccc/CLRS docs/js/katex.js: `$$` display, `$` inline; the copy here is a placeholder).
KATEX_AUTORENDER_DELIMITERS: dict[str, list[tuple[str, str, bool]]] = {
    "walkccc__CLRS": [("$$", "$$", True), ("$", "$", False)],
}


# --------------------------------------------------------------------------- YAML loading


@dataclass(frozen=True)
class PyName:
    """A ``!!python/name:dotted.path`` value, kept as its name (never imported by the loader)."""

    name: str


@dataclass(frozen=True)
class EnvTag:
    """An ``!ENV`` value: the variable name(s) and the default, not looked up."""

    value: Any


@dataclass(frozen=True)
class RelativeTag:
    """A ``!relative`` value (a path relative to the config or the current page)."""

    value: Any


class _PermissiveLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader (libyaml's when built) that also accepts MkDocs' tags as inert values."""


def _python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> PyName:
    return PyName(suffix)


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> EnvTag:
    if isinstance(node, yaml.ScalarNode):
        return EnvTag(loader.construct_scalar(node))
    return EnvTag(loader.construct_sequence(node))  # type: ignore[arg-type]


def _relative(loader: yaml.SafeLoader, node: yaml.Node) -> RelativeTag:
    return RelativeTag(loader.construct_scalar(node))  # type: ignore[arg-type]


_PermissiveLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", _python_name)
_PermissiveLoader.add_constructor("!ENV", _env)
_PermissiveLoader.add_constructor("!relative", _relative)


def _merge(parent: Any, child: Any) -> Any:
    """mergedeep's default REPLACE strategy, as MkDocs uses for INHERIT: dicts merge deeply."""
    if isinstance(parent, dict) and isinstance(child, dict):
        out = dict(parent)
        for key, value in child.items():
            out[key] = _merge(parent[key], value) if key in parent else value
        return out
    return child


def load_config(path: Path) -> dict[str, Any]:
    """The raw config of ``path`` with ``INHERIT`` followed (relative to the inheriting file)."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_PermissiveLoader) or {}
    if "INHERIT" in data:
        parent_path = Path(os.path.normpath(path.parent / data.pop("INHERIT")))
        data = _merge(load_config(parent_path), data)
    return data


# --------------------------------------------------------------------------- site config


@dataclass
class SiteConfig:
    """What rendering needs from one site's mkdocs.yml."""

    name: str
    config_path: Path
    docs_dir: Path
    extensions: list[str]
    configs: dict[str, dict[str, Any]]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    plugins: list[str] = field(default_factory=list)
    math: str = "none"  # "arithmatex-mathjax", "arithmatex-katex", "katex-autorender", "none"
    katex_delimiters: list[tuple[str, str, bool]] = field(default_factory=list)
    use_directory_urls: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def config_dir(self) -> Path:
        """The folder of the config file (where ``mkdocs build`` runs)."""
        return self.config_path.parent

    @property
    def renderer(self) -> str:
        """The browser-side math renderer: "katex", "mathjax" or "none"."""
        if "katex" in self.math:
            return "katex"
        return "mathjax" if "mathjax" in self.math else "none"


def _normalise_extensions(value: Any) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """MkDocs' MarkdownExtensions.run_validation, without importing anything."""
    names: list[str] = []
    configs: dict[str, dict[str, Any]] = {}
    items = list(value.items()) if isinstance(value, dict) else list(value or [])
    for item in items:
        if isinstance(item, tuple):
            name, cfg = item
        elif isinstance(item, dict):
            ((name, cfg),) = item.items()
        else:
            name, cfg = item, None
        names.append(name)
        if cfg:
            configs[name] = copy.deepcopy(cfg)
    seen: set[str] = set()
    ordered = []
    for name in MKDOCS_BUILTINS + names:
        if name not in seen:
            seen.add(name)
            ordered.append(name)
    return ordered, configs


def _resolve(value: Any) -> Any:
    """Options with every ``PyName`` replaced by the real object (ImportError if missing)."""
    if isinstance(value, PyName):
        module, _, attr = value.name.rpartition(".")
        return getattr(importlib.import_module(module), attr)
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value


def _plugin_names(value: Any) -> list[str]:
    items = list(value.keys()) if isinstance(value, dict) else list(value or [])
    return [next(iter(i)) if isinstance(i, dict) else str(i) for i in items]


def _math(data: dict[str, Any], extensions: list[str]) -> str:
    scripts = " ".join(str(s) for s in data.get("extra_javascript") or []).lower()
    has_arithmatex = "pymdownx.arithmatex" in extensions
    if "katex" in scripts:
        return "arithmatex-katex" if has_arithmatex else "katex-autorender"
    if "mathjax" in scripts:
        return "arithmatex-mathjax" if has_arithmatex else "mathjax"
    return "none"


def site_config(name: str, folder: Path | None = None) -> SiteConfig:
    """The rendering configuration of site ``name`` (its folder under REALSITES by default)."""
    folder = folder or REALSITES / name
    config_path = folder / SITE_CONFIGS.get(name, "mkdocs.yml")
    data = load_config(config_path)
    docs_dir = Path(os.path.normpath(config_path.parent / str(data.get("docs_dir", "docs"))))
    extensions, configs = _normalise_extensions(data.get("markdown_extensions") or [])
    site = SiteConfig(
        name=name,
        config_path=config_path,
        docs_dir=docs_dir,
        extensions=extensions,
        configs=configs,
        plugins=_plugin_names(data.get("plugins") or []),
        use_directory_urls=bool(data.get("use_directory_urls", True)),
    )
    site.math = _math(data, extensions)
    if site.math == "katex-autorender":
        site.katex_delimiters = KATEX_AUTORENDER_DELIMITERS.get(
            name, [("$$", "$$", True), ("\\(", "\\)", False), ("\\[", "\\]", True)]
        )
    for plugin in site.plugins:
        if plugin == "macros" and name in SITE_MACROS:
            site.notes.append(
                "plugin 'macros' simulated: Jinja2 with the site's own macros re-implemented "
                f"({', '.join(SITE_MACROS[name]())})"
            )
        elif plugin == "mkdocs_quiz":
            site.notes.append(
                "plugin 'mkdocs_quiz' applied: its own <quiz> parsing (code masked, question, "
                "options, content); the quiz HTML around them is laid out by the oracle"
            )
        elif plugin != "search":
            site.notes.append(f"plugin {plugin!r} not run: the HTML is pre-plugin")
    return site


def _options(site: SiteConfig, name: str) -> dict[str, Any]:
    """An extension's options with names resolved and snippets run from the config folder."""
    cfg = _resolve(site.configs.get(name, {}))
    if name == "pymdownx.snippets":
        cfg = dict(cfg)
        base = cfg.get("base_path", ["."])
        base = [base] if isinstance(base, str) else list(base)
        cfg["base_path"] = [str(site.config_dir / b) for b in base]
    return cfg


def build_markdown(site: SiteConfig) -> markdown.Markdown:
    """A Markdown instance configured exactly as the site's mkdocs.yml (minus skipped ones)."""
    site.skipped.clear()
    try:
        configs = {name: _options(site, name) for name in site.extensions}
        return markdown.Markdown(extensions=site.extensions, extension_configs=configs)
    except Exception:  # find which extensions cannot load, one by one below
        pass
    extensions: list[str] = []
    configs = {}
    for name in site.extensions:
        try:
            cfg = _options(site, name)
            markdown.Markdown(extensions=[name], extension_configs={name: cfg})
        except Exception as exc:  # any load failure means "cannot model it"
            site.skipped.append((name, f"{type(exc).__name__}: {exc}"))
            continue
        extensions.append(name)
        configs[name] = cfg
    return markdown.Markdown(extensions=extensions, extension_configs=configs)


# --------------------------------------------------------------------------- HTML tree

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip


@dataclass(eq=False)
class Node:
    """An element of the rendered page (``tag`` "#root" for the page itself)."""

    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        """The element's CSS classes."""
        return (self.attrs.get("class") or "").split()

    def text(self) -> str:
        """All text inside the element."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Iterator[Node]:
        """This element and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def ancestors(self) -> Iterator[Node]:
        """The parent chain, nearest first."""
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def elements(self) -> list[Node]:
        """The child elements (no text)."""
        return [c for c in self.children if isinstance(c, Node)]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Node:
    """The rendered HTML as a ``Node`` tree."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def is_container(node: Node) -> bool:
    """An admonition, a details block or a tab's body: the blocks S008 talks about."""
    classes = node.classes
    return (
        node.tag == "details"
        or (node.tag == "div" and ("admonition" in classes or "tabbed-block" in classes))
        or (node.tag == "div" and "quiz" in classes)
    )


def is_code(node: Node) -> bool:
    """Code: a <pre>, <code>, <kbd> or <script>/<style> element."""
    return node.tag in {"pre", "code", "kbd", "script", "style", "samp", "textarea"}


def is_math(node: Node) -> bool:
    """A formula as arithmatex delimits it."""
    return "arithmatex" in node.classes


@dataclass(eq=False)
class TextRun:
    """One text node of the page with what surrounds it."""

    text: str
    node: Node
    code: bool
    math: bool
    start: int = 0  # offset in the page's skeleton
    index: int = 0  # position in the page's list of runs
    sk: str = ""  # skeleton(text), computed once


def text_runs(root: Node) -> list[TextRun]:
    """Every text node in document order, marked as code or math by its ancestors."""
    runs: list[TextRun] = []

    def walk(node: Node, code: bool, math: bool) -> None:
        code = code or is_code(node)
        math = math or is_math(node)
        for child in node.children:
            if isinstance(child, str):
                runs.append(TextRun(child, node, code, math))
            else:
                walk(child, code, math)

    walk(root, False, False)
    return runs


# --------------------------------------------------------------------------- text <-> line

_SKELETON_DROP = re.compile(r"[\W_]+", re.UNICODE)


def skeleton(text: str) -> str:
    """Text reduced to lower-case letters and digits, to compare rendered and source text."""
    return _SKELETON_DROP.sub("", unicodedata.normalize("NFKC", text)).lower()


_MARKER = re.compile(
    r"""^\s*(?:>\s*)*(?:
        (?:!!!|\?\?\?\+?|===!?)\-?\s*[\w-]*(?:\s+[\w-]+)*\s*   # admonition / details / tab marker
      | \#{1,6}\s                                         # ATX heading
      | [-*+]\s+(?:\[[ xX]?\]\s+)?                        # list item (task box)
      | \d+[.)]\s+                                        # ordered item
    )""",
    re.VERBOSE,
)


_OPENER = re.compile(
    r"""^\s*(?:>\s*)*(?:!!!|\?\?\?\+?|===!?)-?\s*(?P<type>[\w-]+)?(?:\s+[\w-]+)*\s*
        (?:"(?P<title>[^"]*)"?)?\s*$""",
    re.VERBOSE,
)


_TAG = re.compile(r"</?[A-Za-z][^<>]*>")  # raw HTML tags show no text of their own


def line_body(line: str) -> str:
    """A source line as the page shows its text: without its block marker (``- ``, ``## ``,
    ``> ``); an admonition or tab opener as its title (``!!! warning`` shows "Warning")."""
    opener = _OPENER.match(line)
    if opener is not None:
        if opener.group("title") is not None:
            return opener.group("title")
        return opener.group("type") or ""
    return _TAG.sub("", _MARKER.sub("", line, count=1))


# --------------------------------------------------------------------------- pages


@dataclass(eq=False)
class RenderedPage:
    """One page: its source, body (front matter stripped), HTML and tree."""

    path: Path
    rel: str
    source: str
    body_offset: int  # source lines removed as front matter
    html: str
    root: Node
    runs: list[TextRun] = field(default_factory=list)
    rendered_skeleton: str = ""
    _starts: list[int] = field(default_factory=list)
    source_skeleton: str = ""
    _source_index: list[int] = field(default_factory=list)  # skeleton offset -> line number
    _line_starts: dict[int, int] = field(default_factory=dict)  # line -> skeleton offset
    _offsets: dict[tuple[bool, str], list[int]] = field(default_factory=dict)

    @property
    def lines(self) -> list[str]:
        """Source lines; ``lines[n - 1]`` is line n."""
        return self.source.splitlines()

    def index(self) -> None:
        """Build the skeletons that map text between source and page."""
        self.runs = text_runs(self.root)
        parts: list[str] = []
        pos = 0
        for i, run in enumerate(self.runs):
            run.index = i
            run.start = pos
            self._starts.append(pos)
            sk = run.sk = skeleton(run.text)
            parts.append(sk)
            pos += len(sk)
        self.rendered_skeleton = "".join(parts)
        sparts: list[str] = []
        index: list[int] = []
        for number, line in enumerate(self.lines, start=1):
            sk = skeleton(line_body(line))
            sparts.append(sk)
            if sk:
                self._line_starts[number] = len(index)
            index.extend([number] * len(sk))
        self.source_skeleton = "".join(sparts)
        self._source_index = index

    def run_at(self, offset: int) -> TextRun:
        """The text run holding skeleton offset ``offset``."""
        import bisect

        i = bisect.bisect_right(self._starts, offset) - 1
        # Skip runs with an empty skeleton that share the offset.
        while i + 1 < len(self.runs) and self._starts[i + 1] == offset:
            i += 1
        return self.runs[max(i, 0)]

    def line_of_offset(self, offset: int) -> int | None:
        """The source line holding source-skeleton offset ``offset``."""
        if 0 <= offset < len(self._source_index):
            return self._source_index[offset]
        return None

    def line_key(self, lineno: int, size: int = 24) -> tuple[str, int] | None:
        """A distinctive skeleton piece of line ``lineno`` and its occurrence number so far."""
        lines = self.lines
        if not 1 <= lineno <= len(lines):
            return None
        sk = skeleton(line_body(lines[lineno - 1]))
        if not sk:
            return None
        start = self._line_starts[lineno]
        # A short line ("x = 1") is looked up with the text of the lines after it.
        key = sk[:size] if len(sk) >= 4 else self.source_skeleton[start : start + 8]
        if len(key) < 4:
            return None
        return key, sum(1 for o in self.offsets(key, rendered=False) if o < start)

    def offsets(self, key: str, rendered: bool) -> list[int]:
        """Every offset of ``key`` in the rendered (or the source) skeleton, cached."""
        found = self._offsets.get((rendered, key))
        if found is None:
            found = _all_offsets(self.rendered_skeleton if rendered else self.source_skeleton, key)
            self._offsets[(rendered, key)] = found
        return found

    def line_runs(self, lineno: int) -> list[TextRun]:
        """The rendered text runs showing source line ``lineno`` (empty when not found).

        The line's text skeleton is looked up in the page's skeleton; the n-th occurrence in
        the source maps to the n-th occurrence on the page (fewer on the page: the last one).
        """
        found = self.line_key(lineno)
        if found is None:
            return []
        key, occurrence = found
        offsets = self.offsets(key, rendered=True)
        if not offsets:
            return []
        offset = offsets[min(occurrence, len(offsets) - 1)]
        first = self.run_at(offset)
        end = offset + len(key) - 1
        out = [first]
        i = first.index + 1
        while i < len(self.runs) and self.runs[i].start <= end:
            out.append(self.runs[i])
            i += 1
        return out

    def locate(self, text: str, near: int | None = None) -> int | None:
        """The source line where rendered ``text`` starts (closest to ``near`` if several)."""
        sk = skeleton(text)[:24]
        if len(sk) < 4:
            return None
        offsets = self.offsets(sk, rendered=False)
        lines = [ln for ln in (self.line_of_offset(o) for o in offsets) if ln is not None]
        if not lines:
            return None
        if near is None:
            return lines[0]
        return min(lines, key=lambda ln: abs(ln - near))

    def locate_run(self, run: TextRun) -> int | None:
        """The source line of a rendered text run, aligned by occurrence number."""
        sk = (run.sk or skeleton(run.text))[:24]
        if len(sk) < 4:
            return None
        before = sum(1 for o in self.offsets(sk, rendered=True) if o < run.start)
        offsets = self.offsets(sk, rendered=False)
        if not offsets:
            return None
        return self.line_of_offset(offsets[min(before, len(offsets) - 1)])

    def anchor_line(self, run: TextRun) -> int | None:
        """The source line of ``run``, or of the nearest text before it that can be placed."""
        for i in range(run.index, -1, -1):
            candidate = self.runs[i]
            if len(candidate.sk) >= 8 and not candidate.code:
                line = self.locate_run(candidate)
                if line is not None:
                    return line
        return None

    def place(self, token: str, after: str, anchor: int | None) -> int | None:
        """The first source line at or after ``anchor`` holding ``token`` then text ``after``.

        For literal syntax on the page (a fence, a marker, a list dash): the token itself has
        no letters to look up, so the line is found from the text before it (``anchor``).
        """
        key = skeleton(after)[:16]
        found = [
            n
            for n, line in enumerate(self.lines, start=1)
            if token in line and (not key or key in skeleton(line[line.find(token) :]))
        ]
        later = [n for n in found if anchor is None or n >= anchor]
        if later:
            return later[0]
        return found[-1] if found else anchor


def _all_offsets(haystack: str, needle: str) -> list[int]:
    out = []
    i = haystack.find(needle)
    while i >= 0:
        out.append(i)
        i = haystack.find(needle, i + 1)
    return out


# --------------------------------------------------------------------------- quiz plugin


def _quiz_transform(body: str) -> tuple[str, dict[str, str]]:
    """mkdocs-quiz's on_page_markdown: each <quiz> outside code becomes a placeholder."""
    from mkdocs_quiz.parsing import find_quizzes, mask_code_blocks, unmask_code_blocks

    masked, placeholders = mask_code_blocks(body)
    quizzes: dict[str, str] = {}
    segments: list[str] = []
    last = 0
    for number, match in enumerate(find_quizzes(masked)):
        placeholder = f"<!-- MKDOCS_QUIZ_PLACEHOLDER_{number} -->"
        quizzes[placeholder] = unmask_code_blocks(match.group(1), placeholders)
        segments.append(masked[last : match.start()])
        segments.append(placeholder)
        last = match.end()
    segments.append(masked[last:])
    return unmask_code_blocks("".join(segments), placeholders), quizzes


def _quiz_html(content: str, md: markdown.Markdown) -> str:
    """One quiz as the plugin lays it out: question, options (data-correct), content."""
    from textwrap import dedent

    from mkdocs_quiz.plugin import MkDocsQuizPlugin

    def frag(text: str) -> str:
        md.reset()
        return md.convert(text)

    plugin = MkDocsQuizPlugin()
    if plugin._is_fill_in_blank_quiz(content):
        text = re.sub(r"\[\[([^\]]+)\]\]", r'<input class="quiz-blank" data-answer="\1">', content)
        return f'<div class="quiz quiz-fill">{frag(dedent(text))}</div>'
    lines = dedent(content).splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    try:
        question, answers, correct, _feedback, start = plugin._parse_quiz_question_and_answers(
            lines
        )
    except ValueError as exc:
        return f'<div class="quiz quiz-invalid" data-error="{exc}"></div>'
    options = "".join(
        f'<label class="quiz-option" data-correct="{str(a in correct).lower()}">{frag(a)}</label>'
        for a in answers
    )
    rest = frag("\n".join(lines[start:])) if lines[start:] else ""
    return (
        f'<div class="quiz"><div class="quiz-question">{frag(question)}</div>'
        f'<fieldset>{options}</fieldset><section class="content">{rest}</section></div>'
    )


def _quiz_page_parts(html: str) -> str:
    """mkdocs-quiz's on_page_content for the intro and results comments (English texts)."""
    from mkdocs_quiz.plugin import MkDocsQuizPlugin
    from mkdocs_quiz.translations import TranslationManager

    plugin = MkDocsQuizPlugin()
    t = TranslationManager()
    html = html.replace("<!-- mkdocs-quiz intro -->", plugin._generate_intro_html(t))
    return html.replace("<!-- mkdocs-quiz results -->", plugin._generate_results_html(t))


# --------------------------------------------------------------------------- macros plugin


def _glassus_macros() -> dict[str, Any]:
    """The macros glassus/terminale_nsi's main.py defines and its pages use, re-implemented.

    ``correction(flag, text)`` returns ``text`` when ``flag`` is true, else ""; ``initexo(n)``
    sets the exercise counter; ``exercice()`` increments it and returns "Exercice  N".
    (main.py is not executed: it is data, and the other macros need the Pyodide theme.)
    """
    state = {"n": 0}

    def correction(flag: bool, texte: str) -> str:
        return texte if flag else ""

    def initexo(n: int) -> str:
        state["n"] = n
        return ""

    def exercice() -> str:
        state["n"] += 1
        return f"Exercice  {state['n']}"

    return {"correction": correction, "initexo": initexo, "exercice": exercice}


SITE_MACROS = {"glassus__terminale_nsi": _glassus_macros}


def _macros_render(body: str, macros: dict[str, Any]) -> str:
    """mkdocs-macros' on_page_markdown: the page rendered as a Jinja2 template.

    Undefined names are kept as written (mkdocs-macros' ``on_undefined: keep``); a page that
    Jinja cannot parse is left as it is (mkdocs-macros then shows an error instead).
    """
    import jinja2

    env = jinja2.Environment(undefined=jinja2.DebugUndefined, keep_trailing_newline=True)
    try:
        return env.from_string(body).render(**macros)
    except jinja2.TemplateError:
        return body


# --------------------------------------------------------------------------- rendering


def front_matter(source: str) -> tuple[str, int]:
    """The page body as MkDocs passes it to Markdown, and how many source lines went before it."""
    from mkdocs.utils.meta import get_data

    body, _meta = get_data(source)
    if body == source or not source.endswith(body):
        return body, 0
    return body, source[: len(source) - len(body)].count("\n")


class SiteRenderer:
    """Renders the pages of one site with one reused Markdown instance."""

    def __init__(self, site: SiteConfig) -> None:
        """Build the site's Markdown instance (records skipped extensions on ``site``)."""
        self.site = site
        self.md = build_markdown(site)
        self.quiz = "mkdocs_quiz" in site.plugins
        factory = SITE_MACROS.get(site.name) if "macros" in site.plugins else None
        self.macros = factory() if factory else None

    def render_text(self, body: str) -> str:
        """The HTML of one page body."""
        quizzes: dict[str, str] = {}
        if self.macros is not None:
            body = _macros_render(body, self.macros)
        if self.quiz:
            body, quizzes = _quiz_transform(body)
        self.md.reset()
        html = self.md.convert(body)
        for placeholder, content in quizzes.items():
            html = html.replace(placeholder, _quiz_html(content, self.md))
        if self.quiz:
            html = _quiz_page_parts(html)
        return html

    def render(self, path: Path) -> RenderedPage:
        """One page of the site, rendered and indexed."""
        source = path.read_text(encoding="utf-8")
        body, offset = front_matter(source)
        html = self.render_text(body)
        page = RenderedPage(
            path=path,
            rel=path.relative_to(self.site.docs_dir).as_posix(),
            source=source,
            body_offset=offset,
            html=html,
            root=parse_html(html),
        )
        page.index()
        return page


def site_pages(site: SiteConfig) -> list[Path]:
    """Every non-empty Markdown page under docs_dir (empty files are placeholders)."""
    return sorted(p for p in site.docs_dir.rglob("*.md") if p.is_file() and p.stat().st_size > 0)


def render_site(site: SiteConfig) -> dict[str, RenderedPage]:
    """Every page of the site, keyed by its path relative to docs_dir."""
    renderer = SiteRenderer(site)
    pages: dict[str, RenderedPage] = {}
    for path in site_pages(site):
        page = renderer.render(path)
        pages[page.rel] = page
    return pages


# --------------------------------------------------------------------------- math on the page


@dataclass(frozen=True)
class Formula:
    """A formula as the page delimits it, for the site's math renderer."""

    tex: str
    display: bool
    run_index: int  # the text run it starts in


def _katex_split(text: str, delimiters: list[tuple[str, str, bool]]) -> list[tuple[str, Any]]:
    """KaTeX auto-render's splitAtDelimiters: ("text", s) and ("math", (tex, display)) parts."""
    out: list[tuple[str, Any]] = []
    while text:
        index = -1
        found: tuple[str, str, bool] | None = None
        for left, right, display in delimiters:
            i = text.find(left)
            if i >= 0 and (index < 0 or i < index):
                index, found = i, (left, right, display)
        if found is None:
            break
        left, right, display = found
        end = _find_end(right, text, index + len(left))
        if end < 0:
            break
        if index:
            out.append(("text", text[:index]))
        out.append(("math", (text[index + len(left) : end], display)))
        text = text[end + len(right) :]
    if text:
        out.append(("text", text))
    return out


def _find_end(delimiter: str, text: str, start: int) -> int:
    """auto-render's findEndOfMath: brace depth and backslash escapes respected."""
    index = start
    depth = 0
    while index < len(text):
        ch = text[index]
        if depth <= 0 and text.startswith(delimiter, index):
            return index
        if ch == "\\":
            index += 1
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        index += 1
    return -1


def page_formulas(page: RenderedPage, site: SiteConfig) -> tuple[list[Formula], list[TextRun]]:
    """The page's formulas and the runs of prose text left over (with math removed)."""
    formulas: list[Formula] = []
    prose: list[TextRun] = []
    if site.math == "katex-autorender":
        # auto-render joins adjacent text nodes of one parent, skipping code-like elements.
        for i, run in enumerate(page.runs):
            if run.code:
                continue
            for kind, value in _katex_split(run.text, site.katex_delimiters):
                if kind == "math":
                    formulas.append(Formula(value[0], value[1], i))
                else:
                    prose.append(TextRun(value, run.node, False, False, run.start, run.index))
        return formulas, prose
    for i, run in enumerate(page.runs):
        if run.code:
            continue
        if run.math:
            text = run.text.strip()
            for left, right, display in (("\\(", "\\)", False), ("\\[", "\\]", True)):
                if text.startswith(left) and text.endswith(right):
                    formulas.append(Formula(text[len(left) : -len(right)], display, i))
                    break
            else:
                if text.startswith("\\begin"):
                    formulas.append(Formula(text, True, i))
            continue
        prose.append(run)
    return formulas, prose
