"""Read a scenario folder: ``scenario.toml`` plus optional CSV tables.

All parse errors of all files are collected and raised together as one
:class:`~backstop.errors.InputError`, each naming file, line or key path, field, bad value
and a hint.  Cross-reference checks run afterwards (:mod:`backstop.scenario.checks`).
"""

from __future__ import annotations

import csv
import io
import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from backstop.errors import InputError, Problem
from backstop.scenario.models import TABLES, Row, ScenarioConfig
from backstop.scenario.scenario import Scenario

SCENARIO_FILE = "scenario.toml"
BUNDLED = ("ukraine-2025",)


def bundled_path(name: str = "ukraine-2025") -> Path:
    """Folder of a bundled scenario."""
    if name not in BUNDLED:
        raise InputError([Problem("<cli>", "argument SCENARIO", "scenario", name, "no bundled scenario of that name", f"use one of: {', '.join(BUNDLED)}, or a folder path")])
    return Path(str(resources.files("backstop.scenario") / "bundled" / name))


def resolve_path(path: str | Path | None) -> Path:
    """A scenario folder from a CLI argument: None = bundled ``ukraine-2025``; a bundled name; a folder."""
    if path is None:
        return bundled_path()
    p = Path(path)
    if not p.exists() and str(path) in BUNDLED:
        return bundled_path(str(path))
    if p.is_file() and p.name == SCENARIO_FILE:
        p = p.parent
    if not p.is_dir():
        raise InputError([Problem(str(path), "", "", "", "no such scenario folder", f"give a folder containing {SCENARIO_FILE}, or a bundled name ({', '.join(BUNDLED)})")])
    return p


def _hint(model: type[BaseModel], name: str) -> str:
    f = model.model_fields.get(name)
    if f is None:
        return f"known fields: {', '.join(model.model_fields)}"
    extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
    unit = f" [{extra['unit']}]" if extra.get("unit") else ""
    typ = getattr(f.annotation, "__name__", str(f.annotation)).replace("typing.", "")
    return f"expected {typ}{unit}: {f.description}"


def _problems(exc: ValidationError, file: str, where, model: type[BaseModel]) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        value = err.get("input", "")
        if isinstance(value, (dict, list)):
            value = ""
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        # walk down nested sections to find the model whose field is at fault
        sub: Any = model
        for part in loc[:-1]:
            f = getattr(sub, "model_fields", {}).get(part)
            ann = getattr(f, "annotation", None) if f else None
            sub = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else sub
        fld = loc[-1] if loc else ""
        out.append(Problem(file, where(loc), fld, "" if value is None else str(value), msg, _hint(sub, fld) if isinstance(sub, type) and issubclass(sub, BaseModel) else ""))
    return out


def _read_toml(folder: Path) -> tuple[ScenarioConfig | None, list[Problem]]:
    path = folder / SCENARIO_FILE
    if not os.path.lexists(path):
        return None, [Problem(str(path), "", "", "", "missing scenario file", f"a scenario folder needs {SCENARIO_FILE} with at least [scenario] name and as_of")]
    if (bad := regular_file_problem(path, SCENARIO_FILE)) is not None:
        return None, [Problem(SCENARIO_FILE, "", "", "", bad.message.replace("the table", "the scenario file"), f"{SCENARIO_FILE} must be a regular TOML file")]
    try:
        if path.stat().st_size > MAX_TABLE_BYTES:
            return None, [Problem(SCENARIO_FILE, "", "", "", f"larger than {MAX_TABLE_BYTES // 2**20} MiB", "a scenario file is a few kilobytes of settings")]
        text, bad = _decode(path.read_bytes(), SCENARIO_FILE)
        if bad is not None:
            return None, [bad]
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [Problem(SCENARIO_FILE, _toml_line(exc), "", "", f"not valid TOML: {exc}", "check quotes, brackets and '=' on that line")]
    except OSError as exc:
        return None, [Problem(SCENARIO_FILE, "", "", "", f"cannot read the file ({exc.strerror or exc})", "check the file's permissions")]
    except RecursionError:
        return None, [Problem(SCENARIO_FILE, "", "", "", "nested too deeply", "a scenario file has sections and keys, not deep nesting")]
    try:
        return ScenarioConfig.model_validate(raw), []
    except ValidationError as exc:
        return None, _problems(exc, SCENARIO_FILE, lambda loc: "key " + ".".join(loc), ScenarioConfig)


