"""Load and validate ``config/monitor.toml``: every problem, with its key path, in one go.

``load(path, environ)`` reads TOML, substitutes ``${VAR}`` from the
environment (secrets never live in the file), and validates with pydantic,
which rejects unknown keys and wrong types. Any problem becomes one
:class:`ConfigError` whose message lists each problem as ``key.path: what``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor.errors import ConfigError

DEFAULT_PATH = Path("config") / "monitor.toml"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_LISTEN = re.compile(r"^(?P<host>\[[0-9a-fA-F:]+\]|[\w.-]+):(?P<port>\d{1,5})$")


def parse_duration(value: object) -> timedelta:
    """``"10m"``, ``"30s"``, ``"1.5h"``, ``"1d"`` or a number of seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
    message = f"expected a duration such as '30s', '10m', '1h', got {value!r}"
    raise ValueError(message)


def format_duration(value: timedelta) -> str:
    """The shortest exact spelling: ``600 s`` → ``"10m"``."""
    seconds = value.total_seconds()
    for unit in ("d", "h", "m", "s"):
        count = seconds / _UNITS[unit]
        if count >= 1 and count == int(count):
            return f"{int(count)}{unit}"
    return f"{seconds:g}s"


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
]


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
        if self.interval < timedelta(seconds=1):
            message = "interval must be at least 1s"
            raise ValueError(message)
        return self


class Config(_Strict):
    """The whole configuration file."""

    database: DatabaseConfig = DatabaseConfig()
    server: ServerConfig = ServerConfig()
    polling: PollingConfig = PollingConfig()
    sources: tuple[SourceConfig, ...] = ()

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        seen: set[str] = set()
        for source in self.sources:
            if source.name in seen:
                message = f"two sources are named {source.name!r}; names must be unique"
                raise ValueError(message)
            seen.add(source.name)
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
    where = _path(tuple(part for part in error["loc"] if not str(part).startswith("function-")))
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown key"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}"


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
