"""A resident files an anonymous complaint with a photo in Spanish, follows it with the tracking code; an
investigator takes it through the whole workflow to closed with findings; the resident sees the outcome."""

import struct
import zlib

import pytest
from playwright.sync_api import Page, expect

from commonbeat.accounts.roles import Role
from commonbeat.feedback.models import Report

from .helpers import assert_no_axe_violations, sign_in_quickly, url

pytestmark = pytest.mark.browser


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"\x00\xff\x00\x00")
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def act(page: Page, live_server, report: Report, key: str, fields: dict[str, str], selects: dict | None = None):
    """Fill the case page's form for one action (its fields carry the action's prefix) and send it."""
    page.goto(url(live_server, "feedback:staff_report", report.id))
    form = page.locator(f"form[action$='/{key}/']")
    for name, value in (selects or {}).items():
        select = form.locator(f"[name='{name}']")
        select.select_option(label=value["label"]) if isinstance(value, dict) else select.select_option(value)
    for name, value in fields.items():
        form.locator(f"[name='{name}']").fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(".usa-alert--error")).to_have_count(0)


def test_a_complaint_from_filing_in_spanish_to_the_outcome(new_page, live_server, agency, cast, tmp_path):
    photo = tmp_path / "foto.png"
    photo.write_bytes(tiny_png())
    resident = new_page()

    # The resident files anonymously, in Spanish, with a photo.
    resident.goto(live_server.url + "/es/report/complaint/")
    expect(resident.locator("html")).to_have_attribute("lang", "es")
    resident.locator("[name=narrative]").fill("El agente me gritó y empujó a mi hermano frente a la tienda.")
    resident.locator("[name=location_text]").fill("Calle 5 y Main")
    resident.locator("[name=officers_described]").fill("Placa 101, alto, bigote")
    resident.locator("input[type=file][name=attachments]").set_input_files(str(photo))
    resident.locator("form button[type=submit]").click()
    code = resident.locator("#tracking-code").inner_text().strip()
    assert len(code) == 19
    assert_no_axe_violations(resident)

    report = Report.objects.get()
    assert report.language == "es" and report.is_anonymous and report.attachments.count() == 1

    # The resident follows it with the code.
    resident.goto(url(live_server, "feedback:track", language="es"))
    resident.locator("[name=code]").fill(code.lower().replace("-", " "))
    resident.locator("form button[type=submit]").click()
    expect(resident.locator("#case-summary")).to_contain_text(report.reference)
    expect(resident.locator("#timeline li")).to_have_count(1)

    # Staff take it to closed with findings: triage, assign, investigate, find, review, close.
    investigator, admin = cast[Role.INVESTIGATOR], cast[Role.AGENCY_ADMIN]
    staff = new_page()
    sign_in_quickly(staff, live_server, investigator)
    staff.goto(url(live_server, "feedback:staff_reports"))
    expect(staff.get_by_role("link", name=report.reference)).to_be_visible()
    officer = agency.officer_set.get(badge_number="101")
    act(staff, live_server, report, "triage", {"triage-allegation-0-description": "Pushed the brother"},
        {"triage-classification": "formal_complaint", "triage-allegation-0-category": {"label": "Use of force"},
         "triage-allegation-0-officer": str(officer.id)})
    act(staff, live_server, report, "assign", {}, {"assign-investigator": str(investigator.id)})
    act(staff, live_server, report, "start", {})
    act(staff, live_server, report, "entry", {"entry-text": "Store camera footage collected."},
        {"entry-kind": "evidence"})
    allegation = report.allegations.get()
    act(staff, live_server, report, f"allegations/{allegation.id}/finding",
        {f"finding-{allegation.id}-reason": "The footage shows the push."},
        {f"finding-{allegation.id}-finding": {"label": "Sustained"}})
    act(staff, live_server, report, "submit", {})
    assert_no_axe_violations(staff)

    reviewer = new_page()
    sign_in_quickly(reviewer, live_server, admin)
    act(reviewer, live_server, report, "close",
        {"close-outcome_summary": "El agente fue sancionado y recibirá capacitación adicional."})
    report.refresh_from_db()
    assert report.status == "closed"

    # The resident sees the outcome and the finding, in Spanish.
    resident.goto(url(live_server, "feedback:track", language="es"))
    resident.locator("[name=code]").fill(code)
    resident.locator("form button[type=submit]").click()
    expect(resident.locator("#outcome + p, #outcome ~ *").first).to_contain_text("sancionado")
    expect(resident.locator("#findings")).to_contain_text("Fundada")
    expect(resident.locator("#findings")).not_to_contain_text(officer.last_name)
    assert_no_axe_violations(resident)
