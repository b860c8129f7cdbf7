"""Adequacy along the line: force ratio per sector over time, days of warning needed, shortfalls.

For each sector ``s`` and day ``d`` after the order, the defenders are Ukraine's troops in the
sector plus the reinforcements closed in the zone behind it (split between the sectors sharing
a zone in proportion to their front length, times a commitment share):

.. math::

    D_s(d) = U_s + \\kappa \\frac{L_s}{\\sum_{s' \\in z} L_{s'}} \\sum_{u \\in z} q_u\\, p_{ud},
    \\qquad \\rho_s(d) = R_s / D_s(d)

with ``R_s`` the Russian troops facing the sector (low, central and high estimates; the high
ratio pairs the high Russian with the low Ukrainian estimate).  A sector *holds* on day ``d``
when ``rho`` does not exceed 3 (the 3:1 rule: an attacker needs about three times the defender's strength at
the point of attack; Mearsheimer, "Assessing the conventional balance: the 3:1 rule and its
critics", International Security 13(4), 1989) and the defenders' density ``D/L`` reaches the
force-to-space floor (troops per km; an assumption).  *Days to reinforce* is the first day a
sector holds; an attack with less warning than that meets an inadequate defence, and the
troops missing on the day the warning runs out become ``mech_battalion`` requirement lines for
force generation.

Optionally a Lanchester square-law duel (Lanchester 1916) per sector, the reinforcements
arriving on their closure days:  ``dR/dt = -b D``,  ``dD/dt = -a R + r(t)``  with the defender's
per-troop effectiveness ``b = k a`` (k = 3 matches the 3:1 rule), integrated daily.  This
analysis sizes defences; it never plans an attack.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backstop.scenario.models.forcegen import Requirement


@dataclass(frozen=True)
class Sector:
    """A sector of the line with the forces on each side (low, central, high)."""

    id: str
    name: str
    zone: str
    front_km: float
    russian: tuple[float, float, float]
    ukrainian: tuple[float, float, float]
    source: str = ""
    assumption: bool = True


def sectors_from_rows(rows) -> list[Sector]:
    """Sectors of ``land_sectors.csv`` rows (missing ends of a range take the central estimate)."""
    out = []
    for r in rows:
        ru = (r.russian_low if r.russian_low is not None else r.russian_troops, r.russian_troops, r.russian_high if r.russian_high is not None else r.russian_troops)
        ua = (r.ukrainian_low if r.ukrainian_low is not None else r.ukrainian_troops, r.ukrainian_troops, r.ukrainian_high if r.ukrainian_high is not None else r.ukrainian_troops)
        out.append(Sector(r.id, r.name or r.id, r.zone, float(r.front_km), tuple(map(float, ru)), tuple(map(float, ua)), r.source, bool(r.assumption)))
    return out


def zone_troops(zones: list[str], troops: np.ndarray, present: np.ndarray) -> dict[str, np.ndarray]:
    """Troops present per zone per day: ``sum_u q_u p_ud`` over the units of each zone."""
    out: dict[str, np.ndarray] = {}
    for z in sorted(set(zones)):
        mask = np.array([zz == z for zz in zones], bool)
        out[z] = troops[mask] @ present[mask] if mask.any() else np.zeros(present.shape[1])
    return out


def defenders(sectors: list[Sector], by_zone: dict[str, np.ndarray], horizon: int, commitment: float) -> dict[str, np.ndarray]:
    """Reinforcement troops counted for each sector per day (zone share by front length)."""
    length = {}
    for s in sectors:
        length[s.zone] = length.get(s.zone, 0.0) + s.front_km
    out = {}
    for s in sectors:
        z = by_zone.get(s.zone, np.zeros(horizon))
        out[s.id] = commitment * s.front_km / length[s.zone] * z
    return out


def ratio_table(sectors: list[Sector], reinforcement: dict[str, np.ndarray], *, threshold: float, troops_per_km: float) -> pd.DataFrame:
    """Force ratio per sector and day: columns ``sector, day, reinforcement, defenders, ratio_low,
    ratio_mid, ratio_high, density_per_km, holds``."""
    rows = []
    for s in sectors:
        add = reinforcement[s.id]
        for d in range(len(add)):
            dl, dm, dh = s.ukrainian[0] + add[d], s.ukrainian[1] + add[d], s.ukrainian[2] + add[d]
            r_lo = s.russian[0] / dh if dh > 0 else math.inf
            r_mid = s.russian[1] / dm if dm > 0 else math.inf
            r_hi = s.russian[2] / dl if dl > 0 else math.inf
            dens = dm / s.front_km
            holds = troops_short(s, dm, threshold=threshold, troops_per_km=troops_per_km) <= 0
            rows.append({"sector": s.id, "day": d, "reinforcement": float(add[d]), "defenders": dm, "ratio_low": r_lo, "ratio_mid": r_mid, "ratio_high": r_hi, "density_per_km": dens, "holds": bool(holds)})
    return pd.DataFrame(rows)


def days_to_hold(table: pd.DataFrame, sector: str, column: str = "holds") -> int | None:
    """First day the sector holds (None when it never does inside the horizon)."""
    t = table[(table["sector"] == sector) & table[column]]
    return int(t["day"].min()) if len(t) else None


def troops_short(s: Sector, defenders_at: float, *, threshold: float, troops_per_km: float) -> float:
    """Troops missing for a sector to hold: ``max(R/threshold, floor x L) - D`` (central estimates), >= 0."""
    need = max(s.russian[1] / threshold, troops_per_km * s.front_km)
    return max(0.0, need - defenders_at)


def requirement_lines(sectors: list[Sector], reinforcement: dict[str, np.ndarray], *, warning_days: float, threshold: float, troops_per_km: float, battalion_troops: float) -> tuple[list[Requirement], pd.DataFrame]:
    """Requirement lines (``mech_battalion`` in the sector's zone) for the troops missing when the
    warning runs out, and the per-sector warning table."""
    reqs, rows = [], []
    for s in sectors:
        add = reinforcement[s.id]
        H = len(add)
        w = int(min(max(math.floor(warning_days), 0), H - 1))
        short = troops_short(s, s.ukrainian[1] + add[w], threshold=threshold, troops_per_km=troops_per_km)
        day_hold = next((d for d in range(H) if troops_short(s, s.ukrainian[1] + add[d], threshold=threshold, troops_per_km=troops_per_km) <= 0), None)
        battalions = int(math.ceil(short / battalion_troops - 1e-9)) if short > 0 else 0
        rows.append({"sector": s.id, "name": s.name, "zone": s.zone, "days_to_hold": day_hold, "warning_days": warning_days, "troops_short_at_warning": short, "battalions_short": battalions, "adequate_with_warning": short <= 0})
        if battalions > 0:
            reqs.append(Requirement(
                id=f"LAND-{s.id.upper()}", capability="mech_battalion", quantity=battalions, zone=s.zone, start_month=1, origin="land",
                note=(f"land: sector {s.name} ({s.front_km:g} km): {short:,.0f} troops short on day {w} of a {warning_days:g}-day warning "
                      f"(Russian {s.russian[1]:,.0f} / {threshold:g} and {troops_per_km:g} troops/km against {s.ukrainian[1]:,.0f} Ukrainian plus "
                      f"{add[w]:,.0f} reinforcements; central estimates, assumptions in land_sectors.csv)"),
            ))
    return reqs, pd.DataFrame(rows)


def lanchester(attacker: float, defender: float, reinforcement: np.ndarray, *, attrition_per_day: float, defender_advantage: float, attack_day: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Lanchester square law with timed reinforcements, integrated daily from ``attack_day``.

    ``R' = -b D``, ``D' = -a R + r(t)``, ``b = k a``; ``reinforcement`` is the cumulative
    reinforcement present by day (its daily increments are ``r``).  Returns the attacker's and
    the defender's strength per day (before ``attack_day`` no fighting, reinforcements accrue).
    """
    H = len(reinforcement)
    a = attrition_per_day
    b = defender_advantage * a
    R = np.zeros(H)
    D = np.zeros(H)
    r, d = float(attacker), float(defender) + float(reinforcement[0])
    for t in range(H):
        if t > 0:
            inc = float(reinforcement[t] - reinforcement[t - 1])
            if t > attack_day:
                r, d = max(0.0, r - b * d), max(0.0, d - a * r + inc)
            else:
                d += inc
        R[t], D[t] = r, d
    return R, D
