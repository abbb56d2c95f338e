"""Keep the link checker off the runner's own network (loopback, private, link-local...).

A link in an untrusted pull request must not make the CI runner probe ``127.0.0.1``, the
cloud metadata service at ``169.254.169.254`` or the intranet. Before every request (every
redirect hop included) ``AddressGuard.check`` resolves the host, refuses the URL when any
address is not public, and pins the checked address: the HTTP connection then connects to
exactly that address (``PinnedAdapter``), so a second DNS answer (DNS rebinding) cannot
send it elsewhere. ``links.allow-private`` lifts the rule for all hosts (``true``) or for some:
a host name (``intranet.example``), an address or network (``10.0.0.0/8``, ``::1``), each
optionally with a port (``localhost:8080``, ``127.0.0.1:8000``, ``[::1]:8000``).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from requests.adapters import HTTPAdapter

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_PORT_RE = re.compile(r"^(?:\[(?P<v6>[^\]]+)\]|(?P<host>[^:]+)):(?P<port>\d{1,5})$")


@dataclass(frozen=True)
class AllowEntry:
    """One ``links.allow-private`` entry: a host name or a network, and maybe a port."""

    host: str | None = None
    network: Network | None = None
    port: int | None = None

    def matches(self, host: str, port: int, address: Address) -> bool:
        """True when a connection to ``address`` for ``host:port`` is allowed by this entry."""
        if self.port is not None and self.port != port:
            return False
        if self.host is not None:
            return self.host == host
        assert self.network is not None
        return address.version == self.network.version and address in self.network


def parse_entry(text: str) -> AllowEntry:
    """Parse one entry (raises ValueError with a message for a bad one)."""
    value = text.strip().lower()
    port: int | None = None
    match = _PORT_RE.match(value)
    if match and (match["v6"] or ":" not in (match["host"] or "")):
        value = match["v6"] or match["host"]
        port = int(match["port"])
        if not 0 < port < 65536:
            raise ValueError(f"{text!r}: port {port} is not 1..65535")
    try:
        return AllowEntry(network=ipaddress.ip_network(value, strict=False), port=port)
    except ValueError:
        pass
    if not value or "/" in value or not re.fullmatch(r"[a-z0-9_.-]+", value):
        raise ValueError(
            f"{text!r} is neither a host name nor an address or network "
            "(e.g. intranet.example, 10.0.0.0/8, 127.0.0.1:8000, [::1]:8000)"
        )
    return AllowEntry(host=value.rstrip("."), port=port)


def validate_allow(value: Any) -> str | None:
    """Config validation of ``links.allow-private``: true/false or a list of entries."""
    if isinstance(value, bool):
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return f"expected true, false or a list of hosts and networks, got {value!r}"
    for entry in value:
        try:
            parse_entry(entry)
        except ValueError as exc:
            return str(exc)
    return None


def non_public(address: Address) -> str | None:
    """What kind of non-public address this is (``loopback``...), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for kind, test in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
    ):
        if test:
            return kind
    return None if address.is_global else "reserved"


def host_key(host: str) -> str:
    """A host as the HTTP connection will name it: lower case, no brackets or trailing dot,
    and an internationalised name in its ASCII (punycode) form, encoded as requests does."""
    host = host.strip("[]").rstrip(".").lower()
    if host.isascii():
        return host
    try:
        import idna

        return idna.encode(host, uts46=True).decode("ascii")
    except (ImportError, UnicodeError, ValueError):
        try:
            return host.encode("idna").decode("ascii")
        except UnicodeError:
            return host


class Refused(Exception):
    """The URL resolves to an address the guard will not connect to; the message says why."""


class AddressGuard:
    """Resolves, checks and pins the address of every host the checker connects to."""

    def __init__(self, allow: bool | list[str] | tuple[str, ...] = False) -> None:
        self.allow_all = allow is True
        self.entries = () if isinstance(allow, bool) else tuple(parse_entry(e) for e in allow)
        self._pins: dict[tuple[str, int], str] = {}
        self._lock = threading.Lock()

    def check(self, url: str) -> None:
        """Resolve the URL's host, check every address, and pin one for the connection.

        Raises ``Refused`` for a non-public address that is not allowed, and
        ``socket.gaierror`` when the name does not resolve.
        """
        parts = urlsplit(url)
        host = host_key(parts.hostname or "")
        if not host:
            raise ValueError(f"no host in {url!r}")
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = [info[4][0] for info in infos]
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, f"no address for {host}")
        for text in addresses:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            kind = non_public(address)
            if kind is None or self.allow_all:
                continue
            if any(entry.matches(host, port, address) for entry in self.entries):
                continue
            named = f"{host} is" if host == str(address) else f"{host} resolves to {address},"
            raise Refused(f"{named} a {kind} address")
        with self._lock:
            self._pins[(host, port)] = addresses[0]

    def pinned(self, host: str, port: int) -> str | None:
        """The checked address to connect to for ``host:port`` (None: never checked)."""
        with self._lock:
            return self._pins.get((host_key(host), port))


def pinned_adapter(guard: AddressGuard, **kwargs: Any) -> HTTPAdapter:
    """A requests adapter whose direct connections go only to addresses ``guard`` pinned.

    A connection to a host the guard never checked fails instead of resolving the name
    itself. (Through a proxy, the proxy connects by name: the guard still refuses URLs whose
    names resolve, here, to non-public addresses.)
    """
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.exceptions import NewConnectionError

    class Pinned:
        """Mix-in: connect to the pinned address, keep the host name for TLS and Host."""

        host: str
        port: int
        _dns_host: str

        def _new_conn(self) -> socket.socket:
            address = guard.pinned(self.host, self.port)
            if address is None:
                raise NewConnectionError(
                    self,  # type: ignore[arg-type]
                    f"{self.host}:{self.port} was not checked by the address guard",
                )
            name = self._dns_host
            self._dns_host = address
            try:
                return super()._new_conn()  # type: ignore[misc]
            finally:
                self._dns_host = name

    class PinnedHTTP(Pinned, HTTPConnection):
        pass

    class PinnedHTTPS(Pinned, HTTPSConnection):
        pass

    class PinnedHTTPPool(HTTPConnectionPool):
        ConnectionCls = PinnedHTTP

    class PinnedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = PinnedHTTPS

    class PinnedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kw: Any) -> None:
            super().init_poolmanager(*args, **kw)
            self.poolmanager.pool_classes_by_scheme = {
                "http": PinnedHTTPPool,
                "https": PinnedHTTPSPool,
            }

    return PinnedAdapter(**kwargs)
