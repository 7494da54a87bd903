"""The two formats of GeoReport v2: XML (required by the spec) and JSON (which mirrors it).

XML has no namespace and starts with the UTF-8 declaration; a list response is a root element
holding one element per item (``<services><service>…``), nested lists the same
(``<formats><format>…``). JSON list responses are top-level arrays. Datetimes are written in
UTC with ``Z`` (some validators accept nothing else).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.http import HttpResponse

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# the element name of one item of each nested list
ITEM_NAMES = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "jurisdictions": "jurisdiction",  # our extension of the discovery document
}
# characters XML 1.0 cannot carry (a resident's text may hold them): dropped on output
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def w3c(value: datetime | None) -> str | None:
    """A W3C datetime in UTC: 2026-12-07T07:44:55Z."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plain(value):
    """One value as JSON has it (XML writes the same value as text)."""
    if isinstance(value, datetime):
        return w3c(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, data: dict) -> None:
    for key, value in data.items():
        child = ET.SubElement(element, key)
        if isinstance(value, dict):
            _fill(child, value)
        elif isinstance(value, list):
            item_name = ITEM_NAMES.get(key, "item")
            for item in value:
                sub = ET.SubElement(child, item_name)
                if isinstance(item, dict):
                    _fill(sub, item)
                else:
                    sub.text = _text(item)
        else:
            child.text = _text(value)


def to_xml(data, root: str, item: str | None = None) -> str:
    """``data``: a dict (one object under ``root``) or a list of dicts (``item`` elements)."""
    element = ET.Element(root)
    if isinstance(data, list):
        for row in data:
            _fill(ET.SubElement(element, item), row)
    else:
        _fill(element, data)
    return XML_DECLARATION + ET.tostring(element, encoding="unicode")


def render(fmt: str, data, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    data = _plain(data)
    if fmt == "xml":
        body = to_xml(data, root, item)
    else:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt])
    response["Cache-Control"] = "no-store"
    return response


def render_errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    """The spec's error list: one ``{code, description}`` per error, code = the HTTP status."""
    rows = [{"code": status, "description": text} for text in descriptions]
    return render(fmt, rows, root="errors", item="error", status=status)