MAX_TABLE_BYTES = 64 * 1024 * 1024
"""Largest scenario table read (a scenario table is hand-made; bulk incident data goes to ``monitor import``)."""
MAX_CELL_CHARS = 1024 * 1024
"""Largest CSV cell (the csv module's field limit is raised to this; larger cells are a located error)."""


def regular_file_problem(path: Path, name: str) -> Problem | None:
    """A problem when ``path`` exists (or is a link) but is not a readable regular file."""
    try:
        if path.is_file():
            return None
        kind = "a directory" if path.is_dir() else ("a dangling symbolic link" if path.is_symlink() else "not a regular file")
    except OSError as exc:  # symlink loop (ELOOP), permission
        kind = f"unreadable ({exc.strerror or exc})"
    return Problem(name, "", "", "", f"the table is {kind}", "a table must be a regular CSV file; remove or replace it")


def _decode(raw: bytes, name: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text (BOM dropped), or a problem naming the line of the first undecodable byte."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.start + 4].hex(" ")
        return None, Problem(name, f"line {line}", "", bad, f"not UTF-8 text (byte {exc.start} cannot be decoded)", "save the file as UTF-8 CSV")


def _toml_line(exc: tomllib.TOMLDecodeError) -> str:
    m = re.search(r"line (\d+)", str(exc))
    return f"line {m.group(1)}" if m else ""


def read_table(path: Path, row: type[Row], display: str | None = None) -> tuple[list[Row], list[Problem]]:
    """Read one CSV table into validated rows; empty cells take the field default.

    Every row must have as many cells as the header (a short row is an error, not defaults).
    Returns the valid rows and the problems (line numbers count the header as line 1).
    """
    name = display or path.name
    rows: list[Row] = []
    problems: list[Problem] = []
    if (bad := regular_file_problem(path, name)) is not None:
        return [], [bad]
    try:
        size = path.stat().st_size
        if size > MAX_TABLE_BYTES:
            return [], [Problem(name, "", "", f"{size:,} bytes", f"table larger than {MAX_TABLE_BYTES // 2**20} MiB", "a scenario table is small; import bulk incident data with `backstop monitor import`")]
        raw = path.read_bytes()
    except OSError as exc:
        return [], [Problem(name, "", "", "", f"cannot read the table ({exc.strerror or exc})", "check the file's permissions")]
    text, bad = _decode(raw, name)
    if bad is not None:
        return [], [bad]
    csv.field_size_limit(max(csv.field_size_limit(), 16 * MAX_CELL_CHARS))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        return [], [Problem(name, "line 1", "", "", f"malformed CSV header: {exc}", "check the quotes on that line")]
    if not any(header):
        return [], [Problem(name, "line 1", "", "", "empty table: no header line", f"the first line names the columns, e.g. {','.join(k for k, f in row.model_fields.items() if f.is_required())}")]
    dups = sorted({h for h in header if header.count(h) > 1})
    for h in dups:
        problems.append(Problem(name, "line 1", h, h, "column appears more than once", "keep one column of each name"))
    known = set(row.model_fields)
    unknown = [h for h in header if h not in known]
    for h in unknown:
        problems.append(Problem(name, "line 1", h, h, "unknown column", f"known columns: {', '.join(row.model_fields)}"))
    required = [k for k, f in row.model_fields.items() if f.is_required()]
    for k in required:
        if k not in header:
            problems.append(Problem(name, "line 1", k, "", "required column missing", _hint(row, k)))
    if unknown or dups or any(k not in header for k in required):
        return [], problems
    ncol = len(header)
    prev = reader.line_num
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(name, f"line {prev + 1}", "", "", f"malformed CSV: {exc}", "check the quotes on that line; cells are at most 1 MiB"))
            break
        line = prev + 1  # first physical line of the record (a quoted cell may span lines)
        prev = reader.line_num
        if not any(v.strip() for v in rec):
            if len(rec) > 1 and len(rec) != ncol:
                problems.append(Problem(name, f"line {line}", "", ",".join(rec), f"row has {len(rec)} cells but the header has {ncol} columns", "give every cell, or delete the line"))
            continue  # a blank line
        big = next((k for k, v in enumerate(rec) if len(v) > MAX_CELL_CHARS), None)
        if big is not None:  # the csv module's limit is process-wide: the rule is checked here
            problems.append(Problem(name, f"line {line}", header[big] if big < ncol else "", rec[big], f"cell of {len(rec[big]):,} characters, more than {MAX_CELL_CHARS // 1024} KiB", "a scenario cell is a value or a short note"))
            continue
        if len(rec) > ncol:
            problems.append(Problem(name, f"line {line}", "", ",".join(rec[ncol:]), f"row has {len(rec)} cells, more than the {ncol} columns of the header", "quote values that contain commas"))
            continue
        if len(rec) < ncol:
            missing = header[len(rec):]
            problems.append(Problem(name, f"line {line}", missing[0], "", f"row has {len(rec)} cells but the header has {ncol} columns (missing: {', '.join(missing)})", "give every cell (leave it empty between commas for the default)"))
            continue
        data = {k: v for k, v in zip(header, rec, strict=True) if v.strip() != ""}
        try:
            obj = row.model_validate(data)
            obj._line = line
            rows.append(obj)
        except ValidationError as exc:
            problems.extend(_problems(exc, name, lambda loc, line=line: f"line {line}", row))
    return rows, problems


def _date_problems(scenario: Scenario) -> list[Problem]:
    """The scenario's dates resolved into reference snapshots (the rules every analysis applies)."""
    from backstop.reference.states import DateNotCovered

    out = []
    for key, date in (("scenario.as_of", scenario.as_of), ("summit.date", scenario.config.summit.date)):
        if date is None:
            continue
        try:
            scenario.snapshot_on(date)
        except DateNotCovered as exc:
            out.append(exc.problem(SCENARIO_FILE, f"key {key}", key.split(".")[1]))
    return out


def read_scenario(path: str | Path | None = None, *, strict: bool = False) -> Scenario:
    """Read and validate a scenario folder (None = the bundled ``ukraine-2025``).

    Raises
    ------
    InputError
        With every parse problem of every file; under ``strict`` also with the warnings of
        the cross-reference checks.
    """
    from backstop.scenario.checks import run_checks

    folder = resolve_path(path)
    config, problems = _read_toml(folder)
    tables: dict[str, tuple[Row, ...]] = {}
    known_csv = {f"{n}.csv" for n in TABLES}
    for p in sorted(folder.glob("*.csv")):
        if p.name not in known_csv:
            problems.append(Problem(p.name, "", "", p.name, "unknown table", f"known tables: {', '.join(sorted(known_csv))}", severity="warning"))
    for name, spec in TABLES.items():
        p = folder / f"{name}.csv"
        if os.path.lexists(p):  # a directory, dangling link or link loop is an error, not an absent table
            rows, probs = read_table(p, spec.row)
            tables[name] = tuple(rows)
            problems.extend(probs)
    parse_errors = [p for p in problems if p.severity == "error"]
    if config is not None:
        # the checks run on what parsed, so that warnings are shown together with parse errors;
        # their errors (unknown references...) only count once the files parse
        checked = run_checks(Scenario(config, tables, folder))
        problems += [c for c in checked if c.severity == "warning" or not parse_errors]
        problems = _date_problems(Scenario(config, tables, folder)) + problems  # dates resolve into reference snapshots
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if strict:
        errors += [Problem(**{**w.to_dict(), "severity": "error"}) for w in warnings]
        warnings = []
    if errors or config is None:
        raise InputError(errors + warnings)
    return Scenario(config, tables, folder, tuple(warnings))
