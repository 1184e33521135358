"""The log line of a poll: readable as text, every figure a field in JSON."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from monitor.dates import to_shanghai
from monitor.model import SourceRun

if TYPE_CHECKING:
    from monitor.notify.outbox import Round

logger = logging.getLogger("monitor.poll")


def log_run(run: SourceRun) -> None:
    """One line per poll; a source turning broken gets one more, once."""
    message, fields = describe(run)
    logger.log(logging.WARNING if run.failed else logging.INFO, message, extra=fields)
    if run.newly_broken:
        reason = run.errors[0] if run.errors else "no entries"
        logger.warning(
            "%s: marked broken: %s",
            run.source,
            reason,
            extra={"source": run.source, "event": "broken"},
        )


def describe(run: SourceRun) -> tuple[str, dict[str, Any]]:
    """The text of the line and its structured fields."""
    parts = [run.outcome]
    if run.entries:
        parts.append(f"{run.entries} listed, {run.skipped} known")
    parts.extend(f"{count} {kind}" for kind, count in sorted(run.ingested.items()))
    if run.errors:
        parts.append(
            f"{len(run.errors)} error{'s' if len(run.errors) > 1 else ''}: {run.errors[0]}"
        )
    due = to_shanghai(run.next_due).strftime("%H:%M:%S")
    retry = f" (retry {run.failures})" if run.failures else ""
    message = f"{run.source}: {', '.join(parts)}; {run.elapsed:.2f} s; next {due}{retry}"
    fields: dict[str, Any] = {
        "event": "poll",
        "source": run.source,
        "outcome": run.outcome,
        "entries": run.entries,
        "known": run.skipped,
        "new": run.new,
        "ingested": dict(run.ingested),
        "errors": list(run.errors),
        "seconds": round(run.elapsed, 3),
        "next_due": run.next_due.isoformat(),
        "failures": run.failures,
        "broken": run.broken,
    }
    return message, fields


def summary(runs: Sequence[SourceRun], seconds: float) -> str:
    """The closing line of a pass over every source."""
    outcomes: dict[str, int] = {}
    for run in runs:
        outcomes[run.outcome] = outcomes.get(run.outcome, 0) + 1
    spelled = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
    new = sum(run.new for run in runs)
    failed = sum(run.failed for run in runs)
    return (
        f"pass: {len(runs)} sources ({spelled or 'none'}), {new} new items, "
        f"{failed} failed, in {seconds:.2f} s"
    )


def log_deliveries(done: Round) -> None:
    """One line per delivery round that did anything."""
    message = (
        f"outbox: {done.delivered} delivered, {done.retried} to retry, {done.dead} dead, "
        f"{done.held} held by the hourly cap"
    )
    fields = {
        "event": "deliveries",
        "delivered": done.delivered,
        "retried": done.retried,
        "dead": done.dead,
        "held": done.held,
    }
    level = logging.WARNING if done.retried or done.dead else logging.INFO
    logger.log(level, message, extra=fields)
