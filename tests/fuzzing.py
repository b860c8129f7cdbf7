"""Mutations of the inputs a careless or hostile user gives backstop, and the rule they must obey.

A mutation is a plain dict (JSON-able, so that the ones that found bugs are kept as corpus files in
``tests/fuzz_corpus/`` and replayed): ``target`` (``scenario``, ``wta``, ``mclp``, ``incidents``),
``op`` (the mutation class), and its arguments.  :func:`apply` performs it on a copy of the input;
:func:`must_reject` says whether the mutated input is certainly invalid (the oracle: a non-finite or
out-of-type number, an impossible date, a short row, a non-UTF-8 byte, a table that is not a file...).

The rule (issue 15): exit 0 only when the input is valid; otherwise exit 2, every message located
(file and line or key), no traceback, nothing written.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path
from typing import Any

NASTY = ["", "inf", "-inf", "nan", "-1", "1e400", "1e308", "99999999999999999999999", "3000000000", "2025-02-30", "yesterday", "x" * 3000, '"', "ZZZ", "0", "1.5", " ", "true", "\u00e9"]
"""Values that replace a cell or a token."""
NON_NUMBERS = {"", "x" * 3000, '"', "ZZZ", "yesterday", "2025-02-30", " ", "true", "\u00e9"}
NON_FINITE = {"inf", "-inf", "nan", "1e400"}
SCENARIO_OPS = ("cell", "short_row", "duplicate_line", "delete_line", "stray_quote", "bad_byte", "not_a_file", "toml_value")
INSTANCE_OPS = ("token", "delete_line", "duplicate_line", "bad_byte", "header")
INCIDENT_OPS = ("cell", "short_row", "duplicate_line", "stray_quote", "bad_byte", "empty")


# ------------------------------------------------------------------------------------------ apply


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


def _write_lines(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"\n".join(lines))


def _csv_rows(path: Path) -> tuple[list[list[str]], list[int]]:
    """Records and their first physical line (header = 1)."""
    text = path.read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, starts, prev = [], [], 0
    for rec in reader:
        rows.append(rec)
        starts.append(prev + 1)
        prev = reader.line_num
    return rows, starts


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def apply(m: dict[str, Any], folder: Path) -> Path:
    """Perform mutation ``m`` on the input copied into ``folder``; returns the mutated path."""
    p = folder / m["file"]
    op = m["op"]
    if op == "not_a_file":
        p.unlink()
        if m["kind"] == "directory":
            p.mkdir()
        elif m["kind"] == "dangling":
            os.symlink(folder / "nowhere.csv", p)
        else:
            os.symlink(p, p)
        return p
    if op == "empty":
        p.write_bytes(b"")
        return p
    if op in ("cell", "short_row"):
        rows, _ = _csv_rows(p)
        r = 1 + m["row"] % max(1, len(rows) - 1)
        if r >= len(rows):
            return p
        if op == "cell":
            c = m["col"] % len(rows[r])
            rows[r][c] = m["value"]
        else:
            rows[r] = rows[r][: max(1, len(rows[r]) - 1 - m["cut"] % max(1, len(rows[r]) - 1))]
            _write_raw_row(p, rows, r)
            return p
        _write_csv(p, rows)
        return p
    if op == "toml_value":
        lines = p.read_text(encoding="utf-8").split("\n")
        keys = [i for i, ln in enumerate(lines) if "=" in ln and not ln.lstrip().startswith("#") and not ln.startswith(" ") and ln.split("=", 1)[0].strip().isidentifier()]
        i = keys[m["row"] % len(keys)]
        key = lines[i].split("=", 1)[0].rstrip()
        lines[i] = f"{key} = {m['value']}"
        p.write_text("\n".join(lines), encoding="utf-8")
        return p
    lines = _lines(p)
    body = [i for i in range(1, len(lines)) if lines[i].strip()]
    if not body:
        return p
    i = body[m["row"] % len(body)]
    if op == "duplicate_line":
        lines.insert(i, lines[i])
    elif op == "delete_line":
        del lines[i]
    elif op == "stray_quote":
        k = m["col"] % max(1, len(lines[i]))
        lines[i] = lines[i][:k] + b'"' + lines[i][k:]
    elif op == "bad_byte":
        k = m["col"] % max(1, len(lines[i]))
        lines[i] = lines[i][:k] + b"\xe9\xff" + lines[i][k:]
    elif op == "token":
        toks = lines[i].split()
        if toks:
            toks[m["col"] % len(toks)] = m["value"].encode("utf-8") or b"?"
            lines[i] = b" ".join(toks)
    elif op == "header":
        lines[0] = m["value"].encode()
    _write_lines(p, lines)
    return p


def _write_raw_row(p: Path, rows: list[list[str]], r: int) -> None:
    """Write ``rows`` with row ``r`` short (the csv writer would not produce a short row otherwise)."""
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    p.write_text(buf.getvalue(), encoding="utf-8")


# ------------------------------------------------------------------------------------------ oracle


def _field_type(file: str, column: str) -> str:
    """``number``, ``int``, ``date`` or ``text`` for a scenario table column."""
    from backstop.scenario.models import TABLES

    spec = TABLES.get(file.removesuffix(".csv"))
    if spec is None or column not in spec.row.model_fields:
        return "text"
    ann = str(spec.row.model_fields[column].annotation)
    if column == "event_date":
        return "date"
    if "int" in ann and "float" not in ann:
        return "int"
    if "float" in ann:
        return "number"
    return "text"


def must_reject(m: dict[str, Any], original: Path) -> bool:
    """Whether the mutated input is certainly invalid (so exit 0 would be a silent acceptance)."""
    op = m["op"]
    if op in ("not_a_file", "bad_byte", "empty"):
        return True
    if m["target"] in ("scenario", "incidents") and op == "short_row":
        return True
    if m["target"] == "scenario" and op == "cell":
        rows, _ = _csv_rows(original / m["file"])
        r = 1 + m["row"] % max(1, len(rows) - 1)
        if r >= len(rows):
            return False
        col = rows[0][m["col"] % len(rows[r])]
        kind = _field_type(m["file"], col)
        v = m["value"]
        if kind in ("int", "number") and (v in NON_FINITE or v in NON_NUMBERS - {"", " "} or v == "99999999999999999999999"):
            return True
        if kind == "int" and v == "1.5":
            return True
        if kind == "date" and v not in ("2025-09-03",):
            return True
        return False
    if m["target"] == "incidents" and op == "cell":
        rows, _ = _csv_rows(original / m["file"])
        r = 1 + m["row"] % max(1, len(rows) - 1)
        col = rows[0][m["col"] % len(rows[r])]
        v = m["value"]
        if col in ("latitude", "longitude") and v not in ("-1", "0", "1.5"):
            return True
        if col in ("fatalities", "injured") and v not in ("", " ", "0"):
            return True
        return col == "event_date" and v not in ("2025-09-03",)
    if m["target"] in ("wta", "mclp") and op in ("token",):
        return m["value"] in NON_FINITE or m["value"] in NON_NUMBERS - {"true"} or m["value"] in ("1e308",) and m["target"] == "mclp"
    if m["target"] == "wta" and op in ("delete_line", "duplicate_line"):
        return True
    return False


def copy_input(target: str, src: Path, dst: Path) -> Path:
    """A writable copy of the input of ``target`` in ``dst`` (a folder for scenarios)."""
    if target == "scenario":
        shutil.copytree(src, dst / "scenario")
        return dst / "scenario"
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dst / src.name)
    return dst
