"""The audit log: append-only and hash-chained, so that any edit of the log is detected.

Each event's ``hash`` is SHA-256 over the canonical JSON of its fields and the previous event's hash
(``prev_hash``; the first event chains from 64 zeros). :func:`verify` recomputes the chain and reports the
first event that does not match: an edited field, a deleted or inserted event, or a reordering.
The database refuses UPDATE and DELETE on the table (triggers in the migration); the chain catches what a
database superuser could still do behind the application's back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from backstop.workspace.models import AuditEvent

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "actor_nation", "action", "target", "owner", "releasable_to", "before", "after", "prev_hash")
_LOCK_KEY = 7_262_010  # PostgreSQL advisory lock serialising appends


def now() -> str:
    """UTC timestamp (ISO 8601, seconds): a record of when, never an input to a result."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def event_hash(values: dict) -> str:
    return hashlib.sha256(_canonical({k: values[k] for k in FIELDS}).encode("utf-8")).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    actor_nation: str,
    action: str,
    target: str,
    owner: str,
    releasable_to: str = ";",
    before=None,
    after=None,
) -> AuditEvent:
    """Append one event in the caller's transaction (committed with the change it records)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    values = {
        "seq": (last.seq + 1) if last else 1,
        "at": now(),
        "actor": actor,
        "actor_nation": actor_nation,
        "action": action,
        "target": target,
        "owner": owner,
        "releasable_to": releasable_to,
        "before": "" if before is None else _canonical(before),
        "after": "" if after is None else _canonical(after),
        "prev_hash": last.hash if last else GENESIS,
    }
    event = AuditEvent(**values, hash=event_hash(values))
    session.add(event)
    session.flush()
    return event


def visible_query(actor):
    """Audit events the actor may read: those about records she may see; sign-ins too for security staff."""
    from sqlalchemy import or_

    from backstop.workspace.permissions import AUDIT_READ, AUDIT_SECURITY, has, visible_filter
    from backstop.workspace.service import Forbidden

    if not has(actor.role, AUDIT_READ):
        raise Forbidden(f"the role {actor.role!r} may not read the audit log")
    cond = visible_filter(AuditEvent, actor.nation, actor.as_of)
    if has(actor.role, AUDIT_SECURITY):
        cond = or_(cond, AuditEvent.owner == "")
    return select(AuditEvent).where(cond)


def page_events(session: Session, actor, *, limit: int, after: str | None = None):
    """One page of the events the actor may read, newest first (keyset on ``seq``: an index seek, no offset)."""
    from backstop.workspace import paging

    return paging.keyset(session, visible_query(actor), (AuditEvent.seq,), lambda e: (e.seq,), limit=limit, after=after, descending=True)


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    first_bad_seq: int | None = None
    reason: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.events} events verified"
        return f"audit chain BROKEN at event {self.first_bad_seq}: {self.reason} ({self.events} events read)"


def verify(session: Session) -> Verification:
    """Recompute the chain from the first event; the first mismatch is reported."""
    prev = GENESIS
    expected_seq = 1
    n = 0
    for ev in session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars():
        n += 1
        values = {k: getattr(ev, k) for k in FIELDS}
        if ev.seq != expected_seq:
            return Verification(False, n, ev.seq, f"sequence jumps from {expected_seq - 1} to {ev.seq} (events deleted or inserted)")
        if ev.prev_hash != prev:
            return Verification(False, n, ev.seq, "prev_hash does not match the previous event (event removed, inserted or reordered)")
        if event_hash(values) != ev.hash:
            return Verification(False, n, ev.seq, "content does not match its hash (event edited)")
        prev = ev.hash
        expected_seq += 1
    return Verification(True, n)
