"""The fetcher against real servers on 127.0.0.1: nginx for caching, ours for faults."""

from __future__ import annotations

import asyncio
import json
import os
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import httpx
import pytest
from faultserver import BOMB, BOMB_SIZE, MIB, PAGE, FaultServer, serve_faults
from ports import free_port

from monitor.clock import FrozenClock
from monitor.documents import decode
from monitor.errors import FetchError
from monitor.fetch import (
    USER_AGENT,
    Fetcher,
    FetchLimits,
    FetchResult,
    Validators,
    fetch_url,
    transport,
)
from monitor.fetch.transport import AiohttpTransport

if TYPE_CHECKING:  # imported for real by pytest_plugins, which must come first to rewrite it
    from nginx import Nginx

pytest_plugins = ["nginx"]  # the nginx fixture
LIMITS = FetchLimits(connect_timeout=2, read_timeout=2, deadline=5, max_bytes=MIB)
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with serve_faults() as server:
        yield server


def get(url: str, validators: Validators | None = None, **options: Any) -> FetchResult:
    """One fetch through a fresh Fetcher; options are FetchLimits fields or Fetcher keywords."""
    fields = {name: options.pop(name) for name in list(options) if hasattr(LIMITS, name)}
    limits = replace(LIMITS, **fields)

    async def once() -> FetchResult:
        async with Fetcher(limits, **options) as fetcher:
            return await fetcher.fetch(url, validators)

    return asyncio.run(once())


# --- nginx: real validators and real 304s ---------------------------------------------


def test_nginx_answers_304_to_the_validators_of_its_first_answer(nginx: Nginx) -> None:
    page = nginx.root / "page.html"
    page.write_bytes(PAGE)
    first = get(nginx.url("/page.html"))
    assert (first.kind, first.status, first.error) == ("ok", 200, None)
    assert first.body == PAGE
    assert first.headers["content-encoding"] == "gzip"  # decoded by us, not httpx
    assert first.validators.etag is not None
    assert first.validators.etag.startswith('W/"')  # nginx weakens ETags it gzips
    mtime = datetime.fromtimestamp(page.stat().st_mtime, UTC).replace(microsecond=0)
    assert first.validators.last_modified == format_datetime(mtime, usegmt=True)

    second = get(nginx.url("/page.html"), first.validators)
    assert (second.kind, second.status, second.body, second.error) == (
        "not-modified",
        304,
        b"",
        None,
    )
    # nginx's 304 carries the strong form of the tag; weakly equal, so ours is kept.
    assert second.headers["etag"] == first.validators.etag.removeprefix("W/")
    assert second.validators == first.validators


def test_nginx_sends_the_page_again_once_it_changed(nginx: Nginx) -> None:
    page = nginx.root / "page.html"
    page.write_bytes(PAGE)
    first = get(nginx.url("/page.html"))
    page.write_bytes(PAGE + b"<p>new paragraph</p>")
    later = page.stat().st_mtime + 10  # nginx's ETag is mtime-size: change both
    os.utime(page, (later, later))
    changed = get(nginx.url("/page.html"), first.validators)
    assert changed.kind == "ok"
    assert changed.body.endswith(b"<p>new paragraph</p>")
    assert changed.validators.etag not in {None, first.validators.etag}
    assert changed.validators.last_modified != first.validators.last_modified


def test_nginx_honours_if_modified_since_alone(nginx: Nginx) -> None:
    (nginx.root / "a.txt").write_text("short text")
    first = get(nginx.url("/a.txt"))
    assert first.body == b"short text"
    assert first.validators.etag == first.headers["etag"]  # too short to gzip: strong
    again = get(nginx.url("/a.txt"), Validators(last_modified=first.validators.last_modified))
    assert again.kind == "not-modified"
    assert again.validators == first.validators  # the 304 repeats them


