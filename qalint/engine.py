"""The rule engine: read, parse, run the selected rules, filter, suppress, override and sort.

Files are linted one by one into ``FileResult`` records (diagnostics of file rules, plus the
small per-file summaries that cross-file rules need), in worker processes when there are
enough files to pay for them, and reused from the cache when the file, the configuration
and qalint's version are unchanged. Cross-file (``scope="project"``) rules then run once over
the summaries, so they stay correct in parallel and cached runs. Output order is always
(path, line, column, code).
"""

from __future__ import annotations

import fnmatch
import gc
import hashlib
import json
import os
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qalint.config import Config
from qalint.diagnostics import Diagnostic
from qalint.document import Document
from qalint.files import load, read_lines, walk
from qalint.markdown.parse import parse
from qalint.rules.registry import Rule, RuleContext, all_rules, default_off, load_rule_modules
from qalint.site.model import DEFAULT_SITE, SiteModel
from qalint.suppress import Suppressions, parse_suppressions

if TYPE_CHECKING:
    from qalint.links.online import LinkStats
    from qalint.site.load import SiteResolver

PARALLEL_MIN_FILES = 48  # below this, worker start-up costs more than it saves
CHUNK_MAX_FILES = 32  # files handed to a worker at a time
WORKER_GC_THRESHOLD = 7000  # allocations between young collections in a worker (default 700)


@dataclass
class RunOptions:
    """Per-run switches that are not configuration (from command-line flags)."""

    check_urls: bool = False
    use_cache: bool = True
    progress: bool = False  # draw progress bars on stderr (only when it is a TTY)
    jobs: int | None = None  # worker processes; None: one per core when it pays
    focus: frozenset[str] = frozenset()  # paths under review (pull-request mode)
    force_exclude: bool = False  # files named explicitly are excluded/ignored like the rest


@dataclass
class FileResult:
    """What linting one file produced; JSON-safe so it can be cached."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summaries: dict[str, Any] = field(default_factory=dict)
    suppressions: list[tuple[int, int, list[str]]] = field(default_factory=list)
    dependencies: dict[str, list[int] | None] = field(default_factory=dict)
    parsed: bool = True
    digest: str | None = None  # of the bytes linted, when the worker was asked to hash them
    # E021 candidates: suppressions no file rule needed (a project rule may still need them).
    unused: list[list[Any]] = field(default_factory=list)
    # ``to_json()`` as a worker made it (the cache stores it as it is, not encoded again).
    encoded: str | None = field(default=None, repr=False, compare=False)

    def to_record(self) -> dict[str, Any]:
        """The JSON-safe form stored in the cache."""
        return {
            "path": self.path,
            "diagnostics": [d.to_record() for d in self.diagnostics],
            "summaries": self.summaries,
            "suppressions": self.suppressions,
            "dependencies": self.dependencies,
            "parsed": self.parsed,
            "digest": self.digest,
            "unused": self.unused,
        }

    def to_json(self) -> str:
        """``to_record`` as compact JSON (the cache's and the workers' form)."""
        if self.encoded is None:
            self.encoded = json.dumps(self.to_record(), separators=(",", ":"))
        return self.encoded

    @staticmethod
    def from_json(text: str, keep_encoded: bool = False) -> FileResult:
        """Rebuild a FileResult from ``to_json`` (raises on a foreign record); with
        ``keep_encoded``, ``to_json`` gives ``text`` back without encoding again."""
        result = FileResult.from_record(json.loads(text))
        if keep_encoded:
            result.encoded = text
        return result

    @staticmethod
    def from_record(record: dict[str, Any]) -> FileResult:
        """Rebuild a FileResult from its cached form (raises on a foreign record)."""
        return FileResult(
            record["path"],
            [Diagnostic.from_record(d) for d in record["diagnostics"]],
            dict(record["summaries"]),
            [(int(a), int(b), list(c)) for a, b, c in record["suppressions"]],
            dict(record["dependencies"]),
            bool(record["parsed"]),
            record.get("digest"),
            list(record.get("unused", [])),
        )

    def suppression_table(self) -> Suppressions:
        """The inline suppressions of the file."""
        return Suppressions([(a, b, frozenset(c)) for a, b, c in self.suppressions])


class SourceLines(Mapping[str, list[str]]):
    """Lines of checked files, read on demand (reporters need only files with findings).

    Files read from disk are kept only while they are among the last few asked for:
    findings come sorted by path, so memory stays flat however many files have findings.
    """

    RECENT_FILES = 8

    def __init__(self, known: dict[str, list[str]] | None = None) -> None:
        self._known = dict(known or {})
        self._recent: dict[str, list[str]] = {}  # insertion order is recency

    def __getitem__(self, path: str) -> list[str]:
        if path in self._known:
            return self._known[path]
        if path in self._recent:
            self._recent[path] = self._recent.pop(path)
            return self._recent[path]
        lines = read_lines(Path(path))
        if lines is None:
            raise KeyError(path)
        if len(self._recent) >= self.RECENT_FILES:
            del self._recent[next(iter(self._recent))]
        self._recent[path] = lines
        return lines

    def __iter__(self) -> Iterator[str]:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)


@dataclass
class LintResult:
    """Everything one run produced."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    files_checked: int = 0
    sources: SourceLines = field(default_factory=SourceLines)
    cache_hits: int = 0
    # Said once per run on stderr (unless --quiet): named files checked anyway, extensions
    # qalint does not model.
    notes: list[str] = field(default_factory=list)
    link_stats: LinkStats | None = None  # totals of the online check, when it ran


