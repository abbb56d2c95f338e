"""Knowledge packs: known misconceptions as data (TOML or JSON), matched against sentences.

A pack is a file with an optional ``[pack]`` table (name, description) and a list of
``[[entries]]``, each with:

- ``id`` (required): a stable name, shown in messages;
- ``pattern`` (required): a case-insensitive regular expression matched against each sentence
  of answer prose (or, with ``target = "math"``, against each formula with spaces and
  ``\\text{}`` wrappers removed). ``{gap}`` stands for a few words inside one clause that are
  not a negation, a contrast or a coordination ("not", "unlike", "whereas", "and"...);
- ``message`` (required): what is wrong and what is right;
- ``reference`` (optional): a URL or citation, appended to the message;
- ``severity`` (optional): ``error``, ``warning`` or ``info`` (default: the F008 default);
- ``unless`` (optional): a regular expression; a match containing it is not reported;
- ``unless-sentence`` (optional): the same, searched in the whole sentence (or formula).

A malformed pack raises ``ConfigError`` naming the file and the entry.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qalint.config import ConfigError
from qalint.diagnostics import Severity
from qalint.facts.triggers import Triggers, may_match, parse_pattern, rarest_first, triggers

BUILTIN_DIR = Path(__file__).parent / "packs"
GAP = (
    r"(?:(?!\b(?:not|never|no|nor|whereas|while|but|unlike|although|however|instead|rather|"
    r"than|vs|versus|without|except|contrary)\b|n't\b|\band\b(?!\s+(?:the\s+)?(?:variances?|"
    r"standard\s+deviations?|std|scale|shift)\b))[^.;:!?(),])*?"
)
ENTRY_KEYS = {
    "id",
    "pattern",
    "message",
    "reference",
    "severity",
    "unless",
    "unless-sentence",
    "target",
}
TARGETS = ("prose", "math")


class LazyPattern:
    """A case-insensitive regular expression compiled on its first use.

    The shipped packs' patterns are checked by the test suite, so they are compiled only when
    a page passes their prefilter: most runs never pay for most of them.
    """

    __slots__ = ("_compiled", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern."""
        if self._compiled is None:
            self._compiled = re.compile(self.source, re.I)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        """As ``re.Pattern.search``."""
        return self.compiled.search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """As ``re.Pattern.finditer``."""
        return self.compiled.finditer(text)


Pattern = re.Pattern[str] | LazyPattern


@dataclass(frozen=True, slots=True)
class Entry:
    """One known misconception."""

    id: str
    pattern: Pattern
    message: str
    reference: str | None
    severity: Severity | None
    unless: Pattern | None
    unless_sentence: Pattern | None
    target: str
    source: str
    triggers: Triggers | None = None  # literals every match contains (see facts.triggers)

    def may_match(self, folded_text: str) -> bool:
        """False when the casefolded text cannot match the pattern (a cheap prefilter)."""
        return may_match(self.triggers, folded_text)

    def full_message(self) -> str:
        """The message with its reference, as shown to the user."""
        suffix = f" (see {self.reference})" if self.reference else ""
        return f"{self.message}{suffix} [{self.id}]"


def _compile(text: str, where: str, key: str, lazy: bool = False) -> Pattern:
    """The entry's pattern; a lazy one is only parsed now, which finds syntax errors cheaply."""
    source = text.replace("{gap}", GAP)
    try:
        if not lazy:
            return re.compile(source, re.I)
        parsed = parse_pattern(text.replace("{gap}", ".*?"), re.I)
    except re.error as exc:
        raise ConfigError(f"{where}: '{key}' is not a valid regular expression: {exc}") from None
    return LazyPattern(source) if parsed is not None else re.compile(source, re.I)


def _read(path: Path) -> dict:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: knowledge pack not found (facts.packs)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read knowledge pack: {exc}") from None
    try:
        data = json.loads(raw) if path.suffix.lower() == ".json" else tomllib.loads(raw)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"{path}: knowledge pack is not valid "
            f"{'JSON' if path.suffix.lower() == '.json' else 'TOML'}: {exc}"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a knowledge pack must be a table with an 'entries' list")
    return data


