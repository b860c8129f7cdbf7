"""Safe seas: the corridor from Ukraine's ports to the Bosporus, port exposure, and its sizing.

``run(scenario, context) -> Result`` is the pipeline step (after skies, before forcegen); it
emits ``Requirement`` lines (``mcm_vessel``, ``escort_frigate``, ``mpa_orbit``) for force
generation.  ``backstop seas`` prints the same result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from backstop import geo
from backstop.errors import InputError, Problem
from backstop.reference.sites import load_ports
from backstop.reference.tables import load_table
from backstop.results import Assumption, Result
from backstop.scenario.models.forcegen import Requirement
from backstop.scenario.models.seas import DESTINATION_ALIASES, parse_vertices
from backstop.seas import corridor as C
from backstop.seas import sizing as S
from backstop.seas import waters as W
from backstop.seas.exposure import exposure_table, port_sites

STATE_ZONES = {"UKR": "ukr_odesa", "ROU": "rou", "BGR": "bgr", "TUR": "tur_straits"}
"""Territorial waters -> deployment zone of zones.csv; everything else is ``black_sea``."""
PORTS_FILE = "ports.csv (bundled reference)"


@dataclass
class CorridorPlan:
    """Routes and what they were computed from."""

    routes: list[C.Route]
    ports: list[C.PortInput]
    destination: C.PortInput
    constraints: C.Constraints
    speed_kn: float
    lanes: pd.DataFrame = field(default_factory=pd.DataFrame)  # unique lane segments

    @property
    def ok_routes(self) -> list[C.Route]:
        return [r for r in self.routes if r.ok]


def _port_input(pid: str, ports: pd.DataFrame, approaches: dict, key: str) -> C.PortInput:
    if pid not in ports.index:
        raise InputError([Problem("scenario.toml", f"key {key}", key.split(".")[-1], pid, "unknown port id", f"use one of: {', '.join(ports.index)}")])
    row = ports.loc[pid]
    line = int(row["_line"])
    appr = approaches.get(pid)
    if appr is not None:
        return C.PortInput(pid, str(row["name"]), float(row["lon"]), float(row["lat"]), tuple(parse_vertices(appr.waypoints)), "port_approaches.csv", appr.line, str(row["state"]))
    return C.PortInput(pid, str(row["name"]), float(row["lon"]), float(row["lat"]), (), PORTS_FILE, line, str(row["state"]))


def plan_corridor(scenario, *, speed_kn: float | None = None, diagnose: bool = True) -> CorridorPlan:
    """Plan the corridor of a scenario (ports, destination and constraints from ``[seas]``)."""
    cfg = scenario.config.seas
    speed = cfg.speed_kn if speed_kn is None else speed_kn
    if not (speed > 0) or not math.isfinite(speed):
        raise InputError([Problem("<cli>" if speed_kn is not None else "scenario.toml", "argument --speed" if speed_kn is not None else "key seas.speed_kn", "speed_kn", str(speed), "the convoy speed must be a positive number of knots", "use e.g. 12")])
    ports = load_ports()
    ports["_line"] = np.arange(len(ports)) + 2
    ports = ports.set_index("id")
    if not cfg.ports:
        raise InputError([Problem("scenario.toml", "key seas.ports", "ports", "[]", "no origin port given", "list port ids, e.g. ports = [\"odesa\", \"chornomorsk\"]")])
    approaches = {a.port: a for a in scenario.rows("port_approaches")}
    unknown = [a for a in scenario.rows("port_approaches") if a.port not in ports.index]
    if unknown:
        raise InputError([Problem("port_approaches.csv", f"line {a.line}", "port", a.port, "unknown port id", "use an id of `backstop facts ports`") for a in unknown])
    origins = [_port_input(p, ports, approaches, "seas.ports") for p in cfg.ports]
    dest_id = DESTINATION_ALIASES.get(cfg.destination, cfg.destination)
    destination = _port_input(dest_id, ports, approaches, "seas.destination")
    zones = tuple(C.zones_from_rows(scenario.rows("exclusion_zones")))
    bad_passages = [p for p in cfg.closed_passages if p not in _known_passages()]
    if bad_passages:
        raise InputError([Problem("scenario.toml", "key seas.closed_passages", "closed_passages", p, "unknown searoute passage", f"use some of: {', '.join(sorted(_known_passages()))}") for p in bad_passages])
    constraints = C.Constraints(zones, cfg.territorial_waters, tuple(cfg.territorial_states), cfg.outside_penalty, tuple(cfg.closed_passages))
    routes = C.plan_routes(origins, destination, constraints, speed_kn=speed, grid_deg=cfg.grid_deg, max_offset_km=cfg.port_max_offset_km, diagnose=diagnose)
    plan = CorridorPlan(routes, origins, destination, constraints, speed)
    plan.lanes = lane_segments(plan.ok_routes)
    return plan


def _known_passages() -> set[str]:
    from searoute.classes.passages import Passage

    return {p for p in Passage.valid_passages() if isinstance(p, str)} | {"dardanelles"}


def lane_segments(routes: list[C.Route]) -> pd.DataFrame:
    """Distinct lane segments of all routes (shared trunk counted once), each split by waters.

    Columns: ``waters, length_km`` (one row per waters label per segment, summed later).
    """
    seen = set()
    x0, y0, x1, y1, km = [], [], [], [], []
    for r in routes:
        for a in range(len(r.lon) - 1):
            p, q = (round(r.lon[a], 5), round(r.lat[a], 5)), (round(r.lon[a + 1], 5), round(r.lat[a + 1], 5))
            key = (p, q) if p <= q else (q, p)
            if key in seen or p == q:
                continue
            seen.add(key)
            km.append(float(geo.geodesic_km(p[0], p[1], q[0], q[1])))
            (ax, bx), (ay, by) = W.to_xy([p[0], q[0]], [p[1], q[1]])
            x0.append(ax), y0.append(ay), x1.append(bx), y1.append(by)
    if not km:
        return pd.DataFrame(columns=["waters", "length_km"])
    km_a = np.asarray(km)
    edge, sx, sy = C._edge_samples(np.asarray(x0), np.asarray(y0), np.asarray(x1), np.asarray(y1), km_a)
    n = np.bincount(edge, minlength=len(km_a))
    piece_km = km_a[edge] / n[edge]
    labels = W.classify_waters(sx, sy)
    return pd.DataFrame({"waters": labels.astype(str), "length_km": piece_km}).groupby("waters", as_index=False)["length_km"].sum()


def _closed_everywhere(plan: CorridorPlan) -> InputError:
    """InputError naming what closes every route (zones by row, or the [seas] keys)."""
    blocking = sorted({z for r in plan.routes for z in r.blocking_zones})
    zones = {z.id: z for z in plan.constraints.zones}
    problems = [
        Problem("exclusion_zones.csv", f"line {zones[z].line}" if zones[z].line else f"zone {z}", "id", z, "this exclusion zone closes every route from the corridor ports to the destination", "shrink or remove the zone, or check its position")
        for z in blocking
        if z in zones
    ]
    if not problems:
        c = plan.constraints
        if c.closed_passages:
            problems.append(Problem("scenario.toml", "key seas.closed_passages", "closed_passages", ",".join(c.closed_passages), "closing these passages leaves no route to the destination", "reopen the passage or pick another destination"))
        if c.territorial_waters == "require":
            problems.append(Problem("scenario.toml", "key seas.territorial_waters", "territorial_waters", "require", f"no route keeps to the territorial seas of {', '.join(c.territorial_states)}", "use `prefer`, or add states to territorial_states"))
        if not problems:
            problems.append(Problem("scenario.toml", "key seas.ports", "ports", ",".join(p.id for p in plan.ports), "no port has a sea route to the destination", "; ".join(r.reason for r in plan.routes)))
    return InputError(problems)


def _zone_ids() -> set[str]:
    try:
        return set(load_table("zones")["id"])
    except KeyError:
        return set(STATE_ZONES.values()) | {"black_sea"}


def zone_of(waters: str, known: set[str]) -> str:
    z = STATE_ZONES.get(waters, "black_sea")
    return z if z in known else "black_sea"


def _base_distance_km(icao: str, lon: float, lat: float) -> tuple[float, str]:
    from backstop.reference.airports import airport

    ap = airport(icao)
    if ap is None:
        raise InputError([Problem("scenario.toml", "key seas.mpa_base", "mpa_base", icao, "unknown airport", "use a 4-letter ICAO code, e.g. LRCK")])
    return float(geo.geodesic_km(float(ap["lon"]), float(ap["lat"]), lon, lat)), str(ap.get("name", icao))


def size_corridor(plan: CorridorPlan, cfg, horizon_months: int) -> tuple[dict, pd.DataFrame, list[Requirement]]:
    """MCM, escort and patrol sizing of a planned corridor; (data, table, requirement lines)."""

    known = _zone_ids()
    ok = plan.ok_routes
    lanes = plan.lanes.copy()
    lanes["zone"] = [zone_of(w, known) for w in lanes["waters"]]
    by_zone = lanes.groupby("zone")["length_km"].sum().to_dict()
    lane_total = float(lanes["length_km"].sum())
    mcm_kw = dict(
        lane_width_m=cfg.mcm_lane_width_m,
        sweep_width_m=cfg.mcm_sweep_width_m,
        speed_kn=cfg.mcm_speed_kn,
        detection_probability=cfg.mcm_detection_probability,
        target_clearance=cfg.mcm_target_clearance,
        hours_per_day=cfg.mcm_hours_per_day,
        clearance_days=cfg.mcm_clearance_days,
        resurvey_days=cfg.mcm_resurvey_days,
        resurvey_fraction=cfg.mcm_resurvey_fraction,
        availability=cfg.mcm_availability,
    )
    mcm_total = S.size_mcm(lane_total, **mcm_kw)
    mcm_zone = {z: S.size_mcm(km, **mcm_kw) for z, km in sorted(by_zone.items())}
    longest = max(ok, key=lambda r: r.length_km)
    esc = S.size_escorts(cfg.convoys_per_week, longest.transit_h, cfg.escort_turnaround_h, cfg.escorts_per_convoy, cfg.escort_availability)
    mid_lon, mid_lat = geo.point_along(longest.lon, longest.lat, longest.length_km / 2, W.PLANE)
    base_km, base_name = _base_distance_km(cfg.mpa_base, mid_lon, mid_lat)
    mpa = S.size_mpa(longest.length_km, cfg.mpa_sensor_radius_km, base_km, cfg.mpa_speed_kmh, cfg.mpa_endurance_h, cfg.mpa_flight_hours_per_day)
    clear_months = max(1, math.ceil(cfg.mcm_clearance_days / 30.44))
    reqs: list[Requirement] = []
    note_mcm = (
        f"seas: clear {{km:.0f}} km of {cfg.mcm_lane_width_m:g} m lanes to {cfg.mcm_target_clearance:.0%} "
        f"(coverage {mcm_total.coverage:.2f} = -ln(1-P)/p_d, Koopman random search; assumptions in [seas])"
    )
    for z, m in mcm_zone.items():
        if m.vessels_initial > 0:
            reqs.append(Requirement(id=f"SEAS-MCM-{z.upper()}-CLEAR", capability="mcm_vessel", quantity=m.vessels_initial, zone=z, start_month=1, end_month=min(clear_months, horizon_months), origin="seas", note=note_mcm.format(km=m.lane_km) + f", {m.vessel_days:.0f} vessel-days in {cfg.mcm_clearance_days:g} days"))
        if m.vessels_sustain > 0 and clear_months < horizon_months:
            reqs.append(Requirement(id=f"SEAS-MCM-{z.upper()}-SURVEY", capability="mcm_vessel", quantity=m.vessels_sustain, zone=z, start_month=clear_months + 1, origin="seas", note=f"seas: check surveys of {cfg.mcm_resurvey_fraction:.0%} of the lanes every {cfg.mcm_resurvey_days:g} days against drifting mines ({m.resurvey_vessel_days:.1f} vessel-days each)"))
    if esc.escorts > 0:
        reqs.append(Requirement(id="SEAS-ESCORT", capability="escort_frigate", quantity=esc.escorts, zone=zone_of("outside", known), origin="seas", note=f"seas: {cfg.convoys_per_week:g} convoys/week, {esc.transit_h:.1f} h transit, {cfg.escorts_per_convoy} escorts per convoy (Little's law L = lambda W k; availability {cfg.escort_availability:g})"))
    if mpa.orbits > 0:
        reqs.append(Requirement(id="SEAS-MPA", capability="mpa_orbit", quantity=mpa.orbits, zone=zone_of("outside", known), origin="seas", note=f"seas: {mpa.corridor_km:.0f} km corridor / (2 x {cfg.mpa_sensor_radius_km:g} km radar radius); {mpa.aircraft_per_orbit} aircraft per orbit from {cfg.mpa_base}"))
    table = pd.DataFrame(
        [
            {"item": "MCM lanes", "value": lane_total, "unit": "km", "formula": "distinct route segments (shared trunk once)", "source": "corridor"},
            {"item": "MCM coverage needed", "value": mcm_total.coverage, "unit": "-", "formula": "c = -ln(1 - P*) / p_d", "source": "Koopman 1946; Washburn 2002 eq. 2-5"},
            {"item": "MCM track to sweep", "value": mcm_total.swept_km, "unit": "km", "formula": "S = c L w / W", "source": "random search"},
            {"item": "MCM vessel-days (initial)", "value": mcm_total.vessel_days, "unit": "vessel-days", "formula": "S / (v_sweep x 1.852 x h_day)", "source": "assumptions [seas]"},
            {"item": "MCM vessels (initial, all zones)", "value": sum(m.vessels_initial for m in mcm_zone.values()), "unit": "vessels", "formula": "sum over zones ceil(days / T_clear / availability)", "source": "assumptions [seas]"},
            {"item": "MCM vessels (check surveys)", "value": sum(m.vessels_sustain for m in mcm_zone.values()), "unit": "vessels", "formula": "sum over zones ceil(f_r days / T_r / availability)", "source": "assumptions [seas]"},
            {"item": "Convoy transit (longest route)", "value": esc.transit_h, "unit": "h", "formula": "length_nm / speed_kn", "source": "corridor"},
            {"item": "Merchant sailings", "value": cfg.convoys_per_week * cfg.ships_per_convoy, "unit": "ships/week", "formula": "convoys/week x ships per convoy", "source": "assumptions [seas]"},
            {"item": "Escort cycle", "value": esc.cycle_h, "unit": "h", "formula": "2 T + 2 tau", "source": "assumptions [seas]"},
            {"item": "Escorts busy (mean)", "value": esc.busy, "unit": "ships", "formula": "L = (convoys/week / 168) x cycle x k", "source": "Little 1961"},
            {"item": "Escorts in theatre", "value": esc.escorts, "unit": "ships", "formula": "ceil(max(L, k) / availability)", "source": "assumptions [seas]"},
            {"item": "MPA orbits", "value": mpa.orbits, "unit": "orbits", "formula": "ceil(L / 2 R)", "source": "coverage geometry"},
            {"item": "MPA base distance", "value": mpa.base_distance_km, "unit": "km", "formula": f"geodesic {cfg.mpa_base} ({base_name}) - corridor midpoint", "source": "airportsdata"},
            {"item": "MPA time on station", "value": mpa.on_station_h, "unit": "h", "formula": "E - 2 d / v", "source": "assumptions [seas]"},
            {"item": "MPA aircraft per orbit", "value": mpa.aircraft_per_orbit if mpa.aircraft_per_orbit is not None else float("nan"), "unit": "aircraft", "formula": "ceil((24 / t_os) x E / flight h per day)", "source": "assumptions [seas]"},
        ]
    )
    data = {
        "lanes_km": lane_total,
        "lanes_by_zone_km": by_zone,
        "mcm": {"total": mcm_total.__dict__, "by_zone": {z: m.__dict__ for z, m in mcm_zone.items()}},
        "escorts": esc.__dict__,
        "mpa": {**mpa.__dict__, "base": cfg.mpa_base, "base_name": base_name},
        "table": table,
    }
    return data, table, reqs


def _assumptions(cfg, plan: CorridorPlan, exposure_notes: list[str], as_of: str) -> list[Assumption]:
    out = [
        Assumption("corridor network", f"searoute sea lanes densified with a {cfg.grid_deg:g} deg sea grid clear of Natural Earth 1:10m land; lengths geodesic (WGS84)", C.SEAROUTE_SOURCE, as_of),
        Assumption("territorial sea", "12 nm buffer of each state's Natural Earth polygon, overlaps split by the median line (UNCLOS arts. 3, 15); EEZ not modelled", "UNCLOS 1982; Natural Earth", as_of),
        Assumption("convoy speed", f"{plan.speed_kn:g} kn", "assumption", as_of),
    ]
    for p in plan.ports:
        if p.approach:
            out.append(Assumption("port approach", f"{p.name}: {len(p.approach)} approach waypoints to open water", "port_approaches.csv", as_of))
    for z in plan.constraints.zones:
        out.append(Assumption("exclusion zone", f"{z.id} ({z.name}): {z.reason}", "exclusion_zones.csv", as_of))
    sizing_keys = [k for k in type(cfg).model_fields if k.startswith(("mcm_", "convoys", "ships_", "escort", "mpa_"))]
    out.append(Assumption("sizing parameters", "; ".join(f"{k} = {getattr(cfg, k)}" for k in sizing_keys), "planning assumptions ([seas] of scenario.toml)", as_of))
    out += [Assumption("port exposure", n, "seas exposure model", as_of) for n in exposure_notes]
    return out


def _littoral_assumptions(littoral: dict) -> list[Assumption]:
    out = []
    if littoral["closure"]:
        c = littoral["closure"]
        out.append(Assumption("straits closure", f"{c['name']}: only the navies of {', '.join(c['littoral_states'])} clear mines and escort in the Black Sea while it holds ([toggles] montreux_closure)", c["source"], c["since"]))
    if littoral["group"]:
        g = littoral["group"]
        out.append(Assumption("littoral MCM capacity", f"{g['name']}: {g['vessels']} MCM vessels" + (" (backstop assumption: the count is not published)" if g["vessels_assumption"] else ""), g["source"], g["since"]))
    return out


def _littoral_mcm(scenario, reqs) -> dict:
    """The MCM need set against the littoral group's capacity, and whether the straits closure holds."""
    need = sum(q.quantity for q in reqs if q.capability == "mcm_vessel" and q.id.endswith("CLEAR"))
    snap = scenario.snapshot  # the reference facts as of the scenario's date
    closure = snap.straits_closure(enabled=scenario.config.toggles.montreux_closure)
    group = snap.mcm_group()
    out = S.littoral_mcm(need, group, closure)
    if group is None:
        cap = "no littoral MCM group is constituted on this date"
    else:
        cap = f"the {group.name} ({'/'.join(group.states)}, since {group.start:%d %b %Y}) has {group.vessels} vessels{' (assumption)' if group.assumption else ''}"
    if closure is not None:
        out["sentence"] = (f"Straits closed to warships ({closure.name.split(' (')[0]}, since {closure.start:%d %b %Y}): only littoral navies can clear mines; "
                           f"{cap} against {need} needed for the initial clearance (short {out['shortfall_vessels']}).")
    else:
        out["sentence"] = f"Straits open to warships on this date ([toggles] montreux_closure = false, or no closure in force): any navy can clear mines; {cap} against {need} needed."
    return out


