"""The ``[tool.qalint.site]`` config section: overrides of what the site's mkdocs.yml says.

Kept apart from ``qalint.site.load`` so that validating a config never imports PyYAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qalint.config import Option, register_section
from qalint.site.model import MATH_RENDERERS


def _extension_list(value: Any) -> str | None:
    if not isinstance(value, list):
        return "expected a list of extension names or {name = {options}} tables"
    for item in value:
        if isinstance(item, str):
            continue
        if isinstance(item, Mapping) and len(item) == 1:
            name, options = next(iter(item.items()))
            if isinstance(options, Mapping):
                continue
            return f"the options of '{name}' must be a table, got {options!r}"
        return f"{item!r} is neither an extension name nor a one-key table {{name = {{...}}}}"
    return None


OPTIONS: dict[str, Option] = {
    "markdown-extensions": Option(
        "list",
        None,
        "Replaces the site's markdown_extensions (same form as in mkdocs.yml: names, or "
        '{"name" = {option = value}} tables); toc, tables and fenced_code are still loaded first.',
        validate=_extension_list,
    ),
    "math": Option(
        "enum",
        None,
        "The math renderer the pages load (instead of what extra_javascript says).",
        choices=MATH_RENDERERS,
    ),
    "docs-dir": Option(
        "str",
        None,
        "The site's docs folder (relative to this config file's folder), instead of docs_dir.",
    ),
    "exclude-docs": Option(
        "str",
        None,
        "Gitignore-style lines of pages the site does not render, instead of exclude_docs.",
    ),
}

register_section("site", OPTIONS)
