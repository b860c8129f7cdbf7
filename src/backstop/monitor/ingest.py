"""Read incident files (CSV, JSON, JSON Lines) into DuckDB and validate every row in SQL.

Two shapes are recognised from the header: ACLED-compatible incident reports
(:data:`~backstop.monitor.schema.ACLED_COLUMNS`) and Ukrainian Air Force daily summaries
(:data:`~backstop.monitor.schema.AIR_COLUMNS`).

Every line of a file is accounted for: each record is stored, already stored, or reported as a
:class:`~backstop.errors.Problem` naming the file, its true line (header = line 1; the first line
of a record whose quoted cell spans lines; JSON: the record number), the field, the value and a
hint.  Reading has two paths that give the same rows:

* **fast**: a NumPy scan of the bytes finds every record's line and checks the structure (UTF-8,
  balanced and well-placed quotes, the same number of cells on every row, no blank or bare-CR
  lines); a clean file is then parsed by DuckDB's ``read_csv`` (all VARCHAR) and the line numbers
  are attached by position.
* **recovering**: any other file is read line by line in Python; a line with a stray quote, an
  undecodable byte or a wrong number of cells is reported and the next line is read on its own, so
  one malformed quote never swallows the lines after it.

Validation is one SQL statement per shape (``TRY_CAST``, ranges of the storage types), the same
for both paths, for JSON and for the scenario's ``incidents.csv``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from backstop.errors import InputError, Problem, input_error
from backstop.monitor.schema import (
    ACLED_COLUMNS,
    ACLED_OPTIONAL,
    ACLED_REQUIRED,
    AIR_COLUMNS,
    AIR_REQUIRED,
)

CHUNK_ROWS = 250_000
"""Records validated and inserted at a time."""
MAX_CELL_CHARS = 16 * 1024 * 1024
"""Largest cell read (csv field limit and DuckDB line size); a larger one is a located row error."""
MAX_RECORD_LINES = 200
"""Most physical lines one quoted record may span; beyond it the opening quote is taken as a stray."""
INT32_MAX = 2_147_483_647
"""Counts are stored as INTEGER: larger values are row errors, not aborted transactions."""
YEARS = (1900, 2100)
"""Dates outside these years are row errors (the store's and the analyses' range)."""

_TRUE = ("true", "1", "yes", "y", "t")
_FALSE = ("false", "0", "no", "n", "f", "")
_DAY = r"^\d{4}-\d{2}-\d{2}$"
_NAIVE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"
_ISO = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$"
KNOWN = {"incidents": (*ACLED_COLUMNS, *ACLED_OPTIONAL), "air": AIR_COLUMNS}


@dataclass
class RawFile:
    """A file loaded into the temporary table ``_raw`` (VARCHAR columns, ``line``, ``rid``)."""

    name: str
    kind: str
    unit: str = "line"
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    path: str = "fast"


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes (the content hash that makes re-imports no-ops)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def detect_kind(columns: list[str], name: str) -> str:
    """``incidents`` (ACLED shape) or ``air`` (Air Force summary) from the column names."""
    cols = set(columns)
    if set(AIR_REQUIRED) <= cols:
        return "air"
    if set(ACLED_REQUIRED) <= cols:
        return "incidents"
    missing = [c for c in ACLED_REQUIRED if c not in cols]
    raise input_error(
        name,
        "line 1",
        ",".join(missing),
        ",".join(columns[:8]),
        "not an incident file: required columns missing",
        f"ACLED shape needs {', '.join(ACLED_REQUIRED)}; Air Force shape needs {', '.join(AIR_REQUIRED)}",
    )


def _line_of(raw: bytes, pos: int) -> int:
    return raw.count(b"\n", 0, pos) + 1


# ----------------------------------------------------------------------------------------- loading


def load_raw(con, path: str | Path) -> RawFile:
    """Load ``path`` into the temporary table ``_raw``; whole-file problems raise InputError."""
    p = Path(path)
    name = str(path)
    try:
        if not p.is_file():
            raise input_error(name, "", "", "", "no such file (or not a regular file)", "give the path of a CSV, JSON or JSON Lines file")
        raw = p.read_bytes()
    except OSError as exc:
        raise input_error(name, "", "", "", f"cannot read the file ({exc.strerror or exc})", "check the path and its permissions") from None
    has_bom = raw.startswith(b"\xef\xbb\xbf")
    if has_bom:
        raw = raw[3:]
    if not raw.strip():
        raise input_error(name, "line 1", "", "", "empty file", "an incident file has a header line (CSV) or records (JSON)")
    if p.suffix.lower() in (".json", ".jsonl", ".ndjson"):
        rf = _load_json(con, raw, name)
    else:
        rf = _load_csv_fast(con, raw, name, None if has_bom else p) or _load_csv_recovering(con, raw, name)
    if rf.records == 0 and not rf.problems:
        raise input_error(name, "", "", "", "no records in the file", "an empty file is not an import; check that it is the right file")
    return rf


def _header(raw: bytes, name: str) -> tuple[list[str], int]:
    """Column names of the first line and the offset just after it."""
    end = raw.find(b"\n")
    end = len(raw) if end < 0 else end
    try:
        text = raw[:end].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise input_error(name, "line 1", "", raw[exc.start : exc.start + 4].hex(" "), "header is not UTF-8 text", "save the file as UTF-8 CSV") from None
    try:
        header = [h.strip() for h in next(csv.reader([text], strict=True))]
    except csv.Error as exc:
        raise input_error(name, "line 1", "", text, f"malformed CSV header: {exc}", "check the quotes of the header") from None
    known = [h for h in header if h]
    dups = sorted({h for h in known if known.count(h) > 1})
    if dups:
        raise input_error(name, "line 1", dups[0], dups[0], "column appears more than once", "keep one column of each name")
    return header, min(end + 1, len(raw))


def _create_raw(con, kind: str, cols: dict[str, list], lines: list[int] | np.ndarray) -> None:
    import pyarrow as pa

    known = KNOWN[kind]
    n = len(lines)
    arrays = {c: pa.array(cols[c], type=pa.string()) if c in cols else pa.nulls(n, pa.string()) for c in known}
    arrays["line"] = pa.array(np.asarray(lines, dtype=np.int64))
    arrays["rid"] = pa.array(np.arange(n, dtype=np.int64))
    con.register("_raw_arrow", pa.table(arrays))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _raw AS SELECT * FROM _raw_arrow")
    finally:
        con.unregister("_raw_arrow")


def _load_csv_fast(con, raw: bytes, name: str, path: Path | None = None) -> RawFile | None:
    """DuckDB ``read_csv`` for a structurally clean file (None: take the recovering path)."""
    header, off = _header(raw, name)
    kind = detect_kind(header, name)
    if any(not h for h in header) or b"\r" in raw.replace(b"\r\n", b""):
        return None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    buf = np.frombuffer(raw, dtype=np.uint8)
    size = len(buf)
    q = np.flatnonzero(buf == 34)
    nl = np.flatnonzero(buf == 10)
    if q.size % 2:
        return None
    if q.size:
        k = np.arange(q.size)
        prev = np.where(q > 0, buf[np.maximum(q - 1, 0)], 10)
        nxt = np.where(q + 1 < size, buf[np.minimum(q + 1, size - 1)], 10)
        adj_prev = np.r_[False, np.diff(q) == 1]
        adj_next = np.r_[np.diff(q) == 1, False]
        opening = (k % 2 == 0) & ~((prev == 44) | (prev == 10) | (q == off) | adj_prev)
        closing = (k % 2 == 1) & ~((nxt == 44) | (nxt == 10) | (nxt == 13) | (q + 1 == size) | adj_next)
        if opening.any() or closing.any():
            return None
        outside_nl = nl[(np.searchsorted(q, nl) % 2) == 0]
    else:
        outside_nl = nl
    ends = outside_nl[outside_nl >= off]  # record ends after the header
    if len(ends) == 0 or ends[-1] != size - 1:
        ends = np.r_[ends, size]  # last record without a final newline
    starts = np.r_[off, ends[:-1] + 1]
    length = ends - starts - (buf[np.maximum(ends - 1, 0)] == 13)
    if (length <= 0).any() or int(length.max(initial=0)) > MAX_CELL_CHARS:
        return None  # blank lines, or a line beyond the cell limit: the recovering reader reports them
    commas = np.flatnonzero(buf == 44)
    if q.size:
        commas = commas[(np.searchsorted(q, commas) % 2) == 0]
    before = np.searchsorted(commas, np.r_[off - 1, ends])
    if not (np.diff(before) == len(header) - 1).all():
        return None
    lines = np.searchsorted(nl, starts) + 1
    cols = ", ".join(f"'{h.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for h in header)
    present = [c for c in KNOWN[kind] if c in header]
    sel = ", ".join([f'"{c}"' if c in present else f"NULL::VARCHAR AS \"{c}\"" for c in KNOWN[kind]])
    import pyarrow as pa

    tmp = _tmp_copy(raw) if path is None else path.resolve().as_posix().replace("'", "''")
    try:
        con.register("_lines", pa.table({"line": pa.array(lines.astype(np.int64)), "rid": pa.array(np.arange(len(lines), dtype=np.int64))}))
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _raw AS
            SELECT {sel}, l.line, l.rid FROM read_csv('{tmp}', header = true, auto_detect = false, columns = {{{cols}}},
                delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = false,
                max_line_size = {MAX_CELL_CHARS + 1024}, encoding = 'utf-8') POSITIONAL JOIN _lines l"""
        )
        n = con.execute("SELECT count(*), count(rid) FROM _raw").fetchall()[0]
    except Exception:  # noqa: BLE001 - any DuckDB complaint: the recovering reader decides
        return None
    finally:
        con.unregister("_lines")
        if path is None:
            Path(tmp).unlink(missing_ok=True)
    if n[0] != len(lines) or n[1] != len(lines):
        return None
    return RawFile(name, kind, records=len(lines))