def test_nginx_404_is_an_http_error(nginx: Nginx) -> None:
    result = get(nginx.url("/missing.html"))
    assert (result.kind, result.status, result.body) == ("http-error", 404, b"")
    assert result.error == "HTTP 404 Not Found"
    assert result.validators == Validators()


def test_a_missing_nginx_fails_rather_than_skips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Imported here: loaded by pytest_plugins, which must see it first to rewrite its asserts.
    import nginx as helpers  # noqa: PLC0415

    monkeypatch.setattr(helpers, "find_nginx", lambda: None)
    with (
        pytest.raises(pytest.fail.Exception, match="nginx is not installed"),
        helpers.serve_nginx(tmp_path, tmp_path),
    ):
        pass


# --- statuses and headers ---------------------------------------------------------------


def test_status_500_is_an_http_error(faults: FaultServer) -> None:
    result = get(faults.url("/status/500"))
    assert (result.kind, result.status, result.retry_after) == ("http-error", 500, None)
    assert result.error == "HTTP 500 Internal Server Error"


def test_503_keeps_retry_after_in_seconds(faults: FaultServer) -> None:
    result = get(faults.url("/status/503?retry-after=120"))
    assert (result.kind, result.status) == ("http-error", 503)
    assert result.retry_after == timedelta(seconds=120)
    assert result.error == "HTTP 503 Service Unavailable, retry after 120 s"


