"""Units: who would move, from where, to which zone, at what notice, and what lift each needs.

A unit's type gives its troops and lift needs from the bundled ``land_unit_types.csv`` (all
planning assumptions, stated on each row); a scenario row may override any of them.  Notice to
move follows the NATO Force Model tiers (``land_readiness.csv``: up to 10, 10-30 and 30-180
days; Madrid summit, June 2022).  A lift need left empty means the unit cannot use the mode
(a heavy brigade does not fly).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from backstop.errors import Problem
from backstop.land.network import LIFT_OF_MODE, MODES, Network
from backstop.scenario.models.land import unit_ids

UNITS_FILE = "land_units.csv"
LIFTS = ("trains", "vehicles", "ship_loads", "sorties")


@dataclass(frozen=True)
class Unit:
    """One unit ready to move (plain data for the flow model and the simulation).

    Attributes
    ----------
    id, nation, type : str
    home, zone, zone_node : str
        Start node, deployment zone and its node.
    ready_day : float
        Notice to move [days after the order].
    troops : float
        Combat troops counted in the force ratio.
    personnel : float
        All personnel (the deployment objective counts personnel-days, so air defence counts too).
    lift : dict of str to float
        Needs by lift unit (``trains``, ``vehicles``, ``ship_loads``, ``sorties``); NaN = cannot.
    priority : float
        Objective weight of one troop-day present.
    line : int
        Line of ``land_units.csv``.
    """

    id: str
    nation: str
    type: str
    home: str
    zone: str
    zone_node: str
    ready_day: float
    troops: float
    lift: dict
    priority: float = 1.0
    line: int = 0
    assumption: bool = True
    personnel: float = 0.0

    @property
    def weight(self) -> float:
        """Objective weight of one day present: priority x personnel (troops when no personnel given)."""
        return self.priority * (self.personnel if self.personnel > 0 else self.troops)

    @property
    def modes(self) -> set[str]:
        """Modes the unit can use (finite lift need)."""
        return {m for m in MODES if math.isfinite(self.lift.get(LIFT_OF_MODE[m], math.nan))}

    def load(self, mode: str) -> float:
        """Lift units the whole unit needs on an edge of ``mode``."""
        return float(self.lift[LIFT_OF_MODE[mode]])


def load_unit_types() -> pd.DataFrame:
    """Bundled unit types (indexed by id; numbers as floats, NaN = cannot use the mode)."""
    from backstop.reference.tables import load_table

    df = load_table("land_unit_types").set_index("id")
    for c in ("personnel", "combat_troops", *LIFTS):
        df[c] = pd.to_numeric(df[c].replace("", "nan"), errors="coerce")
    return df


def load_readiness_tiers() -> pd.DataFrame:
    """NATO Force Model tiers (indexed by tier): troops and the notice window [days]."""
    from backstop.reference.tables import load_table

    df = load_table("land_readiness")
    df["tier"] = df["tier"].astype(int)
    for c in ("troops", "notice_min_days", "notice_max_days"):
        df[c] = df[c].astype(float)
    return df.set_index("tier")


def units_from_rows(rows, network: Network, horizon_days: int) -> tuple[list[Unit], list[Problem]]:
    """Units of ``land_units.csv`` rows, and the problems found (unknown home or zone node,
    notice outside the tier's window or beyond the horizon)."""
    types = load_unit_types()
    tiers = load_readiness_tiers()
    units: list[Unit] = []
    problems: list[Problem] = []
    for r in rows:
        loc = f"line {r.line}" if r.line else f"unit {r.id}"
        bad = False
        if r.home not in network.nodes.index:
            problems.append(Problem(UNITS_FILE, loc, "home", r.home, "unknown node of the corridor network", "use a node id of land_nodes.csv (`backstop land --nodes`)"))
            bad = True
        zone_node = network.zone_node(r.zone)
        if zone_node is None:
            zones = sorted(z for z in network.nodes["zone"] if z)
            problems.append(Problem(UNITS_FILE, loc, "zone", r.zone, "no node of the corridor network serves this zone", f"use one of: {', '.join(zones)}"))
            bad = True
        ready = r.readiness_days
        if r.tier is not None:
            t = tiers.loc[r.tier]
            lo, hi = float(t["notice_min_days"]), float(t["notice_max_days"])
            if ready is None:
                ready = hi
            elif not lo <= ready <= hi:
                problems.append(Problem(UNITS_FILE, loc, "readiness_days", f"{ready:g}", f"impossible notice for NATO Force Model tier {r.tier} ({lo:g}-{hi:g} days)", "change the tier or the notice to move; tiers: 1 up to 10 days, 2 10-30 days, 3 30-180 days"))
                bad = True
        if ready is not None and ready >= horizon_days:
            problems.append(Problem(UNITS_FILE, loc, "readiness_days", f"{ready:g}", f"the unit cannot leave before the end of the {horizon_days}-day horizon", "raise [land] horizon_days or shorten the notice"))
            bad = True
        if bad:
            continue
        ty = types.loc[r.type]
        lift = {k: (float(getattr(r, k)) if getattr(r, k) is not None else float(ty[k])) for k in LIFTS}
        troops = float(r.troops) if r.troops is not None else float(ty["combat_troops"])
        for uid in unit_ids(r):
            personnel = max(float(ty["personnel"]), troops)
            units.append(Unit(uid, r.nation, r.type, r.home, r.zone, zone_node, float(ready), troops, lift, float(r.priority), r.line, bool(r.assumption), personnel))
    return units, problems
