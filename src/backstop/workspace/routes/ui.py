"""Server-rendered pages (Jinja2): every page has a label banner, every row its marking.

Forms post back to the server with the session's CSRF token; the login form uses a double-submit token
(cookie + field). No JavaScript is needed; ``static/workspace.js`` only asks for confirmation before
closing a round.
"""

from __future__ import annotations

import csv
import datetime as dt
import hmac
import io
import secrets
import zipfile
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from backstop.errors import InputError
from backstop.workspace import audit, auth, pledges, runs, scenarios
from backstop.workspace import commitments as commitments_mod
from backstop.workspace.models import User
from backstop.workspace.permissions import (
    AUDIT_READ,
    AUDIT_SECURITY,
    COMMITMENT_ACK,
    EXPORT,
    MEETING_WRITE,
    PLEDGE_WRITE_OWN,
    ROLE_TITLES,
    ROLES,
    ROUND_MANAGE,
    RUN_START,
    SCENARIO_WRITE,
    USERS_MANAGE,
    Label,
    banner,
    has,
    parse_tokens,
)
from backstop.workspace.routes.common import COOKIE, client_address, session_of, workspace
from backstop.workspace.service import Actor, Forbidden

router = APIRouter(include_in_schema=False)
PAGE_UI = 50  # rows per page in the pages' lists (pledges, audit events, runs, revisions)
LOGIN_CSRF = "bs_login_csrf"


def _render(request: Request, template: str, actor: Actor | None, labels=(), status: int = 200, **ctx) -> HTMLResponse:
    ws = workspace(request)
    data = getattr(request.state, "session_data", None)
    ctx.update(
        actor=actor, csrf=data.csrf if data else "", roles=ROLE_TITLES,
        banner=banner(labels, actor.nation, ws.today()) if actor else "",
        perm={p: has(actor.role, p) for p in (AUDIT_READ, AUDIT_SECURITY, COMMITMENT_ACK, EXPORT, MEETING_WRITE, PLEDGE_WRITE_OWN, ROUND_MANAGE, RUN_START, SCENARIO_WRITE, USERS_MANAGE)} if actor else {},
    )
    return request.app.state.templates.TemplateResponse(request, template, ctx, status_code=status)


def _session(request: Request, csrf: str | None = None) -> Actor:
    actor, data = session_of(request, form_csrf=csrf if csrf is not None else ("" if request.method != "GET" else None))
    request.state.session_data = data
    return actor


def login_redirect(request: Request, message: str) -> Response:
    nxt = request.url.path if request.method == "GET" else "/"
    return RedirectResponse(f"/login?next={quote(nxt)}&msg={quote(message)}", status_code=303)


def error_page(request: Request, status: int, message: str, detail: dict | None = None) -> HTMLResponse:
    actor = getattr(request.state, "actor", None)
    return _render(request, "error.html", actor, status=status, status_code=status, message=message, detail=detail or {})


def _secure(request: Request) -> bool:
    """Secure cookies when the workspace is served over HTTPS (or told so with --https behind a proxy)."""
    return workspace(request).https or request.url.scheme == "https"


def _safe_next(nxt: str) -> str:
    return nxt if nxt.startswith("/") and not nxt.startswith("//") and "\\" not in nxt else "/"


# -- sign in and out ----------------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, next: str = "/", msg: str = ""):
    token = secrets.token_urlsafe(24)
    resp = _render(request, "login.html", None, next=_safe_next(next), msg=msg[:200], login_csrf=token)
    resp.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", secure=_secure(request), max_age=3600)
    return resp


