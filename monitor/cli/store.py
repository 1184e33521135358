"""``monitor ingest``, ``items``, ``show`` and ``search``: the database from the command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from monitor.cli.app import cli
from monitor.cli.inputs import ReadError, read_target
from monitor.documents import read_document
from monitor.errors import ParseError, SourceError, StoreError
from monitor.extract import extract_all
from monitor.model import Document, IngestResult, Observation
from monitor.sites.registry import BY_NAME
from monitor.store import DEFAULT_PATH, ItemQuery, Store
from monitor.urls import aliases, canonical_url, file_key

# Items are added to the search index in batches of this many documents.
INDEX_BATCH = 500
# Documents read and parsed before any of them is stored: parsing 50 then storing
# 50 keeps each step's code and data in the CPU caches (one at a time, each evicted
# the other's): -15 % a document measured over 3,000 corpus documents.
CHUNK = 50
_DB_HELP = f"Database file (default: $MONITOR_DB, else {DEFAULT_PATH})."


def db_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--db PATH``, also read from ``MONITOR_DB``."""
    return click.option(
        "--db",
        "db_path",
        envvar="MONITOR_DB",
        default=str(DEFAULT_PATH),
        show_envvar=True,
        help=_DB_HELP,
    )(function)


def json_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--json``: one JSON object per line."""
    return click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")(
        function
    )


@cli.command("ingest")
@click.argument("targets", nargs=-1, required=True, metavar="PATH|URL...")
@click.option("--site", type=click.Choice(sorted(BY_NAME)), help="Force a site parser.")
@click.option("--source", default="cli", show_default=True, help="Source name to record.")
@db_option
@json_option
def ingest_command(
    targets: Sequence[str], site: str | None, source: str, db_path: str, as_json: bool
) -> None:
    """Parse documents and store them, deduplicated.

    One line per document. Outcomes: new (a new item), outlet (another outlet of a known item, with
    the reason), duplicate, revision (a known entry whose content changed),
    unchanged. Errors are one line each; the others go on; exit code 1.
    """
    failed = 0
    # Documents are committed a group at a time; a line says "stored" only once
    # its group is (a kill -9 loses the group, and prints none of it).
    done: list[str] = []

    def print_done() -> None:
        for line in done:
            click.echo(line)
        done.clear()

    with Store(db_path) as store, store.grouped(on_commit=print_done):
        for start in range(0, len(targets), CHUNK):
            if start and start % INDEX_BATCH < CHUNK:  # the first chunk past each batch
                store.index_pending()
            chunk = targets[start : start + CHUNK]
            for target, seen in zip(chunk, _observe_all(chunk, site, source), strict=True):
                if isinstance(seen, Failure):
                    # A document's own failure; a StoreError is the database's and
                    # ends the run with one line naming the file.
                    failed += 1
                    click.echo(f"error: {target}: {seen.message}", err=True)
                    continue
                result = store.ingest(seen)
                title = seen.extracted.article.title
                done.append(_outcome_line(target, result, title, as_json=as_json))
        store.index_pending()
    if failed:
        sys.exit(1)


Failure = SourceError | ReadError


def _observe_all(
    targets: Sequence[str], site: str | None, source: str
) -> list[Observation | Failure]:
    """Each target read and extracted (stage by stage: ``extract_all``), or its error."""
    read = [_read(target) for target in targets]
    documents = [found[0] for found in read if not isinstance(found, Failure)]
    extracted = iter(extract_all(documents, site=site))
    observed: list[Observation | Failure] = []
    for target, found in zip(targets, read, strict=True):
        if isinstance(found, Failure):
            observed.append(found)
            continue
        result = next(extracted)
        if isinstance(result, ParseError):
            observed.append(result)
            continue
        url = found[1]
        key = canonical_url(url) if url else file_key(Path(target))
        observed.append(Observation(source, aliases([key], result.article.url), result, url))
    return observed


def _read(target: str) -> tuple[Document, str | None] | Failure:
    """The document at ``target`` and its final URL, or the error that stopped it."""
    try:
        data, url, headers = read_target(target)
        return read_document(data, url=url, headers=headers, subject=target), url
    except (SourceError, ReadError) as error:
        return error


def _outcome_line(target: str, result: IngestResult, title: str, *, as_json: bool) -> str:
    if as_json:
        record = {
            "target": target,
            "outcome": result.kind,
            "item_id": result.item_id,
            "reason": result.reason or None,
            "title": title,
        }
        return json.dumps(record, ensure_ascii=False)
    reason = f" ({result.reason})" if result.reason and result.kind != "new" else ""
    return f"{result.kind:<9} item {result.item_id}{reason}: {target}  {title}"


@cli.command("items")
@click.option("--meetings", is_flag=True, help="Only meeting reports.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after DATE.")
@click.option("--source", help="Only items seen at this source.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@db_option
@json_option
def items_command(
    meetings: bool,
    since: datetime | None,
    source: str | None,
    limit: int,
    db_path: str,
    as_json: bool,
) -> None:
    """List stored items, newest first."""
    query = ItemQuery(
        meetings_only=meetings,
        since=date(since.year, since.month, since.day) if since else None,
        source=source,
        limit=limit,
    )
    with Store(db_path) as store:
        _print_rows(store.items(query), as_json=as_json)


@cli.command("show")
@click.argument("item_id", type=int, metavar="ID")
@db_option
@json_option
def show_command(item_id: int, db_path: str, as_json: bool) -> None:
    """Show one item: its article, meeting, every outlet and revision."""
    with Store(db_path) as store:
        found = store.item(item_id)
    if found is None:
        raise StoreError(db_path, f"no item {item_id}")
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False))
        return
    click.echo(_detail(found))


@cli.command("search")
@click.argument("query")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@db_option
@json_option
def search_command(query: str, limit: int, db_path: str, as_json: bool) -> None:
    """Find items whose title or text contains QUERY.

    Chinese substrings work: three or more characters use the trigram index,
    shorter queries a plain scan.
    """
    with Store(db_path) as store:
        _print_rows(store.search(query, limit), as_json=as_json)


def _print_rows(rows: list[dict[str, Any]], *, as_json: bool) -> None:
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        when = (row["published"] or row["first_seen"] or "")[:10]
        meeting = f"  [{row['meeting_kind']} · {row['meeting_convener'] or '?'}]"
        click.echo(
            f"#{row['id']:<5} {when}  {row['title']}"
            f"{meeting if row['meeting_kind'] else ''}  ({row['site']}, {_outlets(row['outlets'])})"
        )


def _outlets(count: int) -> str:
    return "1 outlet" if count == 1 else f"{count} outlets"


def _detail(item: dict[str, Any]) -> str:
    lines = [
        f"#{item['id']}  {item['title']}",
        (
            f"  site {item['site']}  outlet {item['outlet'] or '-'}  "
            f"published {item['published'] or '-'}"
        ),
        f"  url {item['url'] or '-'}  source {item['source_url'] or '-'}",
        f"  content {item['content_hash'][:16]}…  first seen {item['first_seen']}",
    ]
    if item["meeting_kind"]:
        lines.append(
            f"  meeting {item['meeting_kind']} · {item['meeting_convener'] or '?'} · "
            f"{item['meeting_date'] or 'date unknown'} · chair {item['meeting_chair'] or '-'}"
        )
        if item["meeting_attendees"]:
            lines.append(f"  attendees {'、'.join(item['meeting_attendees'])}")
        lines.extend(f"  topic {topic}" for topic in item["meeting_topics"])
    lines.extend(
        f"  seen at {o['source']} {o['url'] or ''} ({o['reason']}, {o['seen']})"
        for o in item["outlets"]
    )
    lines.extend(f"  revision {r['id']} {r['seen']}: {r['title']}" for r in item["revisions"])
    return "\n".join(lines)
