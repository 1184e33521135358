"""Configuration: every problem with its key path, secrets from the environment."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import ROOT, run_monitor

from monitor.config import DEFAULT_PATH, format_duration, load, masked, parse_duration
from monitor.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "monitor.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_configuration_is_valid() -> None:
    loaded = load(ROOT / DEFAULT_PATH, {})
    names = [source.name for source in loaded.sources]
    assert names == [
        "sina-finance-china",
        "shanghai-gov-yaowen",
        "gov-cn-yaowen",
        "kankanews",
        "fixtures",
    ]
    assert all(
        s.url and s.url.startswith("https://") for s in loaded.sources if s.kind != "archive"
    )
    assert loaded.sources[-1].interval == timedelta(minutes=10)
    assert loaded.server.listen == "127.0.0.1:8080"


@pytest.mark.parametrize(
    ("name", "article"),
    [
        (
            "shanghai-gov-yaowen",
            "https://www.shanghai.gov.cn/nw4411/20260821/97a6c87e5f364999b2dca7da1d794a0c.html",
        ),
        ("kankanews", "https://www.kankanews.com/detail/D1ypPxembym"),
        ("kankanews", "https://www.kankanews.com/a/2024-05-06/0012345678.shtml"),
    ],
)
def test_the_shipped_page_patterns_match_article_urls(name: str, article: str) -> None:
    [source] = [s for s in load(ROOT / DEFAULT_PATH, {}).sources if s.name == name]
    assert source.link_pattern is not None
    assert re.search(source.link_pattern, article)
    assert not re.search(source.link_pattern, article.rsplit("/", 1)[0] + "/index.html")


def test_defaults_fill_an_empty_file(tmp_path: Path) -> None:
    loaded = load(write(tmp_path, ""), {})
    assert loaded.database.path == "data/monitor.db"
    assert loaded.sources == ()


def test_every_problem_is_listed_with_its_key_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[server]\nlisten = "nowhere"\ncolour = "red"\n'
        '[[sources]]\nname = "a"\nkind = "rss"\nurl = "https://x.cn/"\n'
        '[[sources]]\nname = "b"\nkind = "feed"\nurl = "https://x.cn/"\ninterval = "soon"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load(path, {})
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    for expected in (
        "server.listen: expected HOST:PORT",
        "server.colour: unknown key",
        "sources[0].kind: Input should be 'feed', 'page', 'json' or 'archive'",
        "sources[1].interval: expected a duration",
    ):
        assert expected in message


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ('name = "a"\nkind = "archive"', "an archive source needs path"),
        ('name = "a"\nkind = "feed"', "a feed source needs url"),
        ('name = "a"\nkind = "feed"\nurl = "ftp://x"', "url must start with http"),
        ('name = "a"\nkind = "feed"\nurl = "https://x"\ninterval = "0s"', "at least 1s"),
    ],
)
def test_source_rules(tmp_path: Path, source: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        load(write(tmp_path, f"[[sources]]\n{source}\n"), {})


def test_duplicate_source_names_are_refused(tmp_path: Path) -> None:
    text = '[[sources]]\nname = "a"\nkind = "archive"\npath = "x"\n' * 2
    with pytest.raises(ConfigError, match="two sources are named 'a'"):
        load(write(tmp_path, text), {})


def test_variables_come_from_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, '[[sources]]\nname = "a"\nkind = "feed"\nurl = "${FEED_URL}"\n')
    assert load(path, {"FEED_URL": "https://x.cn/rss"}).sources[0].url == "https://x.cn/rss"
    with pytest.raises(ConfigError, match=r"sources\[0\]\.url: environment variable FEED_URL"):
        load(path, {})


def test_unreadable_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load(tmp_path / "missing.toml", {})
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(write(tmp_path, "x = ["), {})


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("10m", 600), ("1.5h", 5400), ("1d", 86400), (45, 45)]
)
def test_durations(text: str | int, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


def test_durations_print_back_in_their_shortest_form() -> None:
    assert format_duration(timedelta(minutes=10)) == "10m"
    assert format_duration(timedelta(seconds=90)) == "90s"


def test_masked_dump_is_plain_data(tmp_path: Path) -> None:
    dumped = masked(load(write(tmp_path, '[[sources]]\nname="a"\nkind="archive"\npath="x"\n'), {}))
    assert dumped["sources"][0]["interval"] == "10m"


def test_config_check_exits_2_with_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[nope]\n")
    result = run_monitor("config", "check", "--config", str(path))
    assert result.returncode == 2
    assert result.stderr == f"error: {path}: nope: unknown key\n"
    shipped = run_monitor("config", "check")
    assert shipped.returncode == 0
    assert shipped.stdout.startswith("config/monitor.toml: ok (5 sources)")