@router.post("/login")
def login_submit(request: Request, name: str = Form(""), password: str = Form(""), csrf: str = Form(""), next: str = Form("/")):
    ws = workspace(request)
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not hmac.compare_digest(cookie, csrf):
        raise Forbidden("the sign-in form expired or was forged (CSRF); reload the page and sign in again")
    with ws.db.write() as s:
        user = auth.authenticate(s, name, password, ws.throttle, client_address(request))
        token = auth.issue(ws.secret, user)[0] if user else None
    if token is None:
        return RedirectResponse(f"/login?next={quote(_safe_next(next))}&msg={quote(auth.BAD_LOGIN)}", status_code=303)
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), max_age=auth.SESSION_MAX_AGE_S)
    resp.delete_cookie(LOGIN_CSRF)
    return resp


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")):
    actor = _session(request, csrf)
    with workspace(request).db.write() as s:
        audit.append(s, actor=actor.name, actor_nation=actor.nation, action="logout", target=f"user:{actor.name}", owner="")
    resp = RedirectResponse("/login?msg=" + quote("signed out"), status_code=303)
    resp.delete_cookie(COOKIE)
    return resp


# -- dashboard ----------------------------------------------------------------------------------------


def _fill(s, actor: Actor) -> tuple[list[dict], Label | None]:
    """Requirements of the first visible scenario's head vs the visible pledges of the newest round."""
    scs = scenarios.visible_scenarios(s, actor)
    rounds = pledges.visible_rounds(s, actor)
    if not scs:
        return [], None
    sc = scs[0]
    files = scenarios.revision_files(s, scenarios.get_revision(s, actor, sc.name))
    need: dict[str, int] = {}
    for row in csv.DictReader(io.StringIO(files.get("requirements.csv", b"").decode("utf-8-sig"))):
        need[row["capability"]] = need.get(row["capability"], 0) + int(row["quantity"] or 0)
    offered: dict[str, int] = {}
    mine: dict[str, int] = {}
    if rounds:  # summed in the database: one row per capability, however many pledges
        for capability, total, own in pledges.offered(s, actor, rounds[-1].id):
            offered[capability], mine[capability] = total, own
    rows = [{"capability": c, "required": need.get(c, 0), "offered": offered.get(c, 0), "mine": mine.get(c, 0),
             "gap": max(need.get(c, 0) - offered.get(c, 0), 0)} for c in sorted(set(need) | set(offered))]
    return rows, Label.of(sc)


@router.get("/")
def dashboard(request: Request):
    actor = _session(request)
    with workspace(request).db.read() as s:
        fill, label = _fill(s, actor)
        rounds = pledges.visible_rounds(s, actor)
        labels = [Label.of(r) for r in rounds] + ([label] if label else [])
        my, my_more = [], None
        if rounds and actor.role == "poc":
            page = pledges.page_pledges(s, actor, rounds[-1].id, limit=PAGE_UI, owner=actor.nation)
            my = [pledges.pledge_info(p) for p in page.items]
            if page.next:
                my_more = f"/rounds/{rounds[-1].id}?owner={actor.nation}&after={quote(page.next)}"
        commitments = _commitments(s, actor) if actor.role == "guarantor" else []
        fired, fired_run = [], None
        if actor.role == "guarantor":
            run, name = commitments_mod.latest_monitor_run(s, actor)
            if run is not None:
                fired = commitments_mod.fired_for(s, actor, run.id, dt.datetime.now(dt.UTC))
                fired_run = runs.run_info(run, name)
                labels.append(runs.label_of(run))
    return _render(request, "dashboard.html", actor, labels, fill=fill, rounds=[pledges.round_info(r) for r in rounds],
                   mine=my, mine_more=my_more, commitments=commitments, fired=fired, fired_run=fired_run)


def _commitments(s, actor: Actor) -> list[dict]:
    from backstop.workspace.permissions import group_members

    out = []
    for sc in scenarios.visible_scenarios(s, actor)[:1]:
        files = scenarios.revision_files(s, scenarios.get_revision(s, actor, sc.name))
        for row in csv.DictReader(io.StringIO(files.get("commitments.csv", b"").decode("utf-8-sig"))):
            g = row.get("guarantor", "")
            if g.upper() == actor.nation or (g.lower() == "coalition" and actor.nation in group_members("COALITION", actor.as_of)):
                out.append(row)
    return out


