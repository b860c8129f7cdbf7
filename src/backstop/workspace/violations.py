"""A monitor run's violation register and a violation's timeline, from report to action.

The register is the monitor's own frame (``monitor_register.csv`` of a finished ``monitor`` or ``assess`` run):
dedup, classification and the commitments fired are :mod:`backstop.monitor`'s, nothing is recomputed here.
Each violation carries ``event_ids``, the ids of the reports merged into it; incidents reported in the
workspace are ``WS-<id>`` (:mod:`backstop.workspace.incidents`), which links a violation back to who reported
it. :func:`timeline` follows it: reported -> classified -> commitment fired -> acknowledged -> action, each step
with its time and who. Everything is read through :func:`backstop.workspace.runs.get_run` and the labels, so
a hidden run answers 404 and a hidden incident is counted, never shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstop.workspace import commitments, runs, scenarios
from backstop.workspace.incidents import FORM, PREFIX
from backstop.workspace.models import CommitmentAction, IncidentRecord, RunFile
from backstop.workspace.permissions import Label, visible_filter
from backstop.workspace.service import Actor, NotFound

REGISTER = "monitor_register.csv"


def _csv_rows(session: Session, run_id: int, filename: str) -> list[dict]:
    f = session.get(RunFile, (run_id, filename))
    return list(csv.DictReader(io.StringIO(f.content.decode("utf-8")))) if f is not None else []


def register(session: Session, actor: Actor, run_id: int) -> list[dict]:
    """The violation register of a visible, finished monitor run (the monitor's own frame)."""
    run = runs.get_run(session, actor, run_id)
    if session.get(RunFile, (run.id, REGISTER)) is None:
        raise NotFound(f"run {run_id} has no violation register (it is not a finished monitor run)")
    return _csv_rows(session, run.id, REGISTER)


def timeline(session: Session, actor: Actor, run_id: int, violation_id: str, now: dt.datetime) -> dict:
    """Reported -> classified -> commitment fired -> acknowledged -> action, each step with time and who.

    Every record read is filtered by the reader's nation: incidents she may not see are counted, not shown
    (none can be hidden from a reader of the run, whose label is the intersection of theirs).
    """
    run = runs.get_run(session, actor, run_id)
    rows = {r["violation_id"]: r for r in register(session, actor, run_id)}
    v = rows.get(violation_id)
    if v is None:
        raise NotFound(f"no violation {violation_id!r} in run {run_id}")
    steps: list[dict] = []
    ids = [e for e in (v.get("event_ids") or "").split(";") if e]
    ws_ids = [int(e[len(PREFIX):]) for e in ids if e.startswith(PREFIX) and e[len(PREFIX):].isdigit()]
    recs = list(session.execute(select(IncidentRecord).where(IncidentRecord.id.in_(ws_ids),
                                                             visible_filter(IncidentRecord, actor.nation, actor.as_of))).scalars()) if ws_ids else []
    for rec in sorted(recs, key=lambda r: r.id):
        how = "entered in the form" if rec.source_file == FORM else f"uploaded in {rec.source_file}, line {rec.line}"
        steps.append({"step": "reported", "at": rec.created_at, "who": f"{rec.created_by} ({rec.owner})",
                      "what": f"incident {PREFIX}{rec.id} {how}", "marking": Label.of(rec).marking})
    hidden = len(ws_ids) - len(recs)
    rev = session.execute(select(scenarios.Revision).where(scenarios.Revision.scenario_id == run.scenario_id,
                                                           scenarios.Revision.number == run.revision)).scalar_one()
    for e in ids:
        if not e.startswith(PREFIX):
            steps.append({"step": "reported", "at": rev.created_at, "who": rev.author,
                          "what": f"report {e} in incidents.csv of revision {rev.number}", "marking": runs.label_of(run).marking})
    if v.get("origin") == "air_summary":
        steps.append({"step": "reported", "at": rev.created_at, "who": rev.author, "what": f"Air Force daily summary: {v.get('location', '')}",
                      "marking": runs.label_of(run).marking})
    steps.append({"step": "classified", "at": run.finished_at or "", "who": f"monitor run #{run.id} started by {run.started_by}",
                  "what": f"{v['violation_class']} by {v['party']}, severity {v['severity']}, {v['status']} (confidence {v['confidence']}), "
                          f"event of {v['event_date'][:10]} at {v['location']}", "marking": runs.label_of(run).marking})
    fired = [f for f in _csv_rows(session, run.id, commitments.FILE) if violation_id in (f.get("violations") or "").split(";")]
    acks = {(a.fired_key, a.nation): a for a in session.execute(select(CommitmentAction).where(
        CommitmentAction.run_id == run.id, visible_filter(CommitmentAction, actor.nation, actor.as_of))).scalars()}
    for f in fired:
        key = commitments.fired_key(f)
        steps.append({"step": "commitment fired", "at": f["trigger_time"], "who": f"guarantor {f['guarantor']}",
                      "what": f"{f['commitment']} step {f['step']} ({f['kind']}): {f['response']}; deadline {f['deadline']}",
                      "marking": runs.label_of(run).marking, "key": key})
        done = [a for (k, _), a in sorted(acks.items()) if k == key]
        for a in done:
            steps.append({"step": "acknowledged", "at": a.acknowledged_at, "who": f"{a.acknowledged_by} ({a.nation})",
                          "what": f"{f['commitment']} step {f['step']} acknowledged", "marking": Label.of(a).marking, "key": key})
            steps.append({"step": "action", "at": a.acknowledged_at, "who": f"{a.acknowledged_by} ({a.nation})", "what": a.action,
                          "marking": Label.of(a).marking, "key": key})
        if not done:
            deadline = commitments._parse_time(f.get("deadline", ""))
            late = deadline is not None and deadline < now
            steps.append({"step": "acknowledged", "at": "", "who": f"guarantor {f['guarantor']}",
                          "what": ("OVERDUE: " if late else "pending: ") + f"due by {f['deadline']}", "marking": "", "key": key, "overdue": late})
    return {"run": runs.run_info(run, runs.scenario_name(session, run)), "violation": v, "steps": steps, "hidden_reports": hidden}
