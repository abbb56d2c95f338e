"""Configuration: ``[tool.qalint]`` in pyproject.toml or a ``qalint.toml``, validated.

Top-level keys are declared here; each rule family declares its own section (``structure``,
``links``, ``math``, ``facts``...) with ``register_section`` when its module is imported, so
validation knows every key without the engine knowing every family. An unknown key or a bad
value raises ``ConfigError`` naming the key, with a "did you mean" where one is close.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qalint.diagnostics import Severity

CONFIG_FILES = ("qalint.toml", ".qalint.toml", "pyproject.toml")


class ConfigError(Exception):
    """A configuration file or value is wrong; the message names the key."""


@dataclass(frozen=True)
class Option:
    """One configuration key: its type check, default and help text."""

    kind: str  # bool, int, float, str, list[str], list[int], dict, enum
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    validate: Callable[[Any], str | None] | None = None


_SECTIONS: dict[str, dict[str, Option]] = {}


def register_section(name: str, options: dict[str, Option]) -> None:
    """Declare a config section (``[tool.qalint.NAME]``) and its keys; idempotent."""
    _SECTIONS.setdefault(name, {}).update(options)


TOP_LEVEL: dict[str, Option] = {
    "paths": Option("list[str]", [], "Paths checked when none are given on the command line."),
    "exclude": Option("list[str]", [], "Glob patterns of files and folders never checked."),
    "select": Option("list[str]", [], "Rule codes or prefixes to enable (default: all)."),
    "extend-select": Option("list[str]", [], "Codes or prefixes enabled on top of select."),
    "ignore": Option("list[str]", [], "Rule codes or prefixes to disable."),
    "per-file-ignores": Option("dict", {}, "Glob pattern -> list of codes ignored there."),
    "severity": Option("dict", {}, "Code or prefix -> error|warning|info overrides."),
    "max-file-size": Option(
        "int",
        2_000_000,
        "Files larger than this many bytes are skipped (E005).",
        validate=lambda v: None if v > 0 else "must be a positive number of bytes",
    ),
    "cache-dir": Option("str", ".qalint_cache", "Folder for persistent state (link verdicts)."),
    "respect-gitignore": Option(
        "bool", True, "Skip files and folders git ignores when walking folders (in a work tree)."
    ),
    "docs-url": Option(
        "str",
        "",
        "URL of the rule reference (docs/rules.md) for SARIF helpUri links; empty: none.",
        validate=lambda v: (
            None
            if not v or v.startswith(("https://", "http://"))
            else "must be an absolute http(s) URL"
        ),
    ),
    "mkdocs-config": Option(
        "str",
        "",
        "The mkdocs.yml every page is rendered with (relative to this file's folder); "
        "default: for each page, the nearest mkdocs.yml above it whose docs_dir holds it.",
    ),
}


@dataclass
class Config:
    """The effective configuration: top-level settings plus one dict per section."""

    paths: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    max_file_size: int = 2_000_000
    cache_dir: str = ".qalint_cache"
    respect_gitignore: bool = True
    docs_url: str = ""
    mkdocs_config: str = ""  # as written: relative to ``root`` (or absolute)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    root: Path | None = None
    source: Path | None = None

    def section(self, name: str) -> dict[str, Any]:
        """The effective values of a section: defaults overlaid with the file's values."""
        _ensure_sections()
        values = {key: opt.default for key, opt in _SECTIONS.get(name, {}).items()}
        values.update(self.sections.get(name, {}))
        return values

    def get(self, dotted: str) -> Any:
        """One value by dotted name, e.g. ``structure.heading-level``."""
        section, _, key = dotted.partition(".")
        return self.section(section)[key]


def _ensure_sections() -> None:
    import qalint.site.settings  # noqa: F401  (registers [tool.qalint.site])
    from qalint.rules.registry import load_rule_modules

    load_rule_modules()


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check(name: str, option: Option, value: Any) -> Any:
    def bad(expected: str) -> ConfigError:
        return ConfigError(f"{name}: expected {expected}, got {value!r}")

    kind = option.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
    elif kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad("an integer")
    elif kind == "float":
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise bad("a number")
        value = float(value)
    elif kind == "str":
        if not isinstance(value, str):
            raise bad("a string")
    elif kind == "enum":
        if value not in option.choices:
            raise ConfigError(
                f"{name}: expected one of {', '.join(option.choices)}, got {value!r}"
                + (_suggest(str(value), list(option.choices)))
            )
    elif kind == "list[str]":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
    elif kind == "list[int]":
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise bad("a list of integers")
    elif kind == "dict" and not isinstance(value, dict):
        raise bad("a table")
    if option.validate is not None:
        problem = option.validate(value)
        if problem:
            raise ConfigError(f"{name}: {problem}")
    return value