# -- scenarios -----------------------------------------------------------------------------------------


@router.get("/scenarios")
def scenarios_page(request: Request):
    actor = _session(request)
    with workspace(request).db.read() as s:
        scs = scenarios.visible_scenarios(s, actor)
        return _render(request, "scenarios.html", actor, [Label.of(x) for x in scs], items=[scenarios.scenario_info(x) for x in scs])


@router.post("/scenarios")
async def scenario_upload(request: Request, file: UploadFile, name: str = Form(""), message: str = Form(""), csrf: str = Form("")):
    """Push a scenario folder from the browser as a .zip of its files."""
    actor = _session(request, csrf)
    data = await file.read()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            files = {info.filename.rsplit("/", 1)[-1]: z.read(info) for info in z.infolist()
                     if not info.is_dir() and info.file_size <= workspace(request).upload_limit_bytes}
    except zipfile.BadZipFile:
        raise InputError([scenarios.Problem(file.filename or "upload", "", "file", "", "not a zip file", "zip the scenario folder's files")]) from None
    from starlette.concurrency import run_in_threadpool

    def work():
        with workspace(request).db.write() as s:
            return scenarios.save_revision(s, actor, name, files, message).number

    number = await run_in_threadpool(work)
    return RedirectResponse(f"/scenarios/{quote(name)}?saved={number}", status_code=303)


def _page_link(request: Request, param: str, cursor: str | None) -> str | None:
    """This page's URL with ``param`` set to the next page's cursor (None on the last page)."""
    if cursor is None:
        return None
    url = request.url.include_query_params(**{param: cursor})
    return f"{url.path}?{url.query}"


@router.get("/scenarios/{name}")
def scenario_page(name: str, request: Request, revs_after: str | None = None, runs_after: str | None = None):
    actor = _session(request)
    with workspace(request).db.read() as s:
        sc = scenarios.get_scenario(s, actor, name)
        found = runs.page_runs(s, actor, sc.name, limit=PAGE_UI, after=runs_after)
        revs = scenarios.page_revisions(s, sc, limit=PAGE_UI, after=revs_after)
        return _render(request, "scenario.html", actor, [Label.of(sc)], sc=scenarios.scenario_info(sc),
                       revisions=[scenarios.revision_info(r) for r in revs.items], revisions_next=_page_link(request, "revs_after", revs.next),
                       runs=[runs.run_info(r, n) for r, n in found.items], runs_next=_page_link(request, "runs_after", found.next),
                       analyses=runs.analysis_names(), default_seed=runs.DEFAULT_SEED)


# -- analysis runs ---------------------------------------------------------------------------------------


@router.post("/scenarios/{name}/runs")
def run_submit(name: str, request: Request, revision: int = Form(...), analysis: str = Form(...), seed: str = Form(str(runs.DEFAULT_SEED)),
               quick: str = Form(""), csrf: str = Form("")):
    actor = _session(request, csrf)
    ws = workspace(request)
    with ws.db.write() as s:
        run = runs.start_run(s, actor, name, revision, analysis, seed=runs.check_seed(seed), quick=bool(quick))
        rid = run.id
    if ws.jobs is not None:
        ws.jobs.wake()
    return RedirectResponse(f"/runs/{rid}", status_code=303)


@router.get("/runs/{run_id}")
def run_page(run_id: int, request: Request):
    actor = _session(request)
    with workspace(request).db.read() as s:
        run = runs.get_run(s, actor, run_id)
        info = runs.run_info(run, runs.scenario_name(s, run))
        files = runs.run_files(s, run)
        summary = []
        if run.status == "done":
            summary = [(k, v.get("summary", "")) for k, v in runs.results_of(s, actor, run_id)["results"].items()]
    return _render(request, "run.html", actor, [runs.label_of(run)], run=info, files=files, summary=summary)


