"""Benchmark the online link checker against local servers that answer after 100 ms.

300 unique URLs spread over 8 loopback hosts (127.0.0.1 .. 127.0.0.8, so the per-host limit
of 4 never caps the overall concurrency of 16). Each run is a whole ``qalint check
--check-urls`` through the engine (discovery, parsing, rules, the online phase, the caches),
minus interpreter start-up. Prints the wall time of a cold run against the ideal (URLs x
latency / concurrency; target at most 1.5x) and of a second run with the cache warm (target
at most 5% of the cold run; the servers count requests, so "from the cache" is measured, not
assumed). Exits 1 when a target is missed.

    python benchmarks/links.py [--urls 300] [--latency 0.1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests  # noqa: F401  (imported before the timings start)

from qalint.config import config_from_mapping
from qalint.engine import RunOptions, run
from qalint.links.settings import LinkSettings

HOSTS = [f"127.0.0.{i}" for i in range(1, 9)]


class Counter:
    """Requests answered, across every server thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0

    def add(self) -> None:
        """Count one request."""
        with self.lock:
            self.count += 1


def serve(host: str, latency: float, answered: Counter) -> ThreadingHTTPServer:
    """A threaded HTTP/1.1 server on ``host`` answering 200 to anything after ``latency``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self, body: bool) -> None:
            answered.add()
            time.sleep(latency)
            payload = b"<html><body>ok</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if body:
                self.wfile.write(payload)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    """Run the benchmark and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()

    answered = Counter()
    servers = [serve(host, args.latency, answered) for host in HOSTS]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            lines = []
            for i in range(args.urls):
                server = servers[i % len(servers)]
                host, port = server.server_address[:2]
                lines.append(f"- [page {i}](http://{host}:{port}/page/{i})")
            page = folder / "links.md"
            page.write_text("\n".join(lines) + "\n", encoding="utf-8")
            config = config_from_mapping(
                # The servers listen on loopback addresses, which the checker skips unless allowed.
                {"cache-dir": str(folder / "cache"), "links": {"allow-private": True}}
            )
            settings = LinkSettings.from_section(config.section("links"))
            options = RunOptions(check_urls=True)
            # Warm-up outside the timings: imports (``requests`` is imported at the top) and
            # rule set-up, which every run pays whatever the network does.
            empty = folder / "empty" / "empty.md"
            empty.parent.mkdir()
            empty.write_text("# Nothing to fetch\n", encoding="utf-8")
            run([str(empty)], config, options)

            started = time.perf_counter()
            cold = run([str(page)], config, options)
            cold_time = time.perf_counter() - started
            cold_requests = answered.count
            started = time.perf_counter()
            warm = run([str(page)], config, options)
            warm_time = time.perf_counter() - started
            warm_requests = answered.count - cold_requests
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()

    failures = len(cold.diagnostics) + len(warm.diagnostics)
    reused = args.urls - warm_requests
    ideal = args.urls * args.latency / settings.concurrency
    ratio = cold_time / ideal
    warm_ratio = warm_time / cold_time
    print(
        f"URLs: {args.urls} on {len(HOSTS)} hosts, latency {args.latency * 1000:.0f} ms, "
        f"concurrency {settings.concurrency}, per host {settings.per_host}"
    )
    print(
        f"cold run: {cold_time:.2f} s; ideal {ideal:.2f} s; ratio {ratio:.2f}x "
        f"(target <= 1.5x); {cold_requests} requests; findings {failures}"
    )
    print(
        f"warm run: {warm_time * 1000:.1f} ms; {warm_ratio:.1%} of the cold run "
        f"(target <= 5%); {warm_requests} requests, {reused} verdicts from the cache"
    )
    ok = ratio <= 1.5 and warm_ratio <= 0.05 and failures == 0 and reused == args.urls
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
