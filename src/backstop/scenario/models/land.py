"""Scenario inputs of peace on land: reinforcing units, sectors of the line, corridor changes.

The corridor network itself is bundled reference data (``land_nodes.csv``, ``land_edges.csv``);
a scenario lists the units that would reinforce (``land_units.csv``), the sectors of the line
with the forces on each side (``land_sectors.csv``), and changes to the corridors
(``land_corridors.csv``: capacities, closures, added edges).  Every figure a user does not
source is a planning *assumption* and says so.  Methods and defaults: ``docs/land.md``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from backstop.scenario.models.base import Row, Section, TableSpec, field, split_list

UNIT_TYPES = ("heavy_brigade", "medium_brigade", "light_brigade", "battalion", "ad_battery")
MODES = ("road", "rail_1435", "rail_1520", "gauge_change", "sea", "air")


class LandUnit(Row):
    """A unit that would move to a zone if the ceasefire broke: its home, readiness and lift."""

    id: str = field(..., "Unique id of the unit.", example="GBR-HBDE-1")
    nation: str = field(..., "ISO3 code of the sending state.", ref="state")
    type: Literal["heavy_brigade", "medium_brigade", "light_brigade", "battalion", "ad_battery"] = field(
        ..., "Unit type; lift needs and troops come from the bundled `land_unit_types.csv` unless given below."
    )
    home: str = field(..., "Node of the corridor network where the unit starts (garrison or port of embarkation; `backstop land --nodes`).")
    zone: str = field(..., "Deployment zone the unit moves to (`backstop facts zones`; the zone's node in the network).", ref="zone")
    readiness_days: float | None = field(None, "Notice to move: days from the order until the unit can leave home; empty = the upper bound of its NATO Force Model tier.", unit="days", ge=0, le=365)
    tier: int | None = field(None, "NATO Force Model tier (1: up to 10 days, 2: 10-30 days, 3: 30-180 days); readiness_days must lie in the tier's window.", ge=1, le=3)
    count: int = field(1, "Number of identical units on this row (ids get -1, -2, ... suffixes).", ge=1, le=50)
    priority: float = field(1.0, "Weight of one of its personnel present for one day in the deployment objective (higher = moved first).", gt=0, le=1000)
    trains: float | None = field(None, "Override: military trains to move the unit by rail.", unit="trains", ge=0, le=1000)
    vehicles: float | None = field(None, "Override: vehicles moving by road.", unit="vehicles", ge=0, le=100000)
    ship_loads: float | None = field(None, "Override: roll-on/roll-off ship loads.", unit="ship loads", ge=0, le=100)
    sorties: float | None = field(None, "Override: strategic airlift sorties (empty in the type table = cannot fly).", unit="sorties", ge=0, le=10000)
    troops: float | None = field(None, "Override: combat troops counted in the force ratio.", unit="troops", ge=0, le=100000)
    assumption: bool = field(True, "True when the unit is illustrative (national force offers are not public).")
    statement: str = field("", "The public statement the unit is consistent with (who said what, when).")

    @model_validator(mode="after")
    def _readiness_given(self) -> LandUnit:
        if self.readiness_days is None and self.tier is None:
            raise ValueError("give readiness_days or tier (NATO Force Model tier 1, 2 or 3)")
        return self


class LandSector(Row):
    """A sector of the line of contact: its length and the forces on each side (estimates with ranges)."""

    id: str = field(..., "Unique id of the sector.", example="donetsk")
    name: str = field("", "Name.")
    zone: str = field(..., "Deployment zone behind the sector: reinforcements closed there count for it.", ref="zone")
    front_km: float = field(..., "Length of the sector's front.", unit="km", gt=0, le=3000)
    russian_troops: float = field(..., "Russian troops facing the sector, central estimate.", unit="troops", ge=0, le=2_000_000)
    russian_low: float | None = field(None, "Low end of the Russian estimate (default: the central estimate).", unit="troops", ge=0, le=2_000_000)
    russian_high: float | None = field(None, "High end of the Russian estimate (default: the central estimate).", unit="troops", ge=0, le=2_000_000)
    ukrainian_troops: float = field(..., "Ukrainian troops holding the sector, central estimate.", unit="troops", ge=0, le=2_000_000)
    ukrainian_low: float | None = field(None, "Low end of the Ukrainian estimate.", unit="troops", ge=0, le=2_000_000)
    ukrainian_high: float | None = field(None, "High end of the Ukrainian estimate.", unit="troops", ge=0, le=2_000_000)
    source: str = field("", "Where the figures come from (public statements the split is consistent with).")
    assumption: bool = field(True, "True when the figures are estimates (force dispositions are not public).")

    @model_validator(mode="after")
    def _ranges(self) -> LandSector:
        for side in ("russian", "ukrainian"):
            mid = getattr(self, f"{side}_troops")
            lo, hi = getattr(self, f"{side}_low"), getattr(self, f"{side}_high")
            if lo is not None and lo > mid:
                raise ValueError(f"{side}_low {lo:g} is above the central estimate {mid:g}")
            if hi is not None and hi < mid:
                raise ValueError(f"{side}_high {hi:g} is below the central estimate {mid:g}")
        return self


class LandCorridor(Row):
    """A change to the bundled corridor network: an edge's capacity or handling time, a closure, or a new edge."""

    id: str = field(..., "Edge id of `land_edges.csv` to change, or a new id (then from, to, mode, length_km and capacity_per_day are needed).")
    from_node: str = field("", "New edge: first node id.")
    to_node: str = field("", "New edge: second node id.")
    mode: Literal["", "road", "rail_1435", "rail_1520", "gauge_change", "sea", "air"] = field("", "New edge: mode.")
    length_km: float | None = field(None, "New edge: length.", unit="km", gt=0, le=20000)
    capacity_per_day: float | None = field(None, "Capacity (trains, vehicles, ship loads or sorties a day by mode).", unit="1/day", ge=0, le=1e6)
    handling_h: float | None = field(None, "Handling time on the edge (gauge change, border processing).", unit="h", ge=0, le=720)
    closed: bool = field(False, "True closes the edge (a lost crossing or gauge-change point).")
    note: str = field("", "Why.")
    source: str = field("", "Where the figure comes from.")
    assumption: bool = field(True, "True when the figure is an estimate.")