@router.post("/runs/{run_id}/cancel")
def run_cancel(run_id: int, request: Request, csrf: str = Form("")):
    actor = _session(request, csrf)
    ws = workspace(request)
    with ws.db.write() as s:
        runs.cancel_run(s, actor, run_id)
    if ws.jobs is not None:
        ws.jobs.wake()
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


@router.get("/compare")
def compare_page(request: Request, a: int, b: int):
    from backstop.workspace import compare

    actor = _session(request)
    with workspace(request).db.read() as s:
        c = compare.compare(s, actor, a, b)
        labels = [runs.label_of(runs.get_run(s, actor, a)), runs.label_of(runs.get_run(s, actor, b))]
    return _render(request, "compare.html", actor, labels, c=c)


@router.post("/runs/{run_id}/commitments/ack")
def commitment_ack(run_id: int, request: Request, key: str = Form(""), action: str = Form(""), csrf: str = Form("")):
    actor = _session(request, csrf)
    with workspace(request).db.write() as s:
        commitments_mod.acknowledge(s, actor, run_id, key, action)
    return RedirectResponse("/", status_code=303)


@router.get("/runs/{run_id}/files/{filename}")
def run_download(run_id: int, filename: str, request: Request):
    from backstop.workspace.routes.api import _media

    actor = _session(request)
    with workspace(request).db.write() as s:
        run, data = runs.get_file(s, actor, run_id, filename)
        marking = runs.label_of(run).marking
    # attachment: the report is self-contained (inline styles) and opens from disk; the pages' CSP stays strict
    return Response(data, media_type=_media(filename), headers={
        "x-backstop-marking": marking, "content-disposition": f'attachment; filename="run-{run_id}-{filename}"'})


@router.get("/scenarios/{name}/diff")
def diff_page(name: str, request: Request, a: int, b: int):
    actor = _session(request)
    with workspace(request).db.read() as s:
        sc = scenarios.get_scenario(s, actor, name)
        d = scenarios.diff(s, actor, name, a, b)
        return _render(request, "diff.html", actor, [Label.of(sc)], sc=scenarios.scenario_info(sc), a=a, b=b, tables=d)


@router.post("/scenarios/{name}/restore")
def restore_submit(name: str, request: Request, revision: int = Form(...), base: int = Form(...), csrf: str = Form("")):
    actor = _session(request, csrf)
    with workspace(request).db.write() as s:
        rev = scenarios.restore(s, actor, name, revision, base=base)
    return RedirectResponse(f"/scenarios/{quote(name)}?saved={rev.number}", status_code=303)


@router.get("/scenarios/{name}/revisions/{number}.zip")
def download_zip(name: str, number: int, request: Request):
    actor = _session(request)
    with workspace(request).db.write() as s:
        rev, files = scenarios.export(s, actor, name, number)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for fname, data in sorted(files.items()):
            z.writestr(f"{name}/{fname}", data)
    return Response(buf.getvalue(), media_type="application/zip",
                    headers={"content-disposition": f'attachment; filename="{name}-r{rev.number}.zip"'})


# -- rounds and pledges ----------------------------------------------------------------------------------


@router.get("/rounds")
def rounds_page(request: Request):
    actor = _session(request)
    with workspace(request).db.read() as s:
        rs = pledges.visible_rounds(s, actor)
        return _render(request, "rounds.html", actor, [Label.of(r) for r in rs], items=[pledges.round_info(r) for r in rs])


@router.post("/rounds")
def open_round_submit(request: Request, name: str = Form(""), releasable_to: str = Form("COALITION"), csrf: str = Form("")):
    actor = _session(request, csrf)
    tokens = parse_tokens(releasable_to)
    with workspace(request).db.write() as s:
        r = pledges.open_round(s, actor, name, tokens)
    return RedirectResponse(f"/rounds/{r.id}", status_code=303)


