"""The link checker stays off the runner's own network unless links.allow-private says so.

Real HTTP servers on loopback addresses started by the tests; no traffic leaves the machine.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pytest_httpserver import HTTPServer

from qalint.config import ConfigError, config_from_mapping
from qalint.engine import RunOptions, run
from qalint.links.guard import (
    AddressGuard,
    Refused,
    host_key,
    non_public,
    parse_entry,
    pinned_adapter,
)

FAST = {"connect-timeout": 1.0, "read-timeout": 1.0, "retries": 0, "deadline": 20.0}


@pytest.fixture
def servers() -> Iterator[tuple[HTTPServer, HTTPServer]]:
    """Two servers on 127.0.0.1: the first redirects /hop to the second's /secret."""
    first, second = HTTPServer(host="127.0.0.1"), HTTPServer(host="127.0.0.1")
    first.start()
    second.start()
    second.expect_request("/secret").respond_with_data("", status=404)
    first.expect_request("/hop").respond_with_data(
        "", status=302, headers={"Location": second.url_for("/secret")}
    )
    first.expect_request("/ok").respond_with_data("fine")
    yield first, second
    for server in (first, second):
        server.clear()
        server.stop()


def _run(tmp_path: Path, text: str, allow: object = None):
    page = tmp_path / "q.md"
    page.write_text(text, encoding="utf-8")
    links = dict(FAST) if allow is None else {**FAST, "allow-private": allow}
    config = config_from_mapping({"cache-dir": str(tmp_path / "cache"), "links": links})
    return run([str(page)], config, RunOptions(check_urls=True, use_cache=False))


def _codes(result) -> list[str]:
    return [d.code for d in result.diagnostics if d.code.startswith(("L1", "L04"))]


def _paths(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def test_a_link_to_loopback_is_skipped_by_default(tmp_path: Path, servers) -> None:
    first, _second = servers
    result = _run(tmp_path, f"See [it]({first.url_for('/ok')}).\n")
    assert _paths(first) == []  # never fetched
    [finding] = [d for d in result.diagnostics if d.code == "L040"]
    assert finding.severity.value == "info"
    assert "127.0.0.1 is a loopback address" in finding.message
    assert "links.allow-private" in finding.message
    assert result.link_stats.skipped == 1 and result.link_stats.failed == 0
    # A name is checked after resolution: localhost is loopback whatever it is called.
    by_name = _run(tmp_path, f"See [it](http://localhost:{first.port}/ok).\n")
    [finding] = [d for d in by_name.diagnostics if d.code == "L040"]
    assert "localhost resolves to " in finding.message and "a loopback address" in finding.message
    assert _paths(first) == []


def test_a_redirect_from_an_allowed_host_to_loopback_is_not_followed(
    tmp_path: Path, servers
) -> None:
    first, second = servers
    text = f"See [it]({first.url_for('/hop')}).\n"
    result = _run(tmp_path, text, [f"127.0.0.1:{first.port}"])
    assert _paths(first) == ["/hop"]
    assert _paths(second) == []  # the hop to the other server was refused
    assert _codes(result) == ["L040"]
    assert f"after redirects to {second.url_for('/secret')}" in result.diagnostics[0].message


def test_the_same_link_is_checked_when_allowed(tmp_path: Path, servers) -> None:
    first, second = servers
    text = f"See [it]({first.url_for('/hop')}).\n"
    both = _run(tmp_path, text, [f"127.0.0.1:{first.port}", f"127.0.0.1:{second.port}"])
    assert "/secret" in _paths(second) and _codes(both) == ["L101"]
    everything = _run(tmp_path, text, True)
    assert _codes(everything) == ["L101"]
    network = _run(tmp_path, text, ["127.0.0.0/8"])
    assert _codes(network) == ["L101"]


def test_a_host_name_entry_allows_that_name_only(tmp_path: Path, servers) -> None:
    first, _second = servers
    by_name = f"See [it](http://localhost:{first.port}/ok).\n"
    by_address = f"See [it]({first.url_for('/ok')}).\n"
    assert _codes(_run(tmp_path, by_name, ["localhost"])) == []
    assert _paths(first) == ["/ok"]
    assert _codes(_run(tmp_path, by_address, ["localhost"])) == ["L040"]
    assert _paths(first) == ["/ok"]


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.0.0.2", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("100.64.0.1", "reserved"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_kinds(address: str, kind: str | None) -> None:
    assert non_public(ipaddress.ip_address(address)) == kind


def test_allow_entries_parse_and_bad_ones_are_named() -> None:
    assert parse_entry("Intranet.Example").host == "intranet.example"
    assert parse_entry("localhost:8080").port == 8080
    assert parse_entry("10.0.0.0/8").network == ipaddress.ip_network("10.0.0.0/8")
    assert parse_entry("[::1]:8000").port == 8000
    assert parse_entry("::1").network == ipaddress.ip_network("::1/128")
    for bad in (["http://intranet"], "yes", [3]):
        with pytest.raises(ConfigError, match=r"links\.allow-private"):
            config_from_mapping({"links": {"allow-private": bad}})


def test_connections_go_to_the_checked_address_and_nowhere_else(servers) -> None:
    """The adapter never resolves a name itself: it connects to the pinned address or fails."""
    first, _second = servers
    guard = AddressGuard(True)
    session = requests.Session()
    session.mount("http://", pinned_adapter(guard, max_retries=0))
    url = f"http://qalint-pinned.invalid:{first.port}/ok"  # a name no resolver knows
    with pytest.raises(requests.ConnectionError, match="not checked by the address guard"):
        session.get(url, timeout=2)
    guard._pins[("qalint-pinned.invalid", first.port)] = "127.0.0.1"
    answer = session.get(url, timeout=2)
    assert answer.text == "fine"
    assert first.log[-1][0].headers["Host"] == f"qalint-pinned.invalid:{first.port}"
    # An internationalised name is pinned under the ASCII form requests connects with.
    guard._pins[(host_key("bücher.invalid"), first.port)] = "127.0.0.1"
    assert session.get(f"http://Bücher.invalid:{first.port}/ok", timeout=2).text == "fine"
    with pytest.raises(Refused, match="loopback"):
        AddressGuard(False).check(first.url_for("/ok"))


def test_the_documented_bad_example_is_skipped_without_a_request(tmp_path: Path) -> None:
    """L040's example is the cloud metadata address: refused before any connection."""
    from qalint.rules.registry import get_rule

    rule = get_rule("L040")
    assert rule is not None and rule.online
    result = _run(tmp_path, rule.bad + "\n")
    [finding] = [d for d in result.diagnostics if d.code == "L040"]
    assert "169.254.169.254 is a link-local address" in finding.message