def _tmp_copy(raw: bytes) -> str:
    """The bytes (BOM dropped) in a temporary file DuckDB can read; its path."""
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix="backstop_import_", suffix=".csv")
    with open(fd, "wb") as fh:
        fh.write(raw)
    return Path(tmp).as_posix()


def _load_csv_recovering(con, raw: bytes, name: str) -> RawFile:
    """Line-by-line reader: every malformed line is reported and reading resumes on the next line."""
    header, _ = _header(raw, name)
    kind = detect_kind(header, name)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS))
    known = KNOWN[kind]
    idx = {c: header.index(c) for c in known if c in header}
    ncol = len(header)
    cols: dict[str, list] = {c: [] for c in idx}
    lines: list[int] = []
    problems: list[Problem] = []
    phys = raw.split(b"\n")
    if phys and phys[-1] == b"":
        phys.pop()
    text_lines: list[str | None] = []
    for k, b in enumerate(phys):
        try:
            text_lines.append(b.decode("utf-8"))
        except UnicodeDecodeError as exc:
            text_lines.append(None)
            if k > 0:
                problems.append(Problem(name, f"line {k + 1}", "", b[exc.start : exc.start + 4].hex(" "), f"not UTF-8 text (byte {exc.start + 1} of the line)", "save the file as UTF-8"))
    k = 1
    n = len(phys)
    while k < n:
        first = text_lines[k]
        if first is None:
            k += 1
            continue
        if not first.strip():
            k += 1
            continue
        j, rec_text = k, first
        ok = True
        while rec_text.count('"') % 2:  # a quoted cell continues on the next line
            j += 1
            if j >= n or j - k >= MAX_RECORD_LINES or text_lines[j] is None:
                ok = False
                break
            rec_text += "\n" + text_lines[j]
        rec = None
        if ok:
            try:
                recs = list(csv.reader(io.StringIO(rec_text, newline=""), strict=True))
                rec = recs[0] if len(recs) == 1 else None
            except csv.Error as exc:
                problems.append(Problem(name, f"line {k + 1}", "", first, f"malformed CSV: {exc}", "check the quotes on that line; cells are at most 16 MiB"))
                k += 1
                continue
        if rec is None:
            problems.append(Problem(name, f"line {k + 1}", "", first, "malformed CSV: a quote that is not closed on this line", "close the quote, or double a quote inside a quoted cell (\"\")"))
            k += 1  # resume on the next line: a stray quote never swallows the rest of the file
            continue
        if len(rec) != ncol:
            problems.append(Problem(name, f"line {k + 1}", "", first, f"{len(rec)} cells but the header has {ncol} columns", "quote values that contain commas; give every cell"))
        else:
            for c, i in idx.items():
                cols[c].append(rec[i])
            lines.append(k + 1)
        k = j + 1
    _create_raw(con, kind, cols, lines)
    return RawFile(name, kind, records=len(lines) + len(problems), problems=problems, path="recovering")