def _round_page(request: Request, actor: Actor, round_id: int, status: int = 200, problems=(), form=None,
                after: str | None = None, owner: str | None = None) -> HTMLResponse:
    """The round with one page of the pledges the actor may see (the banner covers the rows shown)."""
    with workspace(request).db.read() as s:
        r = pledges.get_round(s, actor, round_id)
        page = pledges.page_pledges(s, actor, round_id, limit=PAGE_UI, after=after, owner=owner)
        ps = page.items
        nxt = None
        if page.next:
            nxt = f"/rounds/{round_id}?" + "&".join([*([f"owner={quote(owner)}"] if owner else []), f"after={quote(page.next)}"])
        return _render(request, "round.html", actor, [Label.of(r), *(Label.of(p) for p in ps)], status=status,
                       round=pledges.round_info(r), items=[pledges.pledge_info(p) for p in ps], columns=pledges.COLUMNS,
                       problems=[p.to_dict() for p in problems], form=form or {}, next=nxt, owner=owner, paged=bool(after))


@router.get("/rounds/{round_id}")
def round_page(round_id: int, request: Request, after: str | None = None, owner: str | None = None):
    return _round_page(request, _session(request), round_id, after=after, owner=(owner or "").strip().upper()[:3] or None)


@router.post("/rounds/{round_id}/pledges")
async def pledge_submit(round_id: int, request: Request):
    form = await request.form()
    actor = _session(request, str(form.get("csrf", "")))
    data = {k: str(v) for k, v in form.items() if k in pledges.COLUMNS}
    from starlette.concurrency import run_in_threadpool

    def work():
        tokens = parse_tokens(str(form.get("releasable_to", "")))
        with workspace(request).db.write() as s:
            pledges.create_pledge(s, actor, round_id, data, tokens)

    try:
        await run_in_threadpool(work)
    except InputError as exc:
        return _round_page(request, actor, round_id, 422, exc.problems, data)
    return RedirectResponse(f"/rounds/{round_id}", status_code=303)


@router.post("/rounds/{round_id}/upload")
async def upload_submit(round_id: int, request: Request, file: UploadFile, csrf: str = Form(""), releasable_to: str = Form("")):
    actor = _session(request, csrf)
    content = await file.read()
    from starlette.concurrency import run_in_threadpool

    def work():
        tokens = parse_tokens(releasable_to)
        with workspace(request).db.write() as s:
            pledges.upload(s, actor, round_id, content, file.filename or "pledges.csv", tokens)

    try:
        await run_in_threadpool(work)
    except InputError as exc:
        return _round_page(request, actor, round_id, 422, exc.problems)
    return RedirectResponse(f"/rounds/{round_id}", status_code=303)


@router.post("/rounds/{round_id}/close")
def close_submit(round_id: int, request: Request, version: int = Form(...), csrf: str = Form("")):
    actor = _session(request, csrf)
    with workspace(request).db.write() as s:
        pledges.close_round(s, actor, round_id, version)
    return RedirectResponse(f"/rounds/{round_id}", status_code=303)


@router.get("/rounds/{round_id}/pledges.csv")
def export_submit(round_id: int, request: Request):
    actor = _session(request)
    with workspace(request).db.write() as s:
        data = pledges.export_csv(s, actor, round_id)
    return Response(data, media_type="text/csv", headers={"content-disposition": f'attachment; filename="round-{round_id}-pledges.csv"'})


def _pledge_page(request: Request, actor: Actor, pid: int, status: int = 200, problems=(), conflict=None) -> HTMLResponse:
    with workspace(request).db.read() as s:
        p = pledges.get_pledge(s, actor, pid)
        r = pledges.get_round(s, actor, p.round_id)
        return _render(request, "pledge.html", actor, [Label.of(p)], status=status, p=pledges.pledge_info(p), round=pledges.round_info(r),
                       columns=pledges.COLUMNS, problems=[q.to_dict() for q in problems], conflict=conflict)


