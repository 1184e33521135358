"""The fetcher's httpx client and requests, without httpx's per-request overheads.

A conditional GET answered 304 on loopback costs aiohttp ~0.5 ms; httpx's client added
~0.8 ms around it (``bench/poll.py``), mostly in three places this module avoids:

- ``build_request`` merges the client's default headers, URL and cookies into fresh
  ``Headers``/``URL``/``Cookies`` objects (~130 µs); :func:`conditional_get` builds the
  request directly from the already parsed URL;
- every response goes through ``Cookies.extract_cookies``, which copies every header
  into an ``email.message.Message`` for ``http.cookiejar`` (~60 µs) even when the
  response sets no cookie; :class:`Client`'s jar skips responses without ``Set-Cookie``;
- ``Headers`` decodes every header on each look-up; :func:`header_map` reads them once.

Cookies still work as before: kept per domain, sent back on later requests.
"""

from __future__ import annotations

from http.cookiejar import CookieJar

import httpx

__all__ = ["Client", "conditional_get", "header_map"]

_SET_COOKIE = b"set-cookie"


class _Cookies(httpx.Cookies):
    """httpx's cookie jar, but responses that set no cookie cost a scan of their names."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Store the response's cookies, if it sets any."""
        if any(name.lower() == _SET_COOKIE for name, _ in response.headers.raw):
            super().extract_cookies(response)


class Client(httpx.AsyncClient):
    """``httpx.AsyncClient`` whose cookie jar is a :class:`_Cookies`."""

    def __init__(
        self, *, timeout: httpx.Timeout, transport: httpx.AsyncBaseTransport, trust_env: bool
    ) -> None:
        """As ``httpx.AsyncClient`` with these options."""
        super().__init__(timeout=timeout, transport=transport, trust_env=trust_env)
        self._jar = _Cookies()

    # httpx reads its jar only through this property (set in __init__ without it).
    @property
    def cookies(self) -> httpx.Cookies:
        """The client's cookie jar."""
        return self._jar

    @cookies.setter
    def cookies(
        self, cookies: httpx.Cookies | CookieJar | dict[str, str] | list[tuple[str, str]]
    ) -> None:
        self._jar = _Cookies(cookies)


def conditional_get(
    client: httpx.AsyncClient,
    url: httpx.URL,
    headers: list[tuple[bytes, bytes]],
    timeout: httpx.Timeout,
) -> httpx.Request:
    """A GET of ``url`` with exactly ``headers`` (plus Host and the client's cookies)."""
    request = httpx.Request("GET", url, headers=headers, extensions={"timeout": timeout.as_dict()})
    if len(client.cookies.jar):
        client.cookies.set_cookie_header(request)
    return request


def header_map(response: httpx.Response) -> dict[str, str]:
    """Lower-cased names → values, repeated headers joined with ", " (as httpx does)."""
    found: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        found[name] = f"{found[name]}, {value}" if name in found else value
    return found
