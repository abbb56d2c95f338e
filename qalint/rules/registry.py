"""The rule registry: every rule's metadata and check function, keyed by code.

A rule is a pure function ``check(ctx) -> Iterable[Diagnostic]`` over a ``RuleContext`` (the
Document plus the effective configuration). It is registered with the ``@rule`` decorator,
whose arguments are the metadata that ``qalint rules``, ``qalint rule CODE`` and the generated
docs print. Cross-file rules set ``scope="project"`` and receive every document at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qalint.diagnostics import Diagnostic, Fix, Severity, Span

if TYPE_CHECKING:
    from qalint.config import Config
    from qalint.document import Document

CODE_RE = re.compile(r"^[SLMFWE]\d{3}$")
FAMILIES = {
    "S": "structure",
    "L": "links",
    "M": "math",
    "F": "facts",
    "W": "formatting",
    "E": "input",
}


@dataclass
class RuleContext:
    """What a rule sees: one Document (or all of them for project rules) and the config."""

    document: Document
    config: Config
    documents: list[Document] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    options: Any = None  # qalint.engine.RunOptions: check_urls, use_cache, ...
    summaries: dict[str, Any] = field(default_factory=dict)  # project rules: path -> summary
    # Values that depend only on the run (configuration sections, loaded packs), shared by
    # every document of a run; ``state`` is the document's own.
    shared: dict[str, Any] = field(default_factory=dict)

    def diagnostic(
        self,
        rule: Rule,
        span: Span,
        message: str,
        fix: Fix | None = None,
        document: Document | None = None,
        path: str | None = None,
    ) -> Diagnostic:
        """A Diagnostic of ``rule`` at ``span`` with the rule's default severity."""
        where = path if path is not None else (document or self.document).path
        return Diagnostic(where, span, rule.code, rule.name, rule.severity, message, fix)

    def depends_on(self, path: str | Path) -> None:
        """Record that this file's result depends on another file (for the result cache)."""
        self.state.setdefault("dependencies", set()).add(str(path))


CheckFunction = Callable[[RuleContext], Iterable[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    """Metadata and check function of one rule."""

    code: str
    name: str
    summary: str
    explanation: str
    bad: str
    good: str
    severity: Severity
    fixable: bool
    check: CheckFunction | None
    scope: str = "file"  # "file" or "project"
    config_keys: tuple[str, ...] = ()
    online: bool = False
    summarize: Callable[[RuleContext], Any] | None = None
    summary_key: str = ""
    # Off unless selected explicitly (by code, name or prefix; not by ``ALL`` or by default),
    # like ruff's RUF100: for findings about the linter's own use rather than the page.
    default_enabled: bool = True

    @property
    def family(self) -> str:
        """The family name for the code's letter (structure, links, ...)."""
        return FAMILIES[self.code[0]]

    def __call__(
        self,
        ctx: RuleContext,
        span: Span,
        message: str,
        fix: Fix | None = None,
        document: Document | None = None,
        path: str | None = None,
    ) -> Diagnostic:
        """Shorthand inside a check: ``yield THIS_RULE(ctx, span, message)``."""
        return ctx.diagnostic(self, span, message, fix, document, path)


_REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    *,
    summary: str,
    explanation: str,
    bad: str,
    good: str,
    severity: Severity = Severity.ERROR,
    fixable: bool = False,
    scope: str = "file",
    config_keys: tuple[str, ...] = (),
    online: bool = False,
    summarize: Callable[[RuleContext], Any] | None = None,
    summary_key: str = "",
    default_enabled: bool = True,
) -> Callable[[CheckFunction | None], Rule]:
    """Register a rule; decorate its check function (or call with ``None`` for metadata only).

    A project rule (``scope="project"``) runs once over every file; it must work from the
    JSON-safe summaries that ``summarize(ctx)`` takes of each file (``ctx.summaries`` maps
    path to summary), so that it stays correct when files are linted in parallel or come
    from the cache. Rules sharing a ``summary_key`` share one summary.
    """

    def register(check: CheckFunction | None) -> Rule:
        if not CODE_RE.match(code):
            raise ValueError(f"bad rule code {code!r}")
        if code in _REGISTRY:
            raise ValueError(f"rule code {code} registered twice")
        if any(r.name == name for r in _REGISTRY.values()):
            raise ValueError(f"rule name {name} registered twice")
        registered = Rule(
            code,
            name,
            summary,
            explanation.strip(),
            bad,
            good,
            severity,
            fixable,
            check,
            scope,
            config_keys,
            online,
            summarize,
            summary_key or code,
            default_enabled,
        )
        _REGISTRY[code] = registered
        _DEFAULT_OFF.clear()
        return registered

    return register


def declare(code: str, name: str, **metadata: Any) -> Rule:
    """Register a rule whose diagnostics are made outside a check function (E rules)."""
    return rule(code, name, **metadata)(None)


_DEFAULT_OFF: set[str] = set()


def default_off() -> set[str]:
    """Codes of the rules that run only when selected explicitly."""
    if not _DEFAULT_OFF:
        _DEFAULT_OFF.update(r.code for r in all_rules() if not r.default_enabled)
        _DEFAULT_OFF.add("")  # computed: not empty any more, even with no such rule
    return _DEFAULT_OFF


def all_rules() -> list[Rule]:
    """Every registered rule, sorted by code (loads the rule modules on first use)."""
    load_rule_modules()
    return sorted(_REGISTRY.values(), key=lambda r: r.code)


def get_rule(code: str) -> Rule | None:
    """The rule with this code (case-insensitive) or name, if any."""
    load_rule_modules()
    key = code.upper()
    if key in _REGISTRY:
        return _REGISTRY[key]
    return next((r for r in _REGISTRY.values() if r.name == code.lower()), None)


_LOADED = False


def load_rule_modules() -> None:
    """Import the modules that register rules (once)."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    import importlib

    from qalint.rules import RULE_MODULES

    for module in RULE_MODULES:
        importlib.import_module(module)
