"""Read a scenario folder: ``scenario.toml`` plus optional CSV tables.

All parse errors of all files are collected and raised together as one
:class:`~backstop.errors.InputError`, each naming file, line or key path, field, bad value
and a hint.  Cross-reference checks run afterwards (:mod:`backstop.scenario.checks`).
"""

from __future__ import annotations

import csv
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
    if not path.is_file():
        return None, [Problem(str(path), "", "", "", "missing scenario file", f"a scenario folder needs {SCENARIO_FILE} with at least [scenario] name and as_of")]
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return None, [Problem(SCENARIO_FILE, "", "", "", f"not valid TOML: {exc}", "check quotes, brackets and '=' on that line")]
    except UnicodeDecodeError as exc:
        return None, [Problem(SCENARIO_FILE, "", "", "", f"not UTF-8 text: {exc}", "save the file as UTF-8")]
    try:
        return ScenarioConfig.model_validate(raw), []
    except ValidationError as exc:
        return None, _problems(exc, SCENARIO_FILE, lambda loc: "key " + ".".join(loc), ScenarioConfig)


def read_table(path: Path, row: type[Row], display: str | None = None) -> tuple[list[Row], list[Problem]]:
    """Read one CSV table into validated rows; empty cells take the field default.

    Returns the valid rows and the problems (line numbers count the header as line 1).
    """
    name = display or path.name
    rows: list[Row] = []
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem(name, "", "", "", f"not UTF-8 text: {exc}", "save the file as UTF-8 CSV")]
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    known = set(row.model_fields)
    unknown = [h for h in header if h not in known]
    for h in unknown:
        problems.append(Problem(name, "line 1", h, h, "unknown column", f"known columns: {', '.join(row.model_fields)}"))
    required = [k for k, f in row.model_fields.items() if f.is_required()]
    for k in required:
        if k not in header:
            problems.append(Problem(name, "line 1", k, "", "required column missing", _hint(row, k)))
    if unknown or any(k not in header for k in required):
        return [], problems
    for rec in reader:
        line = reader.line_num
        if None in rec:
            problems.append(Problem(name, f"line {line}", "", ",".join(rec[None]), "more cells than columns in the header", "quote values that contain commas"))
            continue
        data = {k: v for k, v in rec.items() if v is not None and v.strip() != ""}
        if not data:
            continue
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
        if p.is_file():
            rows, probs = read_table(p, spec.row)
            tables[name] = tuple(rows)
            problems.extend(probs)
    errors = [p for p in problems if p.severity == "error"]
    if errors or config is None:
        raise InputError(errors)
    scenario = Scenario(config, tables, folder)
    date_problems = _date_problems(scenario)
    if date_problems:
        raise InputError(date_problems)
    warnings = [p for p in problems if p.severity == "warning"] + run_checks(scenario)
    if strict and warnings:
        raise InputError([Problem(**{**w.to_dict(), "severity": "error"}) for w in warnings])
    return Scenario(config, tables, folder, tuple(warnings))