def _load_json(con, raw: bytes, name: str) -> RawFile:
    stripped = raw.lstrip()
    whole = stripped.startswith(b"[") or (stripped.startswith(b"{") and not _is_jsonl(stripped))
    problems: list[Problem] = []
    recs: list[tuple[int, object]] = []
    unit = "record" if whole else "line"
    if whole:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise input_error(name, f"line {_line_of(raw, exc.start)}", "", raw[exc.start : exc.start + 4].hex(" "), "not UTF-8 text", "save the file as UTF-8 JSON") from None
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise input_error(name, f"line {exc.lineno}", "", "", f"not valid JSON: {exc.msg}", "check brackets, commas and quotes") from None
        except RecursionError:
            raise input_error(name, "", "", "", "JSON nested too deeply", "records are flat objects") from None
        if isinstance(obj, dict):
            obj = obj.get("data", obj.get("incidents", obj.get("candidates")))
        if not isinstance(obj, list):
            raise input_error(name, "", "", "", "JSON must be a list of records (or {\"data\": [...]})", "use the ACLED API shape or JSON Lines")
        recs = list(enumerate(obj, start=1))
    else:
        for i, b in enumerate(raw.split(b"\n"), start=1):
            if not b.strip():
                continue
            try:
                recs.append((i, json.loads(b.decode("utf-8"))))
            except UnicodeDecodeError as exc:
                problems.append(Problem(name, f"line {i}", "", b[exc.start : exc.start + 4].hex(" "), "not UTF-8 text", "save the file as UTF-8"))
            except (json.JSONDecodeError, RecursionError) as exc:
                problems.append(Problem(name, f"line {i}", "", b.decode("utf-8", "replace"), f"bad record: {getattr(exc, 'msg', 'nested too deeply')}", "each line must be one JSON object"))
    good: list[dict] = []
    lines: list[int] = []
    for n, rec in recs:
        if not isinstance(rec, dict):
            problems.append(Problem(name, f"{unit} {n}", "", str(rec), "bad record: not an object", "each record must be a JSON object"))
            continue
        good.append(rec)
        lines.append(n)
    problems.sort(key=lambda p: int(p.location.split()[-1]))
    header = sorted({k for r in good for k in r})
    if not good:
        if problems:
            kind = "incidents"
        else:
            raise input_error(name, "", "", "", "no records in the file", "an empty file is not an import; check that it is the right file")
    else:
        kind = detect_kind(header, name)
    cols: dict[str, list] = {}
    for c in KNOWN[kind]:
        if any(c in r for r in good):
            cols[c] = [_json_cell(r.get(c)) for r in good]
    _create_raw(con, kind, cols, lines)
    return RawFile(name, kind, unit=unit, records=len(lines) + len(problems), problems=problems, path="json")


