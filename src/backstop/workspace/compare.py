"""Two runs side by side: what changed in the outputs, next to what changed in the inputs (the revision diff).

The outputs compared are the runs' CSV frames that answer the chiefs' questions: fill and gaps by capability
and zone (``forcegen_gaps``, ``forcegen_requirements``), burden by nation (``forcegen_burden``), leakers and
value lost per wave (``skies_*`` frames with a ``wave`` column), venues' verdicts (``summit_venues``), and any
other frame both runs have. Rows are keyed by their text columns; numbers are shown A, B and B - A; texts
that differ are shown A → B. Both runs are read through :func:`runs.get_run`, so a comparison involving a
run hidden from the caller is 404, and the comparison's label is the intersection of both runs' audiences.
"""

from __future__ import annotations

import csv
import io
import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstop.workspace import runs, scenarios
from backstop.workspace.models import RunFile
from backstop.workspace.permissions import combined_audience
from backstop.workspace.service import Actor

FIRST = ("forcegen_gaps", "forcegen_requirements", "forcegen_burden", "skies_waves", "summit_venues")
MAX_ROWS = 200


def _num(text: str) -> float | None:
    try:
        v = float(text)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _table(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    return list(reader.fieldnames or []), list(reader)


def compare_frames(a: bytes | None, b: bytes | None) -> dict:
    """One frame of run A against run B: key columns, value columns, rows with A, B and the change."""
    ca, ra = _table(a) if a is not None else ([], [])
    cb, rb = _table(b) if b is not None else ([], [])
    cols = ca + [c for c in cb if c not in ca]
    rows_all = ra + rb
    numeric = [c for c in cols if rows_all and all(_num(r.get(c, "")) is not None or r.get(c, "") == "" for r in rows_all)
               and any(_num(r.get(c, "")) is not None for r in rows_all)]
    keys = [c for c in cols if c not in numeric] or cols[:1]

    def index(rows):
        out: dict[tuple, dict] = {}
        for r in rows:
            k = tuple(r.get(c, "") for c in keys)
            n = 1
            while k in out:  # repeated keys stay distinct, in order
                k = (*tuple(r.get(c, "") for c in keys), f"#{n}")
                n += 1
            out[k] = r
        return out

    ia, ib = index(ra), index(rb)
    order = list(ia) + [k for k in ib if k not in ia]
    rows, changed = [], 0
    for k in order:
        x, y = ia.get(k), ib.get(k)
        cells = []
        row_changed = x is None or y is None
        for c in cols:
            if c in keys:
                continue
            va, vb = (x or {}).get(c, ""), (y or {}).get(c, "")
            if c in numeric:
                na, nb = _num(va), _num(vb)
                delta = None if na is None or nb is None else round(nb - na, 6)
                cells.append({"column": c, "a": va, "b": vb, "delta": delta, "changed": va != vb})
            else:
                cells.append({"column": c, "a": va, "b": vb, "delta": None, "changed": va != vb})
            row_changed = row_changed or va != vb
        changed += row_changed
        rows.append({"key": " / ".join(str(p) for p in k), "only": "a" if y is None else "b" if x is None else "", "cells": cells,
                     "changed": row_changed})
    return {"keys": keys, "values": [c for c in cols if c not in keys], "rows": rows[:MAX_ROWS], "truncated": len(rows) > MAX_ROWS,
            "changed_rows": changed}


def compare(session: Session, actor: Actor, run_a: int, run_b: int) -> dict:
    """Runs A and B side by side, the revision diff when both are on the same scenario, and the label."""
    a, b = runs.get_run(session, actor, run_a), runs.get_run(session, actor, run_b)
    files = {}
    for run in (a, b):
        q = select(RunFile.filename, RunFile.content).where(RunFile.run_id == run.id, RunFile.filename.like("%.csv"))
        files[run.id] = dict(session.execute(q).all())
    names = sorted(set(files[a.id]) | set(files[b.id]), key=lambda n: (FIRST.index(n[:-4]) if n[:-4] in FIRST else len(FIRST), n))
    frames = {n[:-4]: compare_frames(files[a.id].get(n), files[b.id].get(n)) for n in names}
    name_a, name_b = runs.scenario_name(session, a), runs.scenario_name(session, b)
    inputs = None
    if a.scenario_id == b.scenario_id and a.revision != b.revision:
        inputs = scenarios.diff(session, actor, name_a, a.revision, b.revision)
    audience = combined_audience([runs.label_of(a), runs.label_of(b)], actor.as_of) or frozenset()
    return {"a": runs.run_info(a, name_a), "b": runs.run_info(b, name_b), "frames": frames, "revision_diff": inputs,
            "pledges_a": [p["pledge_id"] for p in runs.run_info(a)["inputs"].get("pledges", [])],
            "pledges_b": [p["pledge_id"] for p in runs.run_info(b)["inputs"].get("pledges", [])],
            "audience": sorted(audience)}
