"""Accounts and sessions: argon2 passwords, signed session tokens, CSRF tokens, login throttling.

A session is a token signed with the workspace secret (itsdangerous) holding the user id, a CSRF token and
a fingerprint of the password hash (changing the password ends every session). The browser keeps it in
an HttpOnly, SameSite=Strict cookie (Secure on HTTPS); API clients send it as ``Authorization: Bearer``.
Unsafe requests authenticated by cookie must carry the CSRF token (form field ``csrf`` or header
``X-CSRF-Token``). The secret comes from ``BACKSTOP_SECRET`` or is generated at first start and kept in
the database's ``settings`` table; none is in the repository.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstop.errors import InputError, Problem
from backstop.workspace import audit
from backstop.workspace.models import Setting, User
from backstop.workspace.permissions import check_nation, check_role
from backstop.workspace.service import Actor, TooMany, Unauthorized

BAD_LOGIN = "unknown user or wrong password"

SESSION_MAX_AGE_S = 8 * 3600
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (t=3, m=64 MiB, p=4)
_DUMMY = _hasher.hash("not a password: equalises the time of unknown users")


def configure_hasher(**params) -> None:
    """Replace the argon2 parameters (tests use cheap ones; deployments keep the defaults)."""
    global _hasher, _DUMMY
    _hasher = PasswordHasher(**params)
    _DUMMY = _hasher.hash("not a password: equalises the time of unknown users")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(hash_: str, password: str) -> bool:
    try:
        return _hasher.verify(hash_, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def validate_new_password(password: str) -> str:
    if len(password) < 10:
        raise InputError([Problem("<input>", "password", "password", "", "too short", "use at least 10 characters")])
    if len(password) > 1024:
        raise InputError([Problem("<input>", "password", "password", "", "too long", "use at most 1024 characters")])
    return password


def add_user(session: Session, name: str, nation: str, role: str, password: str, actor: Actor | None = None) -> User:
    """Create an account (by an admin, or from the command line when ``actor`` is None)."""
    name = (name or "").strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-@" for c in name):
        raise InputError([Problem("<input>", "user name", "name", name, "not a valid user name", "letters, digits and . _ - @, at most 64 characters")])
    nation = check_nation(nation)
    check_role(role)
    validate_new_password(password)
    if session.execute(select(User.id).where(User.name == name)).first():
        raise InputError([Problem("<input>", "user name", "name", name, "a user of that name exists", "choose another name")])
    user = User(name=name, nation=nation, role=role, password_hash=hash_password(password), active=True, created_at=audit.now())
    session.add(user)
    session.flush()
    who = actor or Actor("cli", nation, "admin")
    audit.append(session, actor=who.name, actor_nation=who.nation if actor else "", action="user.add", target=f"user:{name}",
                 owner="", releasable_to=";", after={"name": name, "nation": nation, "role": role})
    return user


def session_secret(session: Session) -> str:
    """``BACKSTOP_SECRET``, or the workspace's own secret (generated at first use, kept in the database)."""
    env = os.environ.get("BACKSTOP_SECRET")
    if env:
        return env
    row = session.get(Setting, "session_secret")
    if row is None:
        row = Setting(key="session_secret", value=secrets.token_urlsafe(48))
        session.add(row)
        session.flush()
    return row.value


class Throttle:
    """Login throttling: after ``max_failures`` failures for a name or an address within ``window_s``,
    refuse further attempts for ``lockout_s`` (429)."""

    def __init__(self, max_failures: int = 5, window_s: float = 900.0, lockout_s: float = 300.0) -> None:
        self.max_failures, self.window_s, self.lockout_s = max_failures, window_s, lockout_s
        self._fail: dict[str, list[float]] = {}
        self._locked: dict[str, float] = {}
        self._lock = threading.Lock()

    def check(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                until = self._locked.get(k, 0.0)
                if until > now:
                    raise TooMany(f"too many failed logins; try again in {int(until - now) + 1} s")

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                recent = [t for t in self._fail.get(k, []) if now - t < self.window_s] + [now]
                self._fail[k] = recent
                if len(recent) >= self.max_failures:
                    self._locked[k] = now + self.lockout_s

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._fail.pop(k, None)


def authenticate(session: Session, name: str, password: str, throttle: Throttle, address: str) -> User | None:
    """The user if name and password match, else None (the caller answers one message for unknown user
    and wrong password, after committing the audit event). TooMany while throttled. Every attempt is audited."""
    name = (name or "").strip()[:64]
    keys = (f"user:{name.lower()}", f"addr:{address}")
    throttle.check(*keys)
    user = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
    ok = check_password(user.password_hash if user else _DUMMY, password or "") and user is not None and user.active
    if not ok:
        throttle.failed(*keys)
        audit.append(session, actor=name, actor_nation=user.nation if user else "", action="login.failed", target=f"user:{name}",
                     owner="", releasable_to=";", after={"address": address, "known_user": user is not None})
        return None
    throttle.succeeded(*keys)
    audit.append(session, actor=user.name, actor_nation=user.nation, action="login", target=f"user:{name}", owner="",
                 releasable_to=";", after={"address": address})
    return user


@dataclass(frozen=True)
class SessionData:
    user_id: int
    csrf: str
    fingerprint: str


def fingerprint(user: User) -> str:
    return user.password_hash[-12:]


def issue(secret: str, user: User) -> tuple[str, str]:
    """A signed session token and its CSRF token."""
    from itsdangerous import URLSafeTimedSerializer

    csrf = secrets.token_urlsafe(24)
    token = URLSafeTimedSerializer(secret, salt="backstop-session").dumps({"u": user.id, "c": csrf, "f": fingerprint(user)})
    return token, csrf


def read_token(secret: str, token: str) -> SessionData:
    """Check a token's signature and age; Unauthorized with a clear reason otherwise."""
    from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

    try:
        data = URLSafeTimedSerializer(secret, salt="backstop-session").loads(token, max_age=SESSION_MAX_AGE_S)
        return SessionData(int(data["u"]), str(data["c"]), str(data["f"]))
    except SignatureExpired:
        raise Unauthorized("your session has expired; please sign in again") from None
    except (BadSignature, KeyError, TypeError, ValueError):
        raise Unauthorized("invalid session; please sign in again") from None


def user_of(session: Session, data: SessionData) -> User:
    user = session.get(User, data.user_id)
    if user is None or not user.active or fingerprint(user) != data.fingerprint:
        raise Unauthorized("your session is no longer valid; please sign in again")
    return user
