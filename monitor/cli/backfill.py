"""``monitor backfill``: ingest history (archives, paged feeds) without notifying anyone."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.cli.app import cli
from monitor.cli.config import config_option
from monitor.cli.run import DB_HELP, settings_from
from monitor.daemon.settings import Settings, fetch_limits

if TYPE_CHECKING:
    from collections.abc import Callable

    from monitor.backfill import Progress
    from monitor.config import SourceConfig
    from monitor.store import NotifyHook

#: Seconds between two progress lines when stderr is not a terminal.
LOG_EVERY = 5.0


@cli.command("backfill")
@click.option("--source", "sources", multiple=True, help="A configured source (repeatable).")
@click.option("--from", "folders", multiple=True, type=click.Path(), help="A local archive folder.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after DATE.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before DATE.")
@click.option("--notify", is_flag=True, help="Notify the channels of new items (off by default).")
@click.option("--dry-run", is_flag=True, help="Report what would be stored; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="The summary as one JSON object.")
@config_option
@click.option("--db", "db_path", envvar="MONITOR_DB", help=DB_HELP)
def backfill_command(
    sources: Sequence[str],
    folders: Sequence[str],
    since: datetime | None,
    until: datetime | None,
    notify: bool,
    dry_run: bool,
    as_json: bool,
    config_path: str,
    db_path: str | None,
) -> None:
    """Ingest history: archive folders (--from) and configured sources with their older pages.

    Everything goes through the same parsing and deduplication as the daemon.
    Interrupted, it resumes where it stopped; run again, it adds nothing.
    Exit code 1 when a document or a source failed (each is one line).
    """
    from monitor.backfill import Backfill, Window  # noqa: PLC0415 - the command's own weight
    from monitor.store import Store  # noqa: PLC0415
    from monitor.store.connection import MEMORY  # noqa: PLC0415

    if not sources and not folders:
        raise click.UsageError("name what to backfill: --from FOLDER and/or --source NAME")
    settings = settings_from(config_path, db_path)
    chosen = _sources(settings, sources)
    window = Window(_day(since), _day(until))
    started = time.monotonic()
    # A dry run works on a private copy (or, for a database not created yet, on an
    # empty one in memory) so that it changes nothing, not even by creating a file.
    target = settings.db_path if not dry_run or Path(settings.db_path).exists() else MEMORY
    with Store(target) as stored:
        store = stored.copy_in_memory() if dry_run else stored
        backfill = Backfill(store, "backfill", window, _hook(settings, notify))
        backfill.report = _reporter(started)
        for folder in [*folders, *(s.path for s in chosen if s.kind == "archive" and s.path)]:
            backfill.source = next((s.name for s in chosen if s.path == folder), "backfill")
            backfill.folder(Path(folder))
        remote = [s for s in chosen if s.kind != "archive"]
        if remote:
            from monitor.backfill import feeds  # noqa: PLC0415

            asyncio.run(feeds(backfill, remote, fetch_limits(settings.config.polling)))
        store.index_pending()
    _summary(backfill.progress, time.monotonic() - started, dry_run=dry_run, as_json=as_json)
    if backfill.progress.errors:
        sys.exit(1)


def _sources(settings: Settings, names: Sequence[str]) -> list[SourceConfig]:
    by_name = {source.name: source for source in settings.config.sources}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        known = ", ".join(by_name) or "none"
        raise click.BadParameter(
            f"no source {unknown[0]!r} (configured: {known})", param_hint="--source"
        )
    return [by_name[name] for name in names]


def _hook(settings: Settings, notify: bool) -> NotifyHook | None:
    if not notify or not settings.channels:
        return None
    from monitor.notify.filter import hook  # noqa: PLC0415

    return hook(settings.channels)


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.date()


def _reporter(started: float) -> Callable[[Progress], None]:
    """Progress on stderr: a rewritten line on a terminal, a line every few seconds otherwise."""
    terminal = sys.stderr.isatty()
    last = [started]

    def report(progress: Progress) -> None:
        now = time.monotonic()
        if now - last[0] < (0.2 if terminal else LOG_EVERY):
            return
        last[0] = now
        rate = progress.done / max(now - started, 1e-9)
        left = (progress.total - progress.done) / rate if rate else 0
        line = (
            f"backfill: {progress.done}/{progress.total} documents, {progress.new} new, "
            f"{progress.duplicates} duplicate, {progress.known} known, "
            f"{progress.meetings} meetings, {len(progress.errors)} errors, "
            f"{rate:.0f}/s, ETA {left:.0f} s"
        )
        click.echo(f"\r{line}\033[K" if terminal else line, err=True, nl=not terminal)

    return report


def _summary(progress: Progress, seconds: float, *, dry_run: bool, as_json: bool) -> None:
    for error in progress.errors:
        click.echo(f"error: {error}", err=True)
    record = {
        "documents": progress.done,
        "known": progress.known,
        "out_of_range": progress.out_of_range,
        "outcomes": dict(progress.outcomes),
        "meetings": progress.meetings,
        "errors": len(progress.errors),
        "seconds": round(seconds, 3),
        "dry_run": dry_run,
    }
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False))
        return
    outcomes = ", ".join(f"{count} {kind}" for kind, count in sorted(progress.outcomes.items()))
    prefix = "dry run, nothing stored: " if dry_run else ""
    click.echo(
        f"{prefix}{progress.done} documents in {seconds:.1f} s: {outcomes or 'nothing new'}, "
        f"{progress.known} already known, {progress.out_of_range} outside the dates, "
        f"{progress.meetings} new meeting reports, {len(progress.errors)} errors"
    )
