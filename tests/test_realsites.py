"""qalint on the real sites in ``../shared/realsites``, checked against each site's own renderer.

For each site (copied to a temp folder, because the result cache writes), ``qalint check
--output-format json --no-cache`` runs on its docs_dir in a subprocess, as a user runs it.
Every page is rendered by ``realsite_oracle`` exactly as the site's ``mkdocs.yml`` configures
Python-Markdown. Then:

- every ERROR finding must be confirmed by the rendered HTML with the method written here for
  its rule (``CONFIRM``); a rule with no method cannot be confirmed, so its errors fail;
- every renderer-visible defect found in the HTML (a container rendered empty while its
  indented text follows outside; literal ``!!!``/``???``/``===``/``$$``; an href that is not a
  URL or path; a literal fence; a literal "- " list item) must have a qalint finding (any
  severity) at its source line.

Failures that belong to work in progress on other branches are listed in ``KNOWN`` (site, rule
or defect kind, reason). Entries are strict: an entry that no longer fails makes the test fail
too, so it is removed when the fixing branch merges. Never loosen a confirmation to pass.

The report (each finding and how it was confirmed) is printed, and is part of the assertion
message on failure, so it is visible in the CI log.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import realsite_oracle as ro

ROOT = Path(__file__).resolve().parent.parent
ORACLE_JS = Path(__file__).resolve().parent / "oracles" / "render.js"
SITES = list(ro.SITE_CONFIGS)

# (site, rule code or defect kind) -> why it fails today and who fixes it. Strict: an entry
# that no longer fails is reported, so remove it when the fixing branch merges.
KNOWN: dict[tuple[str, str], str] = {
    # mkdocs-quiz: the page's last line.
    ("ewels__mkdocs-quiz", "S014"): "unconfirmable, not contradicted: assets/demo-quiz.md:33 is "
    "a stray ``` after the page's last </quiz>; it shows as literal text, but the oracle cannot "
    "place a line the quiz plugin has moved",
}


# --------------------------------------------------------------------------- running qalint


def start_qalint(docs_dir: Path, cwd: Path) -> subprocess.Popen[str]:
    """Start qalint on ``docs_dir`` as a user runs it (JSON out, no cache)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "qalint", "check", "--output-format", "json", "--no-cache",
         str(docs_dir)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def qalint_findings(process: subprocess.Popen[str]) -> list[dict[str, Any]]:
    """The JSON findings of a started qalint run (it must exit 0 or 1)."""
    out, err = process.communicate(timeout=300)
    assert process.returncode in (0, 1), err[-2000:]
    return json.loads(out)


# --------------------------------------------------------------------------- math oracle


