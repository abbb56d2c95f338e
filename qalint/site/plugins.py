"""mkdocs.yml's ``plugins`` as MkDocs reads it, and what the plugins qalint models imply.

MkDocs 1.6 (``config_options.Plugins``): the setting is a list whose items are a name or a
one-key mapping ``{name: options}``, or a mapping of names to options; ``null`` options are
``{}``; a name starting with ``/`` opts out of the theme's namespace (``/search``). A
setting that is absent means ``[search]``. A plugin whose options say ``enabled: false``
is not loaded (MkDocs' generic switch, and the plugins' own ``enabled`` option).

Plugins that rewrite a page's Markdown before Python-Markdown renders it change what the
parser must read. qalint models:

- ``macros`` (mkdocs-macros-plugin 1.x; its only entry point): the page is a Jinja
  template (``MarkdownFlags.jinja``), rendered unless its options or the page's front
  matter say otherwise.
- ``mkdocs_quiz``: ``<quiz>`` blocks become HTML; the fact is ``SiteModel.has_plugin``,
  read by the question and quiz rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qalint.site.model import JinjaSyntax

MACROS = "macros"
QUIZ = "mkdocs_quiz"
DEFAULT_PLUGINS: tuple[tuple[str, Mapping[str, Any]], ...] = (("search", {}),)

# mkdocs-macros option → JinjaSyntax field (its ``j2_*`` options are passed to Jinja's
# Environment when they are non-empty)
_DELIMITERS = {
    "j2_variable_start_string": "variable_start",
    "j2_variable_end_string": "variable_end",
    "j2_block_start_string": "block_start",
    "j2_block_end_string": "block_end",
    "j2_comment_start_string": "comment_start",
    "j2_comment_end_string": "comment_end",
}


class PluginsError(ValueError):
    """A ``plugins`` setting MkDocs itself would reject."""


def normalise_plugins(value: Any) -> tuple[tuple[str, Mapping[str, Any]], ...]:
    """The ``plugins`` setting as ``(name, options)`` pairs in order (``None``: MkDocs'
    default, ``search``)."""
    if value is None:
        return DEFAULT_PLUGINS
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, list | tuple):
        items = []
        for item in value:
            if isinstance(item, Mapping):
                if len(item) != 1:
                    raise PluginsError(f"a plugins item must name one plugin, got {item!r}")
                items.append(next(iter(item.items())))
            else:
                items.append((item, {}))
    else:
        raise PluginsError(f"plugins must be a list or a mapping, got {value!r}")
    out: list[tuple[str, Mapping[str, Any]]] = []
    for name, options in items:
        if not isinstance(name, str) or not name.strip():
            raise PluginsError(f"{name!r} is not a valid plugin name")
        if options is None:
            options = {}
        if not isinstance(options, Mapping):
            raise PluginsError(f"the options of plugin {name!r} must be a mapping")
        out.append((name.strip().removeprefix("/"), dict(options)))
    return tuple(out)


def enabled(options: Mapping[str, Any]) -> bool:
    """False only when the options switch the plugin off (``enabled: false``)."""
    return options.get("enabled", True) is not False


def jinja_syntax(plugins: tuple[tuple[str, Mapping[str, Any]], ...]) -> JinjaSyntax | None:
    """How mkdocs-macros reads pages as templates, or None when the plugin is off.

    Its first enabled listing counts (MkDocs warns about a second one).
    """
    for name, options in plugins:
        if name != MACROS or not enabled(options):
            continue
        fields: dict[str, Any] = {}
        for option, field_name in _DELIMITERS.items():
            value = options.get(option)
            if isinstance(value, str) and value:
                fields[field_name] = value
        if options.get("render_by_default") is False:
            fields["render_by_default"] = False
        paths = options.get("force_render_paths")
        if isinstance(paths, str):
            fields["force_render_paths"] = paths
        return JinjaSyntax(**fields)
    return None
