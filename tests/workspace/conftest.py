"""Workspace fixtures: a migrated database on SQLite and on a real PostgreSQL server (same tests)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

pytest.importorskip("fastapi", reason="the workspace needs the web extra: pip install 'backstop[web]'")

from tests.workspace.pgserver import PostgresServer, unavailable_reason  # noqa: E402

AS_OF = dt.date(2026, 6, 1)  # label groups resolved on a fixed date: tests do not depend on the clock
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"no PostgreSQL server can run here: {reason}")
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ws.db'}"
    server = request.getfixturevalue("pg_server")
    return server.new_database(f"t{next(_counter)}_{abs(hash(tmp_path)) % 10**8}")


@pytest.fixture()
def database(db_url):
    from backstop.workspace.db import Database

    db = Database(db_url)
    db.upgrade()
    yield db
    db.dispose()
