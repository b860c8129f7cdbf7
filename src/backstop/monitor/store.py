"""The monitoring store: an embedded DuckDB database of incident reports (Parquet export).

Guarantees
----------
* **One transaction per import.**  Every row of a file, and the ``imports`` record, is written
  inside ``BEGIN ... COMMIT``; any exception rolls back, and a process killed before ``COMMIT``
  leaves nothing (DuckDB replays only committed transactions from its write-ahead log).
* **Idempotent.**  A file whose SHA-256 is already in ``imports`` adds nothing; a row whose
  content hash (MD5 over every field but provenance) is already stored is skipped, so the same
  rows inside another file are not stored twice either.
* **Every line accounted for.**  ``rows_read = rows_added + rows_duplicate + rows_bad``; valid
  rows land, bad rows are reported with their line numbers (see :mod:`.ingest`); values outside
  the storage types are row errors, never an aborted transaction.
* **Compact after failure.**  An import that fails (or was killed: a ``<db>.importing`` marker is
  left) is followed by :meth:`Store.compact`, so repeated failures do not grow the file.
* **Concurrent imports wait.**  A store held by another process is retried for ``wait_s``
  seconds (with one message) before an input error.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from backstop.errors import Problem, input_error
from backstop.monitor import ingest
from backstop.monitor.ingest import file_sha256, load_raw, validate_raw
from backstop.monitor.schema import DDL, REPORT_FIELDS

_FAULT_HOOK = None
"""Test hook: called as ``_FAULT_HOOK(stage)`` inside the import transaction (fault injection)."""

_SEP = "chr(31)"


def _hash_sql(cols: tuple[str, ...]) -> str:
    parts = ", ".join(f"coalesce(CAST({c} AS VARCHAR), '')" for c in cols)
    return f"md5(concat_ws({_SEP}, {parts}))"


@dataclass
class ImportResult:
    """What one import did."""

    path: str
    kind: str = ""
    sha256: str = ""
    skipped: bool = False
    rows_read: int = 0
    rows_added: int = 0
    rows_duplicate: int = 0
    rows_bad: int = 0
    problems: list[Problem] = field(default_factory=list)
    import_id: int | None = None

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "kind": self.kind,
            "sha256": self.sha256,
            "skipped": self.skipped,
            "import_id": self.import_id,
            "rows_read": self.rows_read,
            "rows_added": self.rows_added,
            "rows_duplicate": self.rows_duplicate,
            "rows_bad": self.rows_bad,
            "problems": [p.to_dict() for p in self.problems],
        }


class Store:
    """A DuckDB monitoring store (a file, or ``":memory:"``).

    Parameters
    ----------
    path
        The DuckDB file (created if absent), or ``":memory:"``.
    wait_s
        How long to wait for a store another process holds (a concurrent import) before giving up
        with an input error [s].
    on_wait
        Called once with a message when the store is busy and the wait begins (the CLI prints it).
    """

    def __init__(self, path: str | Path = ":memory:", *, wait_s: float = 60.0, on_wait=None) -> None:
        self.path = str(path)
        self.con = _connect(self.path, wait_s, on_wait)
        self.con.execute("SET enable_progress_bar = false")
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute(DDL)
        if self.path != ":memory:" and _marker(self.path).exists():
            self.compact()  # an earlier import was killed: give its abandoned blocks back

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def compact(self) -> None:
        """Rewrite the database file with only its live rows (after a failed or killed import).

        DuckDB reuses but never returns the blocks an aborted transaction wrote; copying the
        database into a fresh file and swapping it in keeps the file at the size of its rows.
        """
        if self.path == ":memory:":
            return
        src = Path(self.path)
        tmp = src.with_name(src.name + ".compact")
        tmp.unlink(missing_ok=True)
        self.con.execute("CHECKPOINT")
        self.con.execute(f"ATTACH '{tmp.as_posix()}' AS _compact")
        try:
            self.con.execute(f"COPY FROM DATABASE \"{_db_name(self.con)}\" TO _compact")
        finally:
            self.con.execute("DETACH _compact")
        self.con.close()
        tmp.replace(src)
        Path(str(src) + ".wal").unlink(missing_ok=True)
        _marker(self.path).unlink(missing_ok=True)
        self.con = duckdb.connect(self.path)
        self.con.execute("SET enable_progress_bar = false")
        self.con.execute("SET TimeZone = 'UTC'")

    # ------------------------------------------------------------------------------- importing

    def import_file(self, path: str | Path) -> ImportResult:
        """Import one file in one transaction (see the module notes).

        Every record of the file is accounted for: ``rows_read = rows_added + rows_duplicate +
        rows_bad``; each bad record has at least one problem with its line.
        """
        p = Path(path)
        res = ImportResult(str(path))
        if not p.is_file():
            raise input_error(str(path), "", "", "", "no such file", "give the path of a CSV, JSON or JSON Lines file")
        res.sha256 = file_sha256(p)
        con = self.con
        if con.execute("SELECT count(*) FROM imports WHERE file_sha256 = ?", [res.sha256]).fetchall()[0][0]:
            res.skipped = True
            return res
        marker = _marker(self.path) if self.path != ":memory:" else None
        if marker is not None:
            marker.write_text(str(os.getpid()), encoding="utf-8")
        failed = False
        con.execute("BEGIN TRANSACTION")
        try:
            rf = load_raw(con, p)
            res.kind = rf.kind
            import_id = con.execute("SELECT nextval('import_seq')").fetchall()[0][0]
            res.import_id = int(import_id)
            res.rows_read = rf.records
            problems = list(rf.problems)
            bad_lines = {pr.location for pr in rf.problems}
            n_valid = rf.records - len(rf.problems)
            step = max(1, int(ingest.CHUNK_ROWS))
            for lo in range(0, max(n_valid, 1), step):
                chunk = validate_raw(con, rf, lo, lo + step)
                problems.extend(chunk)
                bad_lines |= {pr.location for pr in chunk}
                ok = min(step, n_valid - lo) - con.execute("SELECT count(*) FROM _bad").fetchall()[0][0] if n_valid else 0
                added = self._insert(rf.kind, "_ok", res.import_id)
                res.rows_added += added
                res.rows_duplicate += int(ok) - added
                _fault("after_chunk")
            res.rows_bad = len(bad_lines)
            res.problems = sorted(problems, key=lambda pr: int(pr.location.split()[-1]) if pr.location.split()[-1].isdigit() else 0)
            con.execute("DROP VIEW IF EXISTS _ok")
            con.execute("DROP TABLE IF EXISTS _v")
            con.execute("DROP TABLE IF EXISTS _bad")
            con.execute("DROP TABLE IF EXISTS _raw")
            con.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [res.import_id, res.sha256, str(p.resolve()), res.kind, res.rows_read, res.rows_added, res.rows_bad, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            )
            _fault("before_commit")
            con.execute("COMMIT")
        except BaseException:
            failed = True
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:  # pragma: no cover - connection already unusable
                pass
            raise
        finally:
            if marker is not None:
                if failed:
                    try:
                        self.compact()
                    except (duckdb.Error, OSError):  # pragma: no cover - the marker stays: compacted on next open
                        pass
                marker.unlink(missing_ok=True)
        return res

    def insert_frame(self, kind: str, frame: pd.DataFrame, label: str = "<frame>") -> int:
        """Insert an already-validated frame in one transaction (the pipeline's path); rows added."""
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            import_id = int(con.execute("SELECT nextval('import_seq')").fetchall()[0][0])
            added = 0
            if not frame.empty:
                import pyarrow as pa

                con.register("_frame", pa.Table.from_pandas(frame, preserve_index=False))
                try:
                    added = self._insert(kind, "_frame", import_id)
                finally:
                    con.unregister("_frame")
            con.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [import_id, f"frame:{label}:{import_id}", label, kind, len(frame), added, 0, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return added

    def _insert(self, kind: str, source: str, import_id: int) -> int:
        """Insert the typed rows of ``source`` not yet stored (by content hash); rows added."""
        con = self.con
        if kind == "incidents":
            table, fields = "reports", REPORT_FIELDS
            # event_date hashes as a timestamp (the form stores written before 2026-12 used)
            h = _hash_sql(tuple("CAST(event_date AS TIMESTAMP)" if c == "event_date" else c for c in fields))
            cast = {"event_date": "CAST(event_date AS DATE)", "fatalities": "CAST(fatalities AS INTEGER)", "injured": "CAST(injured AS INTEGER)"}
        else:
            table, fields = "air_reports", ("time_start", "time_end", "model", "launched", "destroyed", "target")
            h = _hash_sql(fields)
            cast = {"launched": "CAST(launched AS INTEGER)", "destroyed": "CAST(destroyed AS INTEGER)"}
        inner = ", ".join(f"{cast.get(c, c)} AS {c}" for c in fields)
        sql = f"""
        INSERT INTO {table}
        SELECT row_hash, {import_id}, line, {", ".join(fields)} FROM (
            SELECT {h} AS row_hash, line, {inner} FROM {source}
        ) c
        WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE r.row_hash = c.row_hash)
        QUALIFY row_number() OVER (PARTITION BY row_hash ORDER BY line) = 1
        """
        before = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        con.execute(sql)
        after = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        return int(after - before)

    # ------------------------------------------------------------------------------- reading

    def counts(self) -> dict[str, int]:
        """Rows in each table."""
        return {t: int(self.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in ("imports", "reports", "air_reports")}

    def reports(self) -> pd.DataFrame:
        """Every stored incident report, in a stable order."""
        return self.con.execute("SELECT * FROM reports ORDER BY event_date, row_hash").df()

    def air_reports(self) -> pd.DataFrame:
        """Every stored Air Force summary row."""
        return self.con.execute("SELECT * FROM air_reports ORDER BY time_start, row_hash").df()

    def export_parquet(self, folder: str | Path) -> list[Path]:
        """Write each table to ``folder/<table>.parquet`` (zstd); returns the paths."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for t in ("imports", "reports", "air_reports"):
            p = out / f"{t}.parquet"
            self.con.execute(f"COPY {t} TO '{p.as_posix()}' (FORMAT PARQUET, COMPRESSION ZSTD)")
            paths.append(p)
        return paths


def _marker(path: str) -> Path:
    """File present while an import runs: found at open, the import was killed (compact the store)."""
    return Path(path + ".importing")


def _db_name(con) -> str:
    return con.execute("SELECT current_database()").fetchall()[0][0]


def _connect(path: str, wait_s: float, on_wait):
    """Open the store, waiting (bounded) while another process holds it."""
    import time

    deadline = time.monotonic() + max(0.0, wait_s)
    told = False
    delay = 0.05
    while True:
        try:
            return duckdb.connect(path)
        except duckdb.Error as exc:
            busy = "lock" in str(exc).lower()
            if not busy or time.monotonic() >= deadline:
                why = f"the store is in use by another process (waited {wait_s:g} s)" if busy else f"cannot open the store: {' '.join(str(exc).split())[:160]}"
                raise input_error(path, "", "db", path, why, "wait for the other import to finish, or give another --db" if busy else "give a writable DuckDB file for --db") from None
            if not told and on_wait is not None:
                on_wait(f"the store {path} is in use by another process: waiting up to {wait_s:g} s")
                told = True
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def _fault(stage: str) -> None:
    if _FAULT_HOOK is not None:
        _FAULT_HOOK(stage)
