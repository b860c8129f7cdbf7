"""The chiefs' meeting record: agenda items and decisions citing runs and revisions; minutes in HTML and Markdown.

A meeting is labelled (default ``COALITION``). An item that cites a run is labelled with the intersection of
the meeting's audience and the run's (``combined_audience``), so an item resting on a Norwegian
national-only result is visible to Norway alone; minutes list only the items the reader may see, and their
banner states the audience of everything in them. Minutes are self-contained (inline style, no script, no
link outside the document) and every decision cites the run it rests on (id, analysis, scenario revision,
results.json SHA-256).
"""

from __future__ import annotations

import datetime as dt
import html

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstop.errors import InputError, Problem
from backstop.workspace import audit, runs, scenarios
from backstop.workspace.models import Meeting, MeetingItem, Run
from backstop.workspace.permissions import (
    MEETING_WRITE,
    Label,
    banner,
    check_nation,
    combined_audience,
    decode,
    encode,
    has,
    visible_filter,
)
from backstop.workspace.service import Actor, Forbidden, NotFound

FORM = "meeting"
KINDS = ("agenda", "decision")


def _date(value: str, field: str) -> str:
    try:
        return dt.date.fromisoformat((value or "").strip()).isoformat()
    except ValueError:
        raise InputError([Problem(FORM, FORM, field, value, "not a date", "use YYYY-MM-DD")]) from None


def _text(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit:
        raise InputError([Problem(FORM, FORM, field, value[:60], f"required, 1 to {limit} characters", "write a short sentence")])
    return value


def create_meeting(session: Session, actor: Actor, title: str, date: str, nations: list[str], releasable_to: tuple[str, ...] = ("COALITION",)) -> Meeting:
    if not has(actor.role, MEETING_WRITE):
        raise Forbidden(f"the role {actor.role!r} may not record meetings")
    codes = sorted({check_nation(n, where=FORM, file=FORM) for n in nations})
    m = Meeting(title=_text(title, "title", 200), date=_date(date, "date"), nations=encode(codes), created_by=actor.name,
                created_at=audit.now(), owner=actor.nation, releasable_to=encode(releasable_to))
    session.add(m)
    session.flush()
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="meeting.create", target=f"meeting:{m.id}",
                 owner=m.owner, releasable_to=m.releasable_to, after={"title": m.title, "date": m.date, "nations": codes})
    return m


def get_meeting(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    m = session.get(Meeting, meeting_id)
    if m is None or not Label.of(m).visible_to(actor.nation, actor.as_of):
        raise NotFound(f"no meeting {meeting_id}")
    return m


def visible_meetings(session: Session, actor: Actor) -> list[Meeting]:
    return list(session.execute(select(Meeting).where(visible_filter(Meeting, actor.nation, actor.as_of)).order_by(Meeting.date.desc(), Meeting.id)).scalars())


def add_item(session: Session, actor: Actor, meeting_id: int, kind: str, text: str, *, run_id: int | None = None,
             scenario: str | None = None, revision: int | None = None, owner_nation: str = "", due_date: str = "",
             violation: str = "") -> MeetingItem:
    m = get_meeting(session, actor, meeting_id)
    run = runs.get_run(session, actor, run_id) if run_id is not None else None  # hidden run -> 404 (before any 403)
    if not has(actor.role, MEETING_WRITE) or m.owner != actor.nation:
        raise Forbidden(f"only planners of {m.owner} may add to meeting {meeting_id}")
    if kind not in KINDS:
        raise InputError([Problem(FORM, FORM, "kind", kind, "unknown item kind", "use agenda or decision")])
    violation = (violation or "").strip().upper()
    if violation:
        if run is None:
            raise InputError([Problem(FORM, FORM, "violation", violation, "a violation is cited with the monitor run that registered it",
                                      "choose the run too")])
        from backstop.workspace import violations

        try:
            known = {r["violation_id"] for r in violations.register(session, actor, run.id)}
        except NotFound:
            raise InputError([Problem(FORM, FORM, "violation", violation, f"run {run.id} is not a finished monitor run: it has no register",
                                      "cite the monitor (or assess) run whose register lists the violation")]) from None
        if violation not in known:
            raise InputError([Problem(FORM, FORM, "violation", violation, f"no such violation in run {run.id}'s register",
                                      "use an id of the register, e.g. V000001")])
    labels = [Label.of(m)]
    if run is not None:
        labels.append(runs.label_of(run))
    sc_id = None
    if scenario:
        rev = scenarios.get_revision(session, actor, scenario, revision)
        sc_id, revision = rev.scenario_id, rev.number
        labels.append(Label.of(rev.scenario))
    if kind == "decision":
        owner_nation = check_nation(owner_nation, where=FORM, file=FORM)
        due_date = _date(due_date, "due_date")
        if run is None:
            raise InputError([Problem(FORM, FORM, "run", "", "a decision must cite the run it rests on", "choose a run id")])
    audience = combined_audience(labels, actor.as_of) or frozenset({actor.nation})
    item = MeetingItem(meeting_id=m.id, kind=kind, text=_text(text, "text", 4000), run_id=run.id if run else None, scenario_id=sc_id,
                       revision=revision if sc_id else None, violation=violation, owner_nation=owner_nation or "", due_date=due_date or "",
                       created_by=actor.name, created_at=audit.now(), owner=actor.nation, releasable_to=encode(audience - {actor.nation}))
    session.add(item)
    session.flush()
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action=f"meeting.{kind}", target=f"meeting:{m.id}/item:{item.id}",
                 owner=item.owner, releasable_to=item.releasable_to, after={"text": item.text, "run": item.run_id, "violation": item.violation, "owner_nation": item.owner_nation,
                                                                           "due_date": item.due_date})
    return item


