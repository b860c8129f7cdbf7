"""Workspace fixtures: a migrated database on SQLite and on a real PostgreSQL server (same tests)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

pytest.importorskip("fastapi", reason="the workspace needs the web extra: pip install 'backstop[web]'")

from tests.workspace.pgserver import PostgresServer, unavailable_reason  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _cheap_argon2():
    """Cheap argon2 parameters in tests (the hashing itself is argon2-cffi's, tested upstream)."""
    from backstop.workspace import auth

    auth.configure_hasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    auth.configure_hasher()


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


def fresh_url(request, backend: str, tmp_path) -> str:
    """A fresh, empty database on ``backend`` (``sqlite`` or ``postgresql``)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'ws.db'}"
    server = request.getfixturevalue("pg_server")
    return server.new_database(f"t{next(_counter)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database URL on each backend."""
    return fresh_url(request, request.param, tmp_path)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def db_url_heavy(request, tmp_path):
    """As ``db_url``, for the long end-to-end tests: PostgreSQL in ``make test-slow``, SQLite in every run."""
    return fresh_url(request, request.param, tmp_path)


@pytest.fixture()
def database(db_url):
    from backstop.workspace.db import Database

    db = Database(db_url)
    db.upgrade()
    yield db
    db.dispose()
