"""Checking Open311 answers: JSON against the GeoReport v2 schemas, XML parsed back into elements."""

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse
from xml.etree import ElementTree as ET  # noqa: S405 - parses only our own answers

from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from commonbeat.accounts import services as accounts

SCHEMAS = Path(__file__).parent / "schemas"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'

formats = FormatChecker()


@formats.checks("date-time", raises=ValueError)
def is_datetime_with_offset(value) -> bool:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


@formats.checks("uri")
def is_absolute_uri(value) -> bool:
    parts = urlparse(value)
    return bool(parts.scheme and parts.netloc)


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())


REGISTRY = Registry().with_resources(
    (path.name, Resource.from_contents(_schema(path.name), default_specification=DRAFT7))
    for path in SCHEMAS.glob("*.json")
)


def valid(response, schema: str):
    """The response's JSON, after checking it against the named schema (formats included)."""
    assert response["Content-Type"].startswith("application/json")
    document = response.json()
    Draft7Validator(_schema(schema), registry=REGISTRY, format_checker=formats).validate(document)
    return document


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(XML_DECLARATION)
    return ET.fromstring(response.content)  # noqa: S314


def fields(element: ET.Element) -> dict:
    """The text of an element's children, by tag (one level)."""
    return {child.tag: child.text for child in element}


def api_key(admin, agency) -> str:
    _token, secret = accounts.issue_api_token(admin, agency, name="311 app")
    return secret
