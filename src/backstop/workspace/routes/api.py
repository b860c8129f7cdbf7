"""The JSON API (``/api``): the same library functions and rules as the pages.

Authenticate with ``POST /api/session`` (returns a token for ``Authorization: Bearer``). A record the
caller may not see answers 404; a record she sees but may not change answers 403; a stale ``version`` or
``base`` and a closed round answer 409 with what changed.
"""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from backstop.errors import InputError, Problem
from backstop.workspace import audit, auth, paging, pledges, runs, scenarios
from backstop.workspace.models import AuditEvent, User
from backstop.workspace.permissions import (
    AUDIT_SECURITY,
    ROLES,
    USERS_MANAGE,
    has,
    parse_tokens,
)
from backstop.workspace.routes.common import actor_of, client_address, workspace
from backstop.workspace.service import Actor, Forbidden

router = APIRouter(prefix="/api")


class LoginIn(BaseModel):
    name: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class RevisionIn(BaseModel):
    files: dict[str, str] = Field(description="file name -> base64 of its bytes (scenario.toml and table CSVs)")
    message: str = Field("", max_length=2000)
    base: int | None = Field(None, description="head revision the client started from (optimistic locking)")
    releasable_to: list[str] = Field(["COALITION"], description="releasability of a new scenario")


class LabelIn(BaseModel):
    releasable_to: list[str]
    version: int


class RestoreIn(BaseModel):
    revision: int
    base: int | None = None


class RoundIn(BaseModel):
    name: str
    releasable_to: list[str] = ["COALITION"]


class VersionIn(BaseModel):
    version: int | None = None


class PledgeIn(BaseModel):
    data: dict[str, str | int | float | bool | None]
    releasable_to: list[str] = []


class PledgeUpdate(BaseModel):
    data: dict[str, str | int | float | bool | None]
    version: int


class ReleaseIn(BaseModel):
    releasable_to: list[str]
    version: int


class UserIn(BaseModel):
    name: str
    nation: str
    role: str
    password: str


def _ok(obj, status: int = 200) -> JSONResponse:
    """Plain JSON data straight to the answer (skips FastAPI's generic encoder: a third of a list's CPU)."""
    return JSONResponse(obj, status_code=status)


def _next_link(request: Request, cursor: str | None) -> str | None:
    """The next page's URL (path and query): this request's with ``after`` set to the cursor; None on the last page."""
    if cursor is None:
        return None
    url = request.url.include_query_params(after=cursor)
    return f"{url.path}?{url.query}"


def _ok_list(items: list, page, request: Request) -> JSONResponse:
    """A page of a list: the items as the body, the next page in a ``Link: <...>; rel="next"`` header (RFC 8288)."""
    nxt = _next_link(request, page.next)
    return JSONResponse(items, headers={"link": f'<{nxt}>; rel="next"'} if nxt else None)


def _cells(data: dict) -> dict[str, str]:
    return {k: ("" if v is None else str(v).lower() if isinstance(v, bool) else str(v)) for k, v in data.items()}


@router.post("/session", tags=["auth"], summary="Sign in; returns a bearer token")
def login(body: LoginIn, request: Request):
    ws = workspace(request)
    with ws.db.write() as s:
        user = auth.authenticate(s, body.name, body.password, ws.throttle, client_address(request))
        if user is not None:
            token, csrf = auth.issue(ws.secret, user)
            out = {"token": token, "csrf": csrf, "user": {"name": user.name, "nation": user.nation, "role": user.role}}
    if user is None:
        raise auth.Unauthorized(auth.BAD_LOGIN)
    return out


@router.get("/me", tags=["auth"])
def me(actor: Actor = Depends(actor_of)):
    return {"name": actor.name, "nation": actor.nation, "role": actor.role, "permissions": sorted(ROLES[actor.role])}


# -- scenarios ----------------------------------------------------------------------------------------


@router.get("/scenarios", tags=["scenarios"])
def list_scenarios(request: Request, actor: Actor = Depends(actor_of)):
    with workspace(request).db.read() as s:
        return _ok([scenarios.scenario_info(sc) for sc in scenarios.visible_scenarios(s, actor)])


