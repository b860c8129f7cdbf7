"""Incidents entered or uploaded by nations, and the timeline of a violation from report to action.

Guarantors and national staffs report incidents in the monitor's two shapes: ACLED-compatible incident
reports and Ukrainian Air Force daily summaries (:mod:`backstop.monitor.schema`). Every file (and the form,
written as a one-row CSV) goes through the monitor's own reader and row checks
(:func:`backstop.monitor.ingest.load_raw` and :func:`~backstop.monitor.ingest.validate_raw`), and ACLED rows
through the scenario's ``Incident`` model too (what the monitor run reads); any problem refuses the whole
file with located messages (file, line, field, value, hint) and nothing is saved.

Each incident carries its owner nation and releasability like every record. A monitor run
(:mod:`backstop.workspace.runs`) reads the ACLED incidents visible to the user who starts it, appended to
the revision's ``incidents.csv`` with ``event_id`` ``WS-<id>``, so the violation register is the monitor's
own (dedup, classification, commitments: nothing reimplemented here) and the run's label is the most
restrictive label of the incidents it read. The register carries each violation's ``event_ids``, which
links a violation back to the incidents it was built from (:mod:`backstop.workspace.violations`).

Air Force summaries are validated and stored with their labels; the monitor's scenario pipeline reads
only ``incidents.csv``, so they do not yet enter the register of a workspace run (see docs/workspace.md).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstop.errors import InputError, Problem
from backstop.monitor.schema import ACLED_COLUMNS, ACLED_OPTIONAL, AIR_COLUMNS
from backstop.workspace import audit
from backstop.workspace.models import IncidentRecord
from backstop.workspace.permissions import INCIDENT_REPORT, READ, Label, encode, has, visible_filter
from backstop.workspace.service import Actor, Forbidden, NotFound

FORM = "<form>"
KINDS = {"incidents": (*ACLED_COLUMNS, *ACLED_OPTIONAL), "air": AIR_COLUMNS}
SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson")
MAX_ROWS = 5000
"""Most incidents one upload may hold (a day's reports of a theatre are far fewer; a bulk archive goes
through ``backstop monitor import`` instead)."""
PREFIX = "WS-"


def may_report(role: str) -> bool:
    """Planners, national points of contact and guarantors report incidents (each owned by her nation)."""
    return has(role, INCIDENT_REPORT)


# -- validation (the monitor's reader and row checks) ------------------------------------------------------


def _rename(problems: list[Problem], shown: str) -> list[Problem]:
    return [Problem(shown, p.location, p.field, p.value, p.message, p.hint, p.severity) for p in problems]


def validate(content: bytes, filename: str, *, limit_bytes: int) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    """The kind (``incidents`` or ``air``) and the rows ``(line, cells)`` of a file; InputError on any problem.

    The monitor's reader decides the shape from the header and checks every row in SQL; ACLED rows are then
    checked by the scenario's ``Incident`` model, which the monitor run will read them with.
    """
    import duckdb

    from backstop.monitor import ingest

    shown = Path(filename or "upload.csv").name[:100] or "upload.csv"
    suffix = Path(shown).suffix.lower()
    if len(content) > limit_bytes:
        raise InputError([Problem(shown, "", "", f"{len(content)} bytes", f"file too large: the limit is {limit_bytes // 1024} KiB",
                                  "split the file or upload one day at a time")])
    if suffix not in SUFFIXES:
        raise InputError([Problem(shown, "", "", suffix or "(none)", "not an incident file name",
                                  f"name it .csv (or {', '.join(SUFFIXES[1:])}); ACLED or Air Force summary columns")])
    with tempfile.TemporaryDirectory(prefix="bs-incidents-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(content)
        con = duckdb.connect(":memory:")
        try:
            con.execute("SET TimeZone = 'UTC'")
            try:
                rf = ingest.load_raw(con, path)
            except InputError as exc:
                raise InputError(_rename(exc.problems, shown)) from None
            problems = list(rf.problems) + ingest.validate_raw(con, rf)
            if problems:
                raise InputError(_rename(problems, shown))
            cols = [c for c in KINDS[rf.kind]]
            rows = con.execute(f"SELECT line, {', '.join(cols)} FROM _raw ORDER BY rid").fetchall()
        finally:
            con.close()
    if len(rows) > MAX_ROWS:
        raise InputError([Problem(shown, f"line {rows[MAX_ROWS][0]}", "", f"{len(rows)} records", f"more than {MAX_ROWS} incidents in one upload",
                                  "split the file; archives go through `backstop monitor import`")])
    out = [(int(r[0]), {c: ("" if v is None else str(v)) for c, v in zip(cols, r[1:], strict=True) if v not in (None, "")}) for r in rows]
    if rf.kind == "incidents":
        _check_incident_model(out, shown, rf.unit)
    return rf.kind, out


def _check_incident_model(rows: list[tuple[int, dict[str, str]]], shown: str, unit: str) -> None:
    from pydantic import ValidationError

    from backstop.scenario.models.monitor import Incident

    fields = set(Incident.model_fields)
    problems = []
    for line, cells in rows:
        try:
            Incident.model_validate({k: v for k, v in cells.items() if k in fields})
        except ValidationError as exc:
            for e in exc.errors():
                f = str(e["loc"][0]) if e.get("loc") else ""
                problems.append(Problem(shown, f"{unit} {line}", f, cells.get(f, ""), e["msg"], "see docs/scenario-format.md, table incidents"))
    if problems:
        raise InputError(problems)


def _form_csv(cells: dict[str, str], kind: str) -> bytes:
    cols = [c for c in KINDS[kind] if c in cells or c in (ACLED_COLUMNS if kind == "incidents" else AIR_COLUMNS)]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    w.writerow({c: (cells.get(c) or "").strip() for c in cols})
    return buf.getvalue().encode("utf-8")


# -- writing and reading ---------------------------------------------------------------------------------


def _check_writer(actor: Actor) -> None:
    if not may_report(actor.role):
        raise Forbidden(f"the role {actor.role!r} may not report incidents")


def _add(session: Session, actor: Actor, kind: str, rows, source: str, tokens: tuple[str, ...]) -> list[IncidentRecord]:
    now = audit.now()
    recs = [IncidentRecord(kind=kind, data=json.dumps(cells, sort_keys=True), source_file=source, line=line, created_by=actor.name,
                           created_at=now, owner=actor.nation, releasable_to=encode(tokens)) for line, cells in rows]
    session.add_all(recs)
    session.flush()
    audit.append(session, actor=actor.name, actor_nation=actor.nation, action="incident.report", target=f"incidents:{recs[0].id}-{recs[-1].id}",
                 owner=actor.nation, releasable_to=encode(tokens), after={"kind": kind, "source": source, "rows": len(recs)})
    return recs


def add_form(session: Session, actor: Actor, cells: dict[str, str], tokens: tuple[str, ...], *, limit_bytes: int) -> IncidentRecord:
    """One ACLED-shape incident from the form; the same checks as a file, located to the form's fields."""
    _check_writer(actor)
    kind, rows = validate_form(cells, limit_bytes=limit_bytes)
    return _add(session, actor, kind, rows, FORM, tokens)[0]


