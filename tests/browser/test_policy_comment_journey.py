"""A resident comments on a draft policy (with a phone number that must never be published); a moderator
approves the redacted text in the console; the admin answers the comment and, once the comment period has
closed, publishes the final version saying what changed; the resident reads the final version with the
department's answer, and downloads a dataset from the open data catalogue."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from commonbeat.accounts.roles import Role
from commonbeat.core.models import Officer
from commonbeat.transparency.models import Dataset, PolicyComment, PolicyVersion, VersionStatus
from commonbeat.transparency.services import opendata
from commonbeat.transparency.services import policies as services

from .helpers import assert_no_axe_violations, sign_in_quickly, url

pytestmark = pytest.mark.browser

PHONE = "555-201-4477"


@pytest.fixture
def draft(agency, cast):
    admin = cast[Role.AGENCY_ADMIN]
    policy = services.create_policy(admin, agency, number="GO-310", category="equipment",
                                    title={"en": "Body-worn cameras", "es": "Cámaras corporales"})
    first = services.add_draft(admin, policy, summary={"en": "When cameras are switched on."},
                               body={"en": "Officers switch the camera on for every enforcement contact."})
    services.publish(admin, first, effective_on=agency.today() - timedelta(days=400))
    second = services.add_draft(admin, policy, summary={"en": "Footage of critical incidents released in 45 days."},
                                body={"en": "Officers switch the camera on before arriving at every call.\n"
                                            "Footage of a critical incident is released within 45 days."})
    today = agency.today()
    return services.open_for_comment(admin, second, opens_on=today, closes_on=today + timedelta(days=20))


def test_a_residents_comment_is_moderated_answered_and_the_final_version_says_what_changed(
        new_page, live_server, agency, cast, draft):
    # The resident finds the draft in the library and comments, giving a phone number by mistake.
    resident = new_page()
    resident.goto(url(live_server, "transparency:policies"))
    expect(resident.locator("h1")).to_have_text("Policy library")
    assert_no_axe_violations(resident)
    resident.get_by_role("heading", name="GO-310 Body-worn cameras").get_by_role("link").click()
    expect(resident.locator("h1")).to_have_text("GO-310 Body-worn cameras")
    expect(resident.locator(".usa-intro")).to_contain_text("Version 1, in force from")
    assert_no_axe_violations(resident)
    resident.get_by_role("link", name="Read the draft and comment").click()
    expect(resident.get_by_role("heading", name="Comment on this draft")).to_be_visible()
    assert_no_axe_violations(resident)
    resident.get_by_label("Your comment").fill(f"Forty-five days is too long. Call me on {PHONE} to talk.")
    resident.get_by_label("Your first name").fill("Rosa")
    resident.get_by_label("Your neighbourhood").select_option(label="Alpha North End")
    resident.get_by_role("button", name="Send my comment").click()
    expect(resident.get_by_text("Thank you: your comment is received.")).to_be_visible()
    assert_no_axe_violations(resident)
    expect(resident.locator("main")).not_to_contain_text("Forty-five days is too long")
    comment = PolicyComment.objects.get()
    assert comment.status == "pending" and PHONE in comment.original_text

    # A moderator reads the original beside the redacted text and approves.
    moderator = new_page()
    sign_in_quickly(moderator, live_server, cast[Role.ENGAGEMENT_STAFF])
    moderator.goto(url(live_server, "transparency:staff_moderation"))
    expect(moderator.locator("h1")).to_have_text("Comments to moderate")
    assert_no_axe_violations(moderator)
    moderator.locator("tbody tr", has_text="GO-310").get_by_role("link").click()
    expect(moderator.locator("blockquote")).to_contain_text(PHONE)
    expect(moderator.get_by_label("Text to publish")).to_have_value(
        "Forty-five days is too long. Call me on [phone number] to talk.")
    assert_no_axe_violations(moderator)
    moderator.get_by_role("button", name="Approve and publish").click()
    expect(moderator.get_by_text("The comment is published on the draft's page.")).to_be_visible()
    assert_no_axe_violations(moderator)

    # The comment is public, without the phone number.
    resident.reload()
    expect(resident.locator("#comments + ul")).to_contain_text("Call me on [phone number] to talk.")
    expect(resident.locator("body")).not_to_contain_text(PHONE)

    # The admin answers the comment.
    manager = new_page()
    sign_in_quickly(manager, live_server, cast[Role.AGENCY_ADMIN])
    manager.goto(url(live_server, "transparency:staff_version", draft.pk))
    expect(manager.locator("h1")).to_have_text("GO-310 version 2")
    assert_no_axe_violations(manager)
    manager.get_by_label("The department's answer").fill("We agree: the final version says 30 days.")
    manager.get_by_role("button", name="Publish the answer").click()
    expect(manager.get_by_text("The answer is published under the comment.")).to_be_visible()

    # The comment period ends; the admin publishes the final version and says what changed.
    today = agency.today()
    PolicyVersion.objects.filter(pk=draft.pk).update(comment_opens_on=today - timedelta(days=21),
                                                     comment_closes_on=today - timedelta(days=1))
    manager.reload()
    assert_no_axe_violations(manager)
    manager.get_by_label("What changed in response to comments (English)").fill(
        "Residents asked for faster release: footage is now released within 30 days.")
    manager.get_by_label("What changed in response to comments (Spanish)").fill(
        "Los residentes pidieron más rapidez: las grabaciones se publican ahora en 30 días.")
    body = manager.get_by_label("Final full text (English)")
    body.fill("Officers switch the camera on before arriving at every call.\n"
              "Footage of a critical incident is released within 30 days.")
    manager.get_by_role("button", name="Publish the final version").click()
    expect(manager.get_by_text("Version 3 is published and in force.")).to_be_visible()
    assert_no_axe_violations(manager)
    final = PolicyVersion.objects.get(policy=draft.policy, number=3)
    assert final.status == VersionStatus.IN_FORCE and final.comment_draft_id == draft.pk

    # The resident reads the final version with what changed and the department's answer.
    resident.goto(url(live_server, "transparency:policy", "GO-310"))
    expect(resident.locator(".usa-intro")).to_contain_text("Version 3, in force from")
    expect(resident.locator("main")).to_contain_text("footage is now released within 30 days")
    expect(resident.locator("#comments + ul")).to_contain_text("Call me on [phone number] to talk.")
    expect(resident.locator("#comments + ul")).to_contain_text("We agree: the final version says 30 days.")
    expect(resident.locator("body")).not_to_contain_text(PHONE)
    assert_no_axe_violations(resident)

    # And can see exactly what changed between the draft and the final text.
    resident.get_by_role("link", name="Version 3").click()
    resident.get_by_role("link", name="Compare the final text with the draft residents commented on").click()
    expect(resident.locator("table")).to_contain_text("[removed: 45]")
    expect(resident.locator("table")).to_contain_text("[added: 30]")
    assert_no_axe_violations(resident)

    # Then downloads the complaints dataset from the open data catalogue: the comment's phone number is not in it.
    opendata.register_datasets(agency)
    resident.goto(url(live_server, "transparency:data_catalogue"))
    expect(resident.locator("h1")).to_have_text("Open data")
    assert_no_axe_violations(resident)
    dataset = Dataset.objects.get(agency=agency, slug="complaint-allegations")
    resident.get_by_role("link", name=dataset.title_in("en"), exact=True).click()
    expect(resident.locator("h1")).to_have_text(dataset.title_in("en"))
    assert_no_axe_violations(resident)
    with resident.expect_download() as download:
        resident.get_by_role("link", name="CSV file").click()
    with open(download.value.path(), encoding="utf-8") as downloaded:
        header = downloaded.readline().strip().split(",")
        rest = downloaded.read()
    assert header == [column.name for column in opendata.builder_of(dataset).columns]
    assert PHONE not in rest


def test_an_admin_publishes_a_new_policy_and_an_officer_acknowledges_it(new_page, live_server, agency, cast):
    officer = Officer.objects.get(agency=agency, badge_number="101")
    officer.user = cast[Role.OFFICER]
    officer.save()

    # The admin adds the policy and its first draft in the console, and publishes it.
    manager = new_page()
    sign_in_quickly(manager, live_server, cast[Role.AGENCY_ADMIN])
    manager.goto(url(live_server, "transparency:staff_policies"))
    assert_no_axe_violations(manager)
    manager.get_by_role("link", name="Add a policy").click()
    assert_no_axe_violations(manager)
    manager.get_by_label("Policy number").fill("GO-370")
    manager.get_by_label("Title (English)").fill("Language access")
    manager.get_by_label("Title (Spanish)").fill("Acceso lingüístico")
    manager.get_by_label("Category").select_option(label="Community relations")
    manager.get_by_role("button", name="Add the policy").click()
    expect(manager.locator("h1")).to_have_text("GO-370 Language access")
    assert_no_axe_violations(manager)
    manager.get_by_role("link", name="Start a new draft").click()
    assert_no_axe_violations(manager)
    manager.get_by_label("Summary (English)").fill("Interpreters for anyone who needs one.")
    manager.get_by_label("Full text (English)").fill("Officers offer a qualified interpreter, free of charge.")
    manager.get_by_role("button", name="Save the draft").click()
    expect(manager.locator("h1")).to_have_text("GO-370 version 1")
    manager.get_by_role("button", name="Publish this version").click()
    expect(manager.get_by_text("Version 1 is published and in force.")).to_be_visible()

    # The officer acknowledges it with one click.
    page = new_page()
    sign_in_quickly(page, live_server, cast[Role.OFFICER])
    page.goto(url(live_server, "transparency:staff_my_acknowledgements"))
    expect(page.locator("h1")).to_have_text("Policies to acknowledge")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="I have read GO-370 version 1").click()
    expect(page.get_by_text("Acknowledged: GO-370 version 1.")).to_be_visible()
    expect(page.get_by_text("You have acknowledged every policy in force.")).to_be_visible()
    assert_no_axe_violations(page)

    # The oversight reviewer sees everyone has.
    reviewer = new_page()
    sign_in_quickly(reviewer, live_server, cast[Role.OVERSIGHT_REVIEWER])
    reviewer.goto(url(live_server, "transparency:staff_acknowledgement_overview"))
    expect(reviewer.locator("tbody tr", has_text="GO-370")).to_contain_text("100%")
    assert_no_axe_violations(reviewer)
    reviewer.get_by_role("link", name="GO-370 Language access (version 1)").click()
    expect(reviewer.get_by_text("Every officer has acknowledged this version.")).to_be_visible()
    assert_no_axe_violations(reviewer)