def visible_items(session: Session, actor: Actor, meeting_id: int) -> list[MeetingItem]:
    """The items of a visible meeting that the actor may see (labels: meeting and cited run)."""
    m = get_meeting(session, actor, meeting_id)
    q = (select(MeetingItem).where(MeetingItem.meeting_id == m.id, visible_filter(MeetingItem, actor.nation, actor.as_of))
         .order_by(MeetingItem.id))
    return list(session.execute(q).scalars())


def export_minutes(session: Session, actor: Actor, meeting_id: int, fmt: str) -> tuple[str, str]:
    """The minutes the actor may read (``html`` or ``md``) and their media type; audited as an export."""
    rec = record(session, actor, meeting_id)
    m = get_meeting(session, actor, meeting_id)
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="meeting.minutes", target=f"meeting:{meeting_id}",
                 owner=m.owner, releasable_to=m.releasable_to)
    if fmt == "html":
        return minutes_html(rec), "text/html; charset=utf-8"
    return minutes_markdown(rec), "text/markdown; charset=utf-8"


def record(session: Session, actor: Actor, meeting_id: int) -> dict:
    """The meeting with the items the actor may see, each with the run it cites; and the labels shown."""
    m = get_meeting(session, actor, meeting_id)
    items, labels = [], [Label.of(m)]
    for it in visible_items(session, actor, meeting_id):
        run = session.get(Run, it.run_id) if it.run_id else None
        cite = None
        if run is not None:
            cite = {"id": run.id, "analysis": run.analysis, "scenario": runs.scenario_name(session, run), "revision": run.revision,
                    "seed": run.seed, "status": run.status, "results_sha256": run.results_sha256, "marking": runs.label_of(run).marking}
        sc = session.get(scenarios.Scenario, it.scenario_id) if it.scenario_id else None
        lab = Label(it.owner, decode(it.releasable_to))
        labels.append(lab)
        items.append({"id": it.id, "kind": it.kind, "text": it.text, "run": cite, "scenario": sc.name if sc else None,
                      "revision": it.revision, "violation": it.violation or "", "owner_nation": it.owner_nation, "due_date": it.due_date, "marking": lab.marking})
    return {"id": m.id, "title": m.title, "date": m.date, "nations": list(decode(m.nations)), "marking": Label.of(m).marking,
            "created_by": m.created_by, "items": items, "banner": banner(labels, actor.nation, actor.as_of)}


def _cite(run: dict | None) -> str:
    if not run:
        return ""
    return (f"run #{run['id']} ({run['analysis']} on {run['scenario']} revision {run['revision']}, seed {run['seed']}, "
            f"results.json SHA-256 {run['results_sha256'][:16] or 'n/a'}; {run['marking']})")


def minutes_markdown(rec: dict) -> str:
    lines = [f"<!-- {rec['banner']} -->", f"# Minutes: {rec['title']}", "", f"**{rec['banner']}**", "",
             f"- Date: {rec['date']}", f"- Participating nations: {', '.join(rec['nations'])}", f"- Marking: {rec['marking']}", "",
             "## Agenda", ""]
    agenda = [i for i in rec["items"] if i["kind"] == "agenda"]
    for n, i in enumerate(agenda, 1):
        ref = "; ".join(x for x in (_cite(i["run"]), f"violation {i['violation']}" if i["violation"] else "",
                                    f"{i['scenario']} revision {i['revision']}" if i["scenario"] else "") if x)
        lines.append(f"{n}. {i['text']}" + (f" (evidence: {ref})" if ref else "") + f" [{i['marking']}]")
    lines += ["", "## Decisions", "", "| # | decision | owner | due | rests on | marking |", "|---|---|---|---|---|---|"]
    for n, i in enumerate([i for i in rec["items"] if i["kind"] == "decision"], 1):
        cells = [str(n), i["text"], i["owner_nation"], i["due_date"], _cite(i["run"]), i["marking"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    lines += ["", f"**{rec['banner']}**", ""]
    return "\n".join(lines)


def minutes_html(rec: dict) -> str:
    e = html.escape
    agenda = "".join(f"<li>{e(i['text'])}{' <small>(evidence: ' + e(_cite(i['run'])) + ')</small>' if i['run'] else ''}"
                     f"{' <small>(violation ' + e(i['violation']) + ')</small>' if i['violation'] else ''}"
                     f"{' <small>(' + e(str(i['scenario'])) + ' revision ' + e(str(i['revision'])) + ')</small>' if i['scenario'] else ''}"
                     f" <span class=m>{e(i['marking'])}</span></li>" for i in rec["items"] if i["kind"] == "agenda")
    decisions = "".join(f"<tr><td>{e(i['text'])}</td><td>{e(i['owner_nation'])}</td><td>{e(i['due_date'])}</td><td>{e(_cite(i['run']))}</td>"
                        f"<td class=m>{e(i['marking'])}</td></tr>" for i in rec["items"] if i["kind"] == "decision")
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto}.b{background:#222;color:#fff;padding:.4em;text-align:center}"
             "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em}.m{font-size:.8em;color:#555}")
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Minutes: {e(rec['title'])}</title><style>{style}</style></head>"
            f"<body><div class=b>{e(rec['banner'])}</div><h1>Minutes: {e(rec['title'])}</h1>"
            f"<p>Date {e(rec['date'])} · participating nations {e(', '.join(rec['nations']))} · marking {e(rec['marking'])}</p>"
            f"<h2>Agenda</h2><ol>{agenda}</ol><h2>Decisions</h2><table><tr><th>decision</th><th>owner</th><th>due</th><th>rests on</th>"
            f"<th>marking</th></tr>{decisions}</table><div class=b>{e(rec['banner'])}</div></body></html>")
