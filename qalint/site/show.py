"""``qalint config`` / ``qalint check --show-settings``: the site model a path is read with."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from qalint.config import Config
from qalint.site.load import SiteResolver, overrides_of, shown_path
from qalint.site.model import SiteModel

DEFAULT_NOTE = (
    "no mkdocs.yml builds this path: qalint assumes the extensions Material for MkDocs "
    "documents (admonition, pymdownx.details, pymdownx.superfences, pymdownx.tabbed with "
    "alternate_style, pymdownx.arithmatex generic, md_in_html, attr_list, def_list, "
    "footnotes, abbr, tables, toc) and MathJax"
)

# What qalint does about the plugins it models (shown beside them by ``qalint config``).
PLUGIN_NOTES = {
    "macros": "[modelled: Jinja tags are read as blank, findings inside them dropped]",
    "mkdocs_quiz": "[modelled: <quiz> blocks]",
}


def _plain(value: Any) -> Any:
    """Options as JSON-safe data (placeholders and paths as their text)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _shown(path: Path | None) -> str | None:
    return shown_path(path) if path is not None else None


def describe(
    site: SiteModel, config: Config, excluded: bool = False, resolver: SiteResolver | None = None
) -> dict[str, Any]:
    """The JSON-safe description of a site model (what ``qalint config`` prints)."""
    overridden = sorted(overrides_of(config)) if site.origin == "override" else []
    return {
        "config_file": _shown(site.config_path),
        "inherits": [_shown(p) for p in site.inherited_from],
        "origin": site.origin,
        "overridden": overridden,
        "overrides_from": _shown(config.source) if overridden else None,
        "docs_dir": _shown(site.docs_dir),
        "exclude_docs": site.exclude_docs,
        "excluded": excluded,
        "math": site.math,
        "extensions": [{"name": name, "options": _plain(opts)} for name, opts in site.extensions],
        "plugins": [{"name": name, "options": _plain(opts)} for name, opts in site.plugins],
        "unmodelled": list(site.unmodelled),
        "flags": _plain(asdict(site.flags)),
        "default": site.config_path is None,
    }


def _text(path: str, info: dict[str, Any]) -> str:
    lines = [f"{path}:"]

    def row(label: str, value: str) -> None:
        lines.append(f"  {label + ':':<14}{value}")

    if info["config_file"]:
        row("mkdocs.yml", info["config_file"])
    else:
        row("mkdocs.yml", "(none)")
        row("note", DEFAULT_NOTE)
    for parent in info["inherits"]:
        row("inherits", parent)
    origin = info["origin"]
    if info["overridden"]:
        where = info["overrides_from"] or "config"
        origin += f" ([tool.qalint.site] in {where} sets {', '.join(info['overridden'])})"
    row("origin", origin)
    row("docs_dir", info["docs_dir"] or "(none)")
    exclude = " | ".join(x for x in info["exclude_docs"].splitlines() if x.strip())
    row("exclude_docs", exclude or "(none)")
    if info["excluded"]:
        row("excluded", "yes: the site does not render this page (a folder walk skips it)")
    row("math", info["math"])
    lines.append("  extensions:")
    for ext in info["extensions"]:
        options = ", ".join(
            f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in ext["options"].items()
        )
        lines.append(f"    {ext['name']}" + (f"  ({options})" if options else ""))
    if info["plugins"]:
        lines.append("  plugins:")
    else:
        row("plugins", "(none)")
    for plugin in info["plugins"]:
        options = ", ".join(
            f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in plugin["options"].items()
        )
        note = PLUGIN_NOTES.get(plugin["name"], "")
        lines.append(
            f"    {plugin['name']}"
            + (f"  ({options})" if options else "")
            + (f"  {note}" if note else "")
        )
    if info["unmodelled"]:
        row(
            "not modelled",
            ", ".join(info["unmodelled"])
            + f" (findings on pages using {'it' if len(info['unmodelled']) == 1 else 'them'}"
            " may be off)",
        )
    return "\n".join(lines) + "\n"


def show_settings(paths: list[str], config: Config, fmt: str = "text") -> str:
    """The site model of each path (a folder stands for the pages directly in it)."""
    resolver = SiteResolver(config)
    described: dict[str, dict[str, Any]] = {}
    for raw in paths:
        path = Path(raw)
        page = path / "index.md" if path.is_dir() else path
        site = resolver.site_for(page)
        excluded = not path.is_dir() and resolver.excluded(page)
        described[raw] = describe(site, config, excluded, resolver)
    if fmt == "json":
        return json.dumps(described, indent=2, ensure_ascii=False) + "\n"
    return "\n".join(_text(raw, info) for raw, info in described.items())
