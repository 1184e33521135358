"""Reading the documents named on the command line: files or URLs."""

from __future__ import annotations

from pathlib import Path

from monitor.errors import MonitorError

_URL_SCHEMES = ("http://", "https://")


class ReadError(MonitorError):
    """A local file could not be read."""


def is_url(target: str) -> bool:
    """Whether a command-line target is fetched rather than read."""
    return target.startswith(_URL_SCHEMES)


def read_target(target: str) -> tuple[bytes, str | None, dict[str, str] | None]:
    """Bytes, final URL and headers of a file or URL.

    Raises:
        ReadError: the file cannot be read.
        FetchError: the URL cannot be fetched.
    """
    if is_url(target):
        from monitor.fetch import fetch_url  # noqa: PLC0415 - httpx only when a URL is given

        fetched = fetch_url(target)
        return fetched.body, fetched.url, fetched.headers
    try:
        return Path(target).read_bytes(), None, None
    except OSError as exc:
        raise ReadError(target, f"cannot read: {exc.strerror or exc}") from exc