@router.get("/scenarios/{name}", tags=["scenarios"], summary="A scenario and one page of its revisions, newest first ('next': older ones)")
def get_scenario(name: str, request: Request, limit: int = Query(paging.PAGE, ge=1, le=paging.MAX_PAGE),
                 after: str | None = Query(None, max_length=200), actor: Actor = Depends(actor_of)):
    with workspace(request).db.read() as s:
        sc = scenarios.get_scenario(s, actor, name)
        page = scenarios.page_revisions(s, sc, limit=limit, after=after)
        return _ok({**scenarios.scenario_info(sc), "revisions": [scenarios.revision_info(r) for r in page.items],
                    "next": _next_link(request, page.next)})


def _decode_files(files: dict[str, str]) -> dict[str, bytes]:
    out, problems = {}, []
    for name, b64 in files.items():
        try:
            out[name] = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError):
            problems.append(Problem(name, "", "files", name, "not base64", "send each file's bytes base64-encoded"))
    if problems:
        raise InputError(problems)
    return out


@router.post("/scenarios/{name}/revisions", tags=["scenarios"], status_code=201, summary="Save a revision (push)")
def push(name: str, body: RevisionIn, request: Request, actor: Actor = Depends(actor_of)):
    files = _decode_files(body.files)
    tokens = parse_tokens(body.releasable_to)
    with workspace(request).db.write() as s:
        rev = scenarios.save_revision(s, actor, name, files, body.message, base=body.base, releasable_to=tokens)
        return scenarios.revision_info(rev)


@router.get("/scenarios/{name}/revisions/{number}", tags=["scenarios"], summary="A revision's files (pull; audited)")
def pull(name: str, number: int, request: Request, actor: Actor = Depends(actor_of)):
    with workspace(request).db.write() as s:
        rev, files = scenarios.export(s, actor, name, number)
        return _ok({**scenarios.revision_info(rev), "files": {k: base64.b64encode(v).decode() for k, v in files.items()}})


@router.get("/scenarios/{name}/diff", tags=["scenarios"], summary="Differences between two revisions, table by table")
def diff(name: str, request: Request, a: int = Query(...), b: int = Query(...), actor: Actor = Depends(actor_of)):
    with workspace(request).db.read() as s:
        return _ok({"scenario": name, "a": a, "b": b, "tables": scenarios.diff(s, actor, name, a, b)})


@router.post("/scenarios/{name}/restore", tags=["scenarios"], status_code=201)
def restore(name: str, body: RestoreIn, request: Request, actor: Actor = Depends(actor_of)):
    with workspace(request).db.write() as s:
        return scenarios.revision_info(scenarios.restore(s, actor, name, body.revision, base=body.base))


@router.put("/scenarios/{name}/label", tags=["scenarios"])
def relabel(name: str, body: LabelIn, request: Request, actor: Actor = Depends(actor_of)):
    tokens = parse_tokens(body.releasable_to)
    with workspace(request).db.write() as s:
        return scenarios.scenario_info(scenarios.relabel(s, actor, name, tokens, body.version))


# -- rounds and pledges --------------------------------------------------------------------------------


@router.get("/rounds", tags=["pledges"])
def list_rounds(request: Request, actor: Actor = Depends(actor_of)):
    with workspace(request).db.read() as s:
        return _ok([pledges.round_info(r) for r in pledges.visible_rounds(s, actor)])


@router.post("/rounds", tags=["pledges"], status_code=201)
def open_round(body: RoundIn, request: Request, actor: Actor = Depends(actor_of)):
    tokens = parse_tokens(body.releasable_to)
    with workspace(request).db.write() as s:
        return pledges.round_info(pledges.open_round(s, actor, body.name, tokens))


@router.get("/rounds/{round_id}", tags=["pledges"], summary="A round and one page of the pledges you may see ('next': the following page)")
def get_round(round_id: int, request: Request, limit: int = Query(paging.PAGE, ge=1, le=paging.MAX_PAGE),
              after: str | None = Query(None, max_length=400), owner: str | None = Query(None, min_length=3, max_length=3),
              actor: Actor = Depends(actor_of)):
    with workspace(request).db.read() as s:
        r = pledges.get_round(s, actor, round_id)
        page = pledges.page_pledges(s, actor, round_id, limit=limit, after=after, owner=owner.upper() if owner else None)
        return _ok({**pledges.round_info(r), "pledges": [pledges.pledge_info(p) for p in page.items], "next": _next_link(request, page.next)})


