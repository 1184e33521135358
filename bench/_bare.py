"""The floor for a poll pass: a bare httpx loop, no parsing, no store.

``python bench/_bare.py first URLS STATE`` GETs every URL (one per line of URLS)
and writes the validators each answer carried to STATE (JSON);
``python bench/_bare.py again STATE`` GETs them all again with If-None-Match and
If-Modified-Since and prints one JSON line: the pass's seconds (client opened to last answer;
interpreter start-up and imports excluded) and the count of each status.

Concurrency is the fetcher's (``monitor.fetchresult.FetchLimits``): one shared
``httpx.AsyncClient``, at most ``max_connections`` requests at once and
``per_host`` per host name, each request holding its host's slot first.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

from monitor.fetchresult import FetchLimits

Validators = dict[str, str]


async def poll(
    urls: list[str], sent: dict[str, Validators], limits: FetchLimits
) -> dict[str, tuple[int, Validators]]:
    """Each URL's status and validators, GET with the validators ``sent`` for it."""
    every = asyncio.Semaphore(limits.max_connections)
    hosts: dict[str, asyncio.Semaphore] = {}
    pool = httpx.Limits(
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_connections,
    )
    async with httpx.AsyncClient(limits=pool, trust_env=False, timeout=20.0) as client:

        async def one(url: str) -> tuple[int, Validators]:
            host = httpx.URL(url).host
            slot = hosts.setdefault(host, asyncio.Semaphore(limits.per_host))
            headers = {"User-Agent": "bench-bare-httpx"}
            known = sent.get(url, {})
            if "etag" in known:
                headers["If-None-Match"] = known["etag"]
            if "last-modified" in known:
                headers["If-Modified-Since"] = known["last-modified"]
            async with slot, every:
                response = await client.get(url, headers=headers)
            found = {
                k: response.headers[k] for k in ("etag", "last-modified") if k in response.headers
            }
            return response.status_code, found

        answers = await asyncio.gather(*(one(url) for url in urls))
    return dict(zip(urls, answers, strict=True))


def first(urls_file: Path, state: Path) -> None:
    """Fetch every URL unconditionally; store what validators came back."""
    urls = urls_file.read_text().split()
    answers = asyncio.run(poll(urls, {}, FetchLimits()))
    state.write_text(json.dumps({url: found for url, (_, found) in answers.items()}))


def again(state: Path) -> None:
    """Fetch every URL conditionally; print the pass seconds and statuses as JSON."""
    sent: dict[str, Validators] = json.loads(state.read_text())
    start = time.perf_counter()
    answers = asyncio.run(poll(list(sent), sent, FetchLimits()))
    seconds = time.perf_counter() - start
    statuses = Counter(str(status) for status, _ in answers.values())
    print(json.dumps({"pass_seconds": seconds, "statuses": dict(statuses)}))


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["first", urls_file, state]:
            first(Path(urls_file), Path(state))
        case ["again", state]:
            again(Path(state))
        case _:
            sys.exit("usage: _bare.py first URLS STATE | again STATE")
