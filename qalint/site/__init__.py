"""The site model: each page seen the way its own mkdocs.yml renders it."""

from qalint.site.model import (
    DEFAULT_FLAGS,
    DEFAULT_SITE,
    MATERIAL_DEFAULT_EXTENSIONS,
    JinjaSyntax,
    MarkdownFlags,
    SiteModel,
)

__all__ = [
    "DEFAULT_FLAGS",
    "DEFAULT_SITE",
    "MATERIAL_DEFAULT_EXTENSIONS",
    "JinjaSyntax",
    "MarkdownFlags",
    "SiteModel",
]
