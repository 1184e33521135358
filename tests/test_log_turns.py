"""Log lines of one event-loop turn are written together, in order, and never held back."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator

import pytest

from monitor import log


class CountingStream(io.StringIO):
    """A stream that counts its writes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


@pytest.fixture
def stream() -> Iterator[CountingStream]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    target = CountingStream()
    log.configure("text", "INFO", target)
    yield target
    root.handlers[:] = handlers
    root.setLevel(level)


def lines(stream: CountingStream) -> list[str]:
    return [line.split(" ", 2)[2].strip() for line in stream.getvalue().splitlines()]


def test_outside_an_event_loop_each_line_is_written_at_once(stream: CountingStream) -> None:
    logging.getLogger("monitor.test").info("one")
    assert lines(stream) == ["one"]
    logging.getLogger("monitor.test").warning("two")
    assert lines(stream) == ["one", "two"]
    assert stream.writes == 2


def test_lines_of_one_turn_are_one_write_at_the_turn_s_end(stream: CountingStream) -> None:
    async def go() -> None:
        for index in range(50):
            logging.getLogger("monitor.poll").info("source %d: not-modified", index)
        assert stream.getvalue() == ""  # still this turn
        await asyncio.sleep(0)
        assert len(lines(stream)) == 50

    asyncio.run(go())
    assert lines(stream) == [f"source {index}: not-modified" for index in range(50)]
    assert stream.writes == 1


def test_a_loop_closed_before_its_flush_holds_nothing_back(stream: CountingStream) -> None:
    loop = asyncio.new_event_loop()

    async def log_and_leave() -> None:
        logging.getLogger("monitor.test").info("first loop")

    loop.run_until_complete(log_and_leave())
    loop.close()  # the scheduled flush never ran

    async def again() -> None:
        logging.getLogger("monitor.test").info("second loop")
        await asyncio.sleep(0)

    asyncio.run(again())
    assert lines(stream) == ["first loop", "second loop"]


def test_a_line_after_the_loop_flushes_what_waited_first(stream: CountingStream) -> None:
    loop = asyncio.new_event_loop()

    async def log_and_leave() -> None:
        logging.getLogger("monitor.test").info("inside")

    loop.run_until_complete(log_and_leave())
    loop.close()
    logging.getLogger("monitor.test").info("outside")
    assert lines(stream) == ["inside", "outside"]


@pytest.mark.usefixtures("stream")
def test_the_time_stamp_is_beijing_time_to_the_second() -> None:
    record = logging.LogRecord("monitor", logging.INFO, __file__, 1, "x", None, None)
    record.created = 1_717_070_400.75  # 2024-05-30 12:00:00.75 UTC
    formatter = logging.getLogger().handlers[0].formatter
    assert formatter is not None
    assert formatter.formatTime(record) == "2024-05-30T20:00:00+08:00"
    record.created += 1
    assert formatter.formatTime(record) == "2024-05-30T20:00:01+08:00"
