"""The online checker: one requests Session, bounded concurrency, a deadline over it all.

Each unique URL (fragment removed) is fetched once. HEAD first; GET when HEAD is refused
or fails, or when the page body is needed to look for fragments. Bodies are streamed and
read only as far as needed (never past ``links.max-body``). Redirects are followed by hand,
at most ``MAX_REDIRECTS``, with loop detection; headers configured for one host are sent
to that host only, so credentials never follow a redirect elsewhere. 429, 5xx and
connection errors are retried with exponential backoff, honouring Retry-After up to
``links.retry-after-max``. Every request's timeouts are clipped to the time left before the
overall deadline, so nothing can hang: a URL still unanswered then is "not checked".
Before every request (each redirect hop included) the address guard resolves the host and
refuses non-public addresses unless ``links.allow-private`` allows them; connections go to
the address it checked (see ``qalint.links.guard``).
"""

from __future__ import annotations

import codecs
import email.utils
import fnmatch
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from qalint import __version__
from qalint.links.anchors import HtmlAnchors
from qalint.links.guard import AddressGuard, Refused, pinned_adapter
from qalint.links.outcome import ErrorKind, Outcome
from qalint.links.settings import LinkSettings
from qalint.links.urls import host_of, is_web_url

if TYPE_CHECKING:
    import requests

MAX_REDIRECTS = 10
BODY_CHUNK = 65536
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
USER_AGENT = f"Mozilla/5.0 (compatible; qalint/{__version__}; link checker)"
DNS_HINTS = (
    "NameResolutionError",
    "Name or service not known",
    "nodename nor servname",
    "getaddrinfo failed",
    "Temporary failure in name resolution",
    "No address associated with hostname",
)


class _DeadlinePassed(Exception):
    """Raised before a request when the overall deadline has passed."""


