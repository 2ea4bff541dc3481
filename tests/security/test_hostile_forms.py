"""Hostile input on every public form and upload: no server error, nothing stored that should not be, no stored
file keeping the name it was sent with, and nothing typed shown back unescaped.

The forms are found from the URL resolver: every public route whose page carries a POST form (on Beta's host,
with Beta's objects from tests/core/test_isolation.py), and then posted to with its own field names filled
with generated and known-malicious values.
"""

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonbeat.feedback.models import Attachment, Report

from ..core.test_every_route import HOST, PUBLIC_ACCOUNT_PAGES, built_beta, is_staff_page
from ..core.test_isolation import all_routes, route_args

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = [SCRIPT, IMG, "' OR '1'='1' --", "'; DROP TABLE feedback_report; --", "a\x00b", "../../etc/passwd",
            "\u202egnp.exe", "{{ 7|add:7 }}", "${7*7}", "%s%s%s%n", "x" * 5000, "Robert'); --", "\ud7ff\ufffe"]
HOSTILE = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=200))
UNESCAPED = [SCRIPT, "<img src=x onerror=alert(1)>"]
FORM = re.compile(r'<form[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)
FIELD = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"[^>]*>', re.I)
SKIP_FIELDS = {"csrfmiddlewaretoken", "language", "next"}


@dataclass
class PublicForm:
    route: str
    path: str
    fields: list[str]


@dataclass
class World:
    forms: list[PublicForm]


def public_forms(client: Client, arguments: dict) -> list[PublicForm]:
    forms = []
    for route in all_routes():
        if is_staff_page(route) or route in PUBLIC_ACCOUNT_PAGES or route.startswith("i18n/"):
            continue
        if "<" in route and route not in arguments:
            continue
        path = arguments.get(route, "/" + route)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for body in FORM.findall(response.content.decode()):
            fields = sorted({name for name in FIELD.findall(body) if name not in SKIP_FIELDS})
            if fields:
                forms.append(PublicForm(route, path, fields))
    return forms


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with built_beta(django_db_blocker) as (_beta, beta_admin, token, _secret):
        yield World(public_forms(Client(HTTP_HOST=HOST), route_args(beta_admin, token)))


def stranger() -> Client:
    client = Client(HTTP_HOST=HOST)
    client.raise_request_exception = False
    return client


def shown_unescaped(body: str) -> list[str]:
    return [raw for raw in UNESCAPED if raw in body]


def test_the_public_forms_are_found(world):
    routes = {form.route for form in world.forms}
    assert {"report/complaint/", "track/", "s/<slug:slug>/", "boards/<slug:slug>/apply/"} <= routes, routes
    assert len(routes) >= 8


def test_every_public_form_survives_hostile_values_and_escapes_what_it_shows(world, django_db_blocker):
    client, problems = stranger(), []

    @settings(max_examples=8, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(values=st.lists(HOSTILE, min_size=1, max_size=1))
    def post_everywhere(values):
        for form in world.forms:
            data = {name: values[0] for name in form.fields}
            response = client.post(form.path, data)
            if response.status_code >= 500:
                problems.append(f"{form.path}: {response.status_code} for {values[0]!r}")
            elif "text/html" in response.get("Content-Type", ""):
                problems.extend(f"{form.path} shows {raw!r} unescaped" for raw in shown_unescaped(
                    response.content.decode(errors="replace")))

    with django_db_blocker.unblock():
        for raw in [SCRIPT, IMG]:  # the known payloads on every field, whatever hypothesis draws
            for form in world.forms:
                response = client.post(form.path, {name: raw for name in form.fields})
                assert response.status_code < 500, form.path
                assert not shown_unescaped(response.content.decode(errors="replace")), form.path
        post_everywhere()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("body", [
    b"code=%FF%FE%FD&narrative=%C0%AF",  # invalid UTF-8
    "narrative=caf\u00e9".encode("latin-1"),  # another encoding than the one declared
    b"narrative=" + b"A" * (3 * 1024 * 1024),  # larger than a form may be
    b"a=1&" * 2000,  # more fields than a form may have
])
def test_odd_bodies_are_refused_without_a_server_error(world, django_db_blocker, body):
    client = stranger()
    with django_db_blocker.unblock():
        for form in world.forms:
            response = client.post(form.path, body, content_type="application/x-www-form-urlencoded")
            assert response.status_code < 500, f"{form.path}: {response.status_code}"


# ---------------------------------------------------------------- uploads

GIF_JS = b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00,*/=1;alert(1)//" + b"\x00" * 20 + b";"
PDF_HTML = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF"
PNG_PHP = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
           b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
           b"<?php system($_GET['c']); ?>")
BOMB = b"\x89PNG\r\n\x1a\n" + zlib.compress(b"\x00" * (20 * 1024 * 1024), 9)
HOSTILE_FILES = [
    ("../../etc/passwd", b"root:x:0:0", "text/plain"),
    ("con.txt", b"plain words", "text/plain"),
    ("photo\u202egpj.exe", b"MZ\x90\x00", "image/jpeg"),
    ("x.gif", GIF_JS, "image/gif"),
    ("statement.pdf", PDF_HTML, "application/pdf"),
    ("picture.png", PNG_PHP, "image/png"),
    ("huge.png", BOMB, "image/png"),
    ("/var/www/evil.sh", b"#!/bin/sh\nrm -rf /", "application/x-sh"),
    ("a\x00.txt", b"null byte name", "text/plain"),
]


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.parametrize(("name", "content", "content_type"), HOSTILE_FILES)
def test_a_hostile_attachment_never_keeps_its_name_and_a_refused_one_leaves_nothing(
        world, django_db_blocker, settings, tmp_path, name, content, content_type):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    client = stranger()
    with django_db_blocker.unblock():
        page = client.get("/report/complaint/").content.decode()
        token = re.search(r'name="submission_token" value="([^"]+)"', page)
        reports, attachments = Report.objects.count(), Attachment.objects.count()
        upload = SimpleUploadedFile(name, content, content_type=content_type)
        response = client.post("/report/complaint/", {
            "narrative": f"Hostile upload {SCRIPT}", "submission_token": token.group(1) if token else "",
            "attachments": [upload]})
        assert response.status_code < 500
        assert SCRIPT not in response.content.decode(errors="replace")
        stored = files_under(tmp_path)
        if Attachment.objects.count() == attachments:  # refused (or the report filed without it): no file left
            assert not stored, stored
        else:
            assert Report.objects.count() == reports + 1
            for path in stored:
                relative = str(path.relative_to(tmp_path))
                assert ".." not in relative and "etc/passwd" not in relative and "\u202e" not in relative
                assert Path(name).name not in path.name, path