@router.get("/pledges/{pid}")
def pledge_page(pid: int, request: Request):
    return _pledge_page(request, _session(request), pid)


@router.post("/pledges/{pid}")
async def pledge_update(pid: int, request: Request):
    from backstop.workspace.service import Conflict

    form = await request.form()
    actor = _session(request, str(form.get("csrf", "")))
    data = {k: str(v) for k, v in form.items() if k in pledges.COLUMNS}
    try:
        version = int(str(form.get("version", "")))
    except ValueError:
        version = None
    try:
        with workspace(request).db.write() as s:
            pledges.update_pledge(s, actor, pid, data, version)
    except InputError as exc:
        return _pledge_page(request, actor, pid, 422, exc.problems)
    except Conflict as exc:
        return _pledge_page(request, actor, pid, 409, conflict={"message": exc.message, **exc.detail})
    return RedirectResponse(f"/pledges/{pid}", status_code=303)


@router.post("/pledges/{pid}/release")
def pledge_release(pid: int, request: Request, releasable_to: str = Form(""), version: int = Form(...), csrf: str = Form("")):
    actor = _session(request, csrf)
    tokens = parse_tokens(releasable_to)
    with workspace(request).db.write() as s:
        pledges.release_pledge(s, actor, pid, tokens, version)
    return RedirectResponse(f"/pledges/{pid}", status_code=303)


@router.post("/pledges/{pid}/delete")
def pledge_delete(pid: int, request: Request, version: int = Form(...), csrf: str = Form("")):
    actor = _session(request, csrf)
    with workspace(request).db.write() as s:
        rid = pledges.get_pledge(s, actor, pid).round_id
        pledges.delete_pledge(s, actor, pid, version)
    return RedirectResponse(f"/rounds/{rid}", status_code=303)


# -- audit, users, API docs ------------------------------------------------------------------------------------


@router.get("/audit")
def audit_page(request: Request, after: str | None = None, verify: str = ""):
    """One page of the audit log, newest first; the whole chain is verified only when asked (it reads every event)."""
    actor = _session(request)
    with workspace(request).db.read() as s:
        page = audit.page_events(s, actor, limit=PAGE_UI, after=after)
        events = page.items
        verification = audit.verify(s) if verify and has(actor.role, AUDIT_SECURITY) else None
        return _render(request, "audit.html", actor, [Label.of(e) for e in events if e.owner], events=events, verification=verification,
                       next=_page_link(request, "after", page.next))


@router.get("/users")
def users_page(request: Request):
    actor = _session(request)
    if not has(actor.role, USERS_MANAGE):
        raise Forbidden(f"the role {actor.role!r} may not manage users")
    with workspace(request).db.read() as s:
        users = list(s.execute(select(User).order_by(User.nation, User.name)).scalars())
        return _render(request, "users.html", actor, users=users, role_names=list(ROLES))


@router.post("/users")
def users_submit(request: Request, name: str = Form(""), nation: str = Form(""), role: str = Form(""), password: str = Form(""), csrf: str = Form("")):
    actor = _session(request, csrf)
    if not has(actor.role, USERS_MANAGE):
        raise Forbidden(f"the role {actor.role!r} may not manage users")
    with workspace(request).db.write() as s:
        auth.add_user(s, name, nation, role, password, actor=actor)
    return RedirectResponse("/users", status_code=303)


@router.get("/api/docs")
def api_docs(request: Request):
    spec = request.app.openapi()
    ops = [{"method": m.upper(), "path": path, "summary": op.get("summary", ""), "tags": ", ".join(op.get("tags", []))}
           for path, item in spec["paths"].items() for m, op in item.items()]
    return _render(request, "api_docs.html", None, ops=ops, title=spec["info"]["title"], description=spec["info"].get("description", ""))


# -- incidents, the violation register and a violation's timeline (guarantors' workflow) -------------------------


