import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commonbeat.core import audit
from commonbeat.core.models import AuditEvent, AuditSeal


@pytest.fixture
def sealed_log(agency):
    events = [audit.record(f"test.step_{n}", agency=agency, target=agency, changes={"n": n}) for n in range(6)]
    audit.seal()
    events += [audit.record(f"test.step_{n}", agency=agency, changes={"n": n}) for n in range(6, 9)]
    audit.seal()
    return events


def test_each_event_stores_the_hash_of_its_own_content(agency):
    event = audit.record("core.something", agency=agency, target=agency, changes={"before": 1, "after": 2})
    assert event.event_hash == audit.event_hash(event)
    assert event.object_type == "core.agency" and event.object_id == str(agency.pk)
    assert event.actor_label == "system"


def test_sealing_chains_each_seal_to_the_previous_one(sealed_log):
    first, second = AuditSeal.objects.order_by("sequence")
    assert first.previous_hash == audit.GENESIS_HASH
    assert second.previous_hash == first.seal_hash
    assert (first.event_count, second.event_count) == (6, 3)
    assert not AuditEvent.objects.filter(seal__isnull=True).exists()
    assert audit.seal() is None


def test_intact_log_verifies(sealed_log):
    result = audit.verify()
    assert result.intact, result.problem
    assert (result.events_checked, result.seals_checked) == (9, 2)


def test_editing_a_stored_event_fails_verification_at_exactly_that_event(sealed_log):
    tampered = sealed_log[4]
    AuditEvent.objects.filter(pk=tampered.pk).update(changes={"n": 400})
    result = audit.verify()
    assert not result.intact
    assert result.event_id == tampered.pk
    assert f"Event {tampered.pk} " in result.problem


def test_editing_an_event_and_its_hash_is_caught_by_the_seal(sealed_log):
    tampered = sealed_log[1]
    tampered.action = "test.rewritten"
    AuditEvent.objects.filter(pk=tampered.pk).update(action=tampered.action, event_hash=audit.event_hash(tampered))
    result = audit.verify()
    assert not result.intact and result.seal_sequence == 1


def test_deleting_an_event_is_caught(sealed_log):
    AuditEvent.objects.filter(pk=sealed_log[7].pk).delete()
    result = audit.verify()
    assert not result.intact
    assert result.seal_sequence == 2
    assert "deleted, added or reordered" in result.problem


def test_reordering_events_is_caught(sealed_log):
    """Two events swap places: each still matches its own hash, but the seal over the order does not."""
    first, second = sealed_log[2], sealed_log[3]
    fields = ["uid", "action", "changes", "occurred_at", "event_hash"]
    values = {event.pk: {field: getattr(event, field) for field in fields} for event in (first, second)}
    AuditEvent.objects.filter(pk=first.pk).update(uid=uuid.uuid4())
    AuditEvent.objects.filter(pk=second.pk).update(**values[first.pk])
    AuditEvent.objects.filter(pk=first.pk).update(**values[second.pk])
    result = audit.verify()
    assert not result.intact
    assert result.event_id is None and result.seal_sequence == 1


def test_breaking_the_chain_between_seals_is_caught(sealed_log):
    AuditSeal.objects.filter(sequence=2).update(previous_hash="f" * 64)
    result = audit.verify()
    assert not result.intact and result.seal_sequence == 2


def test_verify_audit_command_seals_new_events_and_reports_intact(agency, capsys):
    audit.record("test.one", agency=agency)
    call_command("verify_audit")
    assert "Audit log intact: 1 events in 1 seals." in capsys.readouterr().out
    assert AuditSeal.objects.count() == 1


def test_verify_audit_command_fails_naming_the_first_bad_event(sealed_log):
    AuditEvent.objects.filter(pk=sealed_log[2].pk).update(actor_label="someone else")
    with pytest.raises(CommandError, match=f"Event {sealed_log[2].pk} does not match"):
        call_command("verify_audit")


def test_public_page_lists_the_seal_hashes(client, sealed_log):
    response = client.get("/audit/")
    for audit_seal in AuditSeal.objects.all():
        assert audit_seal.seal_hash in response.content.decode()