def _json_cell(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return str(v)


def _is_jsonl(text: bytes) -> bool:
    first = text.split(b"\n", 1)
    return len(first) > 1 and first[1].strip().startswith(b"{") and first[0].rstrip().endswith(b"}")


# -------------------------------------------------------------------------------------- validation


def _s(c: str) -> str:
    return f"trim(coalesce(\"{c}\", ''), ' \t\r\n')"


def _date_sql(s: str) -> str:
    """A timestamp (UTC) from an ISO date, date-time (zone optional) or ``20 August 2025``; NULL otherwise.

    The common shapes take the cheap casts (DATE, TIMESTAMP); only a date-time with a zone goes
    through TIMESTAMPTZ (UTC session), and only the rest through ``strptime``.
    """
    return (
        f"CASE WHEN regexp_full_match({s}, '{_DAY}') THEN CAST(TRY_CAST({s} AS DATE) AS TIMESTAMP) "
        f"WHEN regexp_full_match({s}, '{_NAIVE}') THEN TRY_CAST({s} AS TIMESTAMP) "
        f"WHEN regexp_full_match({s}, '{_ISO}') THEN CAST(TRY_CAST({s} AS TIMESTAMPTZ) AS TIMESTAMP) "
        f"ELSE try_strptime({s}, '%d %B %Y') END"
    )


def _ts_sql(s: str) -> str:
    return _date_sql(s)


def _year_ok(x: str) -> str:
    return f"({x} IS NOT NULL AND year({x}) BETWEEN {YEARS[0]} AND {YEARS[1]})"


def _count_sql(s: str) -> tuple[str, str]:
    v = f"TRY_CAST(CASE WHEN {s} = '' THEN '0' ELSE {s} END AS DOUBLE)"
    ok = f"coalesce({v} >= 0 AND {v} <= {INT32_MAX} AND {v} = floor({v}), false)"
    return v, ok


def _bool_sql(s: str) -> tuple[str, str]:
    low = f"lower({s})"
    return f"({low} IN {_TRUE})", f"({low} IN {_TRUE} OR {low} IN {_FALSE})"


def _checks(kind: str) -> tuple[list[tuple[str, str, str, str, str]], dict[str, str]]:
    """(field, raw text SQL, ok SQL, message, hint) per check, and the typed column expressions."""
    if kind == "incidents":
        d = _date_sql(_s("event_date"))
        lat, lon = f"TRY_CAST({_s('latitude')} AS DOUBLE)", f"TRY_CAST({_s('longitude')} AS DOUBLE)"
        fat, fat_ok = _count_sql(_s("fatalities"))
        inj, inj_ok = _count_sql(_s("injured"))
        ill, ill_ok = _bool_sql(_s("illustrative"))
        ver, ver_ok = _bool_sql(_s("verified"))
        checks = [
            ("event_date", _s("event_date"), _year_ok(d), f"not a date in {YEARS[0]}-{YEARS[1]}", "use YYYY-MM-DD (or YYYY-MM-DDTHH:MM)"),
            ("latitude", _s("latitude"), f"coalesce({lat} BETWEEN -90 AND 90, false)", "not a number in [-90, 90]", "decimal degrees (WGS84), latitude"),
            ("longitude", _s("longitude"), f"coalesce({lon} BETWEEN -180 AND 180, false)", "not a number in [-180, 180]", "decimal degrees (WGS84), longitude"),
            ("fatalities", _s("fatalities"), fat_ok, f"not a whole number in [0, {INT32_MAX:,}]", "a count of people; leave empty for 0"),
            ("injured", _s("injured"), inj_ok, f"not a whole number in [0, {INT32_MAX:,}]", "a count of people; leave empty for 0"),
            ("illustrative", _s("illustrative"), ill_ok, "not true/false", "use true or false (or leave empty)"),
            ("verified", _s("verified"), ver_ok, "not true/false", "use true or false (or leave empty)"),
        ]
        typed = {
            "event_date": f"CAST({d} AS DATE)",
            "event_id": _s("event_id"),
            **{c: _s(c) for c in ("event_type", "sub_event_type", "actor1", "actor2", "admin1", "location")},
            "latitude": lat,
            "longitude": lon,
            "fatalities": f"TRY_CAST({fat} AS INTEGER)",
            "injured": f"TRY_CAST({inj} AS INTEGER)",
            "notes": _s("notes"),
            "source": _s("source"),
            "illustrative": ill,
            "verified": ver,
        }
        return checks, typed
    t0 = _ts_sql(_s("time_start"))
    t1 = _ts_sql(_s("time_end"))
    la, la_ok = _count_sql(_s("launched"))
    de, de_ok = _count_sql(_s("destroyed"))
    checks = [
        ("time_start", _s("time_start"), _year_ok(t0), "not a date-time", "use YYYY-MM-DD HH:MM"),
        ("time_end", _s("time_end"), f"({_s('time_end')} = '' OR coalesce({_year_ok(t1)} AND {t1} >= {t0}, false))", "not a date-time at or after time_start", "use YYYY-MM-DD HH:MM, or leave empty"),
        ("model", _s("model"), f"{_s('model')} <> ''", "empty weapon model", "e.g. Shahed-136/131, Kh-101, Iskander-M"),
        ("launched", _s("launched"), la_ok, f"not a whole number in [0, {INT32_MAX:,}]", "a count of weapons"),
        ("destroyed", _s("destroyed"), de_ok, f"not a whole number in [0, {INT32_MAX:,}]", "a count of weapons"),
    ]
    typed = {"time_start": t0, "time_end": t1, "model": _s("model"), "launched": f"TRY_CAST({la} AS INTEGER)", "destroyed": f"TRY_CAST({de} AS INTEGER)", "target": _s("target")}
    return checks, typed


def validate_raw(con, rf: RawFile, lo: int = 0, hi: int | None = None) -> list[Problem]:
    """Validate records ``lo <= rid < hi`` of ``_raw``; the view ``_ok`` gives their typed valid rows.

    One pass computes the check flags (``_v``: booleans, and the raw value only where a check
    fails); the rows that fail any check go to the small table ``_bad``; ``_ok`` types the other
    rows of ``_raw`` as it is read (by the insert), so no string column is copied twice.
    """
    checks, typed = _checks(rf.kind)
    hi = rf.records if hi is None else hi
    rng = f"rid >= {lo} AND rid < {hi}"
    flags = [f"coalesce({ok}, false) AS _ok{i}" for i, (_, _, ok, _, _) in enumerate(checks)]
    raws = [f"CASE WHEN NOT coalesce({ok}, false) THEN {raw} END AS _raw{i}" for i, (_, raw, ok, _, _) in enumerate(checks)]
    extra = [f"{typed[c]} AS {c}" for c in ("launched", "destroyed")] if rf.kind == "air" else []
    con.execute(f"CREATE OR REPLACE TEMP TABLE _v AS SELECT line, rid, {', '.join(flags + raws + extra)} FROM _raw WHERE {rng}")
    all_ok = " AND ".join(f"_ok{i}" for i in range(len(checks)))
    # a cross-field check (air), only for rows whose other checks pass
    cross = f"({all_ok} AND destroyed > launched)" if rf.kind == "air" else "false"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _bad AS SELECT rid FROM _v WHERE NOT ({all_ok}) OR {cross}")
    con.execute("DROP VIEW IF EXISTS _ok")
    cols = ", ".join(f"{expr} AS {c}" for c, expr in typed.items())
    con.execute(f"CREATE TEMP VIEW _ok AS SELECT line, {cols} FROM _raw WHERE {rng} AND rid NOT IN (SELECT rid FROM _bad)")
    parts = [
        f"SELECT line, {i} AS k, '{f}' AS field, _raw{i} AS value, '{msg}' AS message, '{hint.replace(chr(39), chr(39) * 2)}' AS hint FROM _v WHERE NOT _ok{i}"
        for i, (f, _, _, msg, hint) in enumerate(checks)
    ]
    if rf.kind == "air":
        parts.append(f"SELECT line, 99 AS k, 'destroyed' AS field, CAST(destroyed AS VARCHAR) AS value, 'more destroyed than launched' AS message, 'check the two counts' AS hint FROM _v WHERE {cross}")
    rows = con.execute(" UNION ALL ".join(parts) + " ORDER BY line, k").fetchall()
    return [Problem(rf.name, f"{rf.unit} {line}", f, "" if v is None else str(v), msg, hint) for line, _, f, v, msg, hint in rows]


def incidents_frame(rows):
    """Typed incident frame from scenario ``Incident`` rows (validated by the scenario reader, and again here)."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        cols: dict[str, list] = {c: [] for c in KNOWN["incidents"]}
        for r in rows:
            d = r.model_dump()
            for c in cols:
                v = d.get(c)
                cols[c].append("" if v is None else (str(v).lower() if isinstance(v, bool) else str(v)))
        _create_raw(con, "incidents", cols, [r.line for r in rows])
        rf = RawFile("incidents.csv", "incidents", records=len(rows))
        problems = validate_raw(con, rf)
        if problems:
            raise InputError(problems)
        return con.execute("SELECT * FROM _ok ORDER BY line").df()  # the view over _v
    finally:
        con.close()