def _incidents_page(request: Request, actor: Actor, status: int = 200, problems=(), form=None) -> HTMLResponse:
    from backstop.monitor.schema import ACLED_COLUMNS
    from backstop.workspace import incidents

    with workspace(request).db.read() as s:
        recs = incidents.visible_incidents(s, actor, limit=500)
        monitor_runs = [runs.run_info(r, n) for r, n in runs.visible_runs(s, actor)
                        if r.status == "done" and r.analysis in commitments_mod.MONITOR_ANALYSES][:20]
        return _render(request, "incidents.html", actor, [Label.of(r) for r in recs], status=status,
                       items=[incidents.incident_info(r) for r in recs], columns=ACLED_COLUMNS, may_report=incidents.may_report(actor.role),
                       problems=[p.to_dict() for p in problems], form=form or {}, monitor_runs=monitor_runs,
                       limit_kib=workspace(request).upload_limit_bytes // 1024)


@router.get("/incidents")
def incidents_page(request: Request):
    return _incidents_page(request, _session(request))


@router.post("/incidents")
async def incident_submit(request: Request):
    from backstop.monitor.schema import ACLED_COLUMNS
    from backstop.workspace import incidents

    form = await request.form()
    actor = _session(request, str(form.get("csrf", "")))
    cells = {k: str(form.get(k, "")) for k in ACLED_COLUMNS}
    ws = workspace(request)
    from starlette.concurrency import run_in_threadpool

    def work():
        tokens = parse_tokens(str(form.get("releasable_to", "")))
        with ws.db.write() as s:
            incidents.add_form(s, actor, cells, tokens, limit_bytes=ws.upload_limit_bytes)

    try:
        await run_in_threadpool(work)
    except InputError as exc:
        return _incidents_page(request, actor, 422, exc.problems, {**cells, "releasable_to": str(form.get("releasable_to", ""))})
    return RedirectResponse("/incidents?saved=1", status_code=303)


@router.post("/incidents/upload")
async def incidents_upload(request: Request, file: UploadFile, csrf: str = Form(""), releasable_to: str = Form("")):
    from backstop.workspace import incidents

    actor = _session(request, csrf)
    content = await file.read()
    ws = workspace(request)
    from starlette.concurrency import run_in_threadpool

    def work():
        tokens = parse_tokens(releasable_to)
        with ws.db.write() as s:
            return len(incidents.upload(s, actor, content, file.filename or "upload.csv", tokens, limit_bytes=ws.upload_limit_bytes))

    try:
        n = await run_in_threadpool(work)
    except InputError as exc:
        return _incidents_page(request, actor, 422, exc.problems)
    return RedirectResponse(f"/incidents?saved={n}", status_code=303)


@router.get("/runs/{run_id}/register")
def register_page(run_id: int, request: Request):
    from backstop.workspace import violations

    actor = _session(request)
    with workspace(request).db.read() as s:
        run = runs.get_run(s, actor, run_id)
        rows = violations.register(s, actor, run_id)
        info = runs.run_info(run, runs.scenario_name(s, run))
    return _render(request, "register.html", actor, [runs.label_of(run)], run=info, rows=rows)


@router.get("/runs/{run_id}/violations/{violation_id}")
def violation_page(run_id: int, violation_id: str, request: Request):
    from backstop.workspace import violations

    actor = _session(request)
    with workspace(request).db.read() as s:
        t = violations.timeline(s, actor, run_id, violation_id, dt.datetime.now(dt.UTC))
        labels = [runs.label_of(runs.get_run(s, actor, run_id))]
    return _render(request, "violation.html", actor, labels, t=t)


# -- meetings and minutes ---------------------------------------------------------------------------------------


@router.get("/meetings")
def meetings_page(request: Request):
    from backstop.workspace import meetings

    actor = _session(request)
    with workspace(request).db.read() as s:
        ms = meetings.visible_meetings(s, actor)
        return _render(request, "meetings.html", actor, [Label.of(m) for m in ms],
                       items=[{"id": m.id, "title": m.title, "date": m.date, "marking": Label.of(m).marking} for m in ms])


@router.post("/meetings")
def meeting_submit(request: Request, title: str = Form(""), date: str = Form(""), nations: str = Form(""),
                   releasable_to: str = Form("COALITION"), csrf: str = Form("")):
    from backstop.workspace import meetings

    actor = _session(request, csrf)
    tokens = parse_tokens(releasable_to)
    codes = [n for n in nations.replace(",", ";").replace(" ", ";").split(";") if n.strip()]
    with workspace(request).db.write() as s:
        m = meetings.create_meeting(s, actor, title, date, codes, tokens)
        mid = m.id
    return RedirectResponse(f"/meetings/{mid}", status_code=303)


def _meeting_page(request: Request, actor: Actor, meeting_id: int, status: int = 200, problems=(), form=None) -> HTMLResponse:
    from backstop.workspace import meetings
    from backstop.workspace.permissions import MEETING_WRITE, decode

    with workspace(request).db.read() as s:
        rec = meetings.record(s, actor, meeting_id)
        m = meetings.get_meeting(s, actor, meeting_id)
        found = [runs.run_info(r, n) for r, n in runs.visible_runs(s, actor) if r.status == "done"][:50]
        labels = [Label.of(m)] + [Label(it.owner, decode(it.releasable_to)) for it in meetings.visible_items(s, actor, meeting_id)]
        may_write = has(actor.role, MEETING_WRITE) and m.owner == actor.nation
    return _render(request, "meeting.html", actor, labels, status=status, rec=rec, runs_=found, may_write=may_write,
                   problems=[p.to_dict() for p in problems], form=form or {})


@router.get("/meetings/{meeting_id}")
def meeting_page(meeting_id: int, request: Request):
    return _meeting_page(request, _session(request), meeting_id)


@router.post("/meetings/{meeting_id}/items")
def meeting_item_submit(meeting_id: int, request: Request, kind: str = Form("agenda"), text: str = Form(""), run_id: str = Form(""),
                        scenario: str = Form(""), revision: str = Form(""), violation: str = Form(""), owner_nation: str = Form(""),
                        due_date: str = Form(""), csrf: str = Form("")):
    from backstop.errors import Problem
    from backstop.workspace import meetings

    actor = _session(request, csrf)
    form = {"kind": kind, "text": text, "run_id": run_id, "scenario": scenario, "revision": revision, "violation": violation,
            "owner_nation": owner_nation, "due_date": due_date}
    try:
        problems = []
        rid = rev = None
        if run_id.strip():
            try:
                rid = int(run_id)
            except ValueError:
                problems.append(Problem(meetings.FORM, meetings.FORM, "run_id", run_id, "not a run id", "choose a run in the list"))
        if revision.strip():
            try:
                rev = int(revision)
            except ValueError:
                problems.append(Problem(meetings.FORM, meetings.FORM, "revision", revision, "not a revision number", "e.g. 2"))
        if problems:
            raise InputError(problems)
        with workspace(request).db.write() as s:
            meetings.add_item(s, actor, meeting_id, kind, text, run_id=rid, scenario=scenario.strip() or None, revision=rev,
                              owner_nation=owner_nation, due_date=due_date, violation=violation)
    except InputError as exc:
        return _meeting_page(request, actor, meeting_id, 422, exc.problems, form)
    return RedirectResponse(f"/meetings/{meeting_id}", status_code=303)


@router.get("/meetings/{meeting_id}/minutes.{fmt}")
def minutes_download(meeting_id: int, fmt: str, request: Request):
    from backstop.workspace import meetings

    actor = _session(request)
    if fmt not in ("html", "md"):
        return error_page(request, 404, "minutes come as .html or .md")
    with workspace(request).db.write() as s:
        body, media = meetings.export_minutes(s, actor, meeting_id, fmt)
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="minutes-{meeting_id}.{fmt}"'})
