"""The audit log: one `record()` call per change, sealing into a public hash chain, and verification.

Each event stores the SHA-256 of its own canonical JSON when written, so concurrent writers never wait
on one another. `seal()` later takes the unsealed events in id order and writes an `AuditSeal` whose
hash covers the events' (id, hash) pairs and the previous seal's hash. Editing an event breaks its own
hash; deleting, inserting or reordering events breaks the digest of the seal that covers them; editing
a seal breaks the chain.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .models import Agency, AuditEvent, AuditSeal

GENESIS_HASH = "0" * 64
SEAL_BATCH_SIZE = 10_000


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def event_hash(event: AuditEvent) -> str:
    canonical = json.dumps(
        {
            "uid": str(event.uid),
            "agency": event.agency_id,
            "actor": event.actor_id,
            "actor_label": event.actor_label,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "changes": event.changes,
            "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return _sha256(canonical)


def _actor_label(actor) -> str:
    if actor is None:
        return "system"
    if not getattr(actor, "is_authenticated", False):
        return "anonymous"
    return actor.get_username()


def record(
    action: str,
    *,
    actor=None,
    agency: Agency | None = None,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. Call it inside the service's transaction, so the change and its event
    are stored together or not at all."""
    event = AuditEvent(
        agency=agency,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_actor_label(actor),
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        changes=json.loads(json.dumps(changes or {}, default=str)),
        occurred_at=timezone.now(),
    )
    event.event_hash = event_hash(event)
    event.save(force_insert=True)
    return event


def _events_digest(pairs: list[tuple[int, str]]) -> str:
    return _sha256("".join(f"{event_id}:{digest}\n" for event_id, digest in pairs))


def _seal_hash(seal: AuditSeal) -> str:
    return _sha256(
        f"{seal.sequence}|{seal.first_event_id}|{seal.last_event_id}|{seal.event_count}|"
        f"{seal.events_digest}|{seal.previous_hash}|{seal.sealed_at.isoformat(timespec='microseconds')}"
    )


def seal() -> AuditSeal | None:
    """Seal the events written since the last seal into the next link of the chain (None if none)."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _seal_once()
        except IntegrityError:
            continue  # another sealer took this sequence number; read the chain again
    raise RuntimeError("Could not seal the audit log: other sealers kept winning.")


def _seal_once() -> AuditSeal | None:
    pairs = list(
        AuditEvent.objects.filter(seal__isnull=True).order_by("id").values_list("id", "event_hash")[
            :SEAL_BATCH_SIZE
        ]
    )
    if not pairs:
        return None
    previous = AuditSeal.objects.order_by("-sequence").first()
    new_seal = AuditSeal(
        sequence=previous.sequence + 1 if previous else 1,
        first_event_id=pairs[0][0],
        last_event_id=pairs[-1][0],
        event_count=len(pairs),
        events_digest=_events_digest(pairs),
        previous_hash=previous.seal_hash if previous else GENESIS_HASH,
        sealed_at=timezone.now(),
    )
    new_seal.seal_hash = _seal_hash(new_seal)
    new_seal.save(force_insert=True)
    updated = AuditEvent.objects.filter(id__in=[event_id for event_id, _ in pairs], seal__isnull=True).update(
        seal=new_seal
    )
    if updated != len(pairs):
        raise IntegrityError("events were sealed concurrently")
    return new_seal


def seal_all() -> int:
    """Seal every unsealed event; returns the number of seals written."""
    count = 0
    while seal() is not None:
        count += 1
    return count


@dataclass
class Verification:
    intact: bool
    events_checked: int
    seals_checked: int
    problem: str = ""
    event_id: int | None = None
    seal_sequence: int | None = None


def verify() -> Verification:
    """Check every event's own hash, then every seal's digest and link, and report the first failure."""
    events_checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        events_checked += 1
        if event_hash(event) != event.event_hash:
            return Verification(False, events_checked, 0, f"Event {event.id} does not match its hash.",
                                event_id=event.id)
    previous_hash = GENESIS_HASH
    seals_checked = 0
    for audit_seal in AuditSeal.objects.order_by("sequence").iterator():
        seals_checked += 1
        expected_sequence = seals_checked
        pairs = list(audit_seal.events.order_by("id").values_list("id", "event_hash"))
        if audit_seal.sequence != expected_sequence or audit_seal.previous_hash != previous_hash:
            problem = f"Seal {audit_seal.sequence} does not follow seal {expected_sequence - 1}: the chain is broken."
        elif _seal_hash(audit_seal) != audit_seal.seal_hash:
            problem = f"Seal {audit_seal.sequence} does not match its hash."
        elif len(pairs) != audit_seal.event_count or _events_digest(pairs) != audit_seal.events_digest:
            problem = (
                f"Seal {audit_seal.sequence} covered {audit_seal.event_count} events "
                f"({audit_seal.first_event_id}–{audit_seal.last_event_id}); they were deleted, added or reordered."
            )
        else:
            previous_hash = audit_seal.seal_hash
            continue
        return Verification(False, events_checked, seals_checked, problem, seal_sequence=audit_seal.sequence)
    return Verification(True, events_checked, seals_checked)
