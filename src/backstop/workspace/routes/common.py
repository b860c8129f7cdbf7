"""Who is asking: the session from a Bearer token or the cookie, with CSRF on cookie-authenticated writes."""

from __future__ import annotations

import hmac

from fastapi import Request

from backstop.workspace import auth
from backstop.workspace.service import Actor, Forbidden, Unauthorized

COOKIE = "bs_session"
SAFE = {"GET", "HEAD", "OPTIONS"}


def workspace(request: Request):
    return request.app.state.ws


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def session_of(request: Request, form_csrf: str | None = None) -> tuple[Actor, auth.SessionData]:
    """The signed-in actor; Unauthorized without a valid session, Forbidden on a bad CSRF token."""
    ws = workspace(request)
    header = request.headers.get("authorization", "")
    via_cookie = False
    if header.lower().startswith("bearer "):
        token = header[7:].strip()
    else:
        token = request.cookies.get(COOKIE, "")
        via_cookie = True
    if not token:
        raise Unauthorized("please sign in")
    data = auth.read_token(ws.secret, token)
    if via_cookie and request.method not in SAFE:
        sent = form_csrf if form_csrf is not None else request.headers.get("x-csrf-token", "")
        if not sent or not hmac.compare_digest(sent, data.csrf):
            raise Forbidden("the form's security token (CSRF) is missing or wrong; reload the page and try again")
    with ws.db.read() as s:
        user = auth.user_of(s, data)
        actor = Actor(user.name, user.nation, user.role, ws.today())
    request.state.actor = actor
    return actor, data


def actor_of(request: Request) -> Actor:
    return session_of(request)[0]