def validate_form(cells: dict[str, str], *, limit_bytes: int):
    try:
        kind, rows = validate(_form_csv(cells, "incidents"), "form.csv", limit_bytes=limit_bytes)
    except InputError as exc:
        raise InputError([Problem(FORM, "incident form", p.field, p.value, p.message, p.hint, p.severity) for p in exc.problems]) from None
    return kind, [(1, cells_) for _, cells_ in rows]


def upload(session: Session, actor: Actor, content: bytes, filename: str, tokens: tuple[str, ...], *, limit_bytes: int) -> list[IncidentRecord]:
    """Every row of an uploaded file, or nothing (InputError with every row's problems)."""
    _check_writer(actor)
    kind, rows = validate(content, filename, limit_bytes=limit_bytes)
    return _add(session, actor, kind, rows, Path(filename or "upload.csv").name[:200], tokens)


def visible_incidents(session: Session, actor: Actor, kind: str | None = None, limit: int = 1000) -> list[IncidentRecord]:
    if not has(actor.role, READ):
        raise Forbidden(f"the role {actor.role!r} may not read incidents")
    q = select(IncidentRecord).where(visible_filter(IncidentRecord, actor.nation, actor.as_of))
    if kind is not None:
        q = q.where(IncidentRecord.kind == kind)
    return list(session.execute(q.order_by(IncidentRecord.id.desc()).limit(limit)).scalars())


def get_incident(session: Session, actor: Actor, incident_id: int) -> IncidentRecord:
    rec = session.get(IncidentRecord, incident_id)
    if rec is None or not Label.of(rec).visible_to(actor.nation, actor.as_of):
        raise NotFound(f"no incident {incident_id}")
    return rec


def incident_info(rec: IncidentRecord) -> dict:
    return {"id": rec.id, "event_id": f"{PREFIX}{rec.id}", "kind": rec.kind, "data": json.loads(rec.data), "source_file": rec.source_file,
            "line": rec.line, "created_by": rec.created_by, "created_at": rec.created_at, "owner": rec.owner,
            "releasable_to": list(Label.of(rec).releasable_to), "marking": Label.of(rec).marking}


def incidents_csv(base: bytes, records: list[IncidentRecord]) -> bytes:
    """The revision's ``incidents.csv`` with the workspace's ACLED incidents appended (``event_id`` ``WS-<id>``).

    The header of the revision's file is kept (cells it lacks are dropped); records in id order.
    """
    text = base.decode("utf-8-sig") if base else ""
    reader = csv.DictReader(io.StringIO(text))
    header = list(reader.fieldnames or ["event_id", *ACLED_COLUMNS])
    if "event_id" not in header:
        header.insert(0, "event_id")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for row in reader:
        w.writerow(row)
    for rec in sorted(records, key=lambda r: r.id):
        cells = json.loads(rec.data)
        w.writerow({**{c: cells.get(c, "") for c in header}, "event_id": f"{PREFIX}{rec.id}"})
    return buf.getvalue().encode("utf-8")