@dataclass
class _Hop:
    """One answered (or failed) request for one URL, after HEAD/GET fallback."""

    status: int | None = None
    location: str | None = None
    response: Any = None
    error: ErrorKind | None = None
    detail: str = ""
    retry_after: float | None = None
    method: str = "HEAD"

    @property
    def retryable(self) -> bool:
        if self.error is not None:
            return self.error == ErrorKind.CONNECTION
        return self.status == 429 or (self.status is not None and 500 <= self.status < 600)

    def close(self) -> None:
        if self.response is not None:
            self.response.close()
            self.response = None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _is_dns_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        text = f"{type(current).__name__}: {current}"
        if any(hint in text for hint in DNS_HINTS):
            return True
        pending.extend([current.__cause__, current.__context__])
        pending.extend(a for a in current.args if isinstance(a, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            pending.append(reason)
    return False


class _Scheduler:
    """Hands out URLs to workers: at most ``per_host`` in flight per host, hosts in turn."""

    def __init__(self, urls: list[str], per_host: int) -> None:
        self.cond = threading.Condition()
        self.queues: dict[str, deque[str]] = {}
        for url in urls:
            self.queues.setdefault(host_of(url), deque()).append(url)
        self.order = deque(self.queues)
        self.active: dict[str, int] = dict.fromkeys(self.queues, 0)
        self.per_host = per_host
        self.stopped = False

    def take(self) -> str | None:
        """The next URL whose host has room, waiting if needed; None when all are handed out."""
        with self.cond:
            while not self.stopped and self.order:
                for _ in range(len(self.order)):
                    host = self.order[0]
                    self.order.rotate(-1)
                    if self.active[host] < self.per_host:
                        queue = self.queues[host]
                        url = queue.popleft()
                        self.active[host] += 1
                        if not queue:
                            self.order.remove(host)
                        return url
                self.cond.wait()
            return None

    def done(self, url: str) -> None:
        """Free the host slot of a finished URL."""
        with self.cond:
            self.active[host_of(url)] -= 1
            self.cond.notify_all()

    def stop(self) -> None:
        """Hand out nothing more."""
        with self.cond:
            self.stopped = True
            self.cond.notify_all()


class LinkChecker:
    """Checks many URLs concurrently with one Session; see the module docstring."""

    def __init__(
        self, settings: LinkSettings, on_result: Callable[[Outcome], None] | None = None
    ) -> None:
        self.settings = settings
        self.on_result = on_result
        self._deadline = 0.0
        self._stop = threading.Event()
        self.guard = AddressGuard(settings.allow_private)
        self.session = self._make_session()

    def _make_session(self) -> requests.Session:
        import requests

        session = requests.Session()
        adapter = pinned_adapter(
            self.guard,
            pool_connections=max(16, self.settings.concurrency),
            pool_maxsize=max(self.settings.per_host, self.settings.concurrency),
            max_retries=0,
        )
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = USER_AGENT
        session.headers["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"
        return session

    def close(self) -> None:
        """Close the Session's connections."""
        self.session.close()

    def _remaining(self) -> float:
        return self._deadline - time.monotonic()

    def check(self, targets: dict[str, set[str]]) -> dict[str, Outcome]:
        """Check each URL (no fragment) of ``targets``; the value is the fragments to find.

        Returns an Outcome for every URL; those not finished by the deadline get
        ``ErrorKind.DEADLINE``.
        """
        self._deadline = time.monotonic() + self.settings.deadline
        self._stop.clear()
        results: dict[str, Outcome] = {}
        if not targets:
            return results
        scheduler = _Scheduler(list(targets), self.settings.per_host)
        finished = threading.Condition()

        def work() -> None:
            while (url := scheduler.take()) is not None:
                try:
                    outcome = self.check_one(url, targets[url])
                except Exception as exc:  # a bug must not hang the run
                    outcome = Outcome(
                        url, error=ErrorKind.CONNECTION, detail=f"internal error: {exc}"
                    )
                finally:
                    scheduler.done(url)
                with finished:
                    if url not in results:
                        results[url] = outcome
                        if self.on_result is not None:
                            self.on_result(outcome)
                    finished.notify_all()

        for _ in range(min(self.settings.concurrency, len(targets))):
            threading.Thread(target=work, name="qalint-link", daemon=True).start()
        with finished:
            while len(results) < len(targets):
                left = self._remaining()
                if left <= 0:
                    break
                finished.wait(left)
            scheduler.stop()
            self._stop.set()
            for url in targets:
                if url not in results:
                    results[url] = Outcome(
                        url,
                        error=ErrorKind.DEADLINE,
                        detail=f"not checked within links.deadline ({self.settings.deadline:g} s)",
                        checked_at=time.time(),
                    )
            return dict(results)

    def check_one(self, url: str, fragments: set[str]) -> Outcome:
        """Follow ``url`` to its final answer and read anchors when fragments are wanted."""
        want_body = bool(fragments) and self.settings.check_fragments
        current = url
        seen = {url}
        hops: list[tuple[int, str]] = []
        moved_to: str | None = None
        permanent_so_far = True
        while True:
            hop = self._hop(current, want_body)
            outcome = Outcome(
                url,
                status=hop.status,
                final_url=current,
                hops=hops,
                moved_to=moved_to,
                checked_at=time.time(),
            )
            outcome.detail = hop.detail
            if hop.error is not None:
                outcome.error = hop.error.value
                return outcome
            assert hop.status is not None
            if hop.status in REDIRECT_STATUSES and hop.location:
                hop.close()
                target = urljoin(current, hop.location.strip())
                hops.append((hop.status, target))
                if permanent_so_far and hop.status in PERMANENT_REDIRECTS:
                    moved_to = target
                else:
                    permanent_so_far = False
                outcome.moved_to = moved_to
                if target in seen:
                    outcome.error = ErrorKind.REDIRECT_LOOP.value
                    outcome.detail = f"redirect loop: {current} -> {target}"
                    return outcome
                if len(hops) > MAX_REDIRECTS:
                    outcome.error = ErrorKind.TOO_MANY_REDIRECTS.value
                    outcome.detail = f"more than {MAX_REDIRECTS} redirects"
                    return outcome
                if not is_web_url(target):
                    outcome.error = ErrorKind.INVALID.value
                    outcome.detail = f"redirects to {target!r}, which is not an http(s) URL"
                    return outcome
                seen.add(target)
                current = target
                continue
            try:
                if want_body and 200 <= hop.status < 300:
                    self._read_anchors(hop.response, fragments, outcome)
            finally:
                hop.close()
            return outcome

    def _hop(self, url: str, want_body: bool) -> _Hop:
        """One request with HEAD->GET fallback and retries."""
        attempt = 0
        while True:
            hop = self._try(url, want_body)
            want_body = want_body or hop.method == "GET"  # HEAD was refused: retry with GET
            if not hop.retryable or attempt >= self.settings.retries:
                return hop
            delay = self.settings.backoff * (2**attempt)
            if hop.retry_after is not None:
                if hop.retry_after > self.settings.retry_after_max:
                    hop.detail = (
                        f"Retry-After {hop.retry_after:g} s is more than links.retry-after-max"
                    )
                    return hop
                delay = hop.retry_after
            if delay >= self._remaining():
                return hop
            hop.close()
            if self._stop.wait(delay):
                return hop
            attempt += 1

    def _headers_for(self, url: str) -> dict[str, str]:
        host = host_of(url)
        headers: dict[str, str] = {}
        for pattern, values in self.settings.headers.items():
            if fnmatch.fnmatch(host, pattern.lower()):
                for name, env in values.items():
                    value = os.environ.get(env)
                    if value:
                        headers[name] = value
        return headers

    def _send(self, method: str, url: str) -> requests.Response:
        remaining = self._remaining()
        if remaining <= 0:
            raise _DeadlinePassed
        self.guard.check(url)
        timeout = (
            min(self.settings.connect_timeout, remaining),
            min(self.settings.read_timeout, remaining),
        )
        return self.session.request(
            method,
            url,
            headers=self._headers_for(url),
            allow_redirects=False,
            stream=True,
            timeout=timeout,
        )

    def _try(self, url: str, want_body: bool) -> _Hop:
        from requests import exceptions as rex

        try:
            response = None
            if not want_body:
                response = self._send("HEAD", url)
                if response.status_code >= 400 and response.status_code != 429:
                    response.close()  # refused or broken HEAD: ask with GET
                    response = None
            if response is None:
                response = self._send("GET", url)
        except Refused as exc:
            return _Hop(error=ErrorKind.PRIVATE, detail=str(exc))
        except socket.gaierror:
            return _Hop(
                error=ErrorKind.DNS, detail=f"host {urlsplit(url).hostname!r} not found (DNS)"
            )
        except _DeadlinePassed:
            return _Hop(
                error=ErrorKind.DEADLINE,
                detail=f"not checked within links.deadline ({self.settings.deadline:g} s)",
            )
        except rex.SSLError as exc:
            return _Hop(error=ErrorKind.TLS, detail=f"TLS error: {_reason(exc)}")
        except rex.ConnectTimeout:
            return _Hop(
                error=ErrorKind.TIMEOUT,
                detail=f"no connection within {self.settings.connect_timeout:g} s",
            )
        except rex.ReadTimeout:
            return _Hop(
                error=ErrorKind.TIMEOUT, detail=f"no answer within {self.settings.read_timeout:g} s"
            )
        except rex.ConnectionError as exc:
            if _is_dns_failure(exc):
                return _Hop(
                    error=ErrorKind.DNS, detail=f"host {urlsplit(url).hostname!r} not found (DNS)"
                )
            return _Hop(error=ErrorKind.CONNECTION, detail=f"connection failed: {_reason(exc)}")
        except (rex.RequestException, ValueError, UnicodeError) as exc:
            return _Hop(error=ErrorKind.INVALID, detail=f"invalid URL: {_short(exc)}")
        retry_after = None
        if response.status_code in (429, 503):
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return _Hop(
            status=response.status_code,
            location=response.headers.get("Location"),
            response=response,
            retry_after=retry_after,
            method=response.request.method or "GET",
        )

    def _read_anchors(
        self, response: requests.Response, fragments: set[str], outcome: Outcome
    ) -> None:
        """Stream an HTML body into an anchor collector until every fragment is found."""
        from requests import exceptions as rex
        from urllib3.exceptions import HTTPError

        content_type = response.headers.get("Content-Type", "").lower()
        if "html" not in content_type:
            outcome.anchors, outcome.anchors_complete = [], True  # nothing to look in
            return
        outcome.html = True
        encoding = response.encoding if "charset" in content_type else "utf-8"
        try:
            decoder = codecs.getincrementaldecoder(encoding or "utf-8")(errors="replace")
        except LookupError:
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        parser = HtmlAnchors()
        total = 0
        complete = False
        # A page that trickles in forever never trips the read timeout (each read gets a
        # few bytes in time), so the whole body also gets read-timeout seconds at most.
        budget_end = time.monotonic() + self.settings.read_timeout
        try:
            while min(budget_end - time.monotonic(), self._remaining()) > 0:
                chunk = response.raw.read1(BODY_CHUNK, decode_content=True)
                if not chunk:
                    complete = True
                    break
                total += len(chunk)
                parser.feed(decoder.decode(chunk))
                if all(anchor_found(f, parser.ids) for f in fragments):
                    break
                if total >= self.settings.max_body:
                    break
        except (rex.RequestException, HTTPError, OSError, ValueError):
            pass  # a broken body proves nothing either way
        outcome.anchors = sorted(parser.ids)
        outcome.anchors_complete = complete


def anchor_found(fragment: str, ids: set[str] | list[str]) -> bool:
    """True when a page with these ids has an element for ``#fragment``.

    ``top`` and an empty fragment always work (HTML spec); GitHub prefixes rendered ids
    with ``user-content-``; text fragments (``:~:text=``) and routes (``#/x``, ``#!x``)
    are not element ids and always pass.
    """
    if not fragment or fragment.lower() == "top" or fragment.startswith((":~:", "/", "!")):
        return True
    return fragment in ids or f"user-content-{fragment.lower()}" in ids


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps (``reason``, ``__cause__``, ``__context__``), outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        reason = getattr(current, "reason", None)
        inner = current.args[0] if current.args else None
        if isinstance(reason, BaseException):
            current = reason
        elif isinstance(inner, BaseException):
            current = inner
        else:
            current = current.__cause__ or current.__context__
    return chain


def _reason(exc: BaseException) -> str:
    """The root cause of a requests error in words (``[Errno 111] Connection refused``)."""
    for cause in reversed(_causes(exc)):
        if isinstance(cause, OSError) and cause.strerror:
            errno = f"[Errno {cause.errno}] " if cause.errno else ""
            return _short(errno + cause.strerror)
    return _short(exc)


def _short(exc: BaseException | str) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:157] + "..."