def run(scenario, context=None) -> Result:
    """The safe-seas analysis of a scenario (pipeline step and ``backstop seas``)."""
    cfg = scenario.config.seas
    plan = plan_corridor(scenario)
    if not plan.ok_routes:
        raise _closed_everywhere(plan)
    horizon = scenario.config.forcegen.horizon_months
    sizing, table, reqs = size_corridor(plan, cfg, horizon)
    sites = port_sites(scenario, plan.routes)
    exposure, method, notes = exposure_table(scenario, sites, context)
    routes_df = pd.DataFrame(
        [
            {
                "port": r.port,
                "name": r.name,
                "status": r.status,
                "length_km": r.length_km,
                "length_nm": r.length_nm,
                "transit_h": r.transit_h,
                **{f"{k}_km": v for k, v in r.waters_km().items()},
                "reason": r.reason,
            }
            for r in plan.routes
        ]
    )
    legs_df = pd.DataFrame([{"port": r.port, **leg} for r in plan.routes for leg in r.waters], columns=["port", "state", "start_km", "end_km", "length_km"])
    per_site = exposure.groupby(["site", "name", "kind"], as_index=False)["expected_leakers"].max() if len(exposure) else exposure
    n_ok = len(plan.ok_routes)
    longest = max(plan.ok_routes, key=lambda r: r.length_km)
    closed = [r for r in plan.routes if not r.ok]
    m = sizing["mcm"]["total"]
    summary = [
        f"{n_ok} of {len(plan.routes)} ports have a sea route to {plan.destination.name}: "
        + ", ".join(f"{r.name} {r.length_nm:.0f} nm ({r.transit_h:.0f} h at {plan.speed_kn:g} kn)" for r in plan.ok_routes)
        + "."
        + (" No route: " + "; ".join(f"{r.name} ({r.reason})" for r in closed) + "." if closed else ""),
        f"Clearing {sizing['lanes_km']:.0f} km of corridor lanes to {cfg.mcm_target_clearance:.0%} takes about {m['vessel_days']:.0f} MCM vessel-days; "
        f"{sum(q.quantity for q in reqs if q.capability == 'mcm_vessel' and q.id.endswith('CLEAR'))} MCM vessels for {cfg.mcm_clearance_days:g} days, "
        f"{sizing['escorts']['escorts']} escorts and {sizing['mpa']['orbits']} patrol orbits (all planning assumptions).",
    ]
    littoral = _littoral_mcm(scenario, reqs)
    summary.append(littoral["sentence"])
    if len(per_site):
        worst = per_site.sort_values("expected_leakers", ascending=False).iloc[0]
        summary.append(f"Most exposed corridor site: {worst['name']} with {worst['expected_leakers']:.1f} expected leakers in its worst wave ({method}).")
    zones_data = [
        {"id": z.id, "name": z.name, "reason": z.reason, "polygon": [[round(a, 4), round(b, 4)] for a, b in np.asarray(z.polygon.exterior.coords)]}
        for z in plan.constraints.zones
        if z.polygon.geom_type == "Polygon"
    ]
    data = {
        "destination": {"id": plan.destination.id, "name": plan.destination.name, "lon": plan.destination.lon, "lat": plan.destination.lat},
        "speed_kn": plan.speed_kn,
        "constraints": {
            "territorial_waters": cfg.territorial_waters,
            "territorial_states": list(cfg.territorial_states),
            "outside_penalty": cfg.outside_penalty,
            "closed_passages": list(cfg.closed_passages),
            "exclusion_zones": zones_data,
        },
        "routes": [r.to_dict() for r in plan.routes],
        "sites": [s.model_dump() for s in sites],
        "exposure": exposure,
        "exposure_method": method,
        "sizing": sizing,
        "mcm_littoral": littoral,
        "requirements": [q.model_dump() for q in reqs],
    }
    return Result(
        name="seas",
        title="Safe seas: the corridor, port exposure and its protection",
        summary=summary,
        data=data,
        frames={"routes": routes_df, "legs": legs_df, "exposure": exposure, "sizing": table, "requirements": pd.DataFrame([q.model_dump() for q in reqs])},
        assumptions=_assumptions(cfg, plan, notes, scenario.as_of.isoformat()) + _littoral_assumptions(littoral),
        metadata={"status": "ok" if not closed else "partial", "routes_ok": n_ok, "routes": len(plan.routes), "exposure_method": method, "longest_route": longest.port},
        requirements=reqs,
    )
