"""Any bytes into any parser give an Article or the typed error, never anything else."""

from __future__ import annotations

import pytest
from conftest import golden_documents
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.errors import SourceError
from monitor.extract import extract_bytes
from monitor.model import Article
from monitor.sites.registry import BY_NAME

SITE_NAMES = [*sorted(BY_NAME), None]
SEED_BYTES = [path.read_bytes() for path in golden_documents()]

# Fragments of real structure, so hypothesis reaches deep into the parsers
# rather than stopping at the decoder.
MARKUP = st.sampled_from(
    [
        "---\n",
        "title: x\n",
        "date: 2022-05-30\n",
        "categories:\n - 新浪财经\n",
        "<p>",
        "</p>",
        '<div id="artibody">',
        "</div>",
        "<strong>",
        "</strong>",
        '<p class="article-editor">',
        "责任编辑：",
        "2020-03-11 19:02:21 看看新闻Knews\n",
        "\n\n",
        "会议指出，",
        "召开会议。",
        "<http://example.com/a>",
        "[返回](//x)",
        "<!--",
        "-->",
        "<script>",
        "&#123;",
        "\u3000",
    ]
)
DOCS = st.one_of(
    st.binary(max_size=4096),
    st.lists(st.one_of(MARKUP, st.text(max_size=40)), max_size=60).map(
        lambda p: "".join(p).encode()
    ),
    st.sampled_from(SEED_BYTES).flatmap(
        lambda seed: st.integers(0, len(seed)).map(lambda cut: seed[:cut])
    ),
)


@pytest.mark.parametrize("site", SITE_NAMES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=DOCS)
def test_any_bytes_give_an_article_or_a_source_error(site: str | None, data: bytes) -> None:
    try:
        extracted = extract_bytes(data, site=site)
    except SourceError as error:
        failure: SourceError | None = error
    else:
        failure = None
        assert isinstance(extracted.article, Article)
        assert extracted.article.title
        assert extracted.article.paragraphs
    assert failure is None or "\n" not in str(failure)
