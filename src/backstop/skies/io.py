"""Readers of standard instance files: static weapon-target assignment and maximal covering.

``read_wta`` reads the format of Andersen, Pavlikov and Toffolo (2022) (instances of the public
repository ``tuliotoffolo/wta``); ``read_mclp`` reads the SJC maximal-covering instances
(Lorena and Pereira 2002).  Both raise :class:`backstop.errors.InputError` naming the file, the
line and the bad value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from backstop.errors import input_error
from backstop.skies.mclp import MCLPInstance
from backstop.skies.wta import WTAInstance


def _lines(path: str | Path) -> tuple[str, list[tuple[int, list[str]]]]:
    p = Path(path)
    if not p.is_file():
        raise input_error(str(path), "", "", str(path), "file not found", "give the path of an instance file")
    try:
        text = p.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        raise input_error(str(path), "", "", "", f"cannot read the file ({exc})", "give a plain-text instance file") from None
    rows = [(k + 1, ln.split()) for k, ln in enumerate(text.splitlines()) if ln.strip()]
    return str(path), rows


def _num(file: str, line: int, field: str, tok: str, kind=float):
    try:
        v = kind(tok)
    except ValueError:
        raise input_error(file, f"line {line}", field, tok, f"not a{'n integer' if kind is int else ' number'}", "check the instance format") from None
    if kind is float and not np.isfinite(v):
        raise input_error(file, f"line {line}", field, tok, "not a finite number", "check the instance format")
    return v


def read_wta(path: str | Path) -> WTAInstance:
    """Read a static WTA instance (Andersen, Pavlikov and Toffolo 2022 format).

    Format: first line ``m n u`` (weapon types, targets, units of each type); then ``n`` lines,
    each a target value ``V_j``; then ``m*n`` lines ``i j p`` (0-based indices, ``p`` the
    probability that one unit of type ``i`` destroys target ``j``).  Missing pairs get ``p = 0``.
    """
    file, rows = _lines(path)
    if not rows:
        raise input_error(file, "line 1", "header", "", "empty file", "first line must be `m n u`")
    ln, head = rows[0]
    if len(head) != 3:
        raise input_error(file, f"line {ln}", "header", " ".join(head), "expected three integers `m n u`", "first line: weapon types, targets, units per type")
    m, n, u = (_num(file, ln, f, t, int) for f, t in zip(("m", "n", "u"), head, strict=True))
    if m < 1 or n < 1 or u < 0:
        raise input_error(file, f"line {ln}", "header", " ".join(head), "m and n must be >= 1 and u >= 0", "")
    if len(rows) < 1 + n:
        raise input_error(file, f"line {rows[-1][0]}", "V", "", f"expected {n} target values after the header, found {len(rows) - 1}", "one value per line")
    values = np.empty(n)
    for k in range(n):
        ln, toks = rows[1 + k]
        if len(toks) != 1:
            raise input_error(file, f"line {ln}", "V", " ".join(toks), f"expected one target value (target {k})", "one value per line")
        values[k] = _num(file, ln, "V", toks[0])
        if values[k] < 0:
            raise input_error(file, f"line {ln}", "V", toks[0], "target value must be >= 0", "")
    p = np.zeros((m, n))
    for ln, toks in rows[1 + n:]:
        if len(toks) != 3:
            raise input_error(file, f"line {ln}", "i j p", " ".join(toks), "expected `i j p`", "weapon type, target (0-based), kill probability")
        i, j = _num(file, ln, "i", toks[0], int), _num(file, ln, "j", toks[1], int)
        pij = _num(file, ln, "p", toks[2])
        if not (0 <= i < m):
            raise input_error(file, f"line {ln}", "i", toks[0], f"weapon type out of range 0..{m - 1}", "")
        if not (0 <= j < n):
            raise input_error(file, f"line {ln}", "j", toks[1], f"target out of range 0..{n - 1}", "")
        if not (0.0 <= pij <= 1.0):
            raise input_error(file, f"line {ln}", "p", toks[2], "probability outside [0, 1]", "")
        p[i, j] = pij
    return WTAInstance(values=values, p=p, units=np.full(m, u, dtype=np.int64), name=Path(file).stem)


def read_mclp(path: str | Path) -> MCLPInstance:
    """Read a maximal-covering instance (SJC format): header line, then ``x y demand`` per node.

    Every node is both a demand point and a candidate site; coordinates are planar [m].
    """
    file, rows = _lines(path)
    if len(rows) < 2:
        raise input_error(file, "line 1", "", "", "no nodes", "first line a header, then `x y demand` per node")
    xy, w = [], []
    for ln, toks in rows[1:]:
        if len(toks) < 3:
            raise input_error(file, f"line {ln}", "x y demand", " ".join(toks), "expected `x y demand`", "three numbers per node")
        x, y, d = (_num(file, ln, f, t) for f, t in zip(("x", "y", "demand"), toks[:3], strict=True))
        if d < 0:
            raise input_error(file, f"line {ln}", "demand", toks[2], "demand must be >= 0", "")
        xy.append((x, y))
        w.append(d)
    return MCLPInstance(xy=np.asarray(xy, float), demand=np.asarray(w, float), name=Path(file).stem)
