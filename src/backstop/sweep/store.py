"""The sweep's store: one Parquet file per finished variant, written as variants finish.

Layout of the output folder::

    OUT/manifest.json          the sweep's fingerprint (spec, scenario, analyses), checked on resume
    OUT/parts/<id>.parquet     one row per finished variant (outputs, or the error), written atomically
    OUT/sweep.parquet          the whole table, one row per design row, written when every variant is done

A part is written to a temporary name and renamed into place, so a crash, ``kill -9`` or Ctrl-C
never leaves half a file: at most the variants in flight are lost.  A rerun with the same spec
reads the ids in ``parts/`` and skips them; a rerun with a different spec into the same folder
is refused (``--fresh`` starts over).  A variant that failed is stored with its error and counts
as finished (``--retry-failed`` runs those again).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from backstop.errors import InputError, Problem

MANIFEST = "manifest.json"
PARTS = "parts"
TABLE = "sweep.parquet"


class Store:
    """A sweep's output folder."""

    def __init__(self, out: str | Path, fingerprint: str, manifest: dict[str, Any], *, fresh: bool = False) -> None:
        self.out = Path(out)
        self.parts = self.out / PARTS
        path = self.out / MANIFEST
        if fresh and self.out.exists():
            shutil.rmtree(self.parts, ignore_errors=True)
            for name in (MANIFEST, TABLE):
                (self.out / name).unlink(missing_ok=True)
        if path.is_file():
            try:
                old = json.loads(path.read_text(encoding="utf-8")).get("fingerprint")
            except (json.JSONDecodeError, OSError):
                old = None
            if old != fingerprint:
                raise InputError([Problem(str(self.out), "", "-o", str(self.out), "this folder holds the results of a different sweep (other spec, scenario or analyses)", "give another -o folder, or --fresh to discard them")])
        self.parts.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"fingerprint": fingerprint, **manifest}, indent=1, default=str), encoding="utf-8")
        os.replace(tmp, path)

    def finished(self) -> dict[str, str]:
        """Ids of the variants stored so far, with their status (``ok`` or ``error``)."""
        out = {}
        for p in self.parts.glob("*.parquet"):
            out[p.stem] = "?"
        if not out:
            return {}
        df = self.read_parts(columns=["variant_id", "status"])
        return dict(zip(df["variant_id"], df["status"], strict=True))

    def drop(self, ids: list[str]) -> None:
        """Forget some finished variants (``--retry-failed``)."""
        for i in ids:
            (self.parts / f"{i}.parquet").unlink(missing_ok=True)

    def write(self, row: dict[str, Any]) -> None:
        """Store one finished variant (atomically)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        vid = row["variant_id"]
        tmp = self.parts / f".{vid}.tmp"
        pq.write_table(pa.Table.from_pylist([row]), tmp)
        os.replace(tmp, self.parts / f"{vid}.parquet")

    def read_parts(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Every stored variant, one row each (order of ids)."""
        files = sorted(self.parts.glob("*.parquet"))
        if not files:
            return pd.DataFrame(columns=columns or ["variant_id", "status"])
        frames = [pd.read_parquet(f, columns=columns) if columns else pd.read_parquet(f) for f in files]
        frames = [f.astype({c: object for c in f.columns if f[c].isna().all()}) for f in frames]
        return pd.concat(frames, ignore_index=True, sort=False)

    def write_table(self, table: pd.DataFrame, metadata: dict[str, Any]) -> Path:
        """Write ``sweep.parquet`` with ``metadata`` (the spec, the design) in its schema."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        t = pa.Table.from_pandas(table, preserve_index=False)
        t = t.replace_schema_metadata({**(t.schema.metadata or {}), b"backstop.sweep": json.dumps(metadata, default=str).encode()})
        path = self.out / TABLE
        tmp = path.with_suffix(".tmp")
        pq.write_table(t, tmp)
        os.replace(tmp, path)
        return path


def read_sweep(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read ``sweep.parquet`` (or a sweep's output folder): the table and the sweep's metadata."""
    import pyarrow.parquet as pq

    p = Path(path)
    if p.is_dir():
        p = p / TABLE
    if not p.is_file():
        raise InputError([Problem(str(path), "", "", "", "no sweep table here", f"give a sweep's output folder or its {TABLE} (backstop sweep SPEC -o OUT)")])
    try:
        t = pq.read_table(p)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise InputError([Problem(str(p), "", "", "", f"not a readable Parquet file: {exc}", "rerun the sweep")]) from None
    meta = (t.schema.metadata or {}).get(b"backstop.sweep")
    if meta is None:
        raise InputError([Problem(str(p), "", "", "", "not a backstop sweep table (no sweep metadata)", "give the sweep.parquet written by backstop sweep")])
    return t.to_pandas(), json.loads(meta)
