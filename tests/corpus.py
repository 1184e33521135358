"""Distinct seed-sized documents for store tests and benchmarks, deterministically.

Document ``n`` is seed ``n % 5`` with its body paragraphs reworked so that it is
neither an exact nor a near duplicate of any other document, and still read by
its site parser:

- the first two paragraphs (the lead, which the meeting classifier reads) stay,
  the others are shuffled, some dropped and one repeated;
- about a fifth of the Chinese characters outside the lead are replaced by
  characters drawn from the seeds, and three unique sentences are added (one
  says ``本文档编号为{n}``);
- every date in the document (front matter, date line, ``M月D日``) moves ``n``
  days back, so that no two documents report the same meeting (same convener,
  date and kind is the store's fourth identity layer).

Everything is drawn from ``random.Random(n)``: the same ``n`` always gives the
same bytes.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

SEEDS_FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "sites"

#: Share of the Chinese characters outside the lead that each document replaces.
MUTATION_RATE = 0.22
#: At most this many leading paragraphs stay as they are (the meeting classifier reads them).
KEEP = 2

_CJK = re.compile("[\u4e00-\u9fff]")
_TAG = re.compile(r"(<[^>]*>)")
# A body paragraph of the HTML seeds: a <p> without a class (classes mark the
# editor and credit lines, which stay in the tail).
_HTML_PARAGRAPH = re.compile(r"<p(?: cms-style=\"[^\"]*\")?>.*?</p>", re.DOTALL)
_TEXT_DATE_LINE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}", re.MULTILINE)
_TEXT_BODY_END = re.compile(r"^版权声明", re.MULTILINE)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_RFC_DATE = re.compile(r"\b[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4}\b")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Seed:
    """A seed document cut into head, body paragraphs and tail."""

    name: str
    head: str
    units: tuple[str, ...]
    tail: str
    joiner: str
    published: date


def seed_paths() -> list[Path]:
    """The five seed documents, in a fixed order."""
    return sorted(SEEDS_FOLDER.glob("*/0*.txt"))


@cache
def seeds() -> tuple[Seed, ...]:
    """The seeds, cut once."""
    return tuple(_cut(path) for path in seed_paths())


@cache
def _pool() -> str:
    """Every Chinese character of the seeds' bodies, once each, in a fixed order."""
    chars = {c for seed in seeds() for unit in seed.units for c in _CJK.findall(unit)}
    return "".join(sorted(chars))


def _cut(path: Path) -> Seed:
    raw = path.read_text(encoding="utf-8")
    matches = list(_HTML_PARAGRAPH.finditer(raw))
    if matches:
        start, end = matches[0].start(), matches[-1].end()
        units = tuple(m.group() for m in matches)
        joiner = "\n" if "\n" in raw[start:end] else ""
    else:  # the text snapshot: one paragraph a line below the date line
        dated = _TEXT_DATE_LINE.search(raw)
        stop = _TEXT_BODY_END.search(raw)
        if dated is None or stop is None:
            raise ValueError(f"{path}: no date line or body end")
        start = raw.index("\n", dated.start()) + 1
        end = stop.start() - 1  # the tail keeps the newline before the body end
        units = tuple(line for line in raw[start:end].split("\n") if line.strip())
        joiner = "\n\n\n"
    return Seed(path.name, raw[:start], units, raw[end:], joiner, _published(raw))


def _published(raw: str) -> date:
    rfc = _RFC_DATE.search(raw)
    iso = _ISO_DATE.search(raw)
    if rfc is not None and (iso is None or rfc.start() < iso.start()):
        _, day, month, year = rfc.group().replace(",", "").split()
        return date(int(year), _MONTHS.index(month) + 1, int(day))
    if iso is None:
        raise ValueError("seed has no date")
    return date.fromisoformat(iso.group())


def document(n: int) -> tuple[str, bytes]:
    """Document ``n``: its file name and bytes."""
    seed = seeds()[n % len(seeds())]
    rng = random.Random(n)
    keep = _lead_length(seed.units)
    lead, rest = list(seed.units[:keep]), list(seed.units[keep:])
    rng.shuffle(rest)
    for _ in range(min(2, len(rest) - 2)):
        rest.pop(rng.randrange(len(rest)))
    rest.insert(rng.randrange(len(rest) + 1), rng.choice(rest))
    rest = [_mutate(unit, rng) for unit in rest]
    sentences = [f"本文档编号为{n}，内容仅用于测试。", _sentence(rng), _sentence(rng)]
    for sentence in sentences:
        index = rng.randrange(len(rest))
        rest[index] = _append(rest[index], sentence)
    text = seed.head + seed.joiner.join(lead + rest) + seed.tail
    return f"{n:05d}-{seed.name}", _redate(text, seed.published, n).encode("utf-8")


def _lead_length(units: tuple[str, ...]) -> int:
    """Paragraphs up to the one that reports the meeting (at most :data:`KEEP`)."""
    for index, unit in enumerate(units[:KEEP]):
        if "会议" in unit:
            return index + 1
    return KEEP


@cache
def _spots(unit: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """A paragraph split at its tags, and where its Chinese characters are (part, offset)."""
    parts = tuple(_TAG.split(unit))
    spots = tuple(
        (i, m.start())
        for i, part in enumerate(parts)
        if not part.startswith("<")
        for m in _CJK.finditer(part)
    )
    return parts, spots


def _mutate(unit: str, rng: random.Random) -> str:
    parts, spots = _spots(unit)
    chosen = rng.sample(spots, round(len(spots) * MUTATION_RATE))
    letters = rng.choices(_pool(), k=len(chosen))
    edits: dict[int, list[str]] = {}
    for (i, at), letter in zip(chosen, letters, strict=True):
        if i not in edits:
            edits[i] = list(parts[i])
        edits[i][at] = letter
    return "".join("".join(edits[i]) if i in edits else part for i, part in enumerate(parts))


def _sentence(rng: random.Random) -> str:
    return "".join(rng.choices(_pool(), k=rng.randint(20, 40))) + "。"


def _append(unit: str, sentence: str) -> str:
    """``sentence`` at the end of a paragraph's text, inside its markup."""
    if unit.endswith("</p>"):
        return unit[: -len("</p>")] + sentence + "</p>"
    return unit + sentence


def _redate(text: str, published: date, n: int) -> str:
    """Every mention of the publication date moved ``n`` days back."""
    moved = published - timedelta(days=n)
    old_rfc = _rfc(published)
    replacements: dict[str, str] = {
        published.isoformat(): moved.isoformat(),
        old_rfc: _rfc(moved),
        f"{published.month}月{published.day}日": f"{moved.month}月{moved.day}日",
    }
    pattern = re.compile("|".join(map(re.escape, replacements)))
    swap: Callable[[re.Match[str]], str] = lambda m: replacements[m.group()]  # noqa: E731
    return pattern.sub(swap, text)


def _rfc(day: date) -> str:
    return f"{_DAYS[day.weekday()]}, {day.day:02d} {_MONTHS[day.month - 1]} {day.year}"


def write_corpus(folder: Path, count: int) -> list[Path]:
    """Write documents ``0 … count-1`` into ``folder``; their paths, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        name, data = document(n)
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths
