"""Read incident files (CSV, JSON, JSON Lines) into validated column frames, row by row.

Two shapes are recognised from the header: ACLED-compatible incident reports
(:data:`~backstop.monitor.schema.ACLED_COLUMNS`) and Ukrainian Air Force daily summaries
(:data:`~backstop.monitor.schema.AIR_COLUMNS`).  Validation is vectorised (pandas over whole
columns); each bad row becomes a :class:`~backstop.errors.Problem` naming the file, the line
(header = line 1; JSON: the record number), the field, the value and a hint.  Valid rows go on.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from backstop.errors import InputError, Problem, input_error
from backstop.monitor.schema import (
    ACLED_COLUMNS,
    ACLED_OPTIONAL,
    ACLED_REQUIRED,
    AIR_REQUIRED,
)

CHUNK_ROWS = 250_000
"""Rows parsed, validated and inserted at a time (bounds memory on large files)."""

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


@dataclass
class Chunk:
    """Validated rows of one chunk of a file and the problems of its bad rows."""

    kind: str
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    rows_bad: int = 0


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
    if {"time_start", "model", "launched"} <= cols:
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


# ----------------------------------------------------------------------------------------- reading


def _csv_chunks(path: Path, name: str) -> Iterator[tuple[list[str], pd.DataFrame, list[Problem]]]:
    """Yield (header, string frame with a ``line`` column, shape problems) per chunk of a CSV."""
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise input_error(name, "line 1", "", "", "empty file", "the first line must name the columns") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise input_error(name, "line 1", "", "", f"unreadable header: {exc}", "save the file as UTF-8 CSV") from None
        ncol = len(header)
        rows: list[list[str]] = []
        lines: list[int] = []
        problems: list[Problem] = []
        prev = reader.line_num
        while True:
            try:
                rec = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                problems.append(Problem(name, f"line {prev + 1}", "", "", f"malformed CSV: {exc}", "check the quotes on that line"))
                prev = reader.line_num
                continue
            except UnicodeDecodeError as exc:
                raise input_error(name, f"after line {prev}", "", "", f"not UTF-8 text: {exc}", "save the file as UTF-8") from None
            start = prev + 1
            prev = reader.line_num
            if not rec or (len(rec) == 1 and not rec[0].strip()):
                continue
            if len(rec) != ncol:
                problems.append(
                    Problem(name, f"line {start}", "", ",".join(rec)[:80], f"{len(rec)} cells but the header has {ncol} columns", "quote values that contain commas")
                )
                continue
            rows.append(rec)
            lines.append(start)
            if len(rows) >= CHUNK_ROWS:
                yield header, _frame(header, rows, lines), problems
                rows, lines, problems = [], [], []
        yield header, _frame(header, rows, lines), problems


def _frame(header: list[str], rows: list[list[str]], lines: list[int]) -> pd.DataFrame:
    cols = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    df = pd.DataFrame({h: pd.Series(c, dtype=object) for h, c in zip(header, cols, strict=True)})
    df["line"] = np.asarray(lines, dtype=np.int64)
    return df


def _json_records(path: Path, name: str) -> tuple[list[dict], list[int], str]:
    text = path.read_text(encoding="utf-8-sig")
    stripped = text.lstrip()
    if stripped.startswith("[") or stripped.startswith("{") and not _is_jsonl(stripped):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise input_error(name, f"line {exc.lineno}", "", "", f"not valid JSON: {exc.msg}", "check brackets, commas and quotes") from None
        if isinstance(obj, dict):
            obj = obj.get("data", obj.get("incidents", obj.get("candidates")))
        if not isinstance(obj, list):
            raise input_error(name, "", "", "", "JSON must be a list of records (or {\"data\": [...]})", "use the ACLED API shape or JSON Lines")
        return obj, list(range(1, len(obj) + 1)), "record"
    recs, nums = [], []
    for i, ln in enumerate(text.splitlines(), start=1):
        if not ln.strip():
            continue
        try:
            recs.append(json.loads(ln))
        except json.JSONDecodeError as exc:
            recs.append({"__error__": exc.msg})
        nums.append(i)
    return recs, nums, "line"


def _is_jsonl(text: str) -> bool:
    first = text.split("\n", 1)
    return len(first) > 1 and first[1].strip().startswith("{") and first[0].rstrip().endswith("}")


def _json_chunks(path: Path, name: str) -> Iterator[tuple[list[str], pd.DataFrame, list[Problem]]]:
    recs, nums, unit = _json_records(path, name)
    problems: list[Problem] = []
    good, good_lines = [], []
    for rec, n in zip(recs, nums, strict=True):
        if not isinstance(rec, dict) or "__error__" in rec:
            msg = rec.get("__error__", "not an object") if isinstance(rec, dict) else "not an object"
            problems.append(Problem(name, f"{unit} {n}", "", "", f"bad record: {msg}", "each record must be a JSON object"))
            continue
        good.append({k: "" if v is None else (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in rec.items()})
        good_lines.append(n)
    header = sorted({k for r in good for k in r}) if good else list(ACLED_COLUMNS)
    df = pd.DataFrame(good, columns=header).fillna("").astype(object) if good else pd.DataFrame(columns=header, dtype=object)
    df["line"] = np.asarray(good_lines, dtype=np.int64)
    df.attrs["unit"] = unit
    yield header, df, problems


def iter_chunks(path: str | Path) -> Iterator[Chunk]:
    """Parse and validate ``path`` chunk by chunk.

    Raises
    ------
    InputError
        When the file is missing, unreadable, or not one of the two shapes (whole-file errors);
        row errors are returned in each chunk's ``problems`` instead.
    """
    p = Path(path)
    name = str(path)
    if not p.is_file():
        raise input_error(name, "", "", "", "no such file", "give the path of a CSV, JSON or JSON Lines file")
    suffix = p.suffix.lower()
    gen = _json_chunks(p, name) if suffix in (".json", ".jsonl", ".ndjson") else _csv_chunks(p, name)
    kind = None
    for header, raw, shape_problems in gen:
        if kind is None:
            kind = detect_kind(header, name)
        unit = raw.attrs.get("unit", "line")
        if kind == "incidents":
            frame, problems = validate_incidents(raw, name, unit)
        else:
            frame, problems = validate_air(raw, name, unit)
        bad_lines = {pr.location for pr in problems}
        allp = sorted(shape_problems + problems, key=lambda pr: int(pr.location.split()[-1]) if pr.location.split()[-1].isdigit() else 0)
        yield Chunk(kind, frame, allp, rows_read=len(raw) + len(shape_problems), rows_bad=len(bad_lines) + len(shape_problems))


# -------------------------------------------------------------------------------------- validation


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    if name in df.columns:
        return df[name].astype(str).str.strip()
    return pd.Series([""] * len(df), index=df.index, dtype=object)


def _problems_for(df, mask, name, unit, fld, values, message, hint) -> list[Problem]:
    idx = np.flatnonzero(mask.to_numpy() if hasattr(mask, "to_numpy") else mask)
    lines = df["line"].to_numpy()
    vals = values.to_numpy()
    return [Problem(name, f"{unit} {int(lines[i])}", fld, str(vals[i])[:80], message, hint) for i in idx]


def _parse_date(s: pd.Series) -> pd.Series:
    d = pd.to_datetime(s, format="ISO8601", errors="coerce", utc=True)
    miss = d.isna() & (s != "")
    if miss.any():  # ACLED web exports use "20 August 2025"
        d2 = pd.to_datetime(s[miss], format="%d %B %Y", errors="coerce", utc=True)
        d = d.where(~miss, d2)
    return d


def _int_col(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    num = pd.to_numeric(s.where(s != "", "0"), errors="coerce")
    bad = num.isna() | (num < 0) | (num != np.floor(num.fillna(0)))
    return num.fillna(0).astype(np.int64), bad


def _bool_col(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    low = s.str.lower()
    return low.isin(_TRUE), ~(low.isin(_TRUE) | low.isin(_FALSE))


def validate_incidents(raw: pd.DataFrame, name: str, unit: str = "line") -> tuple[pd.DataFrame, list[Problem]]:
    """Typed ACLED-shape rows that pass every check, and one problem per failing cell."""
    problems: list[Problem] = []
    bad = pd.Series(False, index=raw.index)
    date_s = _col(raw, "event_date")
    date = _parse_date(date_s)
    m = date.isna()
    problems += _problems_for(raw, m, name, unit, "event_date", date_s, "not a date", "use YYYY-MM-DD (or YYYY-MM-DDTHH:MM)")
    bad |= m
    def _range(lo, hi):
        def parse(s):
            v = pd.to_numeric(s, errors="coerce")
            return v, v.isna() | (v < lo) | (v > hi)

        return parse

    checks = [
        ("latitude", _range(-90, 90), "not a number in [-90, 90]", "decimal degrees (WGS84), latitude"),
        ("longitude", _range(-180, 180), "not a number in [-180, 180]", "decimal degrees (WGS84), longitude"),
        ("fatalities", _int_col, "not a whole number >= 0", "a count of people; leave empty for 0"),
        ("injured", _int_col, "not a whole number >= 0", "a count of people; leave empty for 0"),
        ("illustrative", _bool_col, "not true/false", "use true or false (or leave empty)"),
        ("verified", _bool_col, "not true/false", "use true or false (or leave empty)"),
    ]
    typed = {}
    for fld, parse, message, hint in checks:
        s = _col(raw, fld)
        v, m = parse(s)
        problems += _problems_for(raw, m, name, unit, fld, s, message, hint)
        bad |= m
        typed[fld] = v
    ok = ~bad
    out = pd.DataFrame(
        {
            "line": raw["line"].to_numpy(),
            "event_id": _col(raw, "event_id").to_numpy(),
            "event_date": date.dt.tz_convert(None).dt.normalize().to_numpy(),
            **{c: _col(raw, c).to_numpy() for c in ("event_type", "sub_event_type", "actor1", "actor2", "admin1", "location")},
            "latitude": typed["latitude"].to_numpy(dtype=float),
            "longitude": typed["longitude"].to_numpy(dtype=float),
            "fatalities": typed["fatalities"].to_numpy(),
            "injured": typed["injured"].to_numpy(),
            "notes": _col(raw, "notes").to_numpy(),
            "source": _col(raw, "source").to_numpy(),
            "illustrative": typed["illustrative"].to_numpy(),
            "verified": typed["verified"].to_numpy(),
        }
    )[ok.to_numpy()].reset_index(drop=True)
    problems.sort(key=lambda p: int(p.location.split()[-1]))
    return out, problems


def validate_air(raw: pd.DataFrame, name: str, unit: str = "line") -> tuple[pd.DataFrame, list[Problem]]:
    """Typed Air Force summary rows that pass every check, and one problem per failing cell."""
    problems: list[Problem] = []
    bad = pd.Series(False, index=raw.index)
    t0s = _col(raw, "time_start")
    t0 = pd.to_datetime(t0s.str.replace(" ", "T", regex=False), format="ISO8601", errors="coerce", utc=True)
    m = t0.isna()
    problems += _problems_for(raw, m, name, unit, "time_start", t0s, "not a date-time", "use YYYY-MM-DD HH:MM")
    bad |= m
    t1s = _col(raw, "time_end")
    t1 = pd.to_datetime(t1s.str.replace(" ", "T", regex=False), format="ISO8601", errors="coerce", utc=True)
    m = (t1.isna() & (t1s != "")) | (t1 < t0)
    problems += _problems_for(raw, m, name, unit, "time_end", t1s, "not a date-time at or after time_start", "use YYYY-MM-DD HH:MM, or leave empty")
    bad |= m
    model = _col(raw, "model")
    m = model == ""
    problems += _problems_for(raw, m, name, unit, "model", model, "empty weapon model", "e.g. Shahed-136/131, Kh-101, Iskander-M")
    bad |= m
    ints = {}
    for fld in ("launched", "destroyed"):
        s = _col(raw, fld)
        v, m = _int_col(s)
        problems += _problems_for(raw, m, name, unit, fld, s, "not a whole number >= 0", "a count of weapons")
        bad |= m
        ints[fld] = v
    m = ~bad & (ints["destroyed"] > ints["launched"])
    problems += _problems_for(raw, m, name, unit, "destroyed", _col(raw, "destroyed"), "more destroyed than launched", "check the two counts")
    bad |= m
    ok = ~bad
    out = pd.DataFrame(
        {
            "line": raw["line"].to_numpy(),
            "time_start": t0.dt.tz_convert(None).to_numpy(),
            "time_end": t1.dt.tz_convert(None).to_numpy(),
            "model": model.to_numpy(),
            "launched": ints["launched"].to_numpy(),
            "destroyed": ints["destroyed"].to_numpy(),
            "target": _col(raw, "target").to_numpy(),
        }
    )[ok.to_numpy()].reset_index(drop=True)
    problems.sort(key=lambda p: int(p.location.split()[-1]))
    return out, problems


def incidents_frame(rows) -> pd.DataFrame:
    """Typed incident frame from scenario ``Incident`` rows (already validated by the scenario reader)."""
    raw = pd.DataFrame([{k: ("" if v is None else str(v).lower() if isinstance(v, bool) else str(v)) for k, v in r.model_dump().items()} for r in rows])
    if raw.empty:
        raw = pd.DataFrame(columns=list(ACLED_COLUMNS) + list(ACLED_OPTIONAL), dtype=object)
    raw["line"] = np.asarray([r.line for r in rows], dtype=np.int64)
    frame, problems = validate_incidents(raw, "incidents.csv")
    if problems:
        raise InputError(problems)
    return frame

