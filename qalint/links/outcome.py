"""What checking one URL found, and the verdict it means under the current settings."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class ErrorKind(StrEnum):
    """Why no final HTTP status was obtained."""

    TIMEOUT = "timeout"
    DNS = "dns"
    TLS = "tls"
    CONNECTION = "connection"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    INVALID = "invalid"
    DEADLINE = "deadline"
    PRIVATE = "private-address"  # refused by the address guard: never fetched


class Verdict(StrEnum):
    """How a URL is reported."""

    OK = "ok"
    NOT_FOUND = "not-found"  # 404, 410: error
    BLOCKED = "blocked"  # 401, 403, 429 that persist: warning
    FAILED = "failed"  # 5xx after retries, other statuses, network errors: warning
    NOT_CHECKED = "not-checked"  # the overall deadline ran out first
    SKIPPED = "skipped"  # resolves to a non-public address: not fetched (links.allow-private)


@dataclass
class Outcome:
    """The facts about one fetched URL (no fragment), as stored in the cache."""

    url: str
    status: int | None = None
    error: str | None = None
    detail: str = ""
    final_url: str = ""
    hops: list[tuple[int, str]] = field(default_factory=list)
    moved_to: str | None = None
    anchors: list[str] | None = None
    anchors_complete: bool = False
    html: bool = False
    checked_at: float = 0.0
    from_cache: bool = False

    def verdict(self, accept: frozenset[int] = frozenset()) -> Verdict:
        """Classify: accepted and 2xx/3xx statuses are OK; see ``Verdict`` for the rest."""
        if self.error == ErrorKind.DEADLINE:
            return Verdict.NOT_CHECKED
        if self.error == ErrorKind.PRIVATE:
            return Verdict.SKIPPED
        if self.error is not None or self.status is None:
            return Verdict.FAILED
        if self.status in accept or 200 <= self.status < 400:
            return Verdict.OK
        if self.status in (404, 410):
            return Verdict.NOT_FOUND
        if self.status in (401, 403, 429):
            return Verdict.BLOCKED
        return Verdict.FAILED

    def to_json(self) -> str:
        """Serialise for the cache."""
        data = asdict(self)
        data.pop("from_cache")
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Outcome:
        """Read back what ``to_json`` wrote (raises ValueError/TypeError/KeyError if damaged)."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        data["hops"] = [(int(s), str(u)) for s, u in data.get("hops", [])]
        return cls(**data, from_cache=True)
