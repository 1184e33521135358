"""A fetched listing body → entries, by the source's kind. Pure dispatch, no I/O.

Each kind's parser is imported when a body of that kind arrives: a pass of
304s loads none of them, and a daemon without page sources never loads lxml
for listings.
"""

from __future__ import annotations

from monitor.config import SourceConfig
from monitor.fetchresult import FetchResult
from monitor.model import Listing


def parse_listing(source: SourceConfig, fetched: FetchResult) -> Listing:
    """The entries the body of ``fetched`` lists, read as ``source.kind`` says.

    Raises:
        ParseError: the body is not what the kind expects (not a feed, not JSON…).
        DecodeError: a page body that is not text in any charset.
    """
    url = fetched.final_url
    if source.kind == "feed":
        from monitor.sources.feed import parse_feed  # noqa: PLC0415 - see the docstring

        return parse_feed(fetched.body, url=url, headers=fetched.headers)
    if source.kind == "json":
        from monitor.sources.jsonapi import parse_json  # noqa: PLC0415 - see the docstring

        return parse_json(
            fetched.body,
            url=url,
            items_path=source.items_path or "",
            url_field=source.url_field,
            title_field=source.title_field,
            id_field=source.id_field,
            time_field=source.time_field,
        )
    from monitor.documents import decode  # noqa: PLC0415 - see the docstring
    from monitor.sources.page import parse_page  # noqa: PLC0415

    text, _codec = decode(fetched.body, fetched.headers.get("content-type"), subject=url)
    return parse_page(text, url=url, selector=source.link_selector, pattern=source.link_pattern)