@router.post("/rounds/{round_id}/close", tags=["pledges"])
def close_round(round_id: int, body: VersionIn, request: Request, actor: Actor = Depends(actor_of)):
    with workspace(request).db.write() as s:
        return pledges.round_info(pledges.close_round(s, actor, round_id, body.version))


@router.post("/rounds/{round_id}/pledges", tags=["pledges"], status_code=201)
def create_pledge(round_id: int, body: PledgeIn, request: Request, actor: Actor = Depends(actor_of)):
    tokens = parse_tokens(body.releasable_to)
    with workspace(request).db.write() as s:
        return _ok(pledges.pledge_info(pledges.create_pledge(s, actor, round_id, _cells(body.data), tokens)), 201)


@router.post("/rounds/{round_id}/pledges.csv", tags=["pledges"], status_code=201, summary="Upload a nation's pledges.csv (all or nothing)")
async def upload_pledges(round_id: int, request: Request, file: UploadFile = File(...), releasable_to: str = Form(""),
                         actor: Actor = Depends(actor_of)):
    content = await file.read()
    tokens = parse_tokens(releasable_to)
    ws = workspace(request)

    def work():
        with ws.db.write() as s:
            return [pledges.pledge_info(p) for p in pledges.upload(s, actor, round_id, content, file.filename or "pledges.csv", tokens)]

    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(work)


@router.get("/rounds/{round_id}/pledges.csv", tags=["pledges"], summary="The pledges you may see, as pledges.csv (audited)")
def export_pledges(round_id: int, request: Request, actor: Actor = Depends(actor_of)):
    with workspace(request).db.write() as s:
        data = pledges.export_csv(s, actor, round_id)
    return Response(data, media_type="text/csv", headers={"content-disposition": f'attachment; filename="round-{round_id}-pledges.csv"'})


@router.get("/pledges/{pid}", tags=["pledges"])
def get_pledge(pid: int, request: Request, actor: Actor = Depends(actor_of)):
    with workspace(request).db.read() as s:
        return _ok(pledges.pledge_info(pledges.get_pledge(s, actor, pid)))


@router.put("/pledges/{pid}", tags=["pledges"])
def update_pledge(pid: int, body: PledgeUpdate, request: Request, actor: Actor = Depends(actor_of)):
    with workspace(request).db.write() as s:
        return _ok(pledges.pledge_info(pledges.update_pledge(s, actor, pid, _cells(body.data), body.version)))


@router.put("/pledges/{pid}/release", tags=["pledges"])
def release_pledge(pid: int, body: ReleaseIn, request: Request, actor: Actor = Depends(actor_of)):
    tokens = parse_tokens(body.releasable_to)
    with workspace(request).db.write() as s:
        return pledges.pledge_info(pledges.release_pledge(s, actor, pid, tokens, body.version))


@router.delete("/pledges/{pid}", tags=["pledges"])
def delete_pledge(pid: int, request: Request, version: int = Query(...), actor: Actor = Depends(actor_of)):
    with workspace(request).db.write() as s:
        pledges.delete_pledge(s, actor, pid, version)
    return {"deleted": pid}


# -- analysis runs (issue 16) -------------------------------------------------------------------------------


class RunIn(BaseModel):
    analysis: str = Field(description="'assess' (every analysis) or one name of backstop.pipeline.ANALYSES")
    seed: int = Field(runs.DEFAULT_SEED, ge=0, le=runs.MAX_SEED)
    quick: bool = Field(False, description="fewer Monte Carlo trials / shorter solves (previews)")
    round_id: int | None = Field(None, description="pledge round whose pledges visible to you replace pledges.csv (default: the newest visible)")


def _run_json(s, run) -> dict:
    return {**runs.run_info(run, runs.scenario_name(s, run)), "files": runs.run_files(s, run)}


@router.post("/scenarios/{name}/revisions/{number}/runs", tags=["runs"], status_code=202,
             summary="Start an analysis run on a revision (a background job)")
