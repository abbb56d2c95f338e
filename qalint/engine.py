"""The rule engine: parse, run the selected rules, filter, suppress, override and sort."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qalint.config import Config
from qalint.diagnostics import Diagnostic
from qalint.document import Document
from qalint.files import LoadedFile, discover, load
from qalint.markdown.parse import parse
from qalint.rules.registry import Rule, RuleContext, all_rules
from qalint.suppress import parse_suppressions


@dataclass
class RunOptions:
    """Per-run switches that are not configuration (from command-line flags)."""

    check_urls: bool = False
    use_cache: bool = True
    progress: bool = False  # draw progress bars on stderr (only when it is a TTY)


@dataclass
class LintResult:
    """Everything one run produced."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    files_checked: int = 0


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
    """Whether a rule is on after select, extend-select and ignore (the more specific wins)."""
    if config.select:
        selected = _match_length(rule_code, rule_name, config.select)
    else:
        selected = 0
    selected = max(selected, _match_length(rule_code, rule_name, config.extend_select))
    if selected < 0:
        return False
    ignored = _match_length(rule_code, rule_name, config.ignore)
    return ignored < 0 or ignored < selected


def enabled_rules(config: Config, options: RunOptions) -> list[Rule]:
    """The rules to run with this configuration."""
    return [
        r
        for r in all_rules()
        if r.check is not None
        and (options.check_urls or not r.online)
        and is_enabled(r.code, r.name, config)
    ]


def _per_file_ignored(diagnostic: Diagnostic, config: Config) -> bool:
    for pattern, codes in config.per_file_ignores.items():
        if fnmatch.fnmatch(diagnostic.path, pattern) or fnmatch.fnmatch(
            Path(diagnostic.path).name, pattern
        ):
            if _match_length(diagnostic.code, diagnostic.name, codes) >= 0:
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


def finalize(diagnostics: Iterable[Diagnostic], documents: list[Document], config: Config) -> list[Diagnostic]:
    """Apply selection, per-file ignores, inline suppressions and severity overrides; sort."""
    suppressions = {doc.path: parse_suppressions(doc.lines) for doc in documents}
    kept: list[Diagnostic] = []
    seen: set[tuple] = set()
    for diagnostic in diagnostics:
        if not is_enabled(diagnostic.code, diagnostic.name, config):
            continue
        if _per_file_ignored(diagnostic, config):
            continue
        table = suppressions.get(diagnostic.path)
        if table is not None and table.suppressed(diagnostic.line, diagnostic.code):
            continue
        key = (diagnostic.path, diagnostic.span, diagnostic.code, diagnostic.message)
        if key in seen:
            continue
        seen.add(key)
        kept.append(_override_severity(diagnostic, config))
    kept.sort(key=Diagnostic.sort_key)
    return kept


def check_documents(documents: list[Document], config: Config, options: RunOptions) -> list[Diagnostic]:
    """Run every enabled rule over parsed documents (file rules, then project rules)."""
    rules = enabled_rules(config, options)
    found: list[Diagnostic] = []
    shared_state: dict = {}
    for rule in rules:
        assert rule.check is not None
        if rule.scope == "project":
            ctx = RuleContext(documents[0] if documents else None, config, documents, shared_state, options)  # type: ignore[arg-type]
            found.extend(rule.check(ctx))
            continue
        for doc in documents:
            found.extend(rule.check(RuleContext(doc, config, documents, shared_state, options)))
    return found


def lint_documents(documents: list[Document], config: Config, options: RunOptions | None = None,
                   extra: Iterable[Diagnostic] = ()) -> list[Diagnostic]:
    """Check documents and return the final, sorted diagnostics."""
    options = options or RunOptions()
    raw = list(extra) + check_documents(documents, config, options)
    return finalize(raw, documents, config)


def load_documents(paths: list[str], config: Config) -> tuple[list[Document], list[Diagnostic], int]:
    """Discover, read and parse files; input problems come back as diagnostics."""
    files, problems = discover(paths, config.exclude)
    documents: list[Document] = []
    for path in files:
        loaded: LoadedFile = load(path, config.max_file_size)
        if loaded.problem is not None:
            problems.append(loaded.problem)
            continue
        assert loaded.source is not None
        documents.append(parse(loaded.source, loaded.path))
    return documents, problems, len(files)


def run(paths: list[str], config: Config, options: RunOptions | None = None) -> LintResult:
    """Lint files and folders: the whole of ``qalint check`` short of reporting."""
    documents, problems, count = load_documents(paths, config)
    diagnostics = lint_documents(documents, config, options, problems)
    return LintResult(diagnostics, documents, count)
