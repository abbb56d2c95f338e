"""Online link checks (L1xx) against a real HTTP server on 127.0.0.1 started by the test."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from qalint.config import config_from_mapping
from qalint.diagnostics import Applicability, Diagnostic
from qalint.engine import RunOptions, run

FAST = {
    "connect-timeout": 1.0,
    "read-timeout": 0.5,
    "retries": 2,
    "backoff": 0.05,
    "retry-after-max": 2.0,
    "deadline": 20.0,
    "allow-private": True,  # the test servers listen on 127.0.0.1
}


class Site:
    """A threaded local server with the routes the tests link to, counting requests."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.hits: Counter[str] = Counter()
        self.methods: dict[str, list[str]] = {}
        self.auth_seen: dict[str, str | None] = {}
        self.times: dict[str, list[float]] = {}
        self.in_flight: Counter[str] = Counter()
        self.most_in_flight: Counter[str] = Counter()
        self.lock = threading.Lock()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.server.port}{path}"

    def record(self, request: Request) -> int:
        with self.lock:
            self.hits[request.path] += 1
            self.methods.setdefault(request.path, []).append(request.method)
            self.times.setdefault(request.path, []).append(time.monotonic())
            return self.hits[request.path]

    def enter(self, path: str) -> None:
        with self.lock:
            self.in_flight[path] += 1
            self.most_in_flight[path] = max(self.most_in_flight[path], self.in_flight[path])

    def leave(self, path: str) -> None:
        with self.lock:
            self.in_flight[path] -= 1

    def route(self, path: str, handler) -> None:
        def wrapped(request: Request) -> Response:
            count = self.record(request)
            return handler(request, count)

        self.server.expect_request(path).respond_with_handler(wrapped)


def _html(body: str) -> Response:
    return Response(f"<html><body>{body}</body></html>", content_type="text/html; charset=utf-8")


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    s = Site(server)
    redirect = lambda code, to: lambda r, n: Response("", status=code, headers={"Location": to})  # noqa: E731
    status = lambda code: lambda r, n: Response("x", status=code)  # noqa: E731
    s.route("/ok", lambda r, n: _html("<h1 id='top-heading'>ok</h1>"))
    s.route("/moved", redirect(301, "/ok"))
    s.route("/temp", redirect(302, "/missing"))
    s.route("/missing", status(404))
    s.route("/gone", status(410))
    s.route("/error", status(500))
    s.route("/forbidden", status(403))
    s.route("/limited", status(429))
    s.route(
        "/busy",
        lambda r, n: (
            Response("", status=429, headers={"Retry-After": "1"}) if n == 1 else _html("ok")
        ),
    )
    s.route("/nohead", lambda r, n: Response("", status=405) if r.method == "HEAD" else _html("ok"))
    s.route("/slow", lambda r, n: (time.sleep(1.5), _html("late"))[1])
    s.route("/stall", lambda r, n: (time.sleep(8), _html("very late"))[1])
    s.route("/loop-a", redirect(302, "/loop-b"))
    s.route("/loop-b", redirect(302, "/loop-a"))
    s.route("/page", lambda r, n: _html("<h2 id='present'>x</h2><a name='named'></a>"))
    s.route("/to-other-host", redirect(302, s.url("/echo", host="localhost")))
    s.route(
        "/echo",
        lambda r, n: (s.auth_seen.update({"/echo": r.headers.get("Authorization")}), _html("echo"))[
            1
        ],
    )
    s.route(
        "/secure",
        lambda r, n: (
            s.auth_seen.update({"/secure": r.headers.get("Authorization")}),
            _html("secure"),
        )[1],
    )

    def huge(request: Request, count: int) -> Response:
        def body() -> Iterator[bytes]:
            yield b"<html><body>"
            for _ in range(20_000):
                yield b"<p>" + b"x" * 1000 + b"</p>"

        return Response(body(), content_type="text/html")

    s.route("/huge", huge)

    def trickle(request: Request, count: int) -> Response:
        def body() -> Iterator[bytes]:
            yield b"<html><body>"
            for _ in range(600):  # a minute of a few bytes every 0.1 s
                time.sleep(0.1)
                yield b"<p>x</p>"

        return Response(body(), content_type="text/html")

    s.route("/trickle", trickle)
    s.route(
        "/limited-long",
        lambda r, n: Response("", status=429, headers={"Retry-After": "3600"}),
    )
    s.route("/wiki/Dropout_(neural_networks)", lambda r, n: _html("dropout"))
    s.route("/teapot", status(418))

    def held(request: Request, count: int) -> Response:
        s.enter("/held")
        time.sleep(0.25)
        s.leave("/held")
        return _html("held")

    s.route("/held", held)

    def endless(request: Request) -> Response:
        step = int(request.path.rsplit("/", 1)[1])
        return Response("", status=302, headers={"Location": f"/endless/{step + 1}"})

    server.expect_request(re.compile(r"^/endless/\d+$")).respond_with_handler(endless)
    yield s
    server.clear()
    server.stop()


