"""``monitor outbox`` (pending and dead deliveries, requeue) and ``monitor notify-test``."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.app import cli
from monitor.cli.config import config_option
from monitor.cli.run import DB_HELP, settings_from
from monitor.dates import to_shanghai

if TYPE_CHECKING:
    from monitor.store import OutboxRow


@cli.group("outbox", invoke_without_command=True)
@click.option("--dead", is_flag=True, help="Deliveries that gave up, with their last error.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@config_option
@click.option("--db", "db_path", envvar="MONITOR_DB", help=DB_HELP)
@click.pass_context
def outbox_group(
    context: click.Context, dead: bool, as_json: bool, config_path: str, db_path: str | None
) -> None:
    """Show pending deliveries (or --dead ones); `outbox retry` requeues dead ones."""
    if context.invoked_subcommand is not None:
        return
    from monitor.store import Store  # noqa: PLC0415 - heavy; only this command needs it

    with Store(settings_from(config_path, db_path).db_path) as store:
        rows = store.outbox_rows(dead=dead)
    for row in rows:
        record = _record(row)
        click.echo(json.dumps(record, ensure_ascii=False) if as_json else _line(record))
    if not rows and not as_json:
        click.echo(f"no {'dead' if dead else 'pending'} deliveries")


@outbox_group.command("retry")
@click.argument("ids", nargs=-1, type=int, metavar="[ID]...")
@click.option("--all", "every", is_flag=True, help="Requeue every dead delivery.")
@config_option
@click.option("--db", "db_path", envvar="MONITOR_DB", help=DB_HELP)
def retry_command(ids: tuple[int, ...], every: bool, config_path: str, db_path: str | None) -> None:
    """Requeue dead deliveries (by ID, or --all): pending again, due now, attempts reset."""
    if not ids and not every:
        raise click.UsageError("name the deliveries to requeue (IDs) or pass --all")
    if ids and every:
        raise click.UsageError("give IDs or --all, not both")
    from monitor.store import Store  # noqa: PLC0415 - heavy; only this command needs it

    with Store(settings_from(config_path, db_path).db_path) as store:
        count = store.outbox_requeue(None if every else list(ids))
    click.echo(f"requeued {count} deliver{'y' if count == 1 else 'ies'}")


@cli.command("notify-test")
@click.argument("channel")
@config_option
def notify_test_command(channel: str, config_path: str) -> None:
    """Send a sample meeting report over CHANNEL now; exit 1 if it did not go through."""
    from monitor.daemon.once import send_test  # noqa: PLC0415 - heavy; only this command

    settings = settings_from(config_path, None)
    delivery = asyncio.run(send_test(settings, channel))
    if delivery.outcome != "delivered":
        click.echo(f"error: {channel}: {delivery.outcome}: {delivery.error}", err=True)
        sys.exit(1)
    note = f" ({delivery.error})" if delivery.error else ""
    click.echo(f"{channel}: delivered{note}")


def _record(row: OutboxRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "item_id": row.item_id,
        "channel": row.channel,
        "key": row.key,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt": to_shanghai(row.next_attempt).isoformat(timespec="seconds"),
        "last_error": row.last_error,
        "created": to_shanghai(row.created).isoformat(timespec="seconds"),
    }


def _line(record: dict[str, Any]) -> str:
    text = (
        f"{record['id']:>6} {record['channel']:<12} item {record['item_id']:<6} "
        f"{record['status']:<8} attempts {record['attempts']}, next {record['next_attempt']}"
    )
    return text + (f": {record['last_error']}" if record["last_error"] else "")
