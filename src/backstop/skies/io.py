"""Readers of standard instance files: static weapon-target assignment and maximal covering.

``read_wta`` reads the format of Andersen, Pavlikov and Toffolo (2022) (instances of the public
repository ``tuliotoffolo/wta``); ``read_mclp`` reads the SJC maximal-covering instances
(Lorena and Pereira 2002).  Both raise :class:`backstop.errors.InputError` naming the file, the
line and the bad value.

Numbers are parsed in one NumPy pass over the whole block (``numpy.array(tokens, float)``); only
when that fails, or a vectorised check finds a bad row, is the first bad line looked up, so a
300 x 600 instance reads in tens of milliseconds.  Sizes are checked against :data:`MAX_WTA_CELLS`
and :data:`MAX_MCLP_NODES` before anything is allocated.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np

from backstop.errors import input_error
from backstop.skies.mclp import MCLPInstance
from backstop.skies.wta import WTAInstance

MAX_WTA_CELLS = 4_000_000
"""Largest weapon types x targets read (a 2,000 x 2,000 instance; 32 MB of probabilities)."""
MAX_WTA_UNITS = 1_000_000
"""Largest number of units per weapon type."""
MAX_MCLP_NODES = 50_000
"""Largest maximal-covering instance read (nodes are both demand points and candidate sites)."""
MAX_COORD = 1e9
"""Largest absolute planar coordinate [m] (beyond, squared distances lose all precision or overflow)."""
MAX_DEMAND = 1e12
"""Largest demand of one node."""
_BLANK = re.compile(r"^[ \t\f\v\r]*$", re.M)


def _lines(path: str | Path) -> tuple[str, list[int], list[str]]:
    """(file name, line numbers, texts) of the non-empty lines."""
    p = Path(path)
    try:
        if not p.is_file():
            raise input_error(str(path), "", "", str(path), "file not found (or not a regular file)", "give the path of an instance file")
        raw = p.read_bytes()
    except OSError as exc:
        raise input_error(str(path), "", "", "", f"cannot read the file ({exc.strerror or exc})", "give a plain-text instance file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise input_error(str(path), f"line {line}", "", raw[exc.start : exc.start + 4].hex(" "), "not UTF-8 text", "give a plain-text instance file") from None
    lines = text.splitlines()
    if not _BLANK.search(text.rstrip()):  # no blank line inside: line k is lines[k - 1]
        return str(path), list(range(1, len(lines) + 1)), lines
    nums, texts = [], []
    for k, ln in enumerate(lines):
        if ln.strip():
            nums.append(k + 1)
            texts.append(ln)
    return str(path), nums, texts


def _num(file: str, line: int, field: str, tok: str, kind=float):
    try:
        v = kind(tok)
    except (ValueError, OverflowError):
        raise input_error(file, f"line {line}", field, tok, f"not a{'n integer' if kind is int else ' number'}", "check the instance format") from None
    if kind is float and not np.isfinite(v):
        raise input_error(file, f"line {line}", field, tok, "not a finite number", "check the instance format")
    return v


def _block(file: str, nums: list[int], texts: list[str], ncol: int, fields: tuple[str, ...], what: str) -> np.ndarray:
    """Rows of ``ncol`` numbers, one per line, parsed at once (NumPy's C reader); the first bad line is named."""
    arr = None
    if texts:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                arr = np.loadtxt(texts, dtype=np.float64, ndmin=2, comments=None)
        except ValueError:
            arr = None
    else:
        arr = np.zeros((0, ncol))
    if arr is None or arr.shape != (len(texts), ncol):
        for k, t in enumerate(texts):  # locate the culprit line by line
            toks = t.split()
            if len(toks) != ncol:
                raise input_error(file, f"line {nums[k]}", " ".join(fields), t.strip(), f"expected `{' '.join(fields)}`", what)
            for f, x in zip(fields, toks, strict=True):
                _num(file, nums[k], f, x)
        raise input_error(file, f"line {nums[0]}", " ".join(fields), "", "unreadable numbers", what)  # pragma: no cover
    finite = np.isfinite(arr)
    if not finite.all():
        k, c = np.argwhere(~finite)[0]
        raise input_error(file, f"line {nums[k]}", fields[c], texts[k].split()[c], "not a finite number", "check the instance format")
    return arr


def read_wta(path: str | Path) -> WTAInstance:
    """Read a static WTA instance (Andersen, Pavlikov and Toffolo 2022 format).

    Format: first line ``m n u`` (weapon types, targets, units of each type); then ``n`` lines,
    each a target value ``V_j``; then exactly ``m*n`` lines ``i j p`` (0-based indices, ``p`` the
    probability that one unit of type ``i`` destroys target ``j``), each pair once.
    """
    file, nums, texts = _lines(path)
    if not texts:
        raise input_error(file, "line 1", "header", "", "empty file", "first line must be `m n u`")
    ln, head = nums[0], texts[0].split()
    if len(head) != 3:
        raise input_error(file, f"line {ln}", "header", " ".join(head), "expected three integers `m n u`", "first line: weapon types, targets, units per type")
    m, n, u = (_num(file, ln, f, t, int) for f, t in zip(("m", "n", "u"), head, strict=True))
    if m < 1 or n < 1 or u < 0:
        raise input_error(file, f"line {ln}", "header", " ".join(head), "m and n must be >= 1 and u >= 0", "first line: weapon types, targets, units per type")
    if m * n > MAX_WTA_CELLS or u > MAX_WTA_UNITS:
        raise input_error(file, f"line {ln}", "header", " ".join(head), f"instance too large: {m:,} x {n:,} weapon-target pairs and {u:,} units (at most {MAX_WTA_CELLS:,} pairs and {MAX_WTA_UNITS:,} units)", "split the instance; larger ones do not fit the solvers' memory")
    if len(texts) < 1 + n:
        raise input_error(file, f"line {nums[-1]}", "V", "", f"expected {n} target values after the header, found {len(texts) - 1}", "one value per line")
    values = _block(file, nums[1 : 1 + n], texts[1 : 1 + n], 1, ("V",), "one target value per line")[:, 0]
    if (values < 0).any():
        k = int(np.flatnonzero(values < 0)[0])
        raise input_error(file, f"line {nums[1 + k]}", "V", texts[1 + k].strip(), "target value must be >= 0", "values are non-negative")
    pl_nums, pl_texts = nums[1 + n :], texts[1 + n :]
    trip = _block(file, pl_nums, pl_texts, 3, ("i", "j", "p"), "weapon type, target (0-based), kill probability")
    i, j, pij = trip[:, 0], trip[:, 1], trip[:, 2]
    for col, name, hi in ((i, "i", m), (j, "j", n)):
        bad = (col != np.floor(col)) | (col < 0) | (col >= hi)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            tok = pl_texts[k].split()[0 if name == "i" else 1]
            what = "weapon type" if name == "i" else "target"
            raise input_error(file, f"line {pl_nums[k]}", name, tok, f"{what} not an integer in 0..{hi - 1}", "indices are 0-based")
    bad = (pij < 0) | (pij > 1)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise input_error(file, f"line {pl_nums[k]}", "p", pl_texts[k].split()[2], "probability outside [0, 1]", "a kill probability")
    flat = i.astype(np.int64) * n + j.astype(np.int64)
    order = np.argsort(flat, kind="stable")
    dup = np.flatnonzero(np.diff(flat[order]) == 0)
    if dup.size:
        first, again = int(order[dup[0]]), int(order[dup[0] + 1])
        raise input_error(file, f"line {pl_nums[again]}", "i j", f"{int(i[again])} {int(j[again])}", f"pair given twice (first on line {pl_nums[first]})", "each weapon-target pair once")
    if len(flat) != m * n:
        where = f"line {pl_nums[-1]}" if pl_nums else f"line {nums[n]}"
        raise input_error(file, where, "i j p", "", f"expected {m * n:,} pair lines (m x n), found {len(flat):,}: the file is truncated", "every weapon-target pair is listed once")
    p = np.zeros((m, n))
    p[i.astype(np.int64), j.astype(np.int64)] = pij
    return WTAInstance(values=values, p=p, units=np.full(m, u, dtype=np.int64), name=Path(file).stem)


def read_mclp(path: str | Path) -> MCLPInstance:
    """Read a maximal-covering instance (SJC format): header line, then ``x y demand`` per node.

    Every node is both a demand point and a candidate site; coordinates are planar [m], at most
    :data:`MAX_COORD` in absolute value; demands are finite and >= 0.
    """
    file, nums, texts = _lines(path)
    if len(texts) < 2:
        raise input_error(file, "line 1", "", "", "no nodes", "first line a header, then `x y demand` per node")
    if len(texts) - 1 > MAX_MCLP_NODES:
        raise input_error(file, f"line {nums[-1]}", "", f"{len(texts) - 1:,} nodes", f"instance too large (at most {MAX_MCLP_NODES:,} nodes)", "split the instance")
    nums, texts = nums[1:], texts[1:]
    short = next((k for k, t in enumerate(texts) if len(t.split()) < 3), None)
    if short is not None:
        raise input_error(file, f"line {nums[short]}", "x y demand", texts[short].strip(), "expected `x y demand`", "three numbers per node")
    arr = _block(file, nums, [" ".join(t.split()[:3]) for t in texts], 3, ("x", "y", "demand"), "three numbers per node")
    for c, name in ((0, "x"), (1, "y")):
        bad = np.abs(arr[:, c]) > MAX_COORD
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise input_error(file, f"line {nums[k]}", name, texts[k].split()[c], f"coordinate beyond +-{MAX_COORD:g}", "planar coordinates in metres")
    bad = (arr[:, 2] < 0) | (arr[:, 2] > MAX_DEMAND)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise input_error(file, f"line {nums[k]}", "demand", texts[k].split()[2], f"demand must be in [0, {MAX_DEMAND:g}]", "a non-negative weight")
    return MCLPInstance(xy=arr[:, :2].copy(), demand=arr[:, 2].copy(), name=Path(file).stem)
