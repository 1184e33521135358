"""article_identity: the identity of the joined text, from paragraphs normalized once."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import SITE_FIXTURES

from monitor.extract import extract_bytes
from monitor.model import PARAGRAPH_BREAK
from monitor.text import (
    article_identity,
    content_hash,
    paragraph_fingerprints,
    simhash,
)

# Characters that a cleaning round changes, drops or may combine with a neighbour:
# markup and entities (also in their full-width and small forms), full-width ASCII,
# zero-width characters, combining marks, Hangul jamo, and whitespace of all kinds.
_TRICKY = list("会议常务市政府举行。，：（）ＡＢ１２　 \t\n\u200b\ufeff\u0301\u0308eE")
_TRICKY += ["\u1100", "\u1161", "\u11a8", "<", ">", "&", "amp;", "lt;", "＜", "＞", "＆"]
_TRICKY += ["\ufe64", "\ufe65", "\ufe60", "<b>", "</b>", "&amp;", "&lt;p&gt;", "&#x4f1a;"]

# Without anything that makes or is markup: the paragraphs' keys end to end.
_UNMARKED = [c for c in _TRICKY if not any(mark in c for mark in "<&\ufe60\ufe64\uff06\uff1c")]


def _paragraph(rng: random.Random, alphabet: list[str]) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))


@pytest.mark.parametrize("alphabet", [_TRICKY, _UNMARKED], ids=["markup", "unmarked"])
@pytest.mark.parametrize("seed", range(200))
def test_article_identity_is_the_identity_of_the_joined_text(
    seed: int, alphabet: list[str]
) -> None:
    rng = random.Random(seed)
    paragraphs = [_paragraph(rng, alphabet) for _ in range(rng.randint(0, 6))]
    text = PARAGRAPH_BREAK.join(paragraphs)
    expected = (content_hash(text), simhash(text), paragraph_fingerprints(paragraphs))
    assert article_identity(paragraphs) == expected


def test_plain_chinese_paragraphs_and_markup_spanning_a_break() -> None:
    plain = ["市政府举行常务会议，研究部署工作。", "会议强调，要毫不放松抓好疫情防控。"]
    spanning = ["会议<b class='x", "'>强调</b>常务会议内容很长"]
    for paragraphs in (plain, spanning, [], [""]):
        text = PARAGRAPH_BREAK.join(paragraphs)
        expected = (content_hash(text), simhash(text), paragraph_fingerprints(paragraphs))
        assert article_identity(paragraphs) == expected


@pytest.mark.parametrize("path", sorted(SITE_FIXTURES.glob("*/0*.txt")), ids=lambda p: p.name)
def test_extract_identifies_the_article_text(path: Path) -> None:
    extracted = extract_bytes(path.read_bytes())
    article = extracted.article
    assert article.text == PARAGRAPH_BREAK.join(article.paragraphs)
    assert extracted.content_hash == content_hash(article.text)
    assert extracted.simhash == simhash(article.text)
    assert extracted.paragraph_fingerprints == paragraph_fingerprints(article.paragraphs)