def _match_length(code: str, name: str, selectors: Iterable[str]) -> int:
    best = -1
    for selector in selectors:
        upper = selector.upper()
        if upper == "ALL":
            best = max(best, 0)
        elif selector == name or code == upper:
            best = max(best, 10)
        elif code.startswith(upper):
            best = max(best, len(upper))
    return best


def is_enabled(rule_code: str, rule_name: str, config: Config) -> bool:
    """Whether a rule is on after select, extend-select and ignore (the more specific wins).

    A rule that is off by default needs a selector naming it (its code, name or a prefix):
    neither the default selection nor ``ALL`` turns it on.
    """
    selected = _match_length(rule_code, rule_name, config.select) if config.select else 0
    selected = max(selected, _match_length(rule_code, rule_name, config.extend_select))
    if selected < 0 or (selected == 0 and rule_code in default_off()):
        return False
    ignored = _match_length(rule_code, rule_name, config.ignore)
    return ignored < 0 or ignored < selected


def online_enabled(config: Config, options: RunOptions) -> bool:
    """Network checks run with ``--check-urls`` or ``links.check-urls = true``."""
    return options.check_urls or bool(config.section("links").get("check-urls", False))


def enabled_rules(config: Config, options: RunOptions) -> list[Rule]:
    """The rules to run with this configuration."""
    online = online_enabled(config, options)
    return [
        r
        for r in all_rules()
        if r.check is not None and (online or not r.online) and is_enabled(r.code, r.name, config)
    ]


def _per_file_ignored(diagnostic: Diagnostic, config: Config) -> bool:
    for pattern, codes in config.per_file_ignores.items():
        matches = fnmatch.fnmatch(diagnostic.path, pattern) or fnmatch.fnmatch(
            Path(diagnostic.path).name, pattern
        )
        if matches and _match_length(diagnostic.code, diagnostic.name, codes) >= 0:
            return True
    return False


def _override_severity(diagnostic: Diagnostic, config: Config) -> Diagnostic:
    best = -1
    chosen = None
    for key, severity in config.severity.items():
        length = _match_length(diagnostic.code, diagnostic.name, [key])
        if length > best:
            best, chosen = length, severity
    return diagnostic.with_severity(chosen) if chosen is not None else diagnostic


# A path the user names that does not exist is reported, as an error, whatever --select,
# --ignore, per-file ignores or severity overrides say: a typo in a CI path must not pass.
ALWAYS_REPORTED = frozenset({"E001"})


def _keep(
    diagnostics: Iterable[Diagnostic],
    config: Config,
    suppressions: Mapping[str, Suppressions],
    suppressed: list[Diagnostic] | None = None,
) -> list[Diagnostic]:
    """Selection, per-file ignores, inline suppressions and severity overrides, deduplicated.

    ``suppressed`` collects the findings an inline suppression switched off, when given.
    """
    kept: list[Diagnostic] = []
    seen: set[tuple] = set()
    for diagnostic in diagnostics:
        if diagnostic.code in ALWAYS_REPORTED:
            kept.append(diagnostic)
            continue
        if not is_enabled(diagnostic.code, diagnostic.name, config):
            continue
        if _per_file_ignored(diagnostic, config):
            continue
        table = suppressions.get(diagnostic.path)
        if table is not None and table.suppressed(diagnostic.line, diagnostic.code):
            if suppressed is not None:
                suppressed.append(diagnostic)
            continue
        key = (diagnostic.path, diagnostic.span, diagnostic.code, diagnostic.message)
        if key in seen:
            continue
        seen.add(key)
        kept.append(_override_severity(diagnostic, config))
    return kept


def finalize(
    diagnostics: Iterable[Diagnostic], documents: list[Document], config: Config
) -> list[Diagnostic]:
    """Apply selection, per-file ignores, inline suppressions and severity overrides; sort."""
    suppressions = {doc.path: parse_suppressions(doc.lines) for doc in documents}
    kept = _keep(diagnostics, config, suppressions)
    kept.sort(key=Diagnostic.sort_key)
    return kept


def _stat(path: str) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_mtime_ns, info.st_size]


def _outside_templates(doc: Document, found: list[Diagnostic]) -> list[Diagnostic]:
    """The findings that neither start inside a Jinja tag nor carry a fix that rewrites one:
    the parser read each tag as blank (what it renders to is unknown), so such a finding
    or fix would be built from the blank, not from the page.

    Each finding and edit is placed among the tags by bisection (with the furthest end of
    the tags so far), so a page with many tags and many findings costs n log n, not n x m.
    """
    tags = sorted(doc.templates, key=lambda t: (t.line, t.column))
    starts = [(t.line, t.column) for t in tags]
    ends = list(accumulate(((t.end_line, t.end_column) for t in tags), max))
    offsets = sorted(
        (doc.source.offset(t.line, t.column), doc.source.offset(t.end_line, t.end_column))
        for t in tags
    )
    offset_starts = [a for a, _ in offsets]
    offset_ends = list(accumulate((b for _, b in offsets), max))

    def touches(diagnostic: Diagnostic) -> bool:
        span = diagnostic.span
        at = bisect_right(starts, (span.line, span.column)) - 1
        if at >= 0 and ends[at] > (span.line, span.column):
            return True  # a tag starting at or before the finding ends after it
        fix = diagnostic.fix
        if fix is None:
            return False
        for edit in fix.edits:
            before = bisect_left(offset_starts, edit.end) - 1  # the tags starting before it ends
            if before >= 0 and offset_ends[before] > edit.start:
                return True
        return False

    return [d for d in found if not touches(d)]


def lint_document(
    doc: Document,
    config: Config,
    options: RunOptions,
    rules: list[Rule],
    documents: list[Document] | None = None,
    shared: dict[str, Any] | None = None,
) -> FileResult:
    """Run the file rules over one Document and take the summaries project rules need.

    ``shared``: the run's values that depend on the configuration only, kept from one
    document to the next (pass the same dict for every document of a run).
    """
    found: list[Diagnostic] = []
    summaries: dict[str, Any] = {}
    # One context for every rule of the document: its ``state`` is how rules share work.
    ctx = RuleContext(
        doc,
        config,
        documents if documents is not None else [doc],
        {},
        options,
        shared=shared if shared is not None else {},
    )
    state = ctx.state
    for rule in rules:
        if rule.scope == "project":
            if rule.summarize is not None and rule.summary_key not in summaries:
                summaries[rule.summary_key] = rule.summarize(ctx)
            continue
        assert rule.check is not None
        found.extend(rule.check(ctx))
    if doc.templates:
        found = _outside_templates(doc, found)
    table = parse_suppressions(doc.lines)
    track = bool(table.ranges) and is_enabled("E021", "unused-suppression", config)
    suppressed: list[Diagnostic] | None = [] if track else None
    kept = _keep(found, config, {doc.path: table}, suppressed)
    unused: list[list[Any]] = []
    if suppressed is not None:
        from qalint.rules.suppressions import unused_candidates

        used = {entry for d in suppressed for entry in table.used_by(d.line, d.code)}
        left = {key: lines for key, lines in table.entries().items() if key not in used}
        unused = unused_candidates(doc.lines, left, rules, doc.source.line_starts)
    # Only the result cache reads the dependencies (a cached result is stale once they change).
    # Pages share link targets: each is stamped once per run (a target changed later in the
    # run keeps its earlier stamp, so the next run re-checks the page: stale, never wrong).
    dependencies: dict[str, list[int] | None] = {}
    if options.use_cache:
        stamps: dict[str, list[int] | None] = ctx.shared.setdefault("engine.stamps", {})
        for path in sorted(state.get("dependencies", ())):
            if path not in stamps:
                stamps[path] = _stat(path)
            dependencies[path] = stamps[path]
    return FileResult(
        doc.path,
        kept,
        summaries,
        [(a, b, sorted(c)) for a, b, c in table.ranges],
        dependencies,
        unused=unused,
    )


