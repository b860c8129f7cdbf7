"""The guarantors' workflow: commitments fired by a monitor run, acknowledged with the action taken.

The monitor analysis (``backstop.monitor``) turns the violation register into commitment steps fired per
guarantor with a deadline (its frame ``commitments``, stored by a run as ``monitor_commitments.csv``).
A guarantor sees, on her dashboard, the steps fired to her state (or to the coalition when her state is a
member) by the newest finished monitor run she may see; she acknowledges a step and records the action
taken; a step past its deadline and not acknowledged is flagged overdue.

Everything is read through :func:`backstop.workspace.runs.get_run` / ``visible_runs``, so a step from a
run she may not see is never shown, and an acknowledgement carries the run's label.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstop.errors import InputError, Problem
from backstop.workspace import audit, runs
from backstop.workspace.models import CommitmentAction, RunFile
from backstop.workspace.permissions import COMMITMENT_ACK, group_members, has
from backstop.workspace.service import Actor, Conflict, Forbidden, NotFound

FILE = "monitor_commitments.csv"
MONITOR_ANALYSES = ("monitor", "assess")


def _mine(guarantor: str, actor: Actor) -> bool:
    g = (guarantor or "").strip()
    return g.upper() == actor.nation or (g.lower() == "coalition" and actor.nation in group_members("COALITION", actor.as_of))


def fired_key(row: dict) -> str:
    return f"{row['commitment']}@{row['trigger_time']}"


def _parse_time(text: str) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def latest_monitor_run(session: Session, actor: Actor):
    """The newest finished monitor (or assess) run the actor sees that fired commitments; (None, None) if none.

    Reads one small page of candidate runs at a time (newest first), never the whole run table.
    """
    after = None
    while True:
        page = runs.page_runs(session, actor, status="done", analyses=MONITOR_ANALYSES, limit=20, after=after)
        for run, name in page.items:
            if session.get(RunFile, (run.id, FILE)) is not None:
                return run, name
        if page.next is None:
            return None, None
        after = page.next


def fired_for(session: Session, actor: Actor, run_id: int, now: dt.datetime) -> list[dict]:
    """The steps of run ``run_id`` fired to the actor's state, with acknowledgement and overdue flag."""
    run = runs.get_run(session, actor, run_id)
    f = session.get(RunFile, (run.id, FILE))
    if f is None:
        raise NotFound(f"run {run_id} has no fired commitments (it is not a finished monitor run)")
    acks = {a.fired_key: a for a in session.execute(select(CommitmentAction).where(
        CommitmentAction.run_id == run.id, CommitmentAction.nation == actor.nation)).scalars()}
    out = []
    for row in csv.DictReader(io.StringIO(f.content.decode("utf-8"))):
        if not _mine(row.get("guarantor", ""), actor):
            continue
        key = fired_key(row)
        ack = acks.get(key)
        deadline = _parse_time(row.get("deadline", ""))
        out.append({**row, "key": key, "run_id": run.id, "acknowledged": ack is not None,
                    "acknowledged_by": ack.acknowledged_by if ack else "", "acknowledged_at": ack.acknowledged_at if ack else "",
                    "action": ack.action if ack else "",
                    "overdue": ack is None and deadline is not None and deadline < now})
    out.sort(key=lambda r: (r.get("deadline", ""), r["key"]))
    return out


def acknowledge(session: Session, actor: Actor, run_id: int, key: str, action: str) -> CommitmentAction:
    """Record that the actor's state acknowledged a fired step and what it did (once per step and state)."""
    if not has(actor.role, COMMITMENT_ACK):
        runs.get_run(session, actor, run_id)  # hidden -> 404 first
        raise Forbidden(f"the role {actor.role!r} may not acknowledge commitments")
    action = (action or "").strip()
    if not action or len(action) > 2000:
        raise InputError([Problem("<form>", f"commitment {key}", "action", action[:60], "the action taken is required (1 to 2000 characters)",
                                  "e.g. 'two batteries moved to Odesa on 12 June'")])
    rows = {r["key"]: r for r in fired_for(session, actor, run_id, dt.datetime.now(dt.UTC))}
    if key not in rows:
        raise NotFound(f"no commitment {key!r} fired to {actor.nation} in run {run_id}")
    if rows[key]["acknowledged"]:
        raise Conflict(f"commitment {key!r} was acknowledged already by {rows[key]['acknowledged_by']}", {"action": rows[key]["action"]})
    run = runs.get_run(session, actor, run_id)
    a = CommitmentAction(run_id=run.id, fired_key=key, nation=actor.nation, deadline=rows[key].get("deadline", ""),
                         acknowledged_by=actor.name, acknowledged_at=audit.now(), action=action,
                         owner=run.owner, releasable_to=run.releasable_to)
    session.add(a)
    session.flush()
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="commitment.ack", target=f"run:{run.id}/{key}",
                 owner=run.owner, releasable_to=run.releasable_to, after={"action": action, "deadline": a.deadline})
    return a
