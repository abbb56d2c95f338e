"""The MkDocs plugin ``qalint``: lint the site's pages during ``mkdocs build`` and ``serve``.

Enable it in ``mkdocs.yml``::

    plugins:
      - search
      - qalint:
          min-severity: warning   # error, warning (default) or info
          select: []              # codes or prefixes; empty: the qalint configuration's
          ignore: []              # codes or prefixes, added to the configuration's

Every documentation page is linted once per build, all pages together (so cross-file rules
see the whole bank), with the qalint configuration found above ``mkdocs.yml`` and qalint's
result cache (unchanged pages are not linted again, which keeps ``mkdocs serve`` fast).
Findings at or above ``min-severity`` are logged as MkDocs warnings, ``path:line:col CODE
message``, so ``mkdocs build --strict`` fails on them; the others are logged at info level.
Only this module imports mkdocs, and only MkDocs imports this module.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from qalint.diagnostics import Diagnostic, Severity

LOG = logging.getLogger("mkdocs.plugins.qalint")
SEVERITIES = tuple(s.value for s in Severity)


def reported(diagnostics: Iterable[Diagnostic], minimum: str) -> list[tuple[bool, str]]:
    """Each finding as ``(is at least minimum, "path:line:col CODE message")``."""
    floor = Severity(minimum).rank
    return [
        (d.severity.rank >= floor, f"{d.path}:{d.line}:{d.column} {d.code} {d.message}")
        for d in diagnostics
    ]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class QalintPlugin(BasePlugin):
    """Lints the documentation pages of a build and logs the findings as warnings."""

    config_scheme = (
        ("enabled", config_options.Type(bool, default=True)),
        ("select", config_options.ListOfItems(config_options.Type(str), default=[])),
        ("ignore", config_options.ListOfItems(config_options.Type(str), default=[])),
        ("min-severity", config_options.Choice(SEVERITIES, default="warning")),
        ("config", config_options.Optional(config_options.File(exists=True))),
    )

    def __init__(self) -> None:
        self.qalint_config: Any = None

    def on_config(self, config: Any) -> Any:
        """Read the qalint configuration (the nearest one above ``mkdocs.yml``)."""
        if not self.config["enabled"]:
            return config
        from qalint.config import ConfigError, load_config, validate_codes

        explicit = self.config["config"]
        start = Path(config.config_file_path or ".").resolve().parent
        try:
            qalint_config = load_config(Path(explicit) if explicit else None, start)
            for key in ("select", "ignore"):
                validate_codes(f"plugins.qalint.{key}", self.config[key])
        except ConfigError as exc:
            raise PluginError(f"qalint: configuration error: {exc}") from exc
        if self.config["select"]:
            qalint_config.select = list(self.config["select"])
        qalint_config.ignore = qalint_config.ignore + list(self.config["ignore"])
        self.qalint_config = qalint_config
        return config

    def on_files(self, files: Any, config: Any) -> Any:
        """Lint every documentation page together and log what was found."""
        if not self.config["enabled"] or self.qalint_config is None:
            return files
        from qalint.engine import RunOptions, run
        from qalint.files import display_path, excluded

        paths = []
        for file in files.documentation_pages():
            if not file.abs_src_path:
                continue
            shown = display_path(Path(file.abs_src_path))
            if not excluded(shown, self.qalint_config.exclude):
                paths.append(shown)
        if not paths:
            return files
        result = run(paths, self.qalint_config, RunOptions())
        # ``run`` exempts its results from garbage collection for the rest of a command-line
        # run; ``mkdocs serve`` lives on and lints again on every change: give them back.
        gc.unfreeze()
        shown = 0
        for loud, line in reported(result.diagnostics, self.config["min-severity"]):
            if loud:
                LOG.warning(line)
                shown += 1
            else:
                LOG.info(line)
        LOG.info(
            "qalint checked %s: %s at or above %s",
            _plural(len(paths), "page"),
            _plural(shown, "finding"),
            self.config["min-severity"],
        )
        return files