def config_from_mapping(data: dict[str, Any], source: Path | None = None) -> Config:
    """Validate a ``[tool.qalint]`` mapping into a Config (raises ConfigError)."""
    _ensure_sections()
    config = Config(source=source, root=source.parent if source else None)
    known = list(TOP_LEVEL) + list(_SECTIONS)
    for key, value in data.items():
        if key in TOP_LEVEL:
            value = _check(key, TOP_LEVEL[key], value)
            if key == "per-file-ignores":
                for pattern, codes in value.items():
                    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                        raise ConfigError(f"per-file-ignores.{pattern}: expected a list of codes")
                    validate_codes(f"per-file-ignores.{pattern}", codes)
            elif key == "severity":
                value = _severities(value)
            elif key in {"select", "ignore", "extend-select"}:
                validate_codes(key, value)
            setattr(config, key.replace("-", "_"), value)
        elif key in _SECTIONS:
            if not isinstance(value, dict):
                raise ConfigError(f"{key}: expected a table ([tool.qalint.{key}])")
            options = _SECTIONS[key]
            checked = {}
            for sub, subvalue in value.items():
                if sub not in options:
                    raise ConfigError(
                        f"unknown configuration key '{key}.{sub}'" + _suggest(sub, list(options))
                    )
                checked[sub] = _check(f"{key}.{sub}", options[sub], subvalue)
            config.sections[key] = checked
        else:
            raise ConfigError(f"unknown configuration key '{key}'" + _suggest(key, known))
    return config


def _severities(value: dict[str, Any]) -> dict[str, Severity]:
    out: dict[str, Severity] = {}
    for code, level in value.items():
        validate_codes("severity", [code])
        try:
            out[_selector_key(code)] = Severity(level)
        except ValueError:
            raise ConfigError(
                f"severity.{code}: expected error, warning or info, got {level!r}"
            ) from None
    return out


def _selector_key(selector: str) -> str:
    """A code or prefix in upper case; a rule name (``question-heading``) as written."""
    from qalint.rules.registry import all_rules

    return selector if any(r.name == selector for r in all_rules()) else selector.upper()


def validate_codes(key: str, codes: list[str]) -> None:
    """Raise ConfigError for an entry that is no rule code, prefix, name or ``ALL``."""
    from qalint.rules.registry import all_rules

    known = [r.code for r in all_rules()]
    names = [r.name for r in all_rules()]
    for code in codes:
        upper = code.upper()
        if upper == "ALL" or code in names:
            continue
        if not any(k.startswith(upper) for k in known):
            raise ConfigError(
                f"{key}: unknown rule code or prefix '{code}'" + _suggest(upper, known)
            )


def read_config_file(path: Path) -> Config:
    """Read and validate a config file (pyproject.toml uses its [tool.qalint] table)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("qalint", {})
    elif "tool" in data and "qalint" in data.get("tool", {}):
        data = data["tool"]["qalint"]
    return config_from_mapping(data, path.resolve())


def find_config_file(start: Path) -> Path | None:
    """Walk up from ``start`` to the first qalint.toml, or pyproject.toml with [tool.qalint]."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate_dir in (folder, *folder.parents):
        for name in CONFIG_FILES:
            candidate = candidate_dir / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml":
                return candidate
            try:
                raw = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            try:
                data = tomllib.loads(raw)
            except tomllib.TOMLDecodeError as exc:
                if "tool.qalint" in raw:
                    raise ConfigError(f"{candidate}: invalid TOML: {exc}") from None
                continue
            if "qalint" in data.get("tool", {}):
                return candidate
    return None


def load_config(explicit: Path | None, start: Path) -> Config:
    """The config from ``--config`` if given, else the nearest file above ``start``."""
    if explicit is not None:
        return read_config_file(explicit)
    found = find_config_file(start)
    return read_config_file(found) if found else Config()


def describe_sections() -> dict[str, dict[str, Option]]:
    """Every section and its options (for docs)."""
    _ensure_sections()
    return {"": TOP_LEVEL, **_SECTIONS}
