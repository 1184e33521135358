"""Which parser reads a document.

``--site`` if given, else the first site whose ``claims`` accepts it (URL host,
front-matter hints, the markup's signature), ``generic`` last. Adding a site is
one module and one line in :data:`SITES`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from urllib.parse import urlsplit

from monitor.errors import ConfigError, ParseError
from monitor.model import Article, Document
from monitor.sites import feedentry, generic, kankanews, shanghaifabu, sina

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Site:
    """A site parser: its name, how it recognises documents, how it reads them."""

    name: str
    locality: str | None
    claims: Callable[[Document], bool]
    parse: Callable[[Document], Article]


def _site(module: ModuleType) -> Site:
    return Site(module.NAME, module.LOCALITY, module.claims, module.parse)


#: In order of precedence; ``generic`` claims everything and must stay last.
SITES: tuple[Site, ...] = tuple(
    _site(module) for module in (sina, kankanews, shanghaifabu, feedentry, generic)
)
BY_NAME = {site.name: site for site in SITES}


def site_named(name: str) -> Site:
    """The site called ``name``; a :class:`ConfigError` lists the valid names."""
    try:
        return BY_NAME[name]
    except KeyError:
        message = f"unknown site {name!r} (choose from {', '.join(BY_NAME)})"
        raise ConfigError("--site", message) from None


def choose(document: Document) -> Site:
    """The first site that claims ``document``."""
    return next(site for site in SITES if site.claims(document))


def parse(document: Document, site: str | None = None) -> tuple[Article, Site]:
    """Parse ``document`` with the named or the detected site parser.

    Raises:
        ParseError: the parser found no article; the message names the site.
        ConfigError: ``site`` names no parser.
    """
    chosen = site_named(site) if site else choose(document)
    try:
        return chosen.parse(document), chosen
    except RecursionError as exc:
        # lxml trees of pathologically nested markup exceed Python's stack.
        raise ParseError(chosen.name, "parse failed: markup nested too deeply") from exc
    except Exception as exc:
        # A parser's bug (or a broken install) loses this document, not the poll,
        # the source's other documents or the daemon: one error line, the
        # traceback at debug level for the report.
        logger.debug("%s parser failed", chosen.name, exc_info=True)
        message = (
            f"parse failed: internal error ({type(exc).__name__}: {exc}); a bug, please report it"
        )
        raise ParseError(chosen.name, message) from exc


# Outlets of one city, read by the generic parser: "市委" in their reports
# means that city's. Host suffixes.
_HOST_LOCALITIES = {
    "kankanews.com": "上海",
    "shanghai.gov.cn": "上海",
    "sh.gov.cn": "上海",
    "jfdaily.com": "上海",
    "eastday.com": "上海",
    "thepaper.cn": "上海",
    "whb.cn": "上海",
    "xinmin.cn": "上海",
}


def locality(site: Site, article: Article) -> str | None:
    """The city whose "市委" and "市政府" an article means: the site's, else its host's."""
    if site.locality is not None:
        return site.locality
    host = urlsplit(article.url or "").hostname or ""
    for suffix, city in _HOST_LOCALITIES.items():
        if host == suffix or host.endswith("." + suffix):
            return city
    return None
