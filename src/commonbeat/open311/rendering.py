"""GeoReport v2 responses in JSON or XML, and its error format.

XML follows the specification's shapes: a plural root (<services>, <service_requests>, <errors>) holding
one element per item, lists inside an item wrapped the same way (<attributes><attribute>…), booleans
as true/false and empty values as empty elements. It is built with ElementTree and starts with the
XML declaration in UTF-8, as the specification asks.
"""

from xml.etree import ElementTree as ET  # noqa: S405 - only builds documents, never parses input

from django.http import HttpResponse, JsonResponse

# The element of each item inside a list, by the list's element name.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM_TAGS[element.tag]), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def to_xml(root: str, payload) -> bytes:
    """`payload` (a dict or a list of dicts) as an XML document whose root element is `root`."""
    element = ET.Element(root)
    _fill(element, payload)
    return XML_DECLARATION + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def respond(fmt: str, root: str, payload, status: int = 200) -> HttpResponse:
    """The payload in the requested format: JSON as it is, XML under the root element named `root`."""
    if fmt == "xml":
        return HttpResponse(to_xml(root, payload), status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(payload, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """The specification's error answer: a list of {code, description}, with the same HTTP status."""
    return respond(fmt, "errors", [{"code": status, "description": str(description)}], status=status)
