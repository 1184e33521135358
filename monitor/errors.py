"""The one exception tree of meeting-monitor.

::

    MonitorError                 anything a user or the outside world can cause
    ├── ConfigError              bad configuration or usage (CLI exit code 2)
    ├── SourceError              one source or document could not be used
    │   ├── FetchError           the network or the server failed us
    │   ├── DecodeError          bytes that are not text in any known charset
    │   └── ParseError           text that no parser can turn into an article
    ├── StoreError               the database refused (locked, read-only, corrupt)
    └── DeliveryError            a notification could not be delivered

``str(error)`` is one line, subject first: ``sina: parse failed: no title``.
Programming errors are not wrapped: they keep their traceback.
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base class: a failure with a one-line, subject-first message."""

    def __init__(self, subject: str, message: str) -> None:
        """``subject`` names what failed (a source, a file, a key); ``message`` says how."""
        super().__init__(f"{subject}: {message}")
        self.subject = subject
        self.message = message


class ConfigError(MonitorError):
    """Configuration or usage is wrong; the user must fix it."""


class SourceError(MonitorError):
    """A source or a document could not be used; other sources go on."""


class FetchError(SourceError):
    """The network or the remote server failed."""


class DecodeError(SourceError):
    """The bytes could not be decoded as text."""


class ParseError(SourceError):
    """The text could not be turned into an article."""


class StoreError(MonitorError):
    """The database refused an operation."""


class DeliveryError(MonitorError):
    """A notification was not delivered; ``permanent`` says whether to retry."""

    def __init__(self, subject: str, message: str, *, permanent: bool = False) -> None:
        """``permanent`` failures (a 410, a rejected address) are not retried."""
        super().__init__(subject, message)
        self.permanent = permanent


def causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it was raised from or during, outermost first, each once.

    Libraries translate errors at their boundaries (httpx wraps httpcore's, which
    wrap the OS's); the root cause says what a user should read.
    """
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain
