"""Load and validate ``config/monitor.toml``: every problem, with its key path, in one go.

``load(path, environ)`` reads TOML, substitutes ``${VAR}`` from the
environment (secrets never live in the file), and validates with pydantic,
which rejects unknown keys and wrong types. Any problem becomes one
:class:`ConfigError` whose message lists each problem as ``key.path: what``.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor.config.channels import Channel, NotifyConfig
from monitor.config.durations import Duration, format_duration, parse_duration
from monitor.errors import ConfigError

__all__ = [
    "DEFAULT_PATH",
    "Config",
    "ConfigError",
    "Duration",
    "PollingConfig",
    "SourceConfig",
    "format_duration",
    "load",
    "masked",
    "parse_duration",
]

DEFAULT_PATH = Path("config") / "monitor.toml"
_CHANNEL_KINDS = frozenset({"webhook", "email", "apprise"})
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_LISTEN = re.compile(r"^(?P<host>\[[0-9a-fA-F:]+\]|[\w.-]+):(?P<port>\d{1,5})$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class DatabaseConfig(_Strict):
    """``[database]``."""

    path: str = "data/monitor.db"
    near_distance: int = Field(default=3, ge=0, le=16)
    notify_revisions: bool = False


class ServerConfig(_Strict):
    """``[server]``: the health, metrics and feed endpoint."""

    listen: str = "127.0.0.1:8080"

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        match = _LISTEN.match(value)
        if match is None or not 0 < int(match.group("port")) < 65536:  # noqa: PLR2004
            message = f"expected HOST:PORT such as '127.0.0.1:8080', got {value!r}"
            raise ValueError(message)
        return value


class PollingConfig(_Strict):
    """``[polling]``: how every source is fetched and rescheduled."""

    max_backoff: Duration = timedelta(days=1)
    broken_after: int = Field(default=3, ge=1)
    max_articles: int = Field(default=50, ge=1)
    max_connections: int = Field(default=64, ge=1, le=1024)
    per_host: int = Field(default=2, ge=1, le=64)
    timeout: Duration = timedelta(seconds=20)
    block_private: bool = False
    grace: Duration = timedelta(seconds=10)


class SourceConfig(_Strict):
    """One ``[[sources]]`` entry."""

    name: str = Field(min_length=1, pattern=r"^[\w.-]+$")
    kind: Literal["feed", "page", "json", "archive"]
    url: str | None = None
    path: str | None = None
    interval: Duration = timedelta(minutes=10)
    site: str | None = None
    enabled: bool = True
    # archive sources: which files are documents (globs relative to path).
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # page sources: which links on the list page are articles.
    link_selector: str | None = None
    link_pattern: str | None = None
    # json sources: where the list and each entry's fields are.
    items_path: str | None = None
    url_field: str = "url"
    title_field: str = "title"
    id_field: str | None = None
    time_field: str | None = None
    # backfill: numbered older list pages, e.g. ".../index_{page}.html" or "...&page={page}".
    history_url: str | None = None
    history_first: int = Field(default=2, ge=0)
    history_pages: int = Field(default=20, ge=1, le=10_000)

    @model_validator(mode="after")
    def _location(self) -> SourceConfig:
        if self.kind == "archive" and not self.path:
            message = "an archive source needs path = '<folder>'"
            raise ValueError(message)
        if self.kind != "archive" and not self.url:
            message = f"a {self.kind} source needs url = 'https://…'"
            raise ValueError(message)
        if self.url and not self.url.startswith(("http://", "https://")):
            message = f"url must start with http:// or https://, got {self.url!r}"
            raise ValueError(message)
        if self.kind == "json" and self.items_path is None:
            message = (
                "a json source needs items_path = '<dotted path to the list>' ('' for the root)"
            )
            raise ValueError(message)
        if self.history_url is not None and "{page}" not in self.history_url:
            message = "history_url must contain {page} where the page number goes"
            raise ValueError(message)
        if self.interval < timedelta(seconds=1):
            message = "interval must be at least 1s"
            raise ValueError(message)
        return self


class Config(_Strict):
    """The whole configuration file."""

    database: DatabaseConfig = DatabaseConfig()
    server: ServerConfig = ServerConfig()
    polling: PollingConfig = PollingConfig()
    notify: NotifyConfig = NotifyConfig()
    sources: tuple[SourceConfig, ...] = ()
    channels: tuple[Channel, ...] = ()

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        for what, names in (
            ("sources", [source.name for source in self.sources]),
            ("channels", [channel.name for channel in self.channels]),
        ):
            twice = sorted(name for name, count in Counter(names).items() if count > 1)
            if twice:
                message = f"two {what} are named {twice[0]!r}; names must be unique"
                raise ValueError(message)
        return self


def load(path: str | Path, environ: Mapping[str, str]) -> Config:
    """Read, substitute and validate the configuration at ``path``.

    Raises:
        ConfigError: the file is missing, not TOML, names an unset variable, or
            fails validation; the message lists every problem with its key path.
    """
    subject = str(path)
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(subject, f"cannot read: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(subject, f"not valid TOML: {exc}") from exc
    problems: list[str] = []
    substituted = _substitute(raw, environ, (), problems)
    try:
        loaded = Config.model_validate(substituted)
    except ValidationError as exc:
        problems.extend(_describe(error) for error in exc.errors())
        raise ConfigError(subject, "; ".join(problems)) from exc
    if problems:
        raise ConfigError(subject, "; ".join(problems))
    return loaded


def _substitute(
    value: Any,  # noqa: ANN401 - TOML values are any of its types
    environ: Mapping[str, str],
    where: tuple[Any, ...],
    problems: list[str],
) -> Any:  # noqa: ANN401
    if isinstance(value, str):

        def variable(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in environ:
                problems.append(f"{_path(where)}: environment variable {name} is not set")
                return ""
            return environ[name]

        return _VARIABLE.sub(variable, value)
    if isinstance(value, dict):
        return {
            key: _substitute(item, environ, (*where, key), problems) for key, item in value.items()
        }
    if isinstance(value, list):
        return [
            _substitute(item, environ, (*where, index), problems)
            for index, item in enumerate(value)
        ]
    return value


def _path(where: tuple[Any, ...]) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _describe(error: Mapping[str, Any]) -> str:
    where = _path(_location(error["loc"]))
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown key"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}"


def _location(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The user's key path: without validator names or the tag pydantic adds for a union."""
    parts: list[Any] = []
    for part in loc:
        if str(part).startswith("function-"):
            continue
        if parts and isinstance(parts[-1], int) and part in _CHANNEL_KINDS:
            continue
        parts.append(part)
    return tuple(parts)


def with_listen(config: Config, listen: str) -> Config:
    """``config`` listening on ``listen`` instead (``MONITOR_LISTEN``), validated the same way.

    Raises:
        ConfigError: ``listen`` is not HOST:PORT.
    """
    try:
        server = ServerConfig(listen=listen)
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise ConfigError("MONITOR_LISTEN", problems) from exc
    return config.model_copy(update={"server": server})


def masked(config: Config) -> dict[str, Any]:
    """The effective configuration as plain data, secrets shown as ``<secret>``."""
    return _mask(config.model_dump(mode="json"), config)


def _mask(data: dict[str, Any], model: BaseModel) -> dict[str, Any]:
    for name, value in model:
        if isinstance(value, SecretStr):
            data[name] = "<secret>"
        elif isinstance(value, BaseModel):
            data[name] = _mask(data[name], value)
        elif isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
            data[name] = [_mask(item, sub) for item, sub in zip(data[name], value, strict=True)]
    return data
