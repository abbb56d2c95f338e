"""The link verdict cache: reuse, TTL, failures re-checked, corruption, overlapping runs."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from qalint.cachedb import DB_NAME
from qalint.config import config_from_mapping
from qalint.engine import RunOptions, run
from qalint.links.cache import LinkCache
from qalint.links.outcome import Outcome

LINKS = {
    "connect-timeout": 1.0,
    "read-timeout": 2.0,
    "retries": 0,
    "deadline": 20.0,
    "allow-private": True,  # the test server listens on 127.0.0.1
}


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[HTTPServer, Counter[str]]]:
    httpserver = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    httpserver.start()
    hits: Counter[str] = Counter()
    lock = threading.Lock()

    def handler(status: int, delay: float = 0.0):
        def respond(request: Request) -> Response:
            with lock:
                hits[request.path] += 1
            time.sleep(delay)
            return Response("<html></html>", status=status, content_type="text/html")

        return respond

    for name in ("a", "b", "c"):
        httpserver.expect_request(f"/ok-{name}").respond_with_handler(handler(200))
    httpserver.expect_request("/dead").respond_with_handler(handler(404))
    httpserver.expect_request("/slow-ok").respond_with_handler(handler(200, 0.3))
    yield httpserver, hits
    httpserver.clear()
    httpserver.stop()


def _run(tmp_path: Path, text: str, use_cache: bool = True, **links: object) -> list[str]:
    page = tmp_path / "q.md"
    page.write_text(text, encoding="utf-8")
    config = config_from_mapping(
        {"cache-dir": str(tmp_path / "cache"), "links": {**LINKS, **links}}
    )
    result = run([str(page)], config, RunOptions(check_urls=True, use_cache=use_cache))
    return [d.code for d in result.diagnostics if d.code.startswith("L1")]


def test_successes_are_reused_and_failures_rechecked(server, tmp_path: Path) -> None:
    httpserver, hits = server
    text = f"[a]({httpserver.url_for('/ok-a')})\n\n[d]({httpserver.url_for('/dead')})\n"
    assert _run(tmp_path, text) == ["L101"]
    assert hits["/ok-a"] == 1
    dead_after_first = hits["/dead"]
    assert _run(tmp_path, text) == ["L101"]
    assert hits["/ok-a"] == 1  # reused from the cache
    assert hits["/dead"] > dead_after_first  # failures are checked again
    assert (tmp_path / "cache" / DB_NAME).is_file()
    assert (tmp_path / "cache" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


def test_no_cache_bypasses_it(server, tmp_path: Path) -> None:
    httpserver, hits = server
    text = f"[b]({httpserver.url_for('/ok-b')})\n"
    assert _run(tmp_path, text, use_cache=False) == []
    assert _run(tmp_path, text, use_cache=False) == []
    assert hits["/ok-b"] == 2
    assert not (tmp_path / "cache").exists()


def test_entries_expire_after_the_ttl(server, tmp_path: Path) -> None:
    httpserver, hits = server
    text = f"[c]({httpserver.url_for('/ok-c')})\n"
    assert _run(tmp_path, text, **{"cache-ttl": 0.3}) == []
    assert _run(tmp_path, text, **{"cache-ttl": 0.3}) == []
    assert hits["/ok-c"] == 1
    time.sleep(0.4)
    assert _run(tmp_path, text, **{"cache-ttl": 0.3}) == []
    assert hits["/ok-c"] == 2


def test_ttl_at_the_api_level(tmp_path: Path) -> None:
    cache = LinkCache(tmp_path, ttl=100.0)
    cache.put_many(
        [
            Outcome("https://x.test/", status=200, checked_at=1000.0),
            Outcome("https://x.test/dead", status=404, checked_at=1000.0),
        ]
    )
    urls = ["https://x.test/", "https://x.test/dead"]
    assert list(cache.get_many(urls, now=1050.0)) == ["https://x.test/"]
    assert cache.get_many(urls, now=1101.0) == {}
    cache.close()


@pytest.mark.parametrize(
    "garbage", [b"this is not a database" * 100, b"SQLite format 3\x00" + b"\xff" * 5000]
)
def test_corrupt_database_is_replaced(server, tmp_path: Path, garbage: bytes) -> None:
    httpserver, _ = server
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / DB_NAME).write_bytes(garbage)
    text = f"[a]({httpserver.url_for('/ok-a')})\n\n[d]({httpserver.url_for('/dead')})\n"
    assert _run(tmp_path, text) == ["L101"]
    with sqlite3.connect(folder / DB_NAME) as conn:
        rows = conn.execute("SELECT url, ok FROM link_verdicts ORDER BY url").fetchall()
    assert rows == [(httpserver.url_for("/dead"), 0), (httpserver.url_for("/ok-a"), 1)]


def test_two_overlapping_runs_share_the_cache_safely(server, tmp_path: Path) -> None:
    httpserver, hits = server
    urls = [httpserver.url_for("/slow-ok") + f"?n={i}" for i in range(6)]
    text = "\n\n".join(f"[x]({u})" for u in urls) + "\n"
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def one_run() -> None:
        try:
            results.append(_run(tmp_path, text))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and results == [[], []]
    with sqlite3.connect(tmp_path / "cache" / DB_NAME) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM link_verdicts WHERE ok = 1").fetchone() == (6,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    before = hits["/slow-ok"]
    assert _run(tmp_path, text) == []
    assert hits["/slow-ok"] == before
