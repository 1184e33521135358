"""The status page: recent meetings and the sources' state, one small HTML page.

The template is a string in this module rather than a package file, so an
installed wheel needs no package-data declaration to find it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import jinja2

from monitor.dates import to_shanghai
from monitor.store import SourceState
from monitor.web.reports import Report

CONTENT_TYPE = "text/html"
CHARSET = "utf-8"

_TEMPLATE = """\
<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<link rel="alternate" type="application/atom+xml" title="{{ title }}" href="feed.atom">
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; }
table { border-collapse: collapse; margin-bottom: 2rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; }
.broken { color: #b00; font-weight: bold; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p><a href="feed.atom">Atom feed</a> · <a href="metrics">metrics</a> · \
<a href="healthz">health</a></p>
<h2>Recent meetings</h2>
{% if reports %}
<table>
<tr><th>Date</th><th>Kind</th><th>Convener</th><th>Chair</th><th>Title</th><th>Outlets</th></tr>
{% for report in reports %}
<tr>
<td>{{ report.date or "?" }}</td>
<td>{{ report.kind }}</td>
<td>{{ report.convener or "-" }}</td>
<td>{{ report.chair or "-" }}</td>
<td>{% if report.links %}<a href="{{ report.links[0].href }}">{{ report.title }}</a>\
{% else %}{{ report.title }}{% endif %}</td>
<td>{{ report.outlets }}</td>
</tr>
{% endfor %}
</table>
{% else %}
<p>No meeting reports yet.</p>
{% endif %}
<h2>Sources</h2>
{% if sources %}
<table>
<tr><th>Name</th><th>Last outcome</th><th>Last polled</th><th>Next due</th>\
<th>Failures</th><th>Broken</th></tr>
{% for source in sources %}
<tr{% if source.broken %} class="broken"{% endif %}>
<td>{{ source.name }}</td>
<td title="{{ source.last_error or '' }}">{{ source.last_outcome or "-" }}</td>
<td>{{ source.last_polled | when }}</td>
<td>{{ source.next_due | when }}</td>
<td>{{ source.failures }}</td>
<td>{{ "yes" if source.broken else "no" }}</td>
</tr>
{% endfor %}
</table>
{% else %}
<p>No source polled yet.</p>
{% endif %}
<p>Times are Beijing time (UTC+8).</p>
</body>
</html>
"""


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else to_shanghai(moment).strftime("%Y-%m-%d %H:%M:%S")


def _environment() -> jinja2.Environment:
    # Autoescape always: titles and source errors come from the outside world.
    environment = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    environment.filters["when"] = _when
    return environment


_PAGE = _environment().from_string(_TEMPLATE)


def render_page(reports: Sequence[Report], sources: Sequence[SourceState], *, title: str) -> str:
    """The status page's HTML.

    Args:
        reports: Recent meeting reports, newest first.
        sources: Every source the store knows, by name.
        title: The page's title.

    Returns:
        A complete HTML document.
    """
    return _PAGE.render(title=title, reports=reports, sources=sources)