def start_run(name: str, number: int, body: RunIn, request: Request, actor: Actor = Depends(actor_of)):
    ws = workspace(request)
    with ws.db.write() as s:
        run = runs.start_run(s, actor, name, number, body.analysis, seed=body.seed, quick=body.quick, round_id=body.round_id)
        out = _run_json(s, run)
    if ws.jobs is not None:
        ws.jobs.wake()
    return _ok(out, 202)


@router.get("/runs", tags=["runs"], summary="Runs whose label includes your nation, newest first, one page at a time")
def list_runs(request: Request, scenario: str | None = Query(None), limit: int = Query(paging.PAGE, ge=1, le=paging.MAX_PAGE),
              after: str | None = Query(None, max_length=200), actor: Actor = Depends(actor_of)):
    with workspace(request).db.read() as s:
        page = runs.page_runs(s, actor, scenario, limit=limit, after=after)
        return _ok_list([runs.run_info(r, n) for r, n in page.items], page, request)


@router.get("/runs/{run_id}", tags=["runs"], summary="A run: status, progress, error, label, files (poll this)")
def get_run(run_id: int, request: Request, actor: Actor = Depends(actor_of)):
    with workspace(request).db.read() as s:
        return _ok(_run_json(s, runs.get_run(s, actor, run_id)))


@router.post("/runs/{run_id}/cancel", tags=["runs"], summary="Cancel a queued or running run (nothing is stored)")
def cancel_run(run_id: int, request: Request, actor: Actor = Depends(actor_of)):
    ws = workspace(request)
    with ws.db.write() as s:
        out = _run_json(s, runs.cancel_run(s, actor, run_id))
    if ws.jobs is not None:
        ws.jobs.wake()
    return _ok(out)


@router.get("/runs/{run_id}/files/{filename}", tags=["runs"], summary="One output file of a run (audited download)")
def run_file(run_id: int, filename: str, request: Request, actor: Actor = Depends(actor_of)):
    with workspace(request).db.write() as s:
        run, data = runs.get_file(s, actor, run_id, filename)
        marking = runs.label_of(run).marking
    return Response(data, media_type=_media(filename), headers={"x-backstop-marking": marking,
                    "content-disposition": f'attachment; filename="run-{run_id}-{filename}"'})


@router.get("/compare", tags=["runs"], summary="Two runs side by side: outputs frame by frame, and the revision diff")
def compare_runs(request: Request, a: int = Query(...), b: int = Query(...), actor: Actor = Depends(actor_of)):
    from backstop.workspace import compare

    with workspace(request).db.read() as s:
        return _ok(compare.compare(s, actor, a, b))


class MeetingIn(BaseModel):
    title: str = Field(max_length=200)
    date: str = Field(description="YYYY-MM-DD")
    nations: list[str] = Field(description="participating nations (ISO3)")
    releasable_to: list[str] = ["COALITION"]


class ItemIn(BaseModel):
    kind: str = Field(description="agenda or decision")
    text: str = Field(max_length=4000)
    run_id: int | None = Field(None, description="the run it rests on (required for a decision)")
    scenario: str | None = None
    revision: int | None = None
    violation: str = Field("", max_length=20, description="a violation id of the cited monitor run's register (V000001)")
    owner_nation: str = Field("", description="decisions: the nation that must act (ISO3)")
    due_date: str = Field("", description="decisions: YYYY-MM-DD")


@router.post("/meetings", tags=["meetings"], status_code=201, summary="Record a meeting")
def create_meeting(body: MeetingIn, request: Request, actor: Actor = Depends(actor_of)):
    from backstop.workspace import meetings

    tokens = parse_tokens(body.releasable_to)
    with workspace(request).db.write() as s:
        m = meetings.create_meeting(s, actor, body.title, body.date, body.nations, tokens)
        return _ok(meetings.record(s, actor, m.id), 201)


@router.get("/meetings", tags=["meetings"])
def list_meetings(request: Request, actor: Actor = Depends(actor_of)):
    from backstop.workspace import meetings

    with workspace(request).db.read() as s:
        return _ok([{"id": m.id, "title": m.title, "date": m.date} for m in meetings.visible_meetings(s, actor)])


