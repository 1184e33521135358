"""``monitor parse``: read documents and show what the monitor sees in them."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence

import click

from monitor.cli.app import cli
from monitor.cli.inputs import read_target
from monitor.errors import ConfigError, MonitorError
from monitor.extract import as_record, extract_bytes
from monitor.model import Extracted
from monitor.sites.registry import BY_NAME


@cli.command("parse")
@click.argument("targets", nargs=-1, required=True, metavar="PATH|URL...")
@click.option("--site", type=click.Choice(sorted(BY_NAME)), help="Force a site parser.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def parse_command(targets: Sequence[str], site: str | None, as_json: bool) -> None:
    """Parse articles and show what the monitor reads in them.

    Each PATH is a file (Hexo/Jekyll post, saved HTML page, page saved as
    text); each URL is fetched. Errors are reported per document; the others
    go on, and the exit code is 1 if any failed.
    """
    failed = 0
    out = sys.stdout
    for target, result in _parse_all(targets, site):
        if isinstance(result, MonitorError):
            failed += 1
            click.echo(f"error: {target}: {result.message}", err=True)
            continue
        if as_json:
            out.write(json.dumps(as_record(result), ensure_ascii=False) + "\n")
        else:
            out.write(_summary(target, result))
    if failed:
        sys.exit(1)


def _parse_all(
    targets: Iterable[str], site: str | None
) -> Iterable[tuple[str, Extracted | MonitorError]]:
    for target in targets:
        try:
            data, url, headers = read_target(target)
            yield target, extract_bytes(data, url=url, headers=headers, site=site, subject=target)
        except ConfigError:
            raise
        except MonitorError as error:
            yield target, error


def _summary(target: str, result: Extracted) -> str:
    article = result.article
    published = article.published.isoformat(" ", "minutes") if article.published else "unknown"
    lines = [
        f"{target}  [{result.site}]",
        f"  title      {article.title}",
        f"  published  {published}",
        f"  outlet     {article.outlet or '-'}    editor {article.editor or '-'}",
        (
            f"  body       {len(article.paragraphs)} paragraphs, "
            f"{len(article.headings)} headings, {len(article.text)} characters"
        ),
    ]
    if article.source_url:
        lines.append(f"  source     {article.source_url}")
    meeting = result.meeting
    if meeting is None:
        lines.append("  meeting    none")
    else:
        when = meeting.date.isoformat() if meeting.date else "date unknown"
        lines.append(f"  meeting    {meeting.kind} · {meeting.convener or '?'} · {when}")
        lines.append(f"  chair      {meeting.chair or '-'}")
        if meeting.attendees:
            lines.append(f"  attendees  {'、'.join(meeting.attendees)}")
        lines.extend(f"  topic      {topic}" for topic in meeting.topics)
    return "\n".join(lines) + "\n\n"