def _lint(
    tmp_path: Path,
    text: str,
    links: dict | None = None,
    use_cache: bool = False,
    name: str = "q.md",
) -> list[Diagnostic]:
    page = tmp_path / name
    page.write_text(text, encoding="utf-8")
    config = config_from_mapping(
        {"cache-dir": str(tmp_path / "cache"), "links": {**FAST, **(links or {})}}
    )
    result = run([str(page)], config, RunOptions(check_urls=True, use_cache=use_cache))
    return [d for d in result.diagnostics if d.code.startswith("L1")]


def _by_line(diagnostics: list[Diagnostic]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for d in diagnostics:
        found.setdefault(d.line, []).append(d.code)
    return found


def test_each_status_gets_its_verdict(site: Site, tmp_path: Path) -> None:
    paths = [
        "/ok",
        "/moved",
        "/temp",
        "/missing",
        "/gone",
        "/error",
        "/forbidden",
        "/limited",
        "/busy",
        "/nohead",
        "/slow",
        "/loop-a",
        "/endless/0",
    ]
    text = "\n\n".join(f"Link {i}: [p]({site.url(p)})." for i, p in enumerate(paths)) + "\n"
    found = _by_line(_lint(tmp_path, text))
    line = {p: 1 + 2 * i for i, p in enumerate(paths)}
    assert line["/ok"] not in found
    assert found[line["/moved"]] == ["L104"]
    assert found[line["/temp"]] == ["L101"]  # 302 -> 404 is dead
    assert found[line["/missing"]] == ["L101"]
    assert found[line["/gone"]] == ["L101"]
    assert found[line["/error"]] == ["L103"]
    assert found[line["/forbidden"]] == ["L102"]
    assert found[line["/limited"]] == ["L102"]
    assert line["/busy"] not in found  # 429 + Retry-After, then 200
    assert line["/nohead"] not in found  # HEAD 405, GET 200
    assert found[line["/slow"]] == ["L103"]
    assert found[line["/loop-a"]] == ["L103"]
    assert found[line["/endless/0"]] == ["L103"]  # a chain that never ends is cut at 10
    assert site.methods["/nohead"][:2] == ["HEAD", "GET"]
    assert site.methods["/error"] == ["HEAD", "GET", "GET", "GET"]  # 2 retries, with GET


def test_messages_say_what_and_what_to_do(site: Site, tmp_path: Path) -> None:
    text = (
        f"[a]({site.url('/temp')})\n\n[b]({site.url('/slow')})\n\n[c]({site.url('/loop-a')})\n"
        f"\n[d]({site.url('/forbidden')})\n\n[e]({site.url('/endless/0')})\n"
    )
    messages = {d.line: d.message for d in _lint(tmp_path, text)}
    assert "404 Not Found" in messages[1] and "/missing" in messages[1]
    assert "no answer within 0.5 s" in messages[3]
    assert "redirect loop" in messages[5]
    assert "more than 10 redirects" in messages[9]
    assert "blocked, not proven dead" in messages[7] and "links.accept" in messages[7]


def test_permanent_redirect_carries_unsafe_fix_to_final_url(site: Site, tmp_path: Path) -> None:
    url = site.url("/moved") + "#top-heading"
    text = f"See [it]({url}) and again <{url}>.\n"
    found = _lint(tmp_path, text)
    assert [(d.code, d.line, d.column) for d in found] == [
        ("L104", 1, 10),
        ("L104", 1, 10 + len(url) + 13),
    ]
    for d in found:
        assert d.fix is not None and d.fix.applicability is Applicability.UNSAFE
        (edit,) = d.fix.edits
        assert text[edit.start : edit.end] == url
        assert edit.replacement == site.url("/ok") + "#top-heading"


def test_every_occurrence_in_every_file_is_reported_once_checked(
    site: Site, tmp_path: Path
) -> None:
    (tmp_path / "b.md").write_text(f"Also [x]({site.url('/gone')}).\n", encoding="utf-8")
    before = site.hits["/gone"]
    text = f"[a]({site.url('/gone')})\n\n[ref]: {site.url('/gone')}\n\nUse [it][ref].\n"
    page = tmp_path / "a.md"
    page.write_text(text, encoding="utf-8")
    config = config_from_mapping({"cache-dir": str(tmp_path / "c"), "links": FAST})
    result = run([str(tmp_path)], config, RunOptions(check_urls=True, use_cache=False))
    found = sorted(
        (Path(d.path).name, d.line, d.code) for d in result.diagnostics if d.code.startswith("L1")
    )
    assert found == [("a.md", 1, "L101"), ("a.md", 3, "L101"), ("b.md", 1, "L101")]
    assert site.hits["/gone"] - before <= 2  # one URL, checked once (HEAD, then GET)


def test_accept_and_exclude(site: Site, tmp_path: Path) -> None:
    text = f"[a]({site.url('/forbidden')})\n\n[b]({site.url('/missing')})\n"
    assert _lint(tmp_path, text, {"accept": [403], "exclude": ["/missing$"]}) == []


def test_fragments_checked_in_html_when_asked(site: Site, tmp_path: Path) -> None:
    text = (
        f"[a]({site.url('/page')}#present)\n\n[b]({site.url('/page')}#absent)\n\n"
        f"[c]({site.url('/page')}#named)\n\n[d]({site.url('/huge')}#nowhere)\n"
    )
    assert _lint(tmp_path, text) == []  # off by default
    started = time.monotonic()
    found = _lint(tmp_path, text, {"check-fragments": True, "max-body": 100_000})
    assert [(d.code, d.line) for d in found] == [("L106", 3)]
    assert "'absent'" in found[0].message
    assert time.monotonic() - started < 5  # the 20 MB page is read only up to max-body


def test_credentials_never_follow_a_redirect_to_another_host(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QALINT_TEST_AUTH", "Bearer s3cret")
    headers = {"headers": {"127.0.0.1": {"Authorization": "QALINT_TEST_AUTH"}}}
    text = f"[a]({site.url('/secure')})\n\n[b]({site.url('/to-other-host')})\n"
    assert _lint(tmp_path, text, headers) == []
    assert site.auth_seen["/secure"] == "Bearer s3cret"
    assert "/echo" in site.auth_seen and site.auth_seen["/echo"] is None


def test_dns_failure_is_a_warning(tmp_path: Path) -> None:
    found = _lint(tmp_path, "[a](http://qalint-no-such-host.invalid/x)\n")
    assert [(d.code, d.severity.value) for d in found] == [("L103", "warning")]
    assert "not found (DNS)" in found[0].message or "connection failed" in found[0].message


def test_deadline_ends_the_run_with_a_verdict(site: Site, tmp_path: Path) -> None:
    text = f"[a]({site.url('/stall')})\n"
    started = time.monotonic()
    found = _lint(tmp_path, text, {"read-timeout": 30.0, "deadline": 0.4})
    elapsed = time.monotonic() - started
    assert [d.code for d in found] == ["L105"]
    assert "links.deadline" in found[0].message
    assert elapsed < 4  # the server answers only after 8 s (margin for a loaded machine)


def test_online_rules_do_not_run_without_check_urls(site: Site, tmp_path: Path) -> None:
    page = tmp_path / "q.md"
    page.write_text(f"[a]({site.url('/missing')})\n", encoding="utf-8")
    config = config_from_mapping({"cache-dir": str(tmp_path / "cache"), "links": FAST})
    before = site.hits["/missing"]
    result = run([str(page)], config, RunOptions(check_urls=False))
    assert not [d for d in result.diagnostics if d.code.startswith("L1")]
    assert site.hits["/missing"] == before


def test_retry_after_is_honoured_and_capped(site: Site, tmp_path: Path) -> None:
    text = f"[a]({site.url('/busy')}?again)\n\n[b]({site.url('/limited-long')})\n"
    site.hits["/busy"] = 0  # the first request of this test gets the 429
    started = time.monotonic()
    found = _lint(tmp_path, text)
    assert [(d.code, d.line) for d in found] == [("L102", 3)]
    busy = site.times["/busy"][-2:]
    assert busy[1] - busy[0] >= 0.9  # waited the Retry-After second, not the 0.05 s backoff
    # Retry-After 3600 is over links.retry-after-max (2 s): no waiting, the reason is given.
    assert "Retry-After 3600 s is more than links.retry-after-max" in found[0].message
    assert site.methods["/limited-long"] == ["HEAD"]
    assert time.monotonic() - started < 5


def test_a_body_that_trickles_forever_ends_within_the_read_timeout(
    site: Site, tmp_path: Path
) -> None:
    text = f"[a]({site.url('/trickle')}#nowhere)\n"
    started = time.monotonic()
    found = _lint(tmp_path, text, {"check-fragments": True, "read-timeout": 0.5})
    # Half a page read proves nothing about the fragment: no finding, and no waiting for
    # the overall deadline (20 s here) either.
    assert found == []
    assert time.monotonic() - started < 3


def test_bare_url_with_parentheses_is_checked_whole(site: Site, tmp_path: Path) -> None:
    url = site.url("/wiki/Dropout_(neural_networks)")
    gone = site.url("/gone")
    text = f"See {url}, the article.\n\nAn old copy ({gone}) went away.\n"
    found = _lint(tmp_path, text)
    assert [(d.code, d.line, d.column) for d in found] == [("L101", 3, 14)]
    assert site.hits["/wiki/Dropout_(neural_networks)"] >= 1


def test_other_schemes_are_never_fetched(site: Site, tmp_path: Path) -> None:
    port = site.server.port
    text = f"[a](ftp://127.0.0.1:{port}/missing) [b](mailto:x@127.0.0.1) <ftp://127.0.0.1/x>\n"
    assert _lint(tmp_path, text) == []


def test_unusual_status_and_refused_connection_say_what_happened(
    site: Site, tmp_path: Path
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    text = f"[a]({site.url('/teapot')})\n\n[b](http://127.0.0.1:{free}/x)\n"
    found = {d.line: d for d in _lint(tmp_path, text, {"retries": 0})}
    assert found[1].code == "L103" and "answers 418 I'm a Teapot;" in found[1].message
    assert found[3].code == "L103" and "Connection refused" in found[3].message
    assert "HTTPConnectionPool" not in found[3].message


@pytest.mark.parametrize(
    ("limits", "most"),
    [({"per-host": 2, "concurrency": 16}, 2), ({"per-host": 16, "concurrency": 3}, 3)],
)
def test_concurrency_and_per_host_limits_hold(
    site: Site, tmp_path: Path, limits: dict, most: int
) -> None:
    site.most_in_flight["/held"] = 0
    text = "\n\n".join(f"[x]({site.url('/held')}?n={i})" for i in range(10)) + "\n"
    assert _lint(tmp_path, text, limits) == []
    assert site.most_in_flight["/held"] == most
