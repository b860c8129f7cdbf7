"""The monitoring store: an embedded DuckDB database of incident reports (Parquet export).

Guarantees
----------
* **One transaction per import.**  Every row of a file, and the ``imports`` record, is written
  inside ``BEGIN ... COMMIT``; any exception rolls back, and a process killed before ``COMMIT``
  leaves nothing (DuckDB replays only committed transactions from its write-ahead log).
* **Idempotent.**  A file whose SHA-256 is already in ``imports`` adds nothing; a row whose
  content hash (MD5 over every field but provenance) is already stored is skipped, so the same
  rows inside another file are not stored twice either.
* Valid rows land, bad rows are reported with their line numbers (see :mod:`.ingest`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from backstop.errors import Problem, input_error
from backstop.monitor.ingest import file_sha256, iter_chunks
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
    """A DuckDB monitoring store (a file, or ``":memory:"``)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        try:
            self.con = duckdb.connect(self.path)
        except duckdb.Error as exc:
            raise input_error(self.path, "", "db", self.path, f"cannot open the store: {exc}", "give a writable path for --db, not used by another process") from None
        self.con.execute("SET enable_progress_bar = false")
        self.con.execute(DDL)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------------------- importing

    def import_file(self, path: str | Path) -> ImportResult:
        """Import one file in one transaction (see the module notes)."""
        p = Path(path)
        res = ImportResult(str(path))
        if not p.is_file():
            raise input_error(str(path), "", "", "", "no such file", "give the path of a CSV, JSON or JSON Lines file")
        res.sha256 = file_sha256(p)
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            if con.execute("SELECT count(*) FROM imports WHERE file_sha256 = ?", [res.sha256]).fetchall()[0][0]:
                con.execute("ROLLBACK")
                res.skipped = True
                return res
            import_id = con.execute("SELECT nextval('import_seq')").fetchall()[0][0]
            res.import_id = int(import_id)
            for chunk in iter_chunks(p):
                res.kind = chunk.kind
                res.rows_read += chunk.rows_read
                res.rows_bad += chunk.rows_bad
                res.problems.extend(chunk.problems)
                added = self._insert(chunk.kind, chunk.frame, res.import_id)
                res.rows_added += added
                res.rows_duplicate += len(chunk.frame) - added
                _fault("after_chunk")
            con.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [res.import_id, res.sha256, str(p.resolve()), res.kind, res.rows_read, res.rows_added, res.rows_bad, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            )
            _fault("before_commit")
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:  # pragma: no cover - connection already unusable
                pass
            raise
        return res

    def insert_frame(self, kind: str, frame: pd.DataFrame, label: str = "<frame>") -> int:
        """Insert an already-validated frame in one transaction (the pipeline's path); rows added."""
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            import_id = int(con.execute("SELECT nextval('import_seq')").fetchall()[0][0])
            added = self._insert(kind, frame, import_id)
            con.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [import_id, f"frame:{label}:{import_id}", label, kind, len(frame), added, 0, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return added

    def _insert(self, kind: str, frame: pd.DataFrame, import_id: int) -> int:
        if frame.empty:
            return 0
        con = self.con
        import pyarrow as pa

        con.register("_chunk", pa.Table.from_pandas(frame, preserve_index=False))  # Arrow scans faster than object columns
        try:
            if kind == "incidents":
                cols = ", ".join(REPORT_FIELDS)
                h = _hash_sql(REPORT_FIELDS)
                sql = f"""
                INSERT INTO reports
                SELECT row_hash, {import_id}, line, {cols} FROM (
                    SELECT {h} AS row_hash, line, event_id, CAST(event_date AS DATE) AS event_date, event_type, sub_event_type,
                           actor1, actor2, admin1, location, latitude, longitude, CAST(fatalities AS INTEGER) AS fatalities,
                           CAST(injured AS INTEGER) AS injured, notes, source, illustrative, verified
                    FROM _chunk
                ) c
                WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.row_hash = c.row_hash)
                QUALIFY row_number() OVER (PARTITION BY row_hash ORDER BY line) = 1
                """
                table = "reports"
            else:
                acols = ("time_start", "time_end", "model", "launched", "destroyed", "target")
                h = _hash_sql(acols)
                sql = f"""
                INSERT INTO air_reports
                SELECT row_hash, {import_id}, line, {", ".join(acols)} FROM (
                    SELECT {h} AS row_hash, line, time_start, time_end, model, CAST(launched AS INTEGER) AS launched,
                           CAST(destroyed AS INTEGER) AS destroyed, target FROM _chunk
                ) c
                WHERE NOT EXISTS (SELECT 1 FROM air_reports r WHERE r.row_hash = c.row_hash)
                QUALIFY row_number() OVER (PARTITION BY row_hash ORDER BY line) = 1
                """
                table = "air_reports"
            before = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            con.execute(sql)
            after = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        finally:
            con.unregister("_chunk")
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


def _fault(stage: str) -> None:
    if _FAULT_HOOK is not None:
        _FAULT_HOOK(stage)
