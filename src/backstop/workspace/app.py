"""The FastAPI application: middleware (security headers, upload limit), error mapping, routes.

``create_app(url)`` migrates the database, loads or creates the session secret and mounts the JSON API
(``/api``, OpenAPI at ``/api/openapi.json``, docs rendered by the server at ``/api/docs``) and the
server-rendered pages. Nothing is loaded from outside the server: the docs page is our own template,
not Swagger UI from a CDN.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from backstop.errors import InputError
from backstop.workspace.auth import Throttle, session_secret
from backstop.workspace.db import Database
from backstop.workspace.service import Unauthorized, WorkspaceError

log = logging.getLogger("backstop.workspace")
HERE = Path(__file__).parent
UPLOAD_LIMIT_BYTES = 2 * 1024 * 1024

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cache-control", b"no-store"),
]


@dataclass
class Workspace:
    """What the routes share: the database, the secret, the login throttle, the labels' date."""

    db: Database
    secret: str
    throttle: Throttle = field(default_factory=Throttle)
    as_of: dt.date | None = None  # None: groups resolved on today's date
    upload_limit_bytes: int = UPLOAD_LIMIT_BYTES
    https: bool = False
    jobs: object = None  # the JobRunner (background analysis runs), None when jobs are off

    def today(self) -> dt.date:
        return self.as_of or dt.datetime.now(dt.UTC).date()


class GuardMiddleware:
    """Security headers on every answer; request bodies over the limit refused with 413 before reading."""

    def __init__(self, app, limit_bytes: int) -> None:
        self.app, self.limit = app, limit_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        too_big = False
        if length is not None:
            try:
                too_big = int(length) > self.limit
            except ValueError:
                too_big = True
        if too_big:
            log.warning("refused %s %s: body of %s bytes over the limit", scope["method"], scope["path"], length.decode(errors="replace"))
            return await _send_413(scope, send, self.limit)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": list(message.get("headers", [])) + SECURITY_HEADERS}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _TooLarge:
            log.warning("refused %s %s: streamed body over the limit", scope["method"], scope["path"])
            await _send_413(scope, send, self.limit)


class _TooLarge(Exception):
    pass


async def _send_413(scope, send, limit):
    import json

    body = json.dumps({"error": f"upload too large: the limit is {limit // 1024} KiB",
                       "hint": "split the file or remove unneeded rows"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})


def create_app(url: str | None = None, *, as_of: dt.date | None = None, https: bool = False,
               upload_limit_bytes: int = UPLOAD_LIMIT_BYTES, throttle: Throttle | None = None,
               job_workers: int | None = None, jobs: str | None = None) -> FastAPI:
    """The workspace application on database ``url`` (migrated to the newest schema first).

    ``jobs``: the job backend, ``local`` (worker processes, the default) or ``ray`` / ``ray:ADDRESS``
    (default: the ``BACKSTOP_JOBS`` environment variable); ``job_workers``: jobs at once (0: none run here).
    """
    import os

    from backstop.workspace.jobs import check_spec

    jobs = check_spec(jobs or os.environ.get("BACKSTOP_JOBS")) if job_workers != 0 else None
    db = Database(url)
    db.upgrade()
    with db.write() as s:
        secret = session_secret(s)
    ws = Workspace(db=db, secret=secret, throttle=throttle or Throttle(), as_of=as_of, upload_limit_bytes=upload_limit_bytes, https=https)

    app = FastAPI(title="backstop workspace", version="1", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
                  description="The coalition workspace's JSON API. Every answer is filtered by the caller's nation: "
                              "a record she may not see answers 404.")
    app.state.ws = ws
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from backstop.workspace.routes import api, ui

    app.include_router(api.router)
    app.include_router(ui.router)

    def _is_api(request: Request) -> bool:
        return request.url.path.startswith("/api")

    @app.exception_handler(WorkspaceError)
    async def _ws_error(request: Request, exc: WorkspaceError):
        if exc.status in (401, 403, 429):  # sessions, CSRF, throttling: security-relevant
            log.warning("%s %s from %s -> %s: %s", request.method, request.url.path,
                        request.client.host if request.client else "?", exc.status, exc.message)
        elif exc.status != 404:
            log.info("%s %s -> %s: %s", request.method, request.url.path, exc.status, exc.message)
        if _is_api(request):
            return JSONResponse({"error": exc.message, **({"detail": exc.detail} if exc.detail else {})}, status_code=exc.status)
        if isinstance(exc, Unauthorized):
            return ui.login_redirect(request, exc.message)
        return ui.error_page(request, exc.status, exc.message, exc.detail)

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError):
        problems = [p.to_dict() for p in exc.problems]
        if _is_api(request):
            return JSONResponse({"error": f"{len(problems)} problem(s) in the input", "problems": problems}, status_code=422)
        return ui.error_page(request, 422, f"{len(problems)} problem(s) in the input", {"problems": problems})

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        problems = [{"file": "<request>", "location": ".".join(str(x) for x in e.get("loc", ())), "field": str(e.get("loc", ("",))[-1]),
                     "value": "" if isinstance(e.get("input"), dict | list) else str(e.get("input", "")), "message": e.get("msg", ""),
                     "hint": "see /api/docs for the request shape", "severity": "error"} for e in exc.errors()]
        if _is_api(request):
            return JSONResponse({"error": f"{len(problems)} problem(s) in the request", "problems": problems}, status_code=422)
        return ui.error_page(request, 422, "the form was incomplete or malformed", {"problems": problems})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        message = {404: "not found", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
        if _is_api(request):
            return JSONResponse({"error": message}, status_code=exc.status_code)
        return ui.error_page(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path)
        message = "internal error: it has been logged; please report it"
        if _is_api(request):
            return JSONResponse({"error": message}, status_code=500)
        return HTMLResponse(f"<h1>500</h1><p>{message}</p>", status_code=500)

    @app.get("/favicon.ico", include_in_schema=False)
    async def _favicon():
        return RedirectResponse("/static/favicon.svg")

    if job_workers != 0:  # analysis runs in worker processes (0: runs stay queued, e.g. a read-only replica)
        from backstop.workspace.jobs import JobRunner, make_backend

        ws.jobs = JobRunner(db, make_backend(jobs, job_workers))
        app.router.on_startup.append(ws.jobs.start)
        app.router.on_shutdown.append(ws.jobs.stop)
    app.router.on_shutdown.append(db.dispose)
    app.add_middleware(GuardMiddleware, limit_bytes=upload_limit_bytes)
    return app
