"""The ``[tool.qalint.links]`` config section and the typed settings the checker reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from qalint.config import Option

ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _regexes(value: list[str]) -> str | None:
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"invalid regular expression {pattern!r}: {exc}"
    return None


def _statuses(value: list[int]) -> str | None:
    bad = [v for v in value if not 100 <= v <= 599]
    return f"HTTP status codes are 100..599, got {bad}" if bad else None


def _headers(value: dict[str, Any]) -> str | None:
    for pattern, headers in value.items():
        if not isinstance(headers, dict):
            return f"{pattern}: expected a table of header = ENV_VAR_NAME"
        for name, env in headers.items():
            if not isinstance(env, str) or not ENV_NAME_RE.match(env):
                # The value is not echoed: it may well be the secret itself.
                return (
                    f"{pattern}.{name}: the value must name an environment variable "
                    f"(e.g. GITHUB_TOKEN_HEADER), never the secret itself"
                )
    return None


def _positive(value: float) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _at_least_zero(value: float) -> str | None:
    return None if value >= 0 else "must not be negative"


def _allow_private(value: Any) -> str | None:
    from qalint.links.guard import validate_allow

    return validate_allow(value)


OPTIONS: dict[str, Option] = {
    "check-urls": Option(
        "bool", False, "Check external URLs over the network (same as --check-urls)."
    ),
    "exclude": Option(
        "list[str]",
        [],
        "Regular expressions; matching URLs are never fetched.",
        validate=_regexes,
    ),
    "accept": Option(
        "list[int]",
        [],
        "Extra HTTP status codes that count as a working link (2xx always do).",
        validate=_statuses,
    ),
    "connect-timeout": Option(
        "float", 5.0, "Seconds to wait for a connection.", validate=_positive
    ),
    "read-timeout": Option(
        "float", 10.0, "Seconds to wait for the server to answer.", validate=_positive
    ),
    "concurrency": Option(
        "int",
        16,
        "URLs checked at the same time.",
        validate=lambda v: None if v >= 1 else "must be at least 1",
    ),
    "per-host": Option(
        "int",
        4,
        "Requests in flight to one host at a time.",
        validate=lambda v: None if v >= 1 else "must be at least 1",
    ),
    "retries": Option(
        "int",
        2,
        "Retries after 429, 5xx and connection errors.",
        validate=lambda v: None if v >= 0 else "must not be negative",
    ),
    "backoff": Option(
        "float",
        0.5,
        "First retry delay in seconds; doubles on each retry.",
        validate=_at_least_zero,
    ),
    "retry-after-max": Option(
        "float",
        30.0,
        "Longest Retry-After (seconds) honoured; a longer one ends the retries.",
        validate=_at_least_zero,
    ),
    "deadline": Option(
        "float", 300.0, "Seconds the whole online check may take.", validate=_positive
    ),
    "headers": Option(
        "dict",
        {},
        'Host glob -> {Header = "ENV_VAR"}: request headers whose values come from the '
        "environment (secrets never live in config).",
        validate=_headers,
    ),
    "cache-ttl": Option(
        "float",
        86400.0,
        "Seconds a working link's verdict is reused (failures are always re-checked).",
        validate=_at_least_zero,
    ),
    "check-fragments": Option(
        "bool", False, "Fetch HTML pages and report a #fragment that names no element there."
    ),
    "max-body": Option(
        "int",
        2_000_000,
        "Most bytes of a page read to look for a fragment.",
        validate=lambda v: None if v > 0 else "must be greater than 0",
    ),
    "magiclink": Option(
        "enum",
        "auto",
        "Whether bare URLs render as links (pymdownx.magiclink): auto reads mkdocs.yml.",
        choices=("auto", "on", "off"),
    ),
    "https-hosts": Option(
        "list[str]", [], "More hosts known to serve https (http:// links to them get L012)."
    ),
    "allow-private": Option(
        "bool|list[str]",
        False,
        "Fetch URLs that resolve to loopback, private, link-local or multicast addresses: "
        "true for all, or a list of hosts and networks (intranet.example, 10.0.0.0/8, "
        "127.0.0.1:8000). Off: such URLs are skipped (safe on untrusted pull requests).",
        validate=_allow_private,
    ),
}


@dataclass(frozen=True)
class LinkSettings:
    """Typed view of the ``links`` section."""

    check_urls: bool = False
    exclude: tuple[re.Pattern[str], ...] = ()
    accept: frozenset[int] = frozenset()
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    concurrency: int = 16
    per_host: int = 4
    retries: int = 2
    backoff: float = 0.5
    retry_after_max: float = 30.0
    deadline: float = 300.0
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    cache_ttl: float = 86400.0
    check_fragments: bool = False
    max_body: int = 2_000_000
    magiclink: str = "auto"
    https_hosts: frozenset[str] = frozenset()
    allow_private: bool | tuple[str, ...] = False

    @classmethod
    def from_section(cls, values: dict[str, Any]) -> LinkSettings:
        """Build settings from ``config.section("links")``."""
        return cls(
            check_urls=values["check-urls"],
            exclude=tuple(re.compile(p) for p in values["exclude"]),
            accept=frozenset(values["accept"]),
            connect_timeout=values["connect-timeout"],
            read_timeout=values["read-timeout"],
            concurrency=values["concurrency"],
            per_host=values["per-host"],
            retries=values["retries"],
            backoff=values["backoff"],
            retry_after_max=values["retry-after-max"],
            deadline=values["deadline"],
            headers=dict(values["headers"]),
            cache_ttl=values["cache-ttl"],
            check_fragments=values["check-fragments"],
            max_body=values["max-body"],
            magiclink=values["magiclink"],
            https_hosts=frozenset(h.lower() for h in values["https-hosts"]),
            allow_private=(
                values["allow-private"]
                if isinstance(values["allow-private"], bool)
                else tuple(values["allow-private"])
            ),
        )

    def excluded(self, url: str) -> bool:
        """True when a ``links.exclude`` pattern matches the URL."""
        return any(p.search(url) for p in self.exclude)
