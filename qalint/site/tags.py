"""The values MkDocs' YAML tags stand for, and the error a bad mkdocs.yml raises.

Kept apart from ``qalint.site.yamlconfig`` so that code handling a loaded site never imports
PyYAML: it is imported only when a mkdocs.yml is actually read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qalint.config import ConfigError


class MkDocsConfigError(ConfigError):
    """A mkdocs.yml that cannot be read; the message names the file (and line)."""


@dataclass(frozen=True)
class PythonTag:
    """An inert stand-in for a ``!!python/...`` value: what it names, never what it does.

    ``kind`` is the tag after ``python/`` (``name``, ``object/apply``, ``module``, ...),
    ``name`` what follows the colon (``pymdownx.slugs.slugify``), ``value`` the node's content
    as plain data (arguments of ``object/apply``, for instance).
    """

    kind: str
    name: str
    value: Any = None

    def __str__(self) -> str:
        tag = f"!!python/{self.kind}:{self.name}" if self.name else f"!!python/{self.kind}"
        if self.value in (None, "", [], {}):
            return tag
        return f"{tag} {self.value!r}"


@dataclass(frozen=True)
class RelativePath:
    """MkDocs' ``!relative`` tag: a folder known only once the config (or page) is known.

    ``base`` is ``"page"`` (plain ``!relative``: the folder of the page being rendered),
    ``"config_dir"`` or ``"docs_dir"``; ``suffix`` is appended to it.
    """

    base: str
    suffix: str = ""

    def __str__(self) -> str:
        if self.base == "page":
            return "!relative"
        return f"!relative ${self.base}" + (f"/{self.suffix}" if self.suffix else "")
