"""Scenario inputs of the safe-skies analysis: defended sites, defences, threat waves."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Literal

from pydantic import field_validator, model_validator

from backstop.scenario.models.base import Row, Section, TableSpec, field

_REGION_SHARE = re.compile(r"^([^=|]+)=([^=|]+)$")


def parse_allocation_text(text: str) -> dict[str, float] | None:
    """``value`` (or empty) -> None; ``regions:A=0.6|B=0.4`` -> {A: 0.6, B: 0.4}; ValueError otherwise.

    Only the syntax: whether each region has a defended site is decided with the sites
    (:func:`backstop.skies.waves.parse_allocation`).
    """
    t = text.strip()
    if t in ("", "value"):
        return None
    if not t.startswith("regions:"):
        raise ValueError("unknown allocation; use `value` or `regions:<region>=<share>|...`")
    out: dict[str, float] = {}
    for part in t[len("regions:"):].split("|"):
        m = _REGION_SHARE.match(part.strip())
        if not m:
            raise ValueError(f"'{part[:40]}' is not `<region>=<share>` (e.g. regions:Odesa=0.6|Sumy=0.4)")
        name = m.group(1).strip()
        try:
            v = float(m.group(2))
        except ValueError:
            raise ValueError(f"share '{m.group(2)[:40]}' of {name} is not a number") from None
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"share {m.group(2)[:40]} of {name} is not a finite number >= 0")
        if name in out:
            raise ValueError(f"region {name} appears twice")
        out[name] = v
    if sum(out.values()) <= 0:
        raise ValueError("shares sum to zero")
    return out


class Site(Row):
    """A defended asset: a city, port or energy facility."""

    id: str = field(..., "Unique id of the site.")
    name: str = field(..., "Name of the site.")
    kind: Literal["city", "port", "energy", "military", "other"] = field(..., "Kind of asset.")
    lat: float = field(..., "Latitude (WGS84).", unit="deg", ge=-90, le=90)
    lon: float = field(..., "Longitude (WGS84).", unit="deg", ge=-180, le=180)
    value: float | None = field(None, "Value at stake; empty = population for cities, criticality x 100,000 for ports and energy.", ge=0, le=1e12)
    population: int = field(0, "People living in the area.", unit="people", ge=0, le=100_000_000)
    region: str = field("", "Oblast / region name, for regional target allocation.")
    source: str = field("", "Where the site and its value come from.")


class Defence(Row):
    """Air-defence units of one system placed at a position."""

    id: str = field(..., "Unique id of the placement.")
    system: str = field(..., "System id from the air-defence catalogue (`backstop facts systems`).", ref="system")
    lat: float = field(..., "Latitude of the unit.", unit="deg", ge=-90, le=90)
    lon: float = field(..., "Longitude of the unit.", unit="deg", ge=-180, le=180)
    count: int = field(1, "Number of batteries/teams of this system at the position.", unit="units", ge=1, le=10_000)
    magazine: int | None = field(None, "Interceptors ready per unit; empty = catalogue magazine.", unit="rounds", ge=0, le=1_000_000)
    doctrine: Literal["shoot-shoot", "shoot-look-shoot"] = field("shoot-look-shoot", "Firing doctrine.")
    nation: str = field("UKR", "Operating state (ISO3).", ref="state")
    note: str = field("", "Free text: source or assumption behind the placement.")


class WaveComponent(Row):
    """One weapon type in a named wave: how many, from where, over which window."""

    wave: str = field(..., "Wave name (several rows per wave).")
    weapon: str = field(..., "Threat weapon id from the catalogue (`backstop facts threats`).", ref="threat")
    count: int = field(..., "Number launched.", unit="weapons", ge=0, le=100_000)
    launch_area: str = field("", "Launch area name (statistical input; not a target).")
    arrival_start_h: float = field(0.0, "Start of the arrival window after wave start.", unit="h", ge=0, le=48)
    arrival_end_h: float = field(6.0, "End of the arrival window.", unit="h", ge=0, le=48)
    allocation: str = field("value", "Statistical allocation of arrivals over the defended sites: `value` (proportional to value) or `regions:<region>=<share>|...` (shares of the component; within a region proportional to value).")
    source: str = field("", "Public report the component follows.")

    @field_validator("allocation")
    @classmethod
    def _allocation(cls, v: str) -> str:
        parse_allocation_text(v)
        return v

    @model_validator(mode="after")
    def _window_ordered(self) -> WaveComponent:
        if self.arrival_end_h < self.arrival_start_h:
            raise ValueError(f"arrival window inverted: arrival_end_h {self.arrival_end_h:g} is before arrival_start_h {self.arrival_start_h:g}")
        return self


class Night(Row):
    """One night of a night-by-night record (the Ukrainian Air Force's morning report)."""

    night: dt.date = field(..., "Date of the morning report.")
    drone_launched: int = field(..., "Attack drones and decoys launched (the reports pool them).", unit="weapons", ge=0)
    drone_downed_or_lost: int = field(..., "Drones and decoys shot down or locationally lost (EW).", unit="weapons", ge=0)
    cruise_launched: int = field(0, "Cruise missiles launched.", unit="weapons", ge=0)
    cruise_downed: int = field(0, "Cruise missiles downed.", unit="weapons", ge=0)
    ballistic_launched: int = field(0, "Ballistic (and aeroballistic) missiles launched.", unit="weapons", ge=0)
    ballistic_downed: int = field(0, "Ballistic missiles downed.", unit="weapons", ge=0)
    weapons: str = field("", "Launches by weapon type, `type=count|...` (e.g. `drone=93|iskander_m=4`); the mix within each class.")
    source: str = field("", "Report the row follows.")


class SkiesSection(Section):
    """``[skies]``: Monte Carlo and campaign settings."""

    wave: str = field("", "Default wave (empty = the first wave in waves.csv).", ref="wave")
    trials: int = field(2000, "Monte Carlo trials per wave.", ge=1, le=100_000)
    seed: int = field(20250820, "Random seed (same seed, same result).", ge=0)
    campaign_wave: str = field("", "Wave repeated night after night in the campaign (empty = the analysed wave).", ref="wave")
    nights: int = field(30, "Campaign length.", unit="nights", ge=1, le=3_650)
    target_leakers: float = field(10.0, "Target expected leakers (drones, cruise and ballistic missiles; decoys excluded) per wave, used to size the batteries required.", unit="weapons", ge=0, le=1e6)
    target_value_lost: float | None = field(None, "Optional second target: expected value destroyed per wave (people-equivalent); sizing stops when both targets are met.", ge=0, le=1e15)
    sizing_trials: int = field(400, "Monte Carlo trials per sizing step.", ge=10, le=100_000)
    max_added_batteries: int = field(40, "Upper limit on sizing steps (each adds one layer of one or more batteries/teams).", unit="steps", ge=0, le=1_000)
    ukraine_share_of_production: float = field(0.25, "Assumed share of world interceptor production delivered to Ukraine (campaign resupply).", ge=0, le=1)
    min_city_population: int = field(100_000, "Bundled sites: smallest city defended.", unit="people", ge=0, le=100_000_000)
    calibration: Literal["nights", "none"] = field("nights", "`nights`: scale each wave's kill probabilities per class so that its simulated shares match the night-by-night model fitted to the Air Force's record (`backstop skies calibrate`); `none`: the catalogue as it is.")
    calibration_date: dt.date | None = field(None, "Date the night model predicts for (default: scenario as-of date).")
    calibration_half_life_days: float | None = field(None, "Half-life of the time weights of the night model for every class (default: each class's half-life chosen by rolling-origin cross-validation, docs/skies.md).", unit="days", gt=0)


SECTION = ("skies", SkiesSection)
TABLES = [
    TableSpec("sites", Site, "Defended sites.", default="bundled Ukrainian cities (GeoNames), ports and energy facilities"),
    TableSpec("defences", Defence, "Air-defence placements."),
    TableSpec("waves", WaveComponent, "Threat waves by component.", default="bundled waves"),
    TableSpec("nights", Night, "Night-by-night record the defences are calibrated on (`[skies] calibration = \"nights\"`); same shape as `backstop skies calibrate FILE`.", default="bundled air_force_nights.csv (Ukrainian Air Force, 2024-01 to 2025-08)"),
]
