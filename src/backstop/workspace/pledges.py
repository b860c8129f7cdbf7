"""Pledge rounds and national pledges.

A planner opens a round and closes it; a closed round is locked (no edit, no delete) and stays visible as
history. A national point of contact enters her nation's pledges one by one (a form) or as her nation's
``pledges.csv``; both are validated by the scenario's :class:`~backstop.scenario.models.Pledge` model
through the same code as ``backstop`` on the command line, so the messages are the same (file, line,
field, value, hint). An upload is all or nothing. A new pledge is national-only until its nation releases
it (``releasable_to``).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backstop.errors import InputError, Problem
from backstop.scenario.models import Pledge
from backstop.workspace import audit, paging
from backstop.workspace.models import PledgeRecord, Round
from backstop.workspace.permissions import (
    EXPORT,
    PLEDGE_WRITE_OWN,
    ROUND_MANAGE,
    Label,
    decode,
    encode,
    has,
    visible_filter,
)
from backstop.workspace.service import Actor, Conflict, Forbidden, NotFound

COLUMNS = tuple(Pledge.model_fields)
FORM = "pledge form"


def to_cells(p: Pledge) -> dict[str, str]:
    """A validated pledge as the cells of a ``pledges.csv`` row."""
    out = {}
    for k in COLUMNS:
        v = getattr(p, k)
        if isinstance(v, bool):
            out[k] = "true" if v else "false"
        elif isinstance(v, list):
            out[k] = ";".join(v)
        elif v is None:
            out[k] = ""
        elif isinstance(v, float) and v.is_integer():
            out[k] = str(int(v))
        else:
            out[k] = str(v)
    return out


def _capabilities() -> set[str]:
    from backstop.reference.tables import load_table

    return set(load_table("capabilities")["id"])


def _check_refs(p: Pledge, actor: Actor, file: str, where: str) -> list[Problem]:
    probs = []
    if p.nation != actor.nation:
        probs.append(Problem(file, where, "nation", p.nation, "not your nation",
                             f"a national point of contact enters pledges of her own nation only ({actor.nation})"))
    if p.capability not in _capabilities():
        probs.append(Problem(file, where, "capability", p.capability, "unknown capability", "see `backstop facts capabilities`"))
    if p.available_to_month is not None and p.available_to_month < p.available_from_month:
        probs.append(Problem(file, where, "available_to_month", str(p.available_to_month), "before available_from_month",
                             "the last month available must not precede the first"))
    from backstop.forcegen.caveats import parse_caveats

    probs.extend(parse_caveats(p.caveats, where=where, file=file)[1])
    return probs


def validate_form(data: dict[str, str], actor: Actor) -> Pledge:
    """Validate one pledge from a form or a JSON body (cells as text); InputError lists every problem."""
    from backstop.scenario.io import _problems

    cells = {k: v for k, v in data.items() if v is not None and str(v).strip() != ""}
    cells.setdefault("nation", actor.nation)
    try:
        p = Pledge.model_validate(cells)
    except ValidationError as exc:
        raise InputError(_problems(exc, FORM, lambda loc: "form", Pledge)) from None
    probs = _check_refs(p, actor, FORM, "form")
    if probs:
        raise InputError(probs)
    return p


def read_upload(content: bytes, filename: str, actor: Actor) -> list[Pledge]:
    """Rows of an uploaded ``pledges.csv``, validated exactly as ``read_scenario`` validates the file."""
    from backstop.scenario.io import read_table

    display = Path(filename or "pledges.csv").name or "pledges.csv"
    with tempfile.TemporaryDirectory(prefix="backstop-upload-") as tmp:
        path = Path(tmp) / "upload.csv"
        path.write_bytes(content)
        rows, problems = read_table(path, Pledge, display=display)
    seen: dict[str, int] = {}
    for r in rows:
        where = f"line {r.line}"
        problems.extend(_check_refs(r, actor, display, where))
        if r.id in seen:
            problems.append(Problem(display, where, "id", r.id, f"duplicate id (also on line {seen[r.id]})", "give every pledge line its own id"))
        seen.setdefault(r.id, r.line)
    if not rows and not problems:
        problems.append(Problem(display, "", "", "", "no pledge rows", f"the header is: {','.join(COLUMNS)}"))
    if problems:
        raise InputError(problems)
    return rows


# -- rounds -----------------------------------------------------------------------------------------


def round_info(r: Round) -> dict:
    lab = Label.of(r)
    return {"id": r.id, "name": r.name, "status": r.status, "opened_by": r.opened_by, "opened_at": r.opened_at,
            "closed_by": r.closed_by, "closed_at": r.closed_at, "version": r.version, "owner": r.owner,
            "releasable_to": list(lab.releasable_to), "marking": lab.marking}


def visible_rounds(session: Session, actor: Actor) -> list[Round]:
    q = select(Round).where(visible_filter(Round, actor.nation, actor.as_of)).order_by(Round.id)
    return list(session.execute(q).scalars())


def get_round(session: Session, actor: Actor, round_id: int) -> Round:
    r = session.get(Round, round_id)
    if r is None or not Label.of(r).visible_to(actor.nation, actor.as_of):
        raise NotFound(f"no pledge round {round_id}")
    return r


def open_round(session: Session, actor: Actor, name: str, releasable_to: tuple[str, ...] = ("COALITION",)) -> Round:
    if not has(actor.role, ROUND_MANAGE):
        raise Forbidden(f"the role {actor.role!r} may not open pledge rounds")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InputError([Problem(FORM, "form", "name", name, "a round needs a name of 1 to 100 characters", "e.g. 'Round 1: land and air'")])
    if session.execute(select(Round.id).where(Round.name == name)).first():
        raise Conflict(f"a pledge round named {name!r} exists already")
    r = Round(name=name, status="open", opened_by=actor.name, opened_at=audit.now(), owner=actor.nation, releasable_to=encode(releasable_to))
    session.add(r)
    session.flush()
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="round.open", target=f"round:{r.id}",
                 owner=r.owner, releasable_to=r.releasable_to, after={"name": name, "status": "open"})
    return r


def close_round(session: Session, actor: Actor, round_id: int, version: int | None = None) -> Round:
    r = get_round(session, actor, round_id)
    if not has(actor.role, ROUND_MANAGE) or r.owner != actor.nation:
        raise Forbidden(f"only planners of {r.owner} may close round {round_id}")
    if version is not None and version != r.version:
        raise Conflict(f"round {round_id} changed since you loaded it", {"current": round_info(r)})
    if r.status == "closed":
        raise Conflict(f"round {round_id} is closed already", {"current": round_info(r)})
    r.status, r.closed_by, r.closed_at = "closed", actor.name, audit.now()
    session.flush()
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="round.close", target=f"round:{r.id}",
                 owner=r.owner, releasable_to=r.releasable_to, before={"status": "open"}, after={"status": "closed"})
    return r


# -- pledges ----------------------------------------------------------------------------------------


def pledge_info(p: PledgeRecord) -> dict:
    lab = Label.of(p)
    return {"id": p.id, "round_id": p.round_id, "pledge_id": p.pledge_id, "data": json.loads(p.data), "owner": p.owner,
            "releasable_to": list(lab.releasable_to), "marking": lab.marking, "version": p.version,
            "created_by": p.created_by, "updated_by": p.updated_by, "updated_at": p.updated_at}


def list_pledges(session: Session, actor: Actor, round_id: int) -> list[PledgeRecord]:
    get_round(session, actor, round_id)
    q = (select(PledgeRecord).where(PledgeRecord.round_id == round_id, visible_filter(PledgeRecord, actor.nation, actor.as_of))
         .order_by(PledgeRecord.owner, PledgeRecord.pledge_id))
    return list(session.execute(q).scalars())


def page_pledges(session: Session, actor: Actor, round_id: int, *, limit: int = paging.PAGE, after: str | None = None,
                 owner: str | None = None) -> paging.Page:
    """One page of a round's pledges visible to the actor (ordered by owner, pledge id; optionally one nation's)."""
    get_round(session, actor, round_id)
    q = select(PledgeRecord).where(PledgeRecord.round_id == round_id, visible_filter(PledgeRecord, actor.nation, actor.as_of))
    if owner:
        q = q.where(PledgeRecord.owner == owner)
    return paging.keyset(session, q, (PledgeRecord.owner, PledgeRecord.pledge_id), lambda p: (p.owner, p.pledge_id),
                         limit=limit, after=after)


def offered(session: Session, actor: Actor, round_id: int) -> list[tuple[str, int, int]]:
    """Per capability: units offered by the pledges of the round visible to the actor, and her nation's share.

    Aggregated in the database (one row per capability), so the cost does not grow with the number of pledges read back.
    """
    get_round(session, actor, round_id)
    mine = func.sum(case((PledgeRecord.owner == actor.nation, PledgeRecord.quantity), else_=0))
    q = (select(PledgeRecord.capability, func.sum(PledgeRecord.quantity), mine)
         .where(PledgeRecord.round_id == round_id, visible_filter(PledgeRecord, actor.nation, actor.as_of))
         .group_by(PledgeRecord.capability).order_by(PledgeRecord.capability))
    return [(c, int(total or 0), int(m or 0)) for c, total, m in session.execute(q)]


def get_pledge(session: Session, actor: Actor, pid: int) -> PledgeRecord:
    p = session.get(PledgeRecord, pid)
    if p is None or not Label.of(p).visible_to(actor.nation, actor.as_of):
        raise NotFound(f"no pledge {pid}")
    return p


def _writable(session: Session, actor: Actor, owner: str, round_id: int) -> Round:
    r = get_round(session, actor, round_id)
    if not has(actor.role, PLEDGE_WRITE_OWN) or actor.nation != owner:
        raise Forbidden(f"the role {actor.role!r} of {actor.nation} may not change pledges of {owner}")
    if r.status != "open":
        raise Conflict(f"round {r.id} ({r.name}) is closed: its pledges are locked", {"round": round_info(r)})
    return r


def _check_version(p: PledgeRecord, version: int | None, submitted: dict | None = None) -> None:
    if version is None:
        raise InputError([Problem(FORM, "form", "version", "", "missing version", "send the version you loaded (optimistic locking)")])
    if int(version) != p.version:
        current = json.loads(p.data)
        differing = sorted(k for k in current if submitted is not None and str(submitted.get(k, current[k])) != current[k])
        raise Conflict(f"pledge {p.pledge_id} was changed by {p.updated_by} at {p.updated_at} since you loaded it "
                       f"(version {p.version}, yours {version}); nothing was saved",
                       {"current": pledge_info(p), "your_version": int(version), "fields_differing_from_yours": differing})


def create_pledge(session: Session, actor: Actor, round_id: int, data: dict[str, str], releasable_to: tuple[str, ...] = ()) -> PledgeRecord:
    if not has(actor.role, PLEDGE_WRITE_OWN):
        get_round(session, actor, round_id)
        raise Forbidden(f"the role {actor.role!r} may not enter pledges")
    _writable(session, actor, actor.nation, round_id)
    p = validate_form(data, actor)
    return _insert(session, actor, round_id, p, releasable_to)


def _insert(session: Session, actor: Actor, round_id: int, p: Pledge, releasable_to: tuple[str, ...]) -> PledgeRecord:
    if session.execute(select(PledgeRecord.id).where(PledgeRecord.round_id == round_id, PledgeRecord.pledge_id == p.id)).first():
        raise Conflict(f"pledge id {p.id!r} exists already in round {round_id}", {"pledge_id": p.id})
    cells = to_cells(p)
    rec = PledgeRecord(round_id=round_id, pledge_id=p.id, data=json.dumps(cells, sort_keys=True), capability=p.capability,
                       quantity=p.quantity, owner=actor.nation,
                       releasable_to=encode(releasable_to), created_by=actor.name, updated_by=actor.name, updated_at=audit.now())
    session.add(rec)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"pledge id {p.id!r} exists already in round {round_id}", {"pledge_id": p.id}) from None
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="pledge.create", target=f"pledge:{rec.id}",
                 owner=rec.owner, releasable_to=rec.releasable_to, after=cells)
    return rec


def update_pledge(session: Session, actor: Actor, pid: int, data: dict[str, str], version: int | None) -> PledgeRecord:
    rec = get_pledge(session, actor, pid)
    _writable(session, actor, rec.owner, rec.round_id)
    _check_version(rec, version, data)
    merged = {**json.loads(rec.data), **{k: v for k, v in data.items() if k in COLUMNS}}
    merged["id"] = rec.pledge_id  # the id names the line; a new id is a new pledge
    p = validate_form(merged, actor)
    before = json.loads(rec.data)
    cells = to_cells(p)
    rec.data, rec.updated_by, rec.updated_at = json.dumps(cells, sort_keys=True), actor.name, audit.now()
    rec.capability, rec.quantity = p.capability, p.quantity
    session.flush()
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="pledge.update", target=f"pledge:{rec.id}",
                 owner=rec.owner, releasable_to=rec.releasable_to,
                 before={k: v for k, v in before.items() if cells.get(k) != v}, after={k: v for k, v in cells.items() if before.get(k) != v})
    return rec


def release_pledge(session: Session, actor: Actor, pid: int, tokens: tuple[str, ...], version: int | None) -> PledgeRecord:
    rec = get_pledge(session, actor, pid)
    _writable(session, actor, rec.owner, rec.round_id)
    _check_version(rec, version)
    before = list(decode(rec.releasable_to))
    rec.releasable_to, rec.updated_by, rec.updated_at = encode(tokens), actor.name, audit.now()
    session.flush()
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="pledge.release", target=f"pledge:{rec.id}",
                 owner=rec.owner, releasable_to=rec.releasable_to, before={"releasable_to": before}, after={"releasable_to": list(tokens)})
    return rec


def delete_pledge(session: Session, actor: Actor, pid: int, version: int | None) -> None:
    rec = get_pledge(session, actor, pid)
    _writable(session, actor, rec.owner, rec.round_id)
    _check_version(rec, version)
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="pledge.delete", target=f"pledge:{rec.id}",
                 owner=rec.owner, releasable_to=rec.releasable_to, before=json.loads(rec.data))
    session.delete(rec)
    session.flush()


def upload(session: Session, actor: Actor, round_id: int, content: bytes, filename: str, releasable_to: tuple[str, ...] = ()) -> list[PledgeRecord]:
    """All rows of a nation's CSV, or none: any problem raises before anything is written."""
    if not has(actor.role, PLEDGE_WRITE_OWN):
        get_round(session, actor, round_id)
        raise Forbidden(f"the role {actor.role!r} may not upload pledges")
    _writable(session, actor, actor.nation, round_id)
    rows = read_upload(content, filename, actor)
    existing = set(session.execute(select(PledgeRecord.pledge_id).where(PledgeRecord.round_id == round_id)).scalars())
    display = Path(filename or "pledges.csv").name or "pledges.csv"
    clash = [Problem(display, f"line {r.line}", "id", r.id, "this pledge id exists already in the round", "edit it in the page, or give a new id")
             for r in rows if r.id in existing]
    if clash:
        raise InputError(clash)
    return [_insert(session, actor, round_id, r, releasable_to) for r in rows]


def export_csv(session: Session, actor: Actor, round_id: int) -> bytes:
    """The pledges of a round that the actor may see, as ``pledges.csv`` (audited)."""
    recs = list_pledges(session, actor, round_id)
    if not has(actor.role, EXPORT):
        raise Forbidden(f"the role {actor.role!r} may not export")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    w.writeheader()
    for rec in recs:
        w.writerow(json.loads(rec.data))
    r = session.get(Round, round_id)
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="round.export", target=f"round:{round_id}",
                 owner=r.owner, releasable_to=r.releasable_to, after={"rows": len(recs)})
    return buf.getvalue().encode("utf-8")
