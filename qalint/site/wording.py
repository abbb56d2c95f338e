"""How findings name the site configuration they depend on.

A finding whose truth depends on the page's Markdown configuration says which configuration
it assumed: "with mdx_truly_sane_lists (mkdocs.yml) a nested item needs 2 spaces past its
parent". These helpers word that part once.
"""

from __future__ import annotations

from qalint.site.model import SiteModel


def config_name(site: SiteModel) -> str:
    """Where the site's configuration comes from: the config file's name, or the default set."""
    if site.config_path is not None:
        return site.config_path.name
    return "default Material extension set"


def list_rule(site: SiteModel) -> tuple[str, int]:
    """The extension that decides list nesting on this site, and the spaces a nested item needs.

    Returns e.g. ``("mdx_truly_sane_lists (mkdocs.yml)", 2)`` or
    ``("Python-Markdown's lists (default Material extension set)", 4)``.
    """
    flags = site.flags
    where = config_name(site)
    if flags.truly_sane_lists:
        return f"mdx_truly_sane_lists ({where})", max(1, flags.nested_indent)
    if flags.sane_lists:
        return f"sane_lists ({where})", flags.tab_length
    return f"Python-Markdown's lists ({where})", flags.tab_length
