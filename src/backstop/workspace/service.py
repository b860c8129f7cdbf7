"""Errors raised by the workspace's library functions and mapped to HTTP answers by the routes.

``NotFound`` (404) also stands for "exists but hidden from you": releasability never leaks existence.
``Forbidden`` (403) is for records the user sees but her role may not change. ``Conflict`` (409) carries
what changed (optimistic locking) or why the record is locked (closed round).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class WorkspaceError(Exception):
    status = 400

    def __init__(self, message: str, detail: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or {}


class NotFound(WorkspaceError):
    status = 404


class Forbidden(WorkspaceError):
    status = 403


class Conflict(WorkspaceError):
    status = 409


class Unauthorized(WorkspaceError):
    status = 401


class TooMany(WorkspaceError):
    status = 429


@dataclass(frozen=True)
class Actor:
    """The signed-in user as the library functions see her."""

    name: str
    nation: str
    role: str
    as_of: dt.date = field(default_factory=lambda: dt.datetime.now(dt.UTC).date())