@router.get("/meetings/{meeting_id}", tags=["meetings"], summary="A meeting with the items you may see")
def get_meeting(meeting_id: int, request: Request, actor: Actor = Depends(actor_of)):
    from backstop.workspace import meetings

    with workspace(request).db.read() as s:
        return _ok(meetings.record(s, actor, meeting_id))


@router.post("/meetings/{meeting_id}/items", tags=["meetings"], status_code=201, summary="Add an agenda item or a decision")
def add_meeting_item(meeting_id: int, body: ItemIn, request: Request, actor: Actor = Depends(actor_of)):
    from backstop.workspace import meetings

    with workspace(request).db.write() as s:
        it = meetings.add_item(s, actor, meeting_id, body.kind, body.text, run_id=body.run_id, scenario=body.scenario,
                               revision=body.revision, owner_nation=body.owner_nation, due_date=body.due_date, violation=body.violation)
        return _ok({"id": it.id, "kind": it.kind}, 201)


@router.get("/meetings/{meeting_id}/minutes.{fmt}", tags=["meetings"], summary="Minutes: self-contained HTML or Markdown (audited)")
def minutes(meeting_id: int, fmt: str, request: Request, actor: Actor = Depends(actor_of)):
    from backstop.workspace import meetings

    if fmt not in ("html", "md"):
        return JSONResponse({"error": "minutes come as .html or .md"}, status_code=404)
    with workspace(request).db.write() as s:
        body, media = meetings.export_minutes(s, actor, meeting_id, fmt)
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="minutes-{meeting_id}.{fmt}"'})


class AckIn(BaseModel):
    key: str = Field(max_length=200, description="the fired step: commitment id @ trigger time (as listed)")
    action: str = Field(max_length=2000, description="the action taken")


@router.get("/runs/{run_id}/commitments", tags=["guarantors"], summary="Commitment steps of a monitor run fired to your state")
def fired_commitments(run_id: int, request: Request, actor: Actor = Depends(actor_of)):
    import datetime as dt

    from backstop.workspace import commitments

    with workspace(request).db.read() as s:
        return _ok(commitments.fired_for(s, actor, run_id, dt.datetime.now(dt.UTC)))


@router.post("/runs/{run_id}/commitments/ack", tags=["guarantors"], status_code=201, summary="Acknowledge a fired step with the action taken")
def ack_commitment(run_id: int, body: AckIn, request: Request, actor: Actor = Depends(actor_of)):
    from backstop.workspace import commitments

    with workspace(request).db.write() as s:
        a = commitments.acknowledge(s, actor, run_id, body.key, body.action)
        return _ok({"run_id": a.run_id, "key": a.fired_key, "nation": a.nation, "acknowledged_by": a.acknowledged_by,
                    "acknowledged_at": a.acknowledged_at, "action": a.action, "deadline": a.deadline}, 201)


class IncidentIn(BaseModel):
    data: dict[str, str | int | float | bool | None] = Field(description="ACLED-shape cells: event_date, latitude, longitude, ...")
    releasable_to: list[str] = []


@router.get("/incidents", tags=["guarantors"], summary="Incidents reported in the workspace that you may see")
def list_incidents(request: Request, kind: str | None = Query(None, pattern="^(incidents|air)$"), actor: Actor = Depends(actor_of)):
    from backstop.workspace import incidents

    with workspace(request).db.read() as s:
        return _ok([incidents.incident_info(r) for r in incidents.visible_incidents(s, actor, kind)])


@router.get("/incidents/{incident_id}", tags=["guarantors"])
def get_incident(incident_id: int, request: Request, actor: Actor = Depends(actor_of)):
    from backstop.workspace import incidents

    with workspace(request).db.read() as s:
        return _ok(incidents.incident_info(incidents.get_incident(s, actor, incident_id)))


@router.post("/incidents", tags=["guarantors"], status_code=201, summary="Report one incident (ACLED shape; the monitor's row checks)")
def create_incident(body: IncidentIn, request: Request, actor: Actor = Depends(actor_of)):
    from backstop.workspace import incidents

    tokens = parse_tokens(body.releasable_to)
    ws = workspace(request)
    with ws.db.write() as s:
        return _ok(incidents.incident_info(incidents.add_form(s, actor, _cells(body.data), tokens, limit_bytes=ws.upload_limit_bytes)), 201)