def test_429_retry_after_as_a_date_counts_from_the_clock(faults: FaultServer) -> None:
    clock = FrozenClock(datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
    date = format_datetime(clock.now() + timedelta(seconds=90), usegmt=True)
    result = get(faults.url(f"/status/429?retry-after={date}"), clock=clock)
    assert result.retry_after == timedelta(seconds=90)
    assert result.error == "HTTP 429 Too Many Requests, retry after 90 s"


def test_retry_after_is_ignored_on_other_statuses(faults: FaultServer) -> None:
    result = get(faults.url("/status/500?retry-after=60"))
    assert result.retry_after is None
    assert result.headers["retry-after"] == "60"


def test_max_age_and_validators_of_an_ok_answer(faults: FaultServer) -> None:
    result = get(faults.url("/cache"))
    assert result.max_age == timedelta(seconds=300)
    assert result.validators == Validators(etag='"v1"')


def test_a_bare_304_keeps_the_validators_we_sent(faults: FaultServer) -> None:
    sent = Validators('"abc"', "Wed, 01 May 2024 12:00:00 GMT")
    result = get(faults.url("/not-modified"), sent)
    assert (result.kind, result.validators, result.body) == ("not-modified", sent, b"")


def test_request_headers_name_us_and_carry_the_validators(faults: FaultServer) -> None:
    sent = Validators('"abc"', "Wed, 01 May 2024 12:00:00 GMT")
    echoed = json.loads(get(faults.url("/headers"), sent).body)
    assert echoed["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("meeting-monitor/")
    assert echoed["Accept-Encoding"] == "gzip, deflate"
    assert echoed["If-None-Match"] == '"abc"'
    assert echoed["If-Modified-Since"] == "Wed, 01 May 2024 12:00:00 GMT"


def test_a_cookie_a_site_sets_is_sent_back_to_it_not_elsewhere(faults: FaultServer) -> None:
    # Anti-bot gateways in front of news sites (acw_tc and the like) set a cookie
    # and expect it back; the fetcher keeps httpx's per-domain jar.
    async def three() -> tuple[dict[str, str], dict[str, str]]:
        async with Fetcher(LIMITS) as fetcher:
            await fetcher.fetch(faults.url("/cookie"))
            again = await fetcher.fetch(faults.url("/headers"))
            elsewhere = await fetcher.fetch(
                faults.url("/headers").replace("127.0.0.1", "localhost")
            )
            return json.loads(again.body), json.loads(elsewhere.body)

    again, elsewhere = asyncio.run(three())
    assert again["Cookie"] == "acw_tc=abc123"
    assert "Cookie" not in elsewhere


def test_responses_without_cookies_leave_the_jar_empty(faults: FaultServer) -> None:
    async def twice() -> dict[str, str]:
        async with Fetcher(LIMITS) as fetcher:
            await fetcher.fetch(faults.url("/cache"))
            echoed: dict[str, str] = json.loads((await fetcher.fetch(faults.url("/headers"))).body)
            return echoed

    assert "Cookie" not in asyncio.run(twice())


# --- bodies -----------------------------------------------------------------------------


@pytest.mark.parametrize("coding", ["gzip", "deflate", "deflate-raw"])
def test_encoded_bodies_are_decoded(faults: FaultServer, coding: str) -> None:
    result = get(faults.url(f"/encoded/{coding}"))
    assert result.kind == "ok"
    assert result.body == PAGE


def test_a_wrong_charset_label_is_reported_not_judged(faults: FaultServer) -> None:
    result = get(faults.url("/wrong-charset"))
    assert (result.kind, result.body, result.charset) == ("ok", PAGE, "klingon-8")
    text, codec = decode(result.body, result.headers["content-type"])
    assert codec == "utf-8"
    assert "国务院常务会议" in text


def test_a_truncated_body_is_a_connection_failure(faults: FaultServer) -> None:
    result = get(faults.url("/truncated"))
    assert (result.kind, result.status, result.body) == ("connection", 200, b"")
    assert result.error is not None
    assert "received 100 bytes, expected 1000" in result.error


def peak_memory(url: str, **options: Any) -> tuple[FetchResult, int]:
    tracemalloc.start()
    try:
        result = get(url, **options)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_endless_body_stops_at_the_cap(faults: FaultServer) -> None:
    result, peak = peak_memory(faults.url("/endless"))
    assert (result.kind, result.status, result.body) == ("too-large", 200, b"")
    assert result.error == "body larger than 1 MiB"
    assert peak < 4 * MIB


def test_a_gzip_bomb_stops_at_the_cap_before_inflating(faults: FaultServer) -> None:
    assert len(BOMB) < 20_000  # a few KB on the wire for 10 MiB of zeros
    result, peak = peak_memory(faults.url("/gzip-bomb"))
    assert (result.kind, result.error) == ("too-large", "body larger than 1 MiB")
    assert peak < 4 * MIB < BOMB_SIZE


def test_a_gzip_bomb_trips_the_ratio_guard_under_a_large_cap(faults: FaultServer) -> None:
    result, peak = peak_memory(faults.url("/gzip-bomb"), max_bytes=64 * MIB, max_ratio=100)
    assert result.kind == "too-large"
    assert result.error is not None
    assert result.error.startswith("body inflates over 100:1")
    assert peak < 4 * MIB


def test_fetch_url_raises_one_line_for_the_cli(faults: FaultServer) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_url(faults.url("/endless"), max_bytes=MIB)
    assert str(caught.value) == f"{faults.url('/endless')}: fetch failed: body larger than 1 MiB"
    assert fetch_url(faults.url("/chain/1")).url == faults.url("/chain/0")


# --- time -------------------------------------------------------------------------------


def test_a_slow_first_byte_is_a_read_timeout(faults: FaultServer) -> None:
    result = get(faults.url("/slow-first-byte?delay=5"), read_timeout=0.3)
    assert (result.kind, result.status) == ("timeout", None)
    assert result.error == "read timed out after 0.3 s"


def test_a_trickling_body_meets_the_deadline(faults: FaultServer) -> None:
    # Each byte comes within the read timeout; only the whole-request deadline stops it.
    result = get(faults.url("/slow-body?bytes=100&interval=0.05"), read_timeout=1, deadline=0.5)
    assert (result.kind, result.status) == ("timeout", 200)
    assert result.error == "timed out after 0.5 s (deadline)"


# --- redirects and URLs -------------------------------------------------------------------


def test_a_redirect_loop_stops(faults: FaultServer) -> None:
    result = get(faults.url("/loop"))
    assert (result.kind, result.status) == ("redirects", 302)
    assert result.error == f"more than 5 redirects (next: {faults.url('/loop')})"


def test_five_redirects_are_followed_six_are_not(faults: FaultServer) -> None:
    five = get(faults.url("/chain/5"))
    assert (five.kind, five.body) == ("ok", b"end of chain")
    assert (five.url, five.final_url) == (faults.url("/chain/5"), faults.url("/chain/0"))
    assert get(faults.url("/chain/6")).kind == "redirects"


@pytest.mark.parametrize("url", ["ftp://example.com/x", "not a url", "http://", "http://[::1"])
def test_invalid_urls(url: str) -> None:
    result = get(url)
    assert (result.kind, result.status, result.final_url) == ("invalid-url", None, url)
    assert result.error is not None
    assert result.error.startswith("invalid URL")


def test_a_redirect_to_another_scheme_is_an_invalid_url(faults: FaultServer) -> None:
    result = get(faults.url("/redirect?to=ftp://example.com/file"))
    assert (result.kind, result.final_url) == ("invalid-url", "ftp://example.com/file")


# --- network failures ---------------------------------------------------------------------


def test_an_unresolvable_host_is_dns() -> None:
    result = get("http://no-such-host.invalid/page")  # RFC 6761: .invalid never resolves
    assert (result.kind, result.status) == ("dns", None)
    assert result.error is not None
    assert result.error.startswith("cannot resolve no-such-host.invalid")


def test_a_closed_port_is_a_refused_connection() -> None:
    port = free_port()
    result = get(f"http://127.0.0.1:{port}/")
    assert (result.kind, result.error) == ("connection", f"connection refused by 127.0.0.1:{port}")


def test_tls_to_a_plain_http_server_fails_as_tls(faults: FaultServer) -> None:
    result = get(faults.url("/ok").replace("http://", "https://"))
    assert result.kind == "tls"
    assert result.error is not None
    assert "WRONG_VERSION_NUMBER" in result.error


def test_proxy_variables_are_ignored_unless_trusted(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")
    assert get(faults.url("/ok")).kind == "ok"
    assert get(faults.url("/ok"), trust_env=True).kind == "connection"


# --- guards and caps ----------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_the_private_address_guard_blocks_loopback(faults: FaultServer, host: str) -> None:
    url = faults.url("/ok").replace("127.0.0.1", host)
    result = get(url, block_private=True)
    assert (result.kind, result.status) == ("blocked", None)
    assert result.error is not None
    assert "is a non-public address" in result.error
    assert get(faults.url("/ok"), block_private=False).kind == "ok"


def test_the_guard_resolves_names_and_reports_dns_failures() -> None:
    result = get("http://no-such-host.invalid/", block_private=True)
    assert result.kind == "dns"


def concurrent(urls: list[str], limits: FetchLimits) -> list[FetchResult]:
    async def all_at_once() -> list[FetchResult]:
        async with Fetcher(limits) as fetcher:
            return list(await asyncio.gather(*(fetcher.fetch(url) for url in urls)))

    return asyncio.run(all_at_once())


@pytest.mark.parametrize(("per_host", "total", "expected_peak"), [(2, 64, 2), (10, 3, 3)])
def test_concurrency_caps_hold_at_the_server(per_host: int, total: int, expected_peak: int) -> None:
    limits = FetchLimits(read_timeout=5, deadline=10, per_host=per_host, max_connections=total)
    with serve_faults() as server:
        results = concurrent([server.url("/counted?delay=0.2")] * 6, limits)
        assert [result.kind for result in results] == ["ok"] * 6
        assert server.stats.served == 6
        assert server.stats.peak == expected_peak


def test_elapsed_counts_the_server_s_delay(faults: FaultServer) -> None:
    result = get(faults.url("/slow-first-byte?delay=0.1"))
    assert result.kind == "ok"
    assert result.elapsed >= 0.1


# --- the aiohttp transport under httpx ------------------------------------------------------


def through_transport(request: httpx.Request) -> tuple[httpx.Response, bytes]:
    async def once() -> tuple[httpx.Response, bytes]:
        transport = AiohttpTransport()
        try:
            response = await transport.handle_async_request(request)
            try:
                return response, b"".join([chunk async for chunk in response.aiter_raw()])
            finally:
                await response.aclose()
        finally:
            await transport.aclose()

    return asyncio.run(once())


def test_the_transport_sends_only_the_headers_it_is_given(faults: FaultServer) -> None:
    request = httpx.Request("GET", faults.url("/headers"), headers={"X-Case-Kept": "yes"})
    response, body = through_transport(request)
    assert response.status_code == 200
    assert response.extensions["http_version"] == b"HTTP/1.0"
    # No User-Agent, Accept or Accept-Encoding of aiohttp's own.
    assert json.loads(body) == {"Host": request.url.netloc.decode(), "X-Case-Kept": "yes"}


def test_the_transport_answers_head_without_a_body(nginx: Nginx) -> None:
    (nginx.root / "a.txt").write_text("short text")
    response, body = through_transport(httpx.Request("HEAD", nginx.url("/a.txt")))
    assert (response.status_code, body) == (200, b"")
    assert response.headers["content-length"] == "10"
    assert response.reason_phrase == "OK"


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (aiohttp.ConnectionTimeoutError("connect"), httpx.ConnectTimeout),
        (aiohttp.SocketTimeoutError("sock_read"), httpx.ReadTimeout),
        (aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
        (aiohttp.ClientPayloadError("cut short"), httpx.RemoteProtocolError),
        (aiohttp.NonHttpUrlClientError("ftp://example.com/"), httpx.UnsupportedProtocol),
        (aiohttp.ClientOSError(104, "Connection reset by peer"), httpx.ReadError),
        (ConnectionResetError(104, "Connection reset by peer"), httpx.ReadError),
    ],
)
def test_aiohttp_exceptions_become_httpx_ones(
    raised: BaseException, expected: type[httpx.TransportError]
) -> None:
    translated = transport._translate(raised)  # noqa: SLF001 - no server times out on cue
    assert type(translated) is expected


def test_a_given_client_keeps_httpcore_and_the_same_words(faults: FaultServer) -> None:
    async def with_httpcore(url: str) -> FetchResult:
        async with httpx.AsyncClient() as client, Fetcher(LIMITS, client=client) as fetcher:
            return await fetcher.fetch(url)

    truncated = asyncio.run(with_httpcore(faults.url("/truncated")))
    ours = get(faults.url("/truncated"))
    assert (truncated.kind, truncated.error) == (ours.kind, ours.error)
    port = free_port()
    refused = asyncio.run(with_httpcore(f"http://127.0.0.1:{port}/"))
    assert (refused.kind, refused.error) == (
        "connection",
        f"connection refused by 127.0.0.1:{port}",
    )


def test_a_trusted_proxy_carries_the_request(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fault server routes on the path of the absolute URL a proxy is sent.
    monkeypatch.setenv("HTTP_PROXY", faults.url(""))
    unresolvable = "http://no-such-host.invalid/ok"
    assert get(unresolvable).kind == "dns"
    proxied = get(unresolvable, trust_env=True)
    assert (proxied.kind, proxied.body) == ("ok", b"<p>ok</p>")
    monkeypatch.setenv("NO_PROXY", ".invalid")
    assert get(unresolvable, trust_env=True).kind == "dns"


def test_an_unsupported_proxy_fails_when_the_fetcher_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(ValueError, match="unsupported proxy"):
        Fetcher(LIMITS, trust_env=True)
    Fetcher(LIMITS)  # untrusted, the variable is never read