def lint_path(
    path: Path,
    config: Config,
    options: RunOptions,
    rules: list[Rule],
    shown: str | None = None,
    shared: dict[str, Any] | None = None,
    site: SiteModel = DEFAULT_SITE,
) -> FileResult:
    """Read, parse and lint one file; an input problem becomes its only diagnostic.

    ``shown``: the path as output shows it (``display_path``), when the caller knows it;
    ``shared``: as for ``lint_document``; ``site``: the site that renders the page.
    """
    loaded = load(path, config.max_file_size, digest=options.use_cache, shown=shown)
    if loaded.problem is not None or loaded.source is None:
        problems = [loaded.problem] if loaded.problem is not None else []
        result = FileResult(loaded.path, _keep(problems, config, {}), parsed=False)
    else:
        document = parse(loaded.source, loaded.path, site)
        result = lint_document(document, config, options, rules, shared=shared)
    result.digest = loaded.digest
    return result


_WORKER: dict[str, Any] = {}


def _worker_init(config: Config, options: RunOptions, sites: list[SiteModel] | None = None) -> None:
    _WORKER["config"] = config
    _WORKER["sites"] = sites or [DEFAULT_SITE]
    _WORKER["options"] = options
    _WORKER["rules"] = enabled_rules(config, options)
    _WORKER["shared"] = {}
    gc.enable()  # a parsed page holds reference cycles (the main process may have it off)
    gc.freeze()  # what the worker inherited or set up lives to the end: never rescan it
    # Linting one page makes tens of thousands of objects that live until the page is done;
    # at the default threshold (700) young collections rescan them again and again and push
    # them into the oldest generation, whose full collections then scan all the worker holds
    # (0.5-0.6 s of collection per 1,000 pages of rb2000, 0.2 s at 7,000). Cycles are still
    # collected, only in larger batches.
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


def _worker_lint(job: tuple[str, str | None, int]) -> str:
    # JSON, which the cache stores as it comes: the main process does not encode it again.
    path, shown, site = job
    return lint_path(
        Path(path),
        _WORKER["config"],
        _WORKER["options"],
        _WORKER["rules"],
        shown,
        _WORKER["shared"],
        _WORKER["sites"][site],
    ).to_json()


