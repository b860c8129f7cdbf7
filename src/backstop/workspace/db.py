"""Database URL, engine, sessions and migrations (Alembic, packaged with backstop).

SQLite is the embedded default: a file ``workspace.db`` in the user's data folder (platformdirs).
PostgreSQL is the deployment: ``postgresql+psycopg://user:pass@host/db``. The schema is owned by
Alembic; :func:`upgrade` applies every migration (the server calls it at start).

Write transactions are serialised where the audit chain needs it: SQLite write sessions begin with
``BEGIN IMMEDIATE`` (one writer at a time, readers unaffected under WAL); PostgreSQL takes a
transaction-scoped advisory lock when an audit event is appended (:mod:`backstop.workspace.audit`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from backstop.errors import input_error

MIGRATIONS = Path(__file__).with_name("migrations")


def data_dir() -> Path:
    """The user's data folder for backstop (created if absent)."""
    import platformdirs

    path = Path(platformdirs.user_data_dir("backstop", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_url() -> str:
    """``sqlite:///<data folder>/workspace.db``."""
    return f"sqlite:///{data_dir() / 'workspace.db'}"


def check_url(url: str) -> str:
    """Accept SQLite and PostgreSQL (psycopg 3) URLs; anything else is a located input error."""
    if url.startswith("sqlite:///") or url.startswith("postgresql+psycopg://"):
        return url
    raise input_error("<cli>", "argument --db", "db", url.split("@")[-1], "unsupported database URL",
                      "use sqlite:///PATH/workspace.db or postgresql+psycopg://USER:PASSWORD@HOST/DB")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: the SQLite file in the data folder)."""
    url = check_url(url or default_url())
    if url.startswith("sqlite"):
        if url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20, max_overflow=40)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - driver callback
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # WAL: safe against a crash of the server; see docs/workspace.md
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # pragma: no cover - driver callback
            write = conn.get_execution_options().get("backstop_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, pool_size=20, max_overflow=40, pool_pre_ping=True)


class Database:
    """An engine and its two session factories: ``read()`` and ``write()`` (one transaction each)."""

    def __init__(self, url: str | None = None) -> None:
        self.url = check_url(url or default_url())
        self.engine = make_engine(self.url)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.engine.execution_options(backstop_write=True), expire_on_commit=False)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as s:  # closing rolls back and detaches, leaving loaded attributes readable
            yield s

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends normally, rolled back on any error.

        A concurrent change caught by the database (a version that moved between read and write, a unique
        key taken at the same moment) becomes :class:`~backstop.workspace.service.Conflict` (409).
        """
        from sqlalchemy.exc import IntegrityError
        from sqlalchemy.orm.exc import StaleDataError

        from backstop.workspace.service import Conflict

        try:
            with self._write() as s, s.begin():
                yield s
        except StaleDataError:
            raise Conflict("the record was changed by someone else at the same moment; nothing was saved: reload and try again") from None
        except IntegrityError as exc:
            orig = exc.orig
            unique = getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)
            if not unique:
                raise
            raise Conflict("a record with the same key was saved by someone else at the same moment; nothing was saved: reload and try again") from None

    def upgrade(self, revision: str = "head") -> None:
        upgrade(self.url, revision, engine=self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def _alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _migrate(url: str, engine: Engine | None, step) -> None:
    """Run one Alembic ``step(config)`` in a transaction on ``engine`` (or a temporary one for ``url``)."""
    cfg = _alembic_config(url)
    eng = engine or make_engine(url)
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        step(cfg)
    if engine is None:
        eng.dispose()


def upgrade(url: str | None = None, revision: str = "head", engine: Engine | None = None) -> None:
    """Apply the migrations up to ``revision`` (idempotent)."""
    from alembic import command

    _migrate(check_url(url or default_url()), engine, lambda cfg: command.upgrade(cfg, revision))


def downgrade(url: str, revision: str = "base", engine: Engine | None = None) -> None:
    """Revert the migrations down to ``revision`` (``base`` = empty database)."""
    from alembic import command

    _migrate(url, engine, lambda cfg: command.downgrade(cfg, revision))


def current(url: str | None = None) -> str | None:
    """The revision the database is at (None = empty, never migrated)."""
    from alembic.runtime.migration import MigrationContext

    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        eng.dispose()


def head() -> str:
    """The newest migration shipped with this version of backstop."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head()
