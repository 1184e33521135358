"""Bytes in, a decoded :class:`~monitor.model.Document` out.

Decoding follows the WHATWG encoding-sniffing order, which differs from the
issue's wording in one place on purpose: a byte-order mark wins over a
declared charset, because a BOM is written by the tool that produced the bytes
while headers and ``<meta>`` tags are often copied from elsewhere. Then the
HTTP charset, then ``<meta charset>``, then detection. A declared charset that
does not decode the bytes is treated as a lie and detection takes over.

Legacy Chinese labels are widened to their supersets (gb2312/gbk → gb18030,
big5 → big5hkscs) as browsers do: pages labelled GB2312 routinely contain
GBK-only characters.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, cast

from monitor.errors import DecodeError
from monitor.model import Document, DocumentFormat

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Python codec name → the superset browsers use for that label (WHATWG Encoding).
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "ascii": "cp1252",
    "latin_1": "cp1252",
    "iso8859-1": "cp1252",
    "utf-16": "utf-8",  # a UTF-16 label without a BOM is always wrong on the web
}
_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
_HTML_SIGNS = re.compile(
    r"<(?:!doctype|html|head|body|div|p|article|section|meta|br)\b", re.IGNORECASE
)
_LIST_ITEM = re.compile(r"^\s*-\s+(.+?)\s*$")
_SIMPLE_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_SAMPLE_BYTES = 16384


def read_document(
    data: bytes,
    *,
    url: str | None = None,
    headers: Mapping[str, str] | None = None,
    subject: str = "document",
) -> Document:
    """Decode ``data`` and split off any front matter.

    Raises:
        DecodeError: the bytes are empty, binary, or text in no known charset.
    """
    lowered = {key.lower(): value for key, value in (headers or {}).items()}
    text, encoding = decode(data, lowered.get("content-type"), subject=subject)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    front, body = split_front_matter(text)
    document_format: DocumentFormat
    if front is not None:
        document_format = "front-matter"
    elif _looks_like_html(body, lowered.get("content-type")):
        document_format = "html"
    else:
        document_format = "text"
    return Document(
        body=body,
        format=document_format,
        encoding=encoding,
        url=url,
        headers=MappingProxyType(lowered),
        front_matter=MappingProxyType(front or {}),
    )


def decode(
    data: bytes, content_type: str | None = None, *, subject: str = "document"
) -> tuple[str, str]:
    """Return ``(text, codec name)`` for ``data``; see the module docstring for the order."""
    if not data.strip():
        raise DecodeError(subject, "decode failed: the document is empty")
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return _decode_with(data[len(bom) :], bom_codec, subject)
    if b"\x00" in data[:4096]:
        raise DecodeError(subject, "decode failed: binary data, not a text document")
    decoded = _decode_as(data, _http_charset(content_type))
    if decoded is None:
        # Only now: looking for a declared charset imports bs4 (~0.1 s), which a
        # document whose HTTP charset decodes it never needs.
        decoded = _decode_as(data, _declared_charset(data))
    return decoded or _detect(data, subject)


def _decode_as(data: bytes, label: str | None) -> tuple[str, str] | None:
    codec = _codec(label)
    if codec is None:
        return None
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:
        return None


def _decode_with(data: bytes, codec: str, subject: str) -> tuple[str, str]:
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError as exc:
        raise DecodeError(subject, f"decode failed: invalid {codec} after its BOM") from exc


def _http_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    return match.group(1) if match else None


def _declared_charset(data: bytes) -> str | None:
    # bs4 looks in the first 2 KiB (or 5 %) for <meta charset>, the http-equiv
    # form and an XML declaration; the same rules browsers apply.
    # Imported at first use, as are PyYAML and charset-normalizer below: each is
    # needed only on some paths (no HTTP charset, an unusual header, no
    # declaration at all), and together they cost ~0.15 s of start-up.
    from bs4.dammit import EncodingDetector  # noqa: PLC0415

    found = EncodingDetector.find_declared_encoding(data[:8192], is_html=True)
    return found or None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _detect(data: bytes, subject: str) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # noqa: PLC0415 - see _declared_charset

    best = from_bytes(_sample(data)).best()
    codec = _codec(best.encoding) if best is not None else None
    if codec is not None:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            # Detection saw only a prefix; keep the text rather than lose the
            # document over a few bad bytes at the end.
            return data.decode(codec, errors="replace"), codec
    # Detection wants more evidence than a short page gives (a 400-byte GB18030
    # snapshot matched nothing at all); Chinese sources that declare no charset
    # are GBK or its superset GB18030, which rejects most other bytes.
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    raise DecodeError(subject, "decode failed: not text in any known charset")


def _sample(data: bytes) -> bytes:
    # Detection needs evidence: a page's first 64 KiB can be nearly all ASCII
    # script and style, which led charset-normalizer to call a GBK page cp1250.
    # 16 KiB from the line holding the first non-ASCII byte decides correctly
    # in a few milliseconds (the whole page took over a second).
    first = _NON_ASCII.search(data)
    start = data.rfind(b"\n", 0, first.start()) + 1 if first else 0
    return data[start : start + _SAMPLE_BYTES]


def split_front_matter(text: str) -> tuple[dict[str, str | tuple[str, ...]] | None, str]:
    """Split a Hexo/Jekyll ``---`` header from its body.

    Scalars stay strings (no YAML date or number guessing); lists become tuples.
    Returns ``(None, text)`` when there is no header.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        return None, text
    header = match.group(1) or ""
    fields = _yaml_fields(header)
    if fields is None:
        fields = _line_fields(header)
    return fields, text[match.end() :]