@router.post("/incidents/upload", tags=["guarantors"], status_code=201,
             summary="Upload incidents: ACLED or Air Force daily-summary shape, CSV/JSON/JSON Lines (all rows or none)")
async def upload_incidents(request: Request, file: UploadFile = File(...), releasable_to: str = Form(""), actor: Actor = Depends(actor_of)):
    from starlette.concurrency import run_in_threadpool

    from backstop.workspace import incidents

    content = await file.read()
    tokens = parse_tokens(releasable_to)
    ws = workspace(request)

    def work():
        with ws.db.write() as s:
            return [incidents.incident_info(r) for r in incidents.upload(s, actor, content, file.filename or "upload.csv", tokens,
                                                                          limit_bytes=ws.upload_limit_bytes)]

    return _ok(await run_in_threadpool(work), 201)


@router.get("/runs/{run_id}/register", tags=["guarantors"], summary="The violation register of a monitor run")
def run_register(run_id: int, request: Request, actor: Actor = Depends(actor_of)):
    from backstop.workspace import violations

    with workspace(request).db.read() as s:
        return _ok(violations.register(s, actor, run_id))


@router.get("/runs/{run_id}/violations/{violation_id}", tags=["guarantors"],
            summary="A violation's timeline: reported, classified, commitment fired, acknowledged, action")
def violation_timeline(run_id: int, violation_id: str, request: Request, actor: Actor = Depends(actor_of)):
    import datetime as dt

    from backstop.workspace import violations

    with workspace(request).db.read() as s:
        return _ok(violations.timeline(s, actor, run_id, violation_id, dt.datetime.now(dt.UTC)))


def _media(filename: str) -> str:
    return {"json": "application/json", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}.get(
        filename.rsplit(".", 1)[-1], "application/octet-stream")


# -- audit and users -----------------------------------------------------------------------------------


def audit_query(actor: Actor):
    """Audit events the actor may read, newest first (see :func:`backstop.workspace.audit.visible_query`)."""
    return audit.visible_query(actor).order_by(AuditEvent.seq.desc())


def event_info(e: AuditEvent) -> dict:
    return {"seq": e.seq, "at": e.at, "actor": e.actor, "actor_nation": e.actor_nation, "action": e.action, "target": e.target,
            "owner": e.owner, "before": e.before, "after": e.after, "hash": e.hash}


@router.get("/audit", tags=["audit"], summary="Audit events you may read, newest first, one page at a time")
def list_audit(request: Request, limit: int = Query(paging.PAGE, ge=1, le=paging.MAX_PAGE), after: str | None = Query(None, max_length=200),
               actor: Actor = Depends(actor_of)):
    with workspace(request).db.read() as s:
        page = audit.page_events(s, actor, limit=limit, after=after)
    return _ok_list([event_info(e) for e in page.items], page, request)


@router.get("/audit/verify", tags=["audit"])
def verify_audit(request: Request, actor: Actor = Depends(actor_of)):
    if not has(actor.role, AUDIT_SECURITY):
        raise Forbidden(f"the role {actor.role!r} may not verify the audit chain")
    with workspace(request).db.read() as s:
        v = audit.verify(s)
    return {"ok": v.ok, "events": v.events, "first_bad_seq": v.first_bad_seq, "reason": v.reason}


@router.get("/users", tags=["users"])
def list_users(request: Request, actor: Actor = Depends(actor_of)):
    if not has(actor.role, USERS_MANAGE):
        raise Forbidden(f"the role {actor.role!r} may not manage users")
    with workspace(request).db.read() as s:
        return [{"name": u.name, "nation": u.nation, "role": u.role, "active": u.active} for u in s.execute(select(User).order_by(User.name)).scalars()]


@router.post("/users", tags=["users"], status_code=201)
def add_user(body: UserIn, request: Request, actor: Actor = Depends(actor_of)):
    if not has(actor.role, USERS_MANAGE):
        raise Forbidden(f"the role {actor.role!r} may not manage users")
    with workspace(request).db.write() as s:
        u = auth.add_user(s, body.name, body.nation, body.role, body.password, actor=actor)
        return {"name": u.name, "nation": u.nation, "role": u.role}


@router.get("/health", tags=["meta"], include_in_schema=False)
def health():
    return JSONResponse({"ok": True})
