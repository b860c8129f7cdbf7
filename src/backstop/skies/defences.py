"""Defences: air-defence units placed at positions, with magazines and a firing doctrine.

Each ``defences.csv`` row (system from the catalogue, position, count, magazine, doctrine) becomes
one engagement layer of ``count`` units pooling their magazines.  Bad rows are reported all at once, naming the row: an unknown system, a
system with no engagement envelope (no class it can engage, or a class flagged without a Pk), a
position off the map (not on land in Ukraine or a neighbouring state, Natural Earth 1:10m), an
empty magazine.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from backstop.errors import InputError, Problem
from backstop.skies.catalogue import CLASSES, effective_pk, load_systems

FILE = "defences.csv"
REGION_STATES = {"UKR", "POL", "ROU", "SVK", "HUN", "MDA"}
"""States where a defence may stand: Ukraine and its coalition-side neighbours."""


@dataclass(frozen=True)
class Batteries:
    """Engagement layers as arrays (index = layer = one ``defences.csv`` row), in engagement order
    (cheapest interceptor first).  The ``count`` units of a row fight as one layer: they pool their
    magazines (more units = more rounds against saturation), and a threat meets each layer once."""

    row_id: np.ndarray
    system: np.ndarray
    capability: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    range_km: np.ndarray
    pk: np.ndarray  # (B, 4) per class after doctrine
    magazine: np.ndarray  # int, ready rounds of the whole row (count x per-unit load), -1 = unlimited
    count: np.ndarray  # batteries / teams pooled in the row
    look: np.ndarray  # True = shoot-look-shoot
    cost_usd: np.ndarray  # per interceptor

    def __len__(self) -> int:
        return len(self.row_id)

    def with_magazine(self, magazine: np.ndarray) -> Batteries:
        from dataclasses import replace

        return replace(self, magazine=np.asarray(magazine, dtype=np.int64))

    def subset(self, keep: np.ndarray) -> Batteries:
        from dataclasses import fields, replace

        return replace(self, **{f.name: getattr(self, f.name)[keep] for f in fields(self)})


@lru_cache(maxsize=4096)
def _country_at(lon: float, lat: float) -> str | None:
    from backstop.reference.geography import country_at

    return country_at(lon, lat)


def build_batteries(rows, *, check_position: bool = True) -> Batteries:
    """Expand ``defences.csv`` rows into batteries; raise :class:`InputError` for bad rows."""
    systems = load_systems()
    problems: list[Problem] = []
    recs = []
    for r in rows:
        line = getattr(r, "line", None)
        where = f"line {line}" if line else f"row {r.id}"
        sys_ = systems.get(r.system)
        if sys_ is None:
            problems.append(Problem(FILE, where, "system", r.system, f"unknown air-defence system (row {r.id})", f"known: {', '.join(sorted(systems))}"))
            continue
        for k, c in enumerate(CLASSES):
            if sys_.engages[k] and np.isnan(sys_.pk[k]):
                problems.append(Problem(FILE, where, "system", r.system, f"row {r.id}: the catalogue says {sys_.id} engages {c} but gives no kill probability (no envelope)", "fill pk_" + c + " in air_defence_systems.csv"))
        pk = effective_pk(sys_)
        if sys_.range_km <= 0 or not np.any(pk > 0):
            problems.append(Problem(FILE, where, "system", r.system, f"row {r.id}: {sys_.name} has no engagement envelope for any threat class", "pick a system with a range and a kill probability"))
        mag = sys_.magazine if r.magazine is None else int(r.magazine)
        if mag == 0:
            problems.append(Problem(FILE, where, "magazine", str(r.magazine), f"row {r.id}: empty magazine", "give at least one ready interceptor, or leave empty for the catalogue load"))
        if check_position:
            iso = _country_at(r.lon, r.lat)
            if iso is None:
                problems.append(Problem(FILE, where, "lat/lon", f"{r.lat}, {r.lon}", f"row {r.id}: position off the map (not on land)", "check the coordinates (lat first, lon second, degrees)"))
            elif iso not in REGION_STATES:
                problems.append(Problem(FILE, where, "lat/lon", f"{r.lat}, {r.lon}", f"row {r.id}: position in {iso}, outside the region", f"place defences in {', '.join(sorted(REGION_STATES))}"))
        recs.append((r, sys_, pk, mag * r.count if mag > 0 else mag))
    if problems:
        raise InputError(problems)
    if not recs:
        raise InputError([Problem(FILE, "", "", "", "no defences", "add at least one row to defences.csv")])
    order = sorted(range(len(recs)), key=lambda i: (recs[i][1].interceptor_cost_usd, i))
    recs = [recs[i] for i in order]
    return Batteries(
        row_id=np.array([r.id for r, *_ in recs]), system=np.array([s.id for _, s, *_ in recs]),
        capability=np.array([s.capability for _, s, *_ in recs]),
        lat=np.array([r.lat for r, *_ in recs], float), lon=np.array([r.lon for r, *_ in recs], float),
        range_km=np.array([s.range_km for _, s, *_ in recs], float), pk=np.array([pk for *_, pk, _ in recs], float),
        magazine=np.array([m for *_, m in recs], np.int64), count=np.array([r.count for r, *_ in recs], np.int64),
        look=np.array([r.doctrine == "shoot-look-shoot" for r, *_ in recs]),
        cost_usd=np.array([s.interceptor_cost_usd for _, s, *_ in recs], float),
    )


def make_batteries(system_ids, lat, lon, *, doctrine: str = "shoot-look-shoot", magazine=None, count=None) -> Batteries:
    """Batteries built directly from arrays (sizing, benchmarks, tests), catalogue magazines."""
    from types import SimpleNamespace

    rows = [
        SimpleNamespace(id=f"b{i}", system=s, lat=float(a), lon=float(o), count=1 if count is None else int(count[i]), magazine=None if magazine is None else int(magazine[i]), doctrine=doctrine, line=None)
        for i, (s, a, o) in enumerate(zip(system_ids, lat, lon, strict=True))
    ]
    return build_batteries(rows, check_position=False)


def concat(a: Batteries, b: Batteries) -> Batteries:
    """Batteries of ``a`` and ``b``, re-sorted into engagement order."""
    from dataclasses import fields

    merged = {f.name: np.concatenate([getattr(a, f.name), getattr(b, f.name)]) for f in fields(a)}
    order = np.argsort(merged["cost_usd"], kind="stable")
    return Batteries(**{k: v[order] for k, v in merged.items()})