def _jobs(options: RunOptions, count: int) -> int:
    if options.jobs is not None:
        return max(1, options.jobs)
    if count < PARALLEL_MIN_FILES:
        return 1
    return max(1, min(os.cpu_count() or 1, count // (PARALLEL_MIN_FILES // 2)))


def lint_files(
    paths: list[Path],
    config: Config,
    options: RunOptions,
    shown: Mapping[Path, str] | None = None,
    sites: Mapping[Path, SiteModel] | None = None,
) -> list[FileResult]:
    """Lint files serially or in worker processes; results in the order of ``paths``.

    ``shown`` maps paths to their ``display_path`` where the caller already knows it;
    ``sites`` maps them to the site that renders them (default: ``DEFAULT_SITE``).
    """
    shown = shown or {}
    sites = sites or {}
    jobs = _jobs(options, len(paths))
    if jobs <= 1:
        rules = enabled_rules(config, options)
        shared: dict[str, Any] = {}
        return [
            lint_path(p, config, options, rules, shown.get(p), shared, sites.get(p, DEFAULT_SITE))
            for p in paths
        ]
    # Each distinct site goes to the workers once; a job names its site by index.
    distinct: list[SiteModel] = [DEFAULT_SITE]
    index: dict[int, int] = {id(DEFAULT_SITE): 0}
    for site in sites.values():
        if id(site) not in index:
            index[id(site)] = len(distinct)
            distinct.append(site)
    from concurrent.futures import ProcessPoolExecutor  # only a large run pays for it

    # The main process needs the rule modules anyway (for the project rules); imported
    # before the workers fork, they are not imported again in each worker.
    load_rule_modules()

    # Small chunks keep both workers busy to the end (one large last chunk would leave the
    # other idle for seconds); 32 files take about 0.1 s, far above the cost of a hand-off.
    chunk = max(1, min(CHUNK_MAX_FILES, len(paths) // (jobs * 8)))
    # The records coming back hold no reference cycles, yet their many small objects would
    # set off collections that scan every record received so far: none until all are in.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with ProcessPoolExecutor(
            max_workers=jobs, initializer=_worker_init, initargs=(config, options, distinct)
        ) as pool:
            work = [(str(p), shown.get(p), index[id(sites.get(p, DEFAULT_SITE))]) for p in paths]
            # Decoded as they come in, while the workers lint the files after them.
            return [
                FileResult.from_json(record, keep_encoded=options.use_cache)
                for record in pool.map(_worker_lint, work, chunksize=chunk)
            ]
    finally:
        if collecting:
            gc.enable()


def code_fingerprint() -> list[tuple[str, int, int]]:
    """Name, size and mtime of every module of the installed qalint package.

    The version alone would let an editable install (or a patched one) reuse results that
    older code produced; a few dozen ``stat`` calls rule that out.
    """
    package = Path(__file__).resolve().parent
    stamps = []
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".toml", ".json"} and "__pycache__" not in path.parts:
            info = path.stat()
            stamps.append((path.relative_to(package).as_posix(), info.st_size, info.st_mtime_ns))
    return stamps


def run_key(config: Config, options: RunOptions) -> str:
    """Digest of everything but the file that decides a file's result."""
    from qalint import __version__

    rules = [r.code for r in enabled_rules(config, options)]
    payload = json.dumps(
        {
            "version": __version__,
            "code": code_fingerprint(),
            "rules": rules,
            "config": {k: v for k, v in vars(config).items() if k != "source"},
            "check_urls": online_enabled(config, options),
            "cwd": os.getcwd(),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def run_project_rules(
    results: list[FileResult],
    config: Config,
    options: RunOptions,
    documents: list[Document] | None = None,
    state: dict[str, Any] | None = None,
) -> list[Diagnostic]:
    """Cross-file rules over the per-file summaries (and documents, when they are at hand).

    ``state`` is shared by the rules (the online link check leaves its result there).
    """
    found: list[Diagnostic] = []
    state = {} if state is None else state
    for rule in enabled_rules(config, options):
        if rule.scope != "project":
            continue
        assert rule.check is not None
        summaries = {r.path: r.summaries.get(rule.summary_key) for r in results if r.parsed}
        ctx = RuleContext(
            documents[0] if documents else None,
            config,  # type: ignore[arg-type]
            documents or [],
            state,
            options,
            summaries,
        )
        found.extend(rule.check(ctx))
    return found


def combine(
    results: list[FileResult], project: list[Diagnostic], config: Config
) -> list[Diagnostic]:
    """File diagnostics plus filtered project diagnostics, sorted."""
    tables = {r.path: r.suppression_table() for r in results}
    suppressed: list[Diagnostic] = []
    everything = [d for r in results for d in r.diagnostics]
    everything += _keep(project, config, tables, suppressed)
    if any(r.unused for r in results):
        everything += _unused_suppressions(results, suppressed, config)
    everything.sort(key=Diagnostic.sort_key)
    return everything


def _unused_suppressions(
    results: list[FileResult], suppressed: list[Diagnostic], config: Config
) -> list[Diagnostic]:
    """E021 for the suppressions that neither file nor project rules needed."""
    from qalint.rules.suppressions import covers, unused_findings

    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in suppressed:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    found: list[Diagnostic] = []
    for result in results:
        if not result.unused:
            continue
        needed = by_path.get(result.path, [])
        left = [c for c in result.unused if not any(covers(c, d.line, d.code) for d in needed)]
        found += unused_findings(result.path, left)
    # Not through the suppression tables: a ``disable`` would hide the report on itself.
    return _keep(found, config, {})


def lint_documents(
    documents: list[Document],
    config: Config,
    options: RunOptions | None = None,
    extra: Iterable[Diagnostic] = (),
) -> list[Diagnostic]:
    """Check parsed documents in this process and return the final, sorted diagnostics."""
    options = options or RunOptions()
    rules = enabled_rules(config, options)
    shared: dict[str, Any] = {}
    results = [lint_document(doc, config, options, rules, documents, shared) for doc in documents]
    project = run_project_rules(results, config, options, documents)
    extras = FileResult("<input>", _keep(extra, config, {}), parsed=False)
    return combine([*results, extras], project, config)


def load_documents(
    paths: list[str],
    config: Config,
    resolver: SiteResolver | None = None,
    force_exclude: bool = False,
    notes: list[str] | None = None,
) -> tuple[list[Document], list[Diagnostic], int]:
    """Discover, read and parse files, each as its site renders it; input problems come
    back as diagnostics. ``resolver``: the run's SiteResolver (one is made when not given);
    ``notes``, when given, receives discovery's notes for stderr (a named file that config
    excludes), as ``run`` returns them."""
    from qalint.site.load import SiteResolver

    resolver = resolver or SiteResolver(config)
    found = walk(
        paths, config.exclude, config.respect_gitignore, force_exclude, skip=resolver.skipped_in
    )
    files, problems = [path for path, _ in found.files], found.problems
    if notes is not None:
        notes.extend(found.notes)
    documents: list[Document] = []
    for path in files:
        loaded = load(path, config.max_file_size)
        if loaded.problem is not None:
            problems.append(loaded.problem)
            continue
        assert loaded.source is not None
        documents.append(parse(loaded.source, loaded.path, resolver.site_for(path)))
    return documents, problems, len(files)


def run(
    paths: list[str],
    config: Config,
    options: RunOptions | None = None,
    report_only: set[Path] | None = None,
) -> LintResult:
    """Lint files and folders: the whole of ``qalint check`` short of reporting.

    With ``report_only`` (paths under review), every file is linted, so cross-file rules see
    the whole bank, but only findings in those files (and about missing paths) are reported;
    cross-file rules know the files under review through ``options.focus``.
    """
    from dataclasses import replace

    from qalint.filecache import FileResultCache
    from qalint.site.load import SiteResolver

    options = options or RunOptions()
    resolver = SiteResolver(config)  # once per folder and per mkdocs.yml, not per page
    discovery = walk(
        paths,
        config.exclude,
        config.respect_gitignore,
        options.force_exclude,
        skip=resolver.skipped_in,
    )
    found, problems = discovery.files, discovery.problems
    files = [path for path, _ in found]
    shown = dict(found)
    sites = {path: resolver.site_for(path) for path in files}
    if report_only is not None:
        wanted = {p.resolve() for p in report_only}
        options = replace(
            options, focus=frozenset(shown[p] for p in files if p.resolve() in wanted)
        )
    cache = FileResultCache.open(config, options) if options.use_cache else None
    results: dict[Path, FileResult] = {}
    digests: dict[Path, str] = {}
    if cache is not None and not cache.is_empty():
        for path in files:
            digest = cache.digest(path)
            if digest is not None:
                digests[path] = digest
        results.update(
            cache.get_many([(p, _with_site(d, resolver, sites[p])) for p, d in digests.items()])
        )
    misses = [path for path in files if path not in results]
    linted = lint_files(misses, config, options, shown, sites)
    # The results live until the run ends; with thousands of them, every full collection of
    # the garbage collector would scan them all again (storing them in the cache set off
    # such collections for 0.15 s, and a warm run spent a tenth of its time so): exempt them.
    gc.freeze()
    for path, result in zip(misses, linted, strict=True):
        results[path] = result
        # The worker's digest is of exactly the bytes it linted (the file may have changed
        # since the main process hashed it); with the cache on, it is always there.
        digest = result.digest or digests.get(path)
        if cache is not None and digest is not None:
            cache.put(path, _with_site(digest, resolver, sites[path]), result)
    if cache is not None:
        cache.close()
        for result in linted:  # stored: the encoded copies need not live to the end
            result.encoded = None
    ordered = [results[p] for p in files]
    gc.freeze()  # and what the cache and ordering added
    state: dict[str, Any] = {}
    project = run_project_rules(ordered, config, options, state=state)
    diagnostics = combine(ordered, project, config)  # sorted
    input_problems = _keep(problems, config, {})
    if input_problems:
        diagnostics += input_problems
        diagnostics.sort(key=Diagnostic.sort_key)
    if report_only is not None:
        diagnostics = [
            d for d in diagnostics if d.path in options.focus or not Path(d.path).exists()
        ]
    link_stats = None
    if "links.online" in state:  # the online check ran (perhaps over no URL at all)
        from qalint.links.online import LinkStats

        online = state["links.online"]
        link_stats = online.stats if online is not None else LinkStats()
    return LintResult(
        diagnostics,
        [],
        len(files),
        SourceLines(),
        len(files) - len(misses),
        [*discovery.notes, *resolver.notes()],
        link_stats,
    )


def _with_site(digest: str, resolver: SiteResolver, site: SiteModel) -> str:
    """A file's cache digest joined with its site's: a result is stale once the page's
    mkdocs.yml, or a file it INHERITs, changes (or another mkdocs.yml takes over)."""
    return f"{digest}:{resolver.digest_of(site)}"