def _entry(path: Path, index: int, item: object, seen: set[str], lazy: bool) -> Entry:
    where = f"{path}: entry {index}"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: expected a table with id, pattern and message")
    if isinstance(item.get("id"), str):
        where += f" (id '{item['id']}')"
    unknown = sorted(set(item) - ENTRY_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key '{unknown[0]}' (allowed: {', '.join(sorted(ENTRY_KEYS))})"
        )
    for key in ("id", "pattern", "message"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ConfigError(f"{where}: '{key}' is required and must be a non-empty string")
    for key in ("reference", "unless", "unless-sentence", "severity", "target"):
        if key in item and not isinstance(item[key], str):
            raise ConfigError(f"{where}: '{key}' must be a string")
    if item["id"] in seen:
        raise ConfigError(f"{where}: id '{item['id']}' is used twice in this pack")
    seen.add(item["id"])
    severity = None
    if "severity" in item:
        try:
            severity = Severity(item["severity"])
        except ValueError:
            raise ConfigError(
                f"{where}: 'severity' must be error, warning or info, got {item['severity']!r}"
            ) from None
    target = item.get("target", "prose")
    if target not in TARGETS:
        raise ConfigError(f"{where}: 'target' must be prose or math, got {target!r}")
    pattern = _compile(item["pattern"], where, "pattern", lazy)
    if not lazy and pattern.search("") is not None:
        raise ConfigError(f"{where}: 'pattern' matches the empty string, so it matches everywhere")
    return Entry(
        item["id"],
        pattern,
        item["message"].strip(),
        item.get("reference"),
        severity,
        _compile(item["unless"], where, "unless", lazy) if "unless" in item else None,
        _compile(item["unless-sentence"], where, "unless-sentence", lazy)
        if "unless-sentence" in item
        else None,
        target,
        str(path),
        # {gap} requires nothing, but must still separate the literals on either side.
        rarest_first(triggers(item["pattern"].replace("{gap}", ".*?"), re.I)),
    )


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime_ns: int, lazy: bool) -> tuple[Entry, ...]:
    del mtime_ns  # part of the cache key: an edited pack is read again
    file = Path(path)
    data = _read(file)
    unknown = sorted(set(data) - {"pack", "entries"})
    if unknown:
        raise ConfigError(
            f"{file}: unknown top-level key '{unknown[0]}' (expected [pack] and [[entries]])"
        )
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise ConfigError(f"{file}: a knowledge pack needs an 'entries' list ([[entries]])")
    seen: set[str] = set()
    return tuple(_entry(file, i, item, seen, lazy) for i, item in enumerate(entries, start=1))


def load_pack(path: Path, lazy: bool = False) -> tuple[Entry, ...]:
    """The entries of one pack file (raises ConfigError when it is malformed).

    With ``lazy`` (the shipped packs) patterns are compiled on first use; a user's pack is
    compiled at once, so every error in it is reported before any file is checked.
    """
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1
    return _load_cached(str(path), mtime, lazy)


@lru_cache(maxsize=1)
def builtin_packs() -> tuple[Path, ...]:
    """The packs shipped with qalint."""
    return (*sorted(BUILTIN_DIR.glob("*.toml")), *sorted(BUILTIN_DIR.glob("*.json")))


def load_packs(extra: list[str], root: Path | None, builtin: bool = True) -> list[Entry]:
    """Entries of the shipped packs (when ``builtin``) and of the configured extra packs."""
    base = root or Path.cwd()
    entries: list[Entry] = []
    for path in builtin_packs() if builtin else []:
        entries.extend(load_pack(path, lazy=True))
    for path in (Path(p) if Path(p).is_absolute() else base / p for p in extra):
        entries.extend(load_pack(path))
    return entries
