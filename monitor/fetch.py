"""HTTP fetching: the only module (with the notification channels) that uses httpx.

Failures a remote server or the network can cause become :class:`FetchError`
with one readable line; the body is streamed and cut off at a size cap, so a
huge or endless response never lands in memory whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import httpx

from monitor.errors import FetchError

MAX_BYTES = 15 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = httpx.Timeout(20.0, connect=10.0)


def _version() -> str:
    try:
        return version("meeting-monitor")
    except PackageNotFoundError:
        return "0"


USER_AGENT = f"meeting-monitor/{_version()} (+https://pypi.org/project/meeting-monitor/)"


@dataclass(frozen=True, slots=True)
class Fetched:
    """A successful response: final URL after redirects, status, headers, body."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes


def fetch_url(
    url: str, *, max_bytes: int = MAX_BYTES, client: httpx.Client | None = None
) -> Fetched:
    """GET ``url`` and return its body.

    Raises:
        FetchError: bad URL, network failure, timeout, non-2xx status, body over ``max_bytes``.
    """
    own = client is None
    session = client or httpx.Client(
        timeout=TIMEOUT,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
    )
    try:
        return _get(session, url, max_bytes)
    except httpx.TimeoutException as exc:
        raise FetchError(url, f"fetch failed: timed out ({type(exc).__name__})") from exc
    except httpx.TooManyRedirects as exc:
        raise FetchError(url, f"fetch failed: more than {MAX_REDIRECTS} redirects") from exc
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise FetchError(url, f"fetch failed: invalid URL ({exc})") from exc
    except httpx.HTTPError as exc:
        raise FetchError(url, f"fetch failed: {type(exc).__name__}: {exc}") from exc
    finally:
        if own:
            session.close()


def _get(session: httpx.Client, url: str, max_bytes: int) -> Fetched:
    with session.stream("GET", url) as response:
        if not response.is_success:
            reason = response.reason_phrase or "error"
            raise FetchError(url, f"fetch failed: HTTP {response.status_code} {reason}")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                limit = max_bytes // (1024 * 1024)
                raise FetchError(url, f"fetch failed: body larger than {limit} MiB, not read")
            chunks.append(chunk)
        return Fetched(
            str(response.url), response.status_code, dict(response.headers), b"".join(chunks)
        )
