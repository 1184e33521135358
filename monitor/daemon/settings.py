"""What the daemon is told: the configuration, the database, and limits derived from them."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.config import Config, PollingConfig, SourceConfig
from monitor.config.channels import Channel
from monitor.fetchresult import FetchLimits


@dataclass(frozen=True, slots=True)
class Settings:
    """What ``monitor run`` was told: the configuration and where the database is."""

    config: Config
    db_path: str

    @property
    def sources(self) -> tuple[SourceConfig, ...]:
        """The sources to poll: the enabled ones."""
        return tuple(source for source in self.config.sources if source.enabled)

    @property
    def channels(self) -> tuple[Channel, ...]:
        """The channels to notify: the enabled ones."""
        return tuple(channel for channel in self.config.channels if channel.enabled)


def fetch_limits(polling: PollingConfig) -> FetchLimits:
    """The fetcher's limits as the ``[polling]`` table sets them."""
    return FetchLimits(
        read_timeout=polling.timeout.total_seconds(),
        max_connections=polling.max_connections,
        per_host=polling.per_host,
    )
