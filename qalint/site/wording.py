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


def unvouched(site: SiteModel) -> str:
    """Why qalint cannot vouch for a fix that moves lines between blocks on this site ('' when
    it can): the site enables extensions it does not model, any of which may change where a
    re-indented line lands. Fixes that depend on nesting or indentation (S015, S020, W003)
    are withheld then, and their findings say so with this text."""
    if not site.unmodelled:
        return ""
    them = "it" if len(site.unmodelled) == 1 else "them"
    return (
        f"no fix is offered: {config_name(site)} enables {', '.join(site.unmodelled)}, which "
        f"qalint does not model, so it cannot vouch for where re-indented lines land with {them}"
    )