def renderers_dir() -> Path | None:
    """node_modules with katex and mathjax-full, as tests/test_math_differential.py finds it."""
    if shutil.which("node") is None:
        return None

    def ok(folder: Path) -> bool:
        modules = folder / "node_modules"
        return (modules / "katex" / "package.json").is_file() and (
            modules / "mathjax-full" / "package.json"
        ).is_file()

    env_dir = os.environ.get("QALINT_RENDERERS_DIR")
    if env_dir and ok(Path(env_dir)):
        return Path(env_dir)
    if shutil.which("npm") is None:
        return None
    result = subprocess.run(
        [str(ROOT / ".ci" / "install-renderers")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    folder = Path(result.stdout.strip()) if result.stdout.strip() else None
    if folder is None or not ok(folder):
        return None
    os.environ["QALINT_RENDERERS_DIR"] = str(folder)
    return folder


def math_verdicts(formulas: list[tuple[str, bool]], folder: Path) -> list[dict[str, Any]]:
    """The real KaTeX and MathJax verdict (None or an error message) for each formula."""
    if not formulas:
        return []
    payload = json.dumps([{"tex": tex, "display": display} for tex, display in formulas])
    result = subprocess.run(
        ["node", str(ORACLE_JS), str(folder)],
        input=payload,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- per-site context


@dataclass
class PageMath:
    """The formulas of one page with their source lines and the renderer's verdict."""

    formulas: list[ro.Formula]
    lines: list[tuple[int, int]]  # source line range of each formula (0, 0: not located)
    errors: list[str | None] = field(default_factory=list)
    prose: list[ro.TextRun] = field(default_factory=list)


@dataclass
class Site:
    """Everything the checks need about one site."""

    config: ro.SiteConfig
    pages: dict[str, ro.RenderedPage]
    findings: list[dict[str, Any]]
    math: dict[str, PageMath]
    math_available: bool

    def page_of(self, finding: dict[str, Any]) -> ro.RenderedPage | None:
        """The rendered page a finding is on."""
        path = PurePosixPath(finding["path"])
        parts = path.parts
        docs_parts = self.config.docs_dir.relative_to(self.config.config_dir.parent).parts
        for i in range(len(parts)):
            if parts[i : i + len(docs_parts)] == docs_parts:
                return self.pages.get("/".join(parts[i + len(docs_parts) :]))
        return None


def _formula_lines(
    page: ro.RenderedPage, formula: ro.Formula, seen: dict[str, int]
) -> tuple[int, int]:
    """The source lines a formula spans.

    arithmatex keeps the TeX verbatim, so the n-th formula with this text is the n-th place
    the text occurs in the source; otherwise (KaTeX auto-render reads text that Markdown has
    processed) it is located by its letters and digits.
    """
    tex = formula.tex.strip()
    nth = seen.get(tex, 0)
    seen[tex] = nth + 1
    pos = -1
    for _ in range(nth + 1):
        pos = page.source.find(tex, pos + 1)
        if pos < 0:
            break
    if pos >= 0:
        start = page.source.count("\n", 0, pos) + 1
    else:
        run = page.runs[formula.run_index]
        near = page.locate_run(run)
        start = page.locate(tex, near=near) or near or 0
    if not start:
        return (0, 0)
    return (start, start + tex.count("\n"))


def page_math(page: ro.RenderedPage, config: ro.SiteConfig) -> PageMath:
    """The formulas of one page, placed on their source lines (not judged yet)."""
    formulas, prose = ro.page_formulas(page, config)
    seen: dict[str, int] = {}
    return PageMath(formulas, [_formula_lines(page, f, seen) for f in formulas], prose=prose)


def _link_or_copy(source: str, target: str) -> None:
    """A hard link where the file system allows it (the pages are only read), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def copy_and_start(name: str, copy_root: Path) -> subprocess.Popen[str]:
    """Copy the site (the result cache writes) and start qalint on the copy's docs_dir."""
    target = copy_root / name
    shutil.copytree(ro.REALSITES / name, target, copy_function=_link_or_copy)
    return start_qalint(ro.site_config(name, target).docs_dir, copy_root)


def render(name: str) -> Site:
    """The site's pages rendered from the original folder, with their formulas (not judged)."""
    config = ro.site_config(name)
    pages = ro.render_site(config)
    math: dict[str, PageMath] = {}
    for rel, page in pages.items():
        math[rel] = page_math(page, config)
    return Site(config, pages, [], math, config.renderer == "none")


def judge_math(sites: list[Site], renderers: Path | None) -> None:
    """Every formula of every site through the real renderers, in one node process."""
    todo = [s for s in sites if s.config.renderer != "none"]
    batch = [(f.tex, f.display) for s in todo for pm in s.math.values() for f in pm.formulas]
    if renderers is None:
        for s in todo:
            s.math_available = not any(pm.formulas for pm in s.math.values())
        return
    verdicts = iter(math_verdicts(batch, renderers))
    for s in todo:
        for pm in s.math.values():
            pm.errors = [next(verdicts)[s.config.renderer] for _ in pm.formulas]
        s.math_available = True


# --------------------------------------------------------------------------- HTML helpers

BLOCK_TAGS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "summary",
              "label", "pre", "blockquote", "div", "details"}  # fmt: skip


def block_of(node: ro.Node) -> ro.Node:
    """The nearest block-level element holding ``node``."""
    for n in [node, *node.ancestors()]:
        if n.tag in BLOCK_TAGS or n.tag == "#root":
            return n
    return node


def inside(node: ro.Node, container: ro.Node) -> bool:
    """Whether ``node`` is ``container`` or below it."""
    return node is container or any(a is container for a in node.ancestors())


def in_code(node: ro.Node) -> bool:
    """Whether ``node`` is code or below code."""
    return any(ro.is_code(n) for n in [node, *node.ancestors()])


def container_of_title(run: ro.TextRun) -> ro.Node | None:
    """The admonition/details a title run belongs to, or the tab body a tab label names."""
    node = run.node
    for n in [node, *node.ancestors()]:
        if n.tag == "label" and n.parent is not None:
            tabset = n.parent.parent  # label -> div.tabbed-labels -> div.tabbed-set
            if tabset is None:
                return None
            labels = [lab for lab in tabset.iter() if lab.tag == "label"]
            content = next((c for c in tabset.elements() if "tabbed-content" in c.classes), None)
            if content is None or n not in labels:
                return None
            blocks = [b for b in content.elements() if "tabbed-block" in b.classes]
            i = labels.index(n)
            return blocks[i] if i < len(blocks) else None
        if n.tag == "summary" or "admonition-title" in n.classes:
            return n.parent
    return None


def body_of(container: ro.Node) -> list[ro.Node | str]:
    """A container's content without its title bar."""
    return [
        c
        for c in container.children
        if not (isinstance(c, ro.Node) and (c.tag == "summary" or "admonition-title" in c.classes))
    ]


def renders_empty(container: ro.Node) -> bool:
    """Whether a container shows nothing but its title."""
    for child in body_of(container):
        if isinstance(child, str):
            if child.strip():
                return False
        elif child.text().strip() or any(n.tag in {"img", "input", "iframe"} for n in child.iter()):
            return False
    return True


def indent(line: str) -> int:
    """Leading columns of a line (tabs to the next multiple of 4, as Python-Markdown does)."""
    col = 0
    for ch in line:
        if ch == " ":
            col += 1
        elif ch == "\t":
            col += 4 - col % 4
        else:
            break
    return col


def tabsets_in(container: ro.Node) -> list[ro.Node]:
    """The tab sets directly in a container's body."""
    return [c for c in body_of(container) if isinstance(c, ro.Node) and "tabbed-set" in c.classes]


def labels_of(tabset: ro.Node) -> list[str]:
    """The tab titles of a tab set, in order."""
    return [lab.text().strip() for lab in tabset.iter() if lab.tag == "label"]


VALID_SCHEMES = {"http", "https", "mailto", "ftp", "ftps", "tel", "data", "file", "irc",
                 "ssh", "git", "sftp", "javascript", "vbscript", "news", "urn", "xmpp",
                 "magnet"}  # fmt: skip


def href_problem(href: str) -> str | None:
    """Why an href is not a URL or a path (None when it is one)."""
    if not href:
        return None
    if re.search(r"\s", href.strip()):
        head = href.strip().split()[0]
        if ":" in head or "://" in href or head.startswith(("(", "[")):
            return f"{href!r} holds a space and is neither a URL nor a path"
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", href)
    if scheme and scheme.group(1).lower() not in VALID_SCHEMES and len(scheme.group(1)) > 1:
        rest = href[scheme.end() :]
        if not rest or rest.startswith(" "):
            return f"{href!r} starts with an unknown scheme {scheme.group(1)!r}"
    if href.startswith(("(", "[", "<")) or (
        href.endswith((")", "]", ">"))
        and (href.count("(") != href.count(")") or href.count("[") != href.count("]"))
    ):
        return f"{href!r} carries link-syntax brackets"
    return None


# --------------------------------------------------------------------------- confirmations


@dataclass
class Verdict:
    """How a finding fared against the rendered page."""

    confirmed: bool | None  # None: the method could not decide (counts as unconfirmed)
    how: str


Check = Callable[[Site, ro.RenderedPage, dict[str, Any]], Verdict]
CONFIRM: dict[str, Check] = {}


def confirms(*codes: str) -> Callable[[Check], Check]:
    """Register a confirmation method for rule codes."""

    def register(fn: Check) -> Check:
        for code in codes:
            CONFIRM[code] = fn
        return fn

    return register


def _opener_line(finding: dict[str, Any]) -> int | None:
    m = re.search(r"\(line (\d+)\)", finding["message"])
    return int(m.group(1)) if m else None


@confirms("S008")
def _escapes(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """The line is indented for the container but its text renders outside it."""
    line = f["line"]
    opener = _opener_line(f)
    if opener is None:
        return Verdict(None, "the message names no container line")
    title_runs = page.line_runs(opener)
    container = next((c for r in title_runs if (c := container_of_title(r)) is not None), None)
    if container is None:
        return Verdict(None, f"container of line {opener} not found on the page")
    runs = [r for r in page.line_runs(line) if r.text.strip()]
    if not runs:
        return Verdict(None, f"text of line {line} not found on the page")
    lines = page.lines
    if any(inside(r.node, container) for r in runs):
        return Verdict(False, f"line {line} renders inside the container of line {opener}")
    if meant_for(lines, opener, line, container):
        return Verdict(True, f"line {line} is meant for line {opener}'s block, renders outside")
    return Verdict(
        False,
        f"line {line} renders outside, but is neither indented past the opener on line "
        f"{opener} nor the text of an empty block: it is meant to be outside",
    )


BLOCK_START = re.compile(r"^\s*(?:#|!!!|\?\?\?|===|[-*+]\s|\d+[.)]\s|```|~~~|<|\||>)")


def meant_for(lines: list[str], opener: int, line: int, container: ro.Node) -> bool:
    """Whether source ``line`` was written as the body of the block opened on ``opener``.

    It is when it is indented past the opener, or when the block renders empty and the line
    is the paragraph text right under the opener, with no blank line (``!!! tip "Title"`` then
    an unindented sentence: the site shows an empty box and the sentence below it).
    """
    if indent(lines[line - 1]) > indent(lines[opener - 1]):
        return True
    return (
        line == opener + 1
        and renders_empty(container)
        and BLOCK_START.match(lines[line - 1]) is None
    )


FENCE = re.compile(r"^\s*(?:>\s*)*(`{3,}|~{3,})")


@confirms("S014")
def _unclosed_fence(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """A literal fence shows on the page, the text after it is not code, or the code block
    swallows a closing fence as text (it runs on past where the author closed it)."""
    line = f["line"]
    lines = page.lines
    m = FENCE.match(lines[line - 1])
    if m is None:
        return Verdict(None, f"line {line} is not a fence")
    for r in page.line_runs(line):
        if not r.code and m.group(1)[:3] in r.text:
            return Verdict(True, f"the fence on line {line} shows as literal {m.group(1)!r}")
    content = next((n for n in range(line + 1, len(lines) + 1) if ro.skeleton(lines[n - 1])), None)
    if content is None:
        return Verdict(None, f"no text after line {line} to place")
    runs = [r for r in page.line_runs(content) if r.text.strip()]
    if not runs:
        return Verdict(None, f"text of line {content} not found on the page")
    if not any(r.code for r in runs):
        return Verdict(True, f"line {content} after the fence renders as prose, not code")
    pre = next((n for n in [runs[0].node, *runs[0].node.ancestors()] if n.tag == "pre"), None)
    fence = m.group(1)
    if pre is not None and any(ln.strip() == fence for ln in pre.text().splitlines()):
        return Verdict(True, f"the code block of line {line} swallows a later {fence!r} as text")
    return Verdict(False, f"the fence on line {line} renders as a code block")


@confirms("L023")
def _snippet_closes_fence(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """A literal fence shows on the page from the outer fence to its closer: placed on those
    lines, or (its own text being the included file's, which the source does not hold) the
    next text the page places is the first text after the outer fence's closer."""
    first, last = f["line"], max(f["end_line"], f["line"])
    lines = page.lines
    after = next((n for n in range(last + 1, len(lines) + 1) if ro.skeleton(lines[n - 1])), None)
    for run in page.runs:
        if run.code or in_code(run.node) or not FENCE_TEXT.search(run.text):
            continue
        anchor = page.anchor_line(run)
        for m in FENCE_TEXT.finditer(run.text):
            line = _defect(page, run, m.start(), m.group(0), anchor, "literal-fence").line
            if first <= line <= last:
                return Verdict(True, f"a literal {m.group(0)!r} shows on line {line}")
        if after is not None and _next_placed(page, run) == after:
            return Verdict(True, f"a literal fence shows right before line {after}'s text")
    return Verdict(False, f"no literal fence shows on lines {first}-{last}")


def _next_placed(page: ro.RenderedPage, run: ro.TextRun) -> int | None:
    """The source line of the first placeable prose text after ``run`` on the page."""
    for candidate in page.runs[run.index + 1 :]:
        if len(candidate.sk) >= 8 and not candidate.code:
            line = page.locate_run(candidate)
            if line is not None:
                return line
    return None


def _line_blocks(page: ro.RenderedPage, first: int, last: int) -> list[ro.Node]:
    """The block elements rendering source lines first..last."""
    blocks: list[ro.Node] = []
    for n in range(first, last + 1):
        for r in page.line_runs(n):
            b = block_of(r.node)
            if b not in blocks:
                blocks.append(b)
    return blocks


def _prose_text(block: ro.Node) -> str:
    return "".join(
        c if isinstance(c, str) else ("" if ro.is_code(c) else _prose_text(c))
        for c in block.children
    )


@confirms("L001", "L002", "L003", "L004", "L008")
def _broken_link_syntax(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """The line's block shows link brackets as text, or has an href that is not a URL/path."""
    blocks = _line_blocks(page, f["line"], f["end_line"])
    if not blocks:
        return Verdict(None, f"text of line {f['line']} not found on the page")
    for b in blocks:
        text = _prose_text(b)
        lit = re.search(r"\]\s*\(|\]\[|\]\s*$|\[[^\]]*$", text)
        if lit:
            return Verdict(True, f"literal {lit.group(0)!r} shows in {text.strip()[:60]!r}")
        for a in b.iter():
            if a.tag == "a" and "href" in a.attrs:
                problem = href_problem(a.attrs["href"])
                if problem:
                    return Verdict(True, f"rendered href {problem}")
                if f["code"] == "L004" and a.attrs["href"] == "":
                    return Verdict(True, "the link renders with an empty href")
    return Verdict(False, "the link renders: no literal brackets and valid hrefs on the line")


@confirms("L006")
def _missing_scheme(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """An href that names a web host but has no scheme, so it is a relative path."""
    for b in _line_blocks(page, f["line"], f["end_line"]):
        for a in b.iter():
            href = a.attrs.get("href", "") if a.tag == "a" else ""
            if re.match(r"^(www\.|[\w-]+\.(com|org|net|io|edu|gov)\b)", href):
                return Verdict(True, f"href {href!r} is a relative path naming a host")
    return Verdict(False, "no scheme-less host link on the line")


@confirms("L007")
def _unsafe_scheme(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """A rendered javascript:/vbscript: href."""
    for b in _line_blocks(page, f["line"], f["end_line"]):
        for a in b.iter():
            if a.attrs.get("href", "").strip().lower().startswith(("javascript:", "vbscript:")):
                return Verdict(True, f"href {a.attrs['href']!r}")
    return Verdict(False, "no javascript:/vbscript: href on the line")


def _site_targets(site: Site) -> tuple[set[str], set[str]]:
    """Files of the built site by source path, and by URL path (use_directory_urls)."""
    docs = site.config.docs_dir
    sources: set[str] = set()
    urls: set[str] = set()
    for p in docs.rglob("*"):
        rel = p.relative_to(docs).as_posix()
        sources.add(rel)
        if p.is_dir():
            continue
        if rel.endswith(".md"):
            stem = rel[:-3]
            name = PurePosixPath(stem).name
            index = name in {"index", "README", "readme"}
            url = str(PurePosixPath(stem).parent) if index else stem
            urls.add("" if url == "." else url)
            if not site.config.use_directory_urls:
                urls.add(stem + ".html")
        else:
            urls.add(rel)
    return sources, urls


def _norm(path: str) -> str | None:
    parts: list[str] = []
    for part in path.split("/"):
        if part in {"", "."}:
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


@confirms("L013")
def _missing_file(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """The target resolves to no file of the site, as MkDocs (.md) or a browser (URL) reads it."""
    m = re.search(r"link target '([^']*)'", f["message"])
    if m is None:
        return Verdict(None, "the message names no target")
    target = unquote(urlsplit(m.group(1)).path)
    sources, urls = getattr(site, "_targets", None) or _site_targets(site)
    site._targets = (sources, urls)  # type: ignore[attr-defined]
    page_dir = str(PurePosixPath(page.rel).parent)
    by_source = _norm(target[1:] if target.startswith("/") else f"{page_dir}/{target}")
    if by_source is not None and (
        by_source in sources or f"{by_source}/index.md" in sources or f"{by_source}.md" in sources
    ):
        return Verdict(False, f"{target!r} is the site file {by_source!r}")
    stem = page.rel[:-3]
    name = PurePosixPath(stem).name
    page_url = str(PurePosixPath(stem).parent) if name in {"index", "README"} else stem
    if not site.config.use_directory_urls:
        page_url = str(PurePosixPath(stem).parent)
    base = "" if page_url == "." else page_url
    by_url = _norm(target[1:] if target.startswith("/") else f"{base}/{target}")
    if by_url is not None and not target.endswith(".md") and by_url.rstrip("/") in urls:
        return Verdict(False, f"{target!r} is the page URL /{by_url} in the built site")
    return Verdict(True, f"{target!r} is no file of the site and no page URL")


def _claim_text(page: ro.RenderedPage, f: dict[str, Any]) -> str:
    lines = page.lines
    first, last = f["line"], f["end_line"]
    if first == last:
        return lines[first - 1][f["column"] - 1 : f["end_column"] - 1]
    chunk = [lines[first - 1][f["column"] - 1 :], *lines[first : last - 1]]
    chunk.append(lines[last - 1][: f["end_column"] - 1])
    return "\n".join(chunk)


@confirms("F001", "F002", "F003", "F004", "F005", "F006", "F007", "F008")
def _claim_in_prose(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """The claim renders as prose or math (not code, not a quiz distractor)."""
    claim = _claim_text(page, f)
    runs = [r for r in page.line_runs(f["line"]) if r.text.strip()]
    if not runs:
        return Verdict(None, f"text of line {f['line']} not found on the page")
    key = ro.skeleton(claim)[:16]
    offsets = page.offsets(key, rendered=True) if len(key) >= 3 else []
    if offsets:  # the run the claim itself renders in, nearest to its line
        runs = [page.run_at(min(offsets, key=lambda o: abs(o - runs[0].start)))]
    if all(in_code(r.node) for r in runs):
        return Verdict(False, f"the claim {claim.strip()[:50]!r} renders as code")
    for r in runs:
        for n in [r.node, *r.node.ancestors()]:
            if "quiz-option" in n.classes and n.attrs.get("data-correct") == "false":
                return Verdict(False, f"the claim {claim.strip()[:50]!r} is a quiz distractor")
    return Verdict(True, f"the claim {claim.strip()[:50]!r} renders as prose")


MATH_RULES = ("M001", "M002", "M003", "M004", "M005", "M006", "M007", "M009", "M010", "M011")


@confirms(*MATH_RULES)
def _formula_fails(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """A formula as the page delimits it, on the finding's lines, fails in the renderer."""
    renderer = site.config.renderer
    if renderer == "none":
        return Verdict(False, "the site loads no math renderer: nothing is rendered as math")
    if not site.math_available:
        return Verdict(None, "node/katex/mathjax not available to judge the formula")
    pm = site.math[page.rel]
    first, last = f["line"], f["end_line"]
    near = []
    for formula, (a, b), err in zip(pm.formulas, pm.lines, pm.errors, strict=True):
        if a and a <= last and b >= first:
            if err is not None:
                return Verdict(True, f"{renderer} fails on {formula.tex.strip()[:50]!r}: {err}")
            near.append(formula.tex.strip()[:40])
    if near:
        return Verdict(False, f"{renderer} renders the formula(s) there: {near}")
    return Verdict(None, f"no formula delimited on lines {first}-{last} of the page")


LITERAL_MATH = re.compile(r"\$|\\begin\{|\\\(|\\\[")


@confirms("M008")
def _math_shown_as_text(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """A $, \\begin, \\( or \\[ shows as text in the finding's paragraph."""
    if site.config.renderer == "none":
        return Verdict(False, "the site loads no math renderer: a $ is just a dollar sign")
    lines = page.lines
    first, last = f["line"], f["end_line"]
    while first > 1 and lines[first - 2].strip():
        first -= 1
    while last < len(lines) and lines[last].strip():
        last += 1
    blocks = _line_blocks(page, first, last)
    if not blocks:
        return Verdict(None, f"text of lines {first}-{last} not found on the page")
    prose = site.math[page.rel].prose
    for b in blocks:
        for run in prose:
            if inside(run.node, b) and not in_code(run.node):
                m = LITERAL_MATH.search(run.text)
                if m:
                    return Verdict(True, f"literal {m.group(0)!r} in {run.text.strip()[:60]!r}")
    return Verdict(False, "no $, \\begin, \\( or \\[ left as text in that paragraph")


def _container_at(page: ro.RenderedPage, line: int) -> ro.Node | None:
    return next((c for r in page.line_runs(line) if (c := container_of_title(r)) is not None), None)


@confirms("S002")
def _missing_tab(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """The question renders empty, or with a single tab (the other half is missing).

    Tab titles are the site's own words ("Énoncé"/"Correction"): a block with two or more
    tabs is not missing one on the page, whatever they are called (that is S004's concern).
    """
    container = _container_at(page, f["line"])
    if container is None:
        return Verdict(None, f"no container rendered from line {f['line']}")
    if renders_empty(container):
        return Verdict(True, "the question block renders empty")
    sets = tabsets_in(container)
    if not sets:
        return Verdict(False, "no tabs, and the block's body renders (it is the answer)")
    names = [t for s in sets for t in labels_of(s)]
    if len(names) == 1:
        return Verdict(True, f"the block renders a single tab {names}")
    return Verdict(False, f"the block renders the tabs {names}")


def _near_miss(a: str, b: str) -> bool:
    """Edit distance 1-2 (a typo), case-insensitive."""
    a, b = a.lower(), b.lower()
    if a == b:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] <= 2


@confirms("S004")
def _misnamed_tab(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """The rendered tab title is a typo of Question or Answer."""
    runs = page.line_runs(f["line"])
    labels = [r.text.strip() for r in runs if r.node.tag == "label"]
    if not labels:
        return Verdict(None, f"no tab label rendered from line {f['line']}")
    if any(_near_miss(lab, w) for lab in labels for w in ("Question", "Answer")):
        return Verdict(True, f"tab title {labels[0]!r} is a typo of Question/Answer")
    return Verdict(False, f"tab title {labels[0]!r} is a real title, not a typo")


@confirms("S003", "S005")
def _tab_set_order(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """Two tabs share a title (S003), or Answer comes before Question (S005)."""
    container = _container_at(page, f["line"])
    if container is None:
        return Verdict(None, f"no container rendered from line {f['line']}")
    for s in tabsets_in(container):
        names = [t.lower() for t in labels_of(s)]
        if f["code"] == "S003" and len(set(names)) < len(names):
            return Verdict(True, f"tab titles {names} repeat")
        if (
            f["code"] == "S005"
            and {"question", "answer"} <= set(names)
            and names.index("answer") < names.index("question")
        ):
            return Verdict(True, f"tabs render in the order {names}")
    return Verdict(False, "the tab set renders without that problem")


def _tab_body(page: ro.RenderedPage, line: int, title: str) -> ro.Node | None:
    container = _container_at(page, line)
    if container is None:
        return None
    for s in tabsets_in(container):
        labels = [lab.lower() for lab in labels_of(s)]
        if title in labels:
            content = next((c for c in s.elements() if "tabbed-content" in c.classes), None)
            blocks = [
                b for b in (content.elements() if content else []) if "tabbed-block" in b.classes
            ]
            i = labels.index(title)
            return blocks[i] if i < len(blocks) else None
    return None


@confirms("S006", "S007")
def _empty_tab(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """The Question tab shows no heading text (S006) / the Answer tab shows nothing (S007)."""
    title = "question" if f["code"] == "S006" else "answer"
    body = _tab_body(page, f["line"], title)
    if body is None:
        return Verdict(None, f"no {title} tab rendered for line {f['line']}")
    if renders_empty(body):
        return Verdict(True, f"the {title} tab renders empty")
    if f["code"] == "S006":
        heads = [n for n in body.iter() if re.fullmatch(r"h[1-6]", n.tag)]
        if not heads or not any(h.text().strip() for h in heads):
            return Verdict(True, "the question tab renders no heading text")
    return Verdict(False, f"the {title} tab renders content")


@confirms("S031")
def _empty_answer_block(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """The answer's collapsible or tab, whose title is on the finding's line, renders empty."""
    runs = page.line_runs(f["line"])
    container = next((c for r in runs if (c := container_of_title(r)) is not None), None)
    if container is None:
        return Verdict(None, f"no block titled on line {f['line']} found on the page")
    if renders_empty(container):
        return Verdict(True, f"the block of line {f['line']} renders with nothing in it")
    return Verdict(False, f"the block of line {f['line']} renders with content")


@confirms("S032")
def _marker_as_text(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """The marker line shows on the page as literal text (``!!``, ``??``, ``! ! !``...)."""
    runs = [r for r in page.line_runs(f["line"]) if r.text.strip()]
    if not runs:
        return Verdict(None, f"text of line {f['line']} not found on the page")
    shown = " ".join(r.text for r in runs)
    if re.search(r"[!?]\s*[!?]", shown):
        return Verdict(True, f"the marker shows as text: {shown.strip()[:60]!r}")
    return Verdict(False, f"line {f['line']} renders without a literal marker")


@confirms("S017")
def _content_outside_tabs(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """Content renders above the tab bar, or the tabs render as two sets."""
    runs = page.line_runs(f["line"])
    container = None
    for r in runs:
        container = next((n for n in r.node.ancestors() if n.tag == "details" or
                          "admonition" in n.classes), None)  # fmt: skip
        if container is not None:
            break
    if container is None:
        return Verdict(None, f"line {f['line']} is not rendered inside a block")
    children = [c for c in body_of(container) if isinstance(c, ro.Node) or c.strip()]
    sets = [
        i for i, c in enumerate(children) if isinstance(c, ro.Node) and "tabbed-set" in c.classes
    ]
    if len(sets) > 1:
        return Verdict(True, f"the block renders {len(sets)} tab bars")
    if sets and sets[0] > 0:
        return Verdict(True, "content renders above the tab bar")
    return Verdict(False, "one tab bar, nothing above it")


@confirms("S013")
def _unclosed_comment(site: Site, page: ro.RenderedPage, f: dict[str, Any]) -> Verdict:
    """The text after the comment opener does not show on the page."""
    lines = page.lines
    after = [n for n in range(f["line"] + 1, len(lines) + 1) if ro.skeleton(lines[n - 1])]
    if not after:
        return Verdict(None, "no text after the comment")
    if any(page.line_runs(n) for n in after[-3:]):
        return Verdict(False, "the page's last lines render: the comment ends")
    return Verdict(True, "nothing after the comment opener renders")


def confirm(site: Site, finding: dict[str, Any]) -> Verdict:
    """The verdict on one error finding."""
    page = site.page_of(finding)
    if page is None:
        return Verdict(None, f"{finding['path']} is not a rendered page of the site")
    method = CONFIRM.get(finding["code"])
    if method is None:
        return Verdict(None, f"no confirmation method for {finding['code']}")
    return method(site, page, finding)


# --------------------------------------------------------------------------- visible defects


@dataclass(frozen=True)
class Defect:
    """A defect seen in the HTML, mapped back to its source line."""

    kind: str
    rel: str
    line: int
    alt_line: int
    what: str


MARKER_TEXT = re.compile(r"(?m)^[ \t]*(!!!|\?\?\?|===)(?=[\s+\-!\"'\w]|$)")
LIST_TEXT = re.compile(r"\n[ \t]*[-*+] +\S")
FENCE_TEXT = re.compile(r"```|~~~")
LITERAL_ANY = re.compile(r"!!!|\?\?\?|===|\$\$|```|~~~|\n[ \t]*[-*+] ")


def visible_defects(site: Site, page: ro.RenderedPage) -> Iterator[Defect]:
    """The renderer-visible defects of one page."""
    lines = page.lines
    # 1. A container rendered empty while the indented text meant for it follows outside.
    for node in page.root.iter():
        if not ro.is_container(node) or "quiz" in node.classes or not renders_empty(node):
            continue
        title_run = _title_run(page, node)
        if title_run is None:
            continue
        opener = page.locate_run(title_run)
        if opener is None:
            continue
        nxt = next((n for n in range(opener + 1, len(lines) + 1) if lines[n - 1].strip()), None)
        if nxt is None or not meant_for(lines, opener, nxt, node):
            continue
        runs = [r for r in page.line_runs(nxt) if r.text.strip()]
        if runs and not any(inside(r.node, node) for r in runs):
            what = f"the block of line {opener} renders empty; line {nxt} renders after it"
            yield Defect("empty-container", page.rel, nxt, opener, what)
    prose = site.math[page.rel].prose
    for run in prose:
        if in_code(run.node) or run.math:
            continue
        if not LITERAL_ANY.search(run.text):
            continue
        anchor = page.anchor_line(run)
        for m in MARKER_TEXT.finditer(run.text):
            yield _defect(page, run, m.start(1), m.group(1), anchor, "literal-marker")
        if site.config.renderer != "none" and "$$" in run.text:
            yield _defect(page, run, run.text.index("$$"), "$$", anchor, "literal-$$")
        for m in FENCE_TEXT.finditer(run.text):
            defect = _defect(page, run, m.start(), m.group(0), anchor, "literal-fence")
            yield _bare_fence_line(page, run, m.end(), defect)
        if run.node.tag == "p":
            for m in LIST_TEXT.finditer(run.text):
                dash = m.group(0).strip()[0]
                at = m.start() + m.group(0).index(dash)
                yield _defect(page, run, at, dash + " ", anchor, "literal-list-item")
    for node in page.root.iter():
        if node.tag == "a" and "href" in node.attrs and not in_code(node):
            problem = href_problem(node.attrs["href"])
            if problem:
                href = node.attrs["href"]
                line = page.place(href.split()[0], node.text(), None) or 0
                yield Defect("bad-href", page.rel, line, line, problem)


def _bare_fence_line(page: ro.RenderedPage, run: ro.TextRun, end: int, defect: Defect) -> Defect:
    """A literal fence with no text after it on its line cannot be placed by that text; its
    other possible line is the last source line holding a fence before the next text the page
    places (the fence renders right before that text)."""
    if ro.skeleton(run.text[end:].split("\n", 1)[0]):
        return defect
    after = _next_placed(page, run)
    if after is None:
        return defect
    lines = page.lines
    fence = next((n for n in range(after - 1, 0, -1) if lines[n - 1].strip()), None)
    if fence is None or FENCE.match(lines[fence - 1]) is None:
        return defect
    return Defect(defect.kind, defect.rel, defect.line, fence, defect.what)


def _title_run(page: ro.RenderedPage, container: ro.Node) -> ro.TextRun | None:
    if "tabbed-block" in container.classes:
        content = container.parent
        tabset = content.parent if content else None
        if tabset is None:
            return None
        blocks = [b for b in content.elements() if "tabbed-block" in b.classes]
        labels = [lab for lab in tabset.iter() if lab.tag == "label"]
        i = blocks.index(container)
        target = labels[i] if i < len(labels) else None
    else:
        target = next(
            (
                c
                for c in container.elements()
                if c.tag == "summary" or "admonition-title" in c.classes
            ),
            None,
        )
    if target is None:
        return None
    return next((r for r in page.runs if inside(r.node, target) and r.text.strip()), None)


def _defect(
    page: ro.RenderedPage, run: ro.TextRun, pos: int, token: str, anchor: int | None, kind: str
) -> Defect:
    """A literal ``token`` at ``run.text[pos]``, placed on its source line."""
    rest = run.text[pos + len(token) :].split("\n", 1)[0]
    line = page.place(token, rest, anchor) or 0
    snippet = run.text[pos : pos + 50].strip()
    return Defect(kind, page.rel, line, line, f"literal {token.strip()!r} in {snippet!r}")


def reported(findings: list[dict[str, Any]], rel: str, defect: Defect) -> bool:
    """Whether qalint has a finding (any severity) on the defect's line."""
    for f in findings:
        if f["path"].endswith("/" + rel) or f["path"] == rel:
            for line in {defect.line, defect.alt_line}:
                if f["line"] <= line <= max(f["end_line"], f["line"]):
                    return True
    return False


# --------------------------------------------------------------------------- the evaluation


@dataclass
class SiteResult:
    """One site's outcome, for the test and for benchmarks/realsites_precision.py."""

    name: str
    pages: int
    errors: list[tuple[dict[str, Any], Verdict]]
    defects: list[tuple[Defect, bool]]
    notes: list[str]

    @property
    def confirmed(self) -> int:
        """How many error findings the page confirms."""
        return sum(1 for _f, v in self.errors if v.confirmed)

    def report(self) -> str:
        """A readable account of every error finding and every visible defect."""
        out = [f"== {self.name}: {self.pages} pages, {len(self.errors)} error findings, "
               f"{self.confirmed} confirmed"]  # fmt: skip
        out += [f"   note: {n}" for n in self.notes]
        for f, v in self.errors:
            state = {True: "CONFIRMED", False: "CONTRADICTED", None: "UNCONFIRMED"}[v.confirmed]
            out.append(f"   {state:12} {f['code']} {f['path']}:{f['line']}: {v.how}")
        for d, ok in self.defects:
            state = "reported" if ok else "MISSED"
            out.append(f"   defect {state:8} {d.kind} {d.rel}:{d.line}: {d.what}")
        return "\n".join(out)


def judge(name: str, site: Site) -> SiteResult:
    """Judge one site's error findings and its page's visible defects."""
    errors = [(f, confirm(site, f)) for f in site.findings if f["severity"] == "error"]
    defects = []
    for page in site.pages.values():
        seen: set[tuple[str, int, int]] = set()
        for d in visible_defects(site, page):
            if (d.kind, d.line, d.alt_line) in seen:
                continue
            seen.add((d.kind, d.line, d.alt_line))
            defects.append((d, reported(site.findings, page.rel, d)))
    notes = list(site.config.notes)
    notes += [f"extension {n} skipped: {why}" for n, why in site.config.skipped]
    if not site.math_available:
        notes.append("node/katex/mathjax unavailable: formulas not judged")
    return SiteResult(name, len(site.pages), errors, defects, notes)


def evaluate_all(
    names: list[str], copy_root: Path, renderers: Path | None
) -> dict[str, SiteResult]:
    """Run qalint on every site (in parallel with the rendering) and judge each."""
    processes = {name: copy_and_start(name, copy_root) for name in names}
    sites = {name: render(name) for name in names}
    judge_math(list(sites.values()), renderers)
    for name, process in processes.items():
        sites[name].findings = qalint_findings(process)
    return {name: judge(name, site) for name, site in sites.items()}


# --------------------------------------------------------------------------- the tests


@pytest.fixture(scope="session")
def site_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SiteResult]:
    """Every site evaluated once per session."""
    if not ro.REALSITES.is_dir():
        pytest.skip(f"{ro.REALSITES} is missing")
    copy_root = tmp_path_factory.mktemp("realsites")
    renderers = renderers_dir()
    return evaluate_all(SITES, copy_root, renderers)


def _known(site: str, key: str) -> bool:
    return (site, key) in KNOWN


@pytest.mark.parametrize("name", SITES)
def test_error_findings_confirmed_by_renderer(
    site_results: dict[str, SiteResult], name: str
) -> None:
    """Every error finding on the site is confirmed by its rendered HTML (KNOWN aside)."""
    result = site_results[name]
    report = result.report()
    print(report)
    bad = [(f, v) for f, v in result.errors if not v.confirmed]
    unexpected = [(f, v) for f, v in bad if not _known(name, f["code"])]
    failing_codes = {f["code"] for f, _v in bad}
    stale = sorted(
        key for (site, key) in KNOWN
        if site == name and re.fullmatch(r"[A-Z]\d{3}", key) and key not in failing_codes
    )  # fmt: skip
    assert not unexpected and not stale, (
        f"{len(unexpected)} error findings not confirmed by the renderer"
        + (f"; KNOWN entries that no longer fail (remove them): {stale}" if stale else "")
        + "\n"
        + report
    )


@pytest.mark.parametrize("name", SITES)
def test_visible_defects_reported(site_results: dict[str, SiteResult], name: str) -> None:
    """Every renderer-visible defect on the site has a qalint finding at its line."""
    result = site_results[name]
    report = result.report()
    missed = [d for d, ok in result.defects if not ok]
    unexpected = [d for d in missed if not _known(name, d.kind)]
    kinds = {d.kind for d in missed}
    stale = sorted(
        key for (site, key) in KNOWN
        if site == name and not re.fullmatch(r"[A-Z]\d{3}", key) and key not in kinds
    )  # fmt: skip
    assert not unexpected and not stale, (
        f"{len(unexpected)} renderer-visible defects qalint does not report"
        + (f"; KNOWN entries that no longer fail (remove them): {stale}" if stale else "")
        + "\n"
        + report
    )