class LandSection(Section):
    """``[land]``: reinforcement, adequacy and regeneration parameters (estimates are assumptions)."""

    horizon_days: int = field(60, "Days after the order (day 0) that the deployment model covers.", unit="days", ge=1, le=365)
    routes_per_unit: int = field(3, "Fastest simple routes offered to each unit (k shortest paths by transit time).", ge=1, le=20)
    permit_days: float = field(
        5.0,
        "Days to obtain cross-border movement permission, added before a route that crosses a border (assumption: the EU's 5-working-day target reported by the European Court of Auditors, Special Report 04/2025).",
        unit="days", ge=0, le=180,
    )
    mip_rel_gap: float = field(1e-4, "Relative gap at which the deployment MILP stops (proven).", ge=0, lt=1)
    milp_max_nodes: int = field(
        20000,
        "Branch-and-bound nodes after which the deployment MILP stops (a deterministic work limit, reported as work_limit); 0 = no branch and bound: the LP-guided list schedule with its gap proven against the LP relaxation.",
        ge=0, le=10_000_000,
    )
    time_limit_s: float = field(60.0, "Safety net on one solve; a solve stopped by it is reported as such.", unit="s", gt=0, le=3600)
    warning_days: float = field(
        7.0, "Days of warning the coalition expects before an attack (assumption; RAND RR-1253 found Baltic capitals reached within 36-60 hours of an attack).",
        unit="days", ge=0, le=365,
    )
    ratio_threshold: float = field(3.0, "Attacker-to-defender ratio at which an attack is assumed to succeed (the 3:1 rule, Mearsheimer 1989).", gt=0, le=20)
    troops_per_km: float = field(
        250.0, "Defender troops per km of front needed to hold (force-to-space; assumption: about one brigade per 15 km).",
        unit="troops/km", ge=0, le=10000,
    )
    commitment: float = field(1.0, "Share of the troops closed in a zone that count for the sectors behind which it lies.", ge=0, le=1)
    battalion_troops: float = field(500.0, "Combat troops of one battalion in requirement lines (mech_battalion).", unit="troops", gt=0)
    lanchester: bool = field(True, "Also run a Lanchester square-law duel per sector with the closures as timed reinforcements.")
    lanchester_defender_advantage: float = field(3.0, "Defender's per-troop effectiveness relative to the attacker's (assumption consistent with the 3:1 rule).", gt=0, le=20)
    lanchester_attrition_per_day: float = field(0.01, "Attacker's daily kill rate per troop against the defender (assumption).", gt=0, le=1)
    whatif_lost: list[str] = Field(default_factory=list, description="Edge ids (or node ids, closing every edge at the node) lost one at a time in what-ifs; empty = every gauge-change edge.")
    whatif_permit_days: list[float] = Field(default_factory=lambda: [15.0], description="Permit delays [days] tried as what-ifs.")
    whatif_withdraw: list[str] = Field(default_factory=list, description="Nations (ISO3) withdrawing their units, one at a time, in what-ifs.")
    # regeneration of Ukraine's forces
    replacement_per_month: float = field(30000.0, "Ukrainian troops to replace each month (losses, rotation, demobilisation; assumption).", unit="troops/month", ge=0, le=1e6)
    domestic_training_per_month: float = field(20000.0, "Troops trained each month in Ukraine's own centres (assumption).", unit="troops/month", ge=0, le=1e6)
    partner_training_share: float = field(1.0, "Share of the historical partner training rate (Interflex, EUMAM) sustained in the horizon (assumption).", ge=0, le=10)
    trainees_per_team_month: float = field(100.0, "Trainees one coalition training team graduates a month (assumption).", unit="troops/month", gt=0, le=10000)
    brigade_troops: float = field(3000.0, "Troops of one Ukrainian brigade for 'trained brigades' (assumption).", unit="troops", gt=0)
    training_zone: str = field("ukr_west", "Zone of the training requirement lines.", ref="zone")
    regeneration_months: int = field(12, "Months of the regeneration balance.", unit="months", ge=1, le=120)

    @field_validator("whatif_lost", "whatif_withdraw", mode="before")
    @classmethod
    def _split(cls, v):
        return split_list(v, ",")

    @field_validator("whatif_permit_days", mode="before")
    @classmethod
    def _split_num(cls, v):
        return split_list(v, ",") if isinstance(v, str) else v


def unit_ids(row: LandUnit) -> list[str]:
    """Ids of the units of a row (``count`` > 1 adds ``-1``, ``-2``... suffixes)."""
    return [row.id] if row.count == 1 else [f"{row.id}-{i + 1}" for i in range(row.count)]


SECTION = ("land", LandSection)
TABLES = [
    TableSpec("land_units", LandUnit, "Units that would reinforce: home node, zone, readiness, lift.", default="none (no reinforcement modelled)"),
    TableSpec("land_sectors", LandSector, "Sectors of the line with the forces on each side (estimates with ranges).", default="none (no adequacy)"),
    TableSpec("land_corridors", LandCorridor, "Changes to the bundled corridor network: capacities, closures, new edges.", default="the bundled network"),
]
