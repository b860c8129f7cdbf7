"""Keyset pagination: every list the workspace serves is read one bounded page at a time.

A list grows with the workspace (pledges in a round, audit events, runs, revisions); a page does not.
:func:`keyset` reads at most ``limit + 1`` rows in the list's order, continuing strictly after the
``after`` cursor, so the cost of a request is bounded by the page size, not by the table (an index on
the ordering columns lets the database seek to the cursor instead of counting an offset). The cursor is
an opaque, URL-safe token holding the ordering values of the last row shown; a bad cursor is a located
input error, never a traceback.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import Session

from backstop.errors import InputError, Problem

PAGE = 50
"""Rows per page unless the client asks for another size."""
MAX_PAGE = 500
"""The largest page a client may ask for (the bound on one request's cost)."""


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows and the cursor of the next page (None on the last page)."""

    items: list
    next: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values), separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(token: str, n: int, where: str = "after") -> list:
    """The ordering values in a cursor (``n`` of them); InputError naming the parameter otherwise."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw)
        if isinstance(values, list) and len(values) == n and all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
            return values
    except (binascii.Error, ValueError, UnicodeDecodeError):
        pass
    raise InputError([Problem("<request>", "query", where, token[:60], "not a page cursor",
                              "follow the 'next' link of the previous page, or leave it out for the first page")])


def check_limit(limit: int | None, default: int = PAGE) -> int:
    if limit is None:
        return default
    if not 1 <= int(limit) <= MAX_PAGE:
        raise InputError([Problem("<request>", "query", "limit", str(limit), "page size out of range", f"1 to {MAX_PAGE}")])
    return int(limit)


def keyset(session: Session, stmt: Select, columns: Sequence, key: Callable[[Any], Sequence[Any]], *, limit: int,
           after: str | None = None, descending: bool = False, scalars: bool = True) -> Page:
    """Rows of ``stmt`` ordered by ``columns`` (all ascending or all descending), after the cursor, at most ``limit``.

    ``key(row)`` gives a row's values of ``columns`` (the next cursor). ``columns`` must identify a row
    (end with a unique column), so that no row is skipped or repeated between pages.
    """
    if after:
        values = decode_cursor(after, len(columns))
        cond = tuple_(*columns) < tuple_(*values) if descending else tuple_(*columns) > tuple_(*values)
        stmt = stmt.where(cond)
    stmt = stmt.order_by(*[c.desc() if descending else c.asc() for c in columns]).limit(limit + 1)
    result = session.execute(stmt)
    rows = list(result.scalars() if scalars else result)
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(rows, encode_cursor(key(rows[-1])))
    return Page(rows, None)
