"""Sizing the corridor's protection: mine countermeasures, escorts and maritime patrol orbits.

Every formula names its source; every parameter is a planning assumption from ``[seas]``.

Mine countermeasures (random search)
    A minehunter sweeping a lane of area ``A`` with effective sweep width ``W`` along a track of
    length ``S`` achieves coverage ``c = W S / A``.  Under random search (Koopman 1946, *Search
    and Screening*, OEG Report 56, ch. 3; Washburn 2002, *Search and Detection*, 4th ed., eq. 2-5)
    the probability that a given mine is found and neutralised is

        P = 1 - exp(-c p_d)

    with ``p_d`` the detection-and-neutralisation probability inside the sweep width.  NATO MCM
    planning states the goal as a *percentage clearance* of the lanes (ATP-6 / the US NWP 3-15
    series use the same exponential model).  Solving for the track length that reaches a target
    clearance ``P*``:

        c* = -ln(1 - P*) / p_d,   S = c* A / W,   vessel-days = S / (v_sweep h_day)

    The initial clearance must be done in ``T_clear`` days; check surveys against drifting
    mines repeat a fraction ``f_r`` of it every ``T_r`` days.  Vessels in theatre =
    ceil(vessel-days / window / availability).

Escorts (Little's law)
    With convoys arriving at rate ``lambda`` and each escort tied up for a cycle
    ``2 T + 2 tau`` (transit out and back, turnaround at each end), the mean number of escorts
    busy is ``L = lambda (2 T + 2 tau) k`` (Little 1961, *Operations Research* 9(3):383-387),
    ``k`` escorts per convoy; in theatre = ceil(max(L, k) / availability).

Maritime patrol orbits
    A patrol aircraft on station watches a stretch ``2 R`` of the corridor (radar radius ``R``
    against small craft); continuous cover of a corridor of length ``L`` needs
    ``n = ceil(L / 2 R)`` orbits (stations).  Aircraft per orbit: sorties per day
    ``24 / (E - 2 d / v)`` (endurance ``E``, base-station distance ``d``, speed ``v``), each of
    ``E`` flight hours, over the flight hours one aircraft sustains per day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class McmSizing:
    lane_km: float
    lane_width_m: float
    area_km2: float
    coverage: float
    swept_km: float
    vessel_hours: float
    vessel_days: float
    vessels_initial: int
    resurvey_vessel_days: float
    vessels_sustain: int


def clearance(coverage: float, detection_probability: float) -> float:
    """Random-search clearance level ``1 - exp(-c p_d)`` (Koopman 1946)."""
    return 1.0 - math.exp(-coverage * detection_probability)


def coverage_for_clearance(target: float, detection_probability: float) -> float:
    """Coverage ``c = -ln(1 - P*) / p_d`` that reaches clearance ``P*``."""
    if not (0 < target < 1):
        raise ValueError("target clearance must lie strictly between 0 and 1")
    if not (0 < detection_probability <= 1):
        raise ValueError("detection probability must lie in (0, 1]")
    return -math.log(1.0 - target) / detection_probability


def size_mcm(
    lane_km: float,
    *,
    lane_width_m: float,
    sweep_width_m: float,
    speed_kn: float,
    detection_probability: float,
    target_clearance: float,
    hours_per_day: float,
    clearance_days: float,
    resurvey_days: float,
    resurvey_fraction: float,
    availability: float,
) -> McmSizing:
    """MCM vessel-days and vessels for lanes of ``lane_km`` [km] (formulas in the module doc)."""
    area = lane_km * lane_width_m / 1000.0
    c = coverage_for_clearance(target_clearance, detection_probability)
    swept_km = c * area / (sweep_width_m / 1000.0)
    hours = swept_km / (speed_kn * 1.852)
    days = hours / hours_per_day
    initial = math.ceil(days / clearance_days / availability - 1e-9) if days > 0 else 0
    r_days = resurvey_fraction * days
    sustain = math.ceil(r_days / resurvey_days / availability - 1e-9) if r_days > 0 else 0
    return McmSizing(lane_km, lane_width_m, area, c, swept_km, hours, days, initial, r_days, sustain)


@dataclass(frozen=True)
class EscortSizing:
    convoys_per_week: float
    transit_h: float
    cycle_h: float
    busy: float
    escorts: int


def size_escorts(convoys_per_week: float, transit_h: float, turnaround_h: float, escorts_per_convoy: int, availability: float) -> EscortSizing:
    """Escorts in theatre by Little's law ``L = lambda W k`` (module doc)."""
    lam = convoys_per_week / 168.0
    cycle = 2.0 * transit_h + 2.0 * turnaround_h
    busy = lam * cycle * escorts_per_convoy
    need = max(busy, float(escorts_per_convoy)) if convoys_per_week > 0 else 0.0
    escorts = math.ceil(need / availability - 1e-9) if need > 0 else 0
    return EscortSizing(convoys_per_week, transit_h, cycle, busy, escorts)


@dataclass(frozen=True)
class MpaSizing:
    corridor_km: float
    sensor_radius_km: float
    orbits: int
    base_distance_km: float
    on_station_h: float
    sorties_per_day: float
    aircraft_per_orbit: int | None


def size_mpa(corridor_km: float, sensor_radius_km: float, base_distance_km: float, speed_kmh: float, endurance_h: float, flight_hours_per_day: float) -> MpaSizing:
    """Patrol orbits ``ceil(L / 2R)`` and aircraft per orbit (module doc); None when the
    station is out of reach (no time on station)."""
    orbits = math.ceil(corridor_km / (2.0 * sensor_radius_km) - 1e-9) if corridor_km > 0 else 0
    on_station = endurance_h - 2.0 * base_distance_km / speed_kmh
    if on_station <= 0:
        return MpaSizing(corridor_km, sensor_radius_km, orbits, base_distance_km, on_station, math.inf, None)
    sorties = 24.0 / on_station
    aircraft = math.ceil(sorties * endurance_h / flight_hours_per_day - 1e-9)
    return MpaSizing(corridor_km, sensor_radius_km, orbits, base_distance_km, on_station, sorties, aircraft)


def littoral_mcm(vessels_needed: int, group, closure) -> dict:
    """Mine clearing against the littoral group's capacity.

    While the Turkish Straits are closed to warships (``closure`` not None), only the navies of the
    littoral states can clear mines in the western Black Sea: the capacity is the littoral MCM
    group's (``group``: the Türkiye-Romania-Bulgaria MCM Black Sea task group).  Returns the need,
    the capacity, the shortfall (vessels the group cannot cover) and the share of the need covered.
    """
    capacity = int(group.vessels) if group is not None else 0
    out = {
        "vessels_needed": int(vessels_needed),
        "group": None if group is None else {"id": group.id, "name": group.name, "states": list(group.states), "since": group.start.isoformat(), "vessels": capacity, "vessels_assumption": group.assumption, "source": group.source},
        "closure": None if closure is None else {"id": closure.id, "name": closure.name, "since": closure.start.isoformat(), "littoral_states": sorted(closure.littoral), "source": closure.source},
        "only_littoral_navies": closure is not None,
        "capacity_vessels": capacity,
        "shortfall_vessels": max(0, int(vessels_needed) - capacity),
        "covered_share": 1.0 if vessels_needed <= 0 else min(1.0, capacity / vessels_needed),
    }
    return out