def _yaml_fields(header: str) -> dict[str, str | tuple[str, ...]] | None:
    loaded: Any = _plain_yaml(header)
    if loaded is None:
        import yaml  # noqa: PLC0415 - see _declared_charset

        loader: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
        try:
            loaded = yaml.load(header, Loader=loader)  # noqa: S506 - BaseLoader builds only str/list/dict
        except yaml.YAMLError:
            return None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        return None
    fields: dict[str, str | tuple[str, ...]] = {}
    for key, value in loaded.items():
        if isinstance(value, str):
            fields[str(key).lower()] = value.strip()
        elif isinstance(value, list):
            fields[str(key).lower()] = tuple(str(item).strip() for item in value if item)
    return fields


# Nearly every header is "key: value" lines and "- item" lists of plain or
# simply quoted scalars. Read here, such a header costs ~10 µs; PyYAML's
# constructor (Python even with the C parser) cost ~100 µs, a tenth of
# extracting a document. Anything else, even what is merely unusual, is left
# to PyYAML, so the result is always what BaseLoader gives.
_PLAIN_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,63}):(?: +(.*))?")
_PLAIN_ITEM = re.compile(r"( *)-(?: +(.*))?")
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@` ")


def _plain_yaml(header: str) -> dict[str, str | list[str]] | None:
    """``header`` as BaseLoader reads it, if it is in the simple subset; else None."""
    loaded: dict[str, str | list[str]] = {}
    key: str | None = None  # the key whose value may still be a list
    indent: str | None = None  # the indentation of that list's items
    for line in header.split("\n")[:-1] if header else ():
        if not line.isprintable() or not line.strip():
            return None
        if (entry := _PLAIN_LINE.fullmatch(line)) is not None:
            value = _plain_scalar(entry[2] or "")
            if value is None:
                return None
            # Only a key with nothing after it ('' is a value) may own a list.
            key, indent = entry[1] if not (entry[2] or "").strip(" ") else None, None
            loaded[entry[1]] = value
        elif key is not None and (item := _PLAIN_ITEM.fullmatch(line)) is not None:
            value = _plain_scalar(item[2] or "")
            if value is None or (indent is not None and item[1] != indent):
                return None
            if indent is None:
                indent, loaded[key] = item[1], []
            cast("list[str]", loaded[key]).append(value)
        else:
            return None
    return loaded


def _plain_scalar(text: str) -> str | None:
    """A one-line scalar's value: plain, or quoted without escapes; None for anything else."""
    text = text.rstrip(" ")
    if not text:
        return ""
    if text[0] in "'\"":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != text[0] or text[0] in inner or "\\" in inner:  # noqa: PLR2004
            return None
        return inner
    if text[0] in _PLAIN_START or ": " in text or " #" in text or text.endswith(":"):
        return None
    return text


def _line_fields(header: str) -> dict[str, str | tuple[str, ...]]:
    # A header YAML rejects (an unquoted colon in a title is common) still has
    # useful "key: value" lines.
    fields: dict[str, str | tuple[str, ...]] = {}
    listing: str | None = None  # the key whose "- item" lines follow
    for line in header.splitlines():
        item = _LIST_ITEM.match(line)
        if item and listing is not None:
            before = fields.get(listing, ())
            fields[listing] = (*(before if isinstance(before, tuple) else ()), item[1].strip("'\""))
            continue
        match = _SIMPLE_KEY.match(line)
        listing = None
        if match and match.group(2):
            fields[match.group(1).lower()] = match.group(2).strip("'\"")
        elif match:
            listing = match.group(1).lower()
    return fields


def _looks_like_html(body: str, content_type: str | None) -> bool:
    if content_type and "html" in content_type.lower():
        return True
    return _HTML_SIGNS.search(body, 0, 4096) is not None
