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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qalint.config import ConfigError
from qalint.diagnostics import Severity

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


@dataclass(frozen=True, slots=True)
class Entry:
    """One known misconception."""

    id: str
    pattern: re.Pattern[str]
    message: str
    reference: str | None
    severity: Severity | None
    unless: re.Pattern[str] | None
    unless_sentence: re.Pattern[str] | None
    target: str
    source: str

    def full_message(self) -> str:
        """The message with its reference, as shown to the user."""
        suffix = f" (see {self.reference})" if self.reference else ""
        return f"{self.message}{suffix} [{self.id}]"


def _compile(text: str, where: str, key: str) -> re.Pattern[str]:
    try:
        return re.compile(text.replace("{gap}", GAP), re.I)
    except re.error as exc:
        raise ConfigError(f"{where}: '{key}' is not a valid regular expression: {exc}") from None


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


def _entry(path: Path, index: int, item: object, seen: set[str]) -> Entry:
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
    pattern = _compile(item["pattern"], where, "pattern")
    if pattern.match("") is not None:
        raise ConfigError(f"{where}: 'pattern' matches the empty string, so it matches everywhere")
    return Entry(
        item["id"],
        pattern,
        item["message"].strip(),
        item.get("reference"),
        severity,
        _compile(item["unless"], where, "unless") if "unless" in item else None,
        _compile(item["unless-sentence"], where, "unless-sentence")
        if "unless-sentence" in item
        else None,
        target,
        str(path),
    )


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime_ns: int) -> tuple[Entry, ...]:
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
    return tuple(_entry(file, i, item, seen) for i, item in enumerate(entries, start=1))


def load_pack(path: Path) -> tuple[Entry, ...]:
    """The entries of one pack file (raises ConfigError when it is malformed)."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1
    return _load_cached(str(path), mtime)


def builtin_packs() -> list[Path]:
    """The packs shipped with qalint."""
    return sorted(BUILTIN_DIR.glob("*.toml")) + sorted(BUILTIN_DIR.glob("*.json"))


def load_packs(extra: list[str], root: Path | None, builtin: bool = True) -> list[Entry]:
    """Entries of the shipped packs (when ``builtin``) and of the configured extra packs."""
    paths = builtin_packs() if builtin else []
    base = root or Path.cwd()
    paths += [Path(p) if Path(p).is_absolute() else base / p for p in extra]
    entries: list[Entry] = []
    for path in paths:
        entries.extend(load_pack(path))
    return entries
