"""Cross-reference and plausibility checks of a parsed scenario (the second validation tier).

Each ``check_*`` function takes a :class:`~backstop.scenario.Scenario` and returns a list of
:class:`~backstop.errors.Problem`.  A reference no analysis can honour (an unknown state, wave,
port...) is an ``error``; a plausibility question (a position outside the theatre, a date far from
the scenario, a duplicate id) is a ``warning``, which ``backstop validate --strict`` (and
``read_scenario(strict=True)``) makes fatal.  Field metadata (``ref``, ``in_period``,
see :func:`backstop.scenario.models.base.field`) tells the generic checks what to look at.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from backstop.errors import Problem
from backstop.scenario.models import TABLES
from backstop.scenario.scenario import Scenario

_REF_TABLES = {
    "state": ("states", "iso3"),
    "capability": ("capabilities", "id"),
    "zone": ("zones", "id"),
    "system": ("air_defence_systems", "id"),
    "threat": ("threat_weapons", "id"),
}


def _ref_values(kind: str, scenario: Scenario) -> set[str] | None:
    """Valid values for a reference kind, from bundled data (None for a kind nothing checks)."""
    from backstop.reference import load_table

    if kind in _REF_TABLES:
        table, column = _REF_TABLES[kind]
        return set(load_table(table)[column])
    if kind == "airport":
        from backstop.reference.airports import load_airports

        return set(load_airports())
    if kind == "port":
        from backstop.scenario.models.seas import DESTINATION_ALIASES

        return set(load_table("ports")["id"]) | set(DESTINATION_ALIASES)
    if kind == "passage":
        from searoute.classes.passages import Passage

        return {p for p in Passage.valid_passages() if isinstance(p, str)} | {"dardanelles"}
    if kind == "wave":
        return set(_wave_names(scenario)) | {""}
    if kind == "warrant":
        return set(load_table("icc_warrants")["id"])
    return None


def _wave_names(scenario: Scenario) -> list[str]:
    """Waves of the scenario's ``waves.csv``, or of the bundled waves where the table is absent."""
    if "waves" in scenario.tables:
        return list(dict.fromkeys(r.wave for r in scenario.rows("waves")))
    import csv
    from importlib import resources

    text = (resources.files("backstop.scenario") / "bundled" / "ukraine-2025" / "waves.csv").read_text(encoding="utf-8")
    return list(dict.fromkeys(r["wave"].strip() for r in csv.DictReader(text.splitlines()) if r.get("wave")))


_HINTS = {
    "state": "use an ISO 3166-1 alpha-3 code such as FRA or GBR (`backstop facts states`)",
    "capability": "see `backstop facts capabilities` for the taxonomy",
    "zone": "see `backstop facts zones`",
    "system": "see `backstop facts systems` for the air-defence catalogue",
    "threat": "see `backstop facts threats` for the threat catalogue",
    "airport": "use a 4-letter ICAO code such as LSGG (Geneva)",
    "port": "use a port id of `backstop facts ports` (e.g. odesa, chornomorsk, izmail, bosporus)",
    "passage": "use a searoute passage such as bosporus, dardanelles, suez, gibraltar",
    "warrant": "use an id of the bundled icc_warrants.csv (e.g. icc-2023-03-17-putin) or ICC:YYYY-MM-DD",
    "wave": "name a wave of waves.csv (the `wave` column), or leave empty for the first wave",
}


def _meta(model, name) -> dict:
    extra = model.model_fields[name].json_schema_extra
    return extra if isinstance(extra, dict) else {}


def _line_of(row, i: int) -> str:
    return f"line {row.line}" if row.line else f"row {i + 1}"


def _known(v, valid: set[str]) -> bool:
    if v in valid or str(v).upper() in valid:
        return True
    text = str(v)
    if text.upper().startswith("ICC:"):  # a warrant given by its date
        try:
            dt.date.fromisoformat(text[4:])
            return True
        except ValueError:
            return False
    return False


def check_references(scenario: Scenario) -> list[Problem]:
    """Values of ``ref`` fields (states, capabilities, zones, systems, threats, airports, ports,
    passages, waves) exist, in the tables and in ``scenario.toml``: an unknown reference is an
    error (no analysis can honour it)."""
    out = []
    cache: dict[str, set[str] | None] = {}

    def valid(kind: str) -> set[str] | None:
        if kind not in cache:
            cache[kind] = _ref_values(kind, scenario)
        return cache[kind]

    for name, spec in TABLES.items():
        for fname in spec.row.model_fields:
            kind = _meta(spec.row, fname).get("ref")
            if not kind or not scenario.rows(name):
                continue
            ok = valid(kind)
            if ok is None:
                continue
            for i, row in enumerate(scenario.rows(name)):
                value = getattr(row, fname)
                values = value if isinstance(value, list) else [value]
                for v in values:
                    if not _known(v, ok):
                        out.append(Problem(f"{name}.csv", _line_of(row, i), fname, str(v), f"unknown {kind}", _HINTS.get(kind, ""), "error"))
    cfg = scenario.config
    for sec_name, sec in _sections(cfg):
        for fname in type(sec).model_fields:
            kind = _meta(type(sec), fname).get("ref")
            value = getattr(sec, fname)
            if not kind or value is None or value == "" or value == []:
                continue
            ok = valid(kind)
            if ok is None:
                continue
            for v in value if isinstance(value, list) else [value]:
                if not _known(v, ok):
                    out.append(Problem("scenario.toml", f"key {sec_name}.{fname}", fname, str(v), f"unknown {kind}", _HINTS.get(kind, ""), "error"))
    return out


def _sections(cfg):
    """(dotted name, section) of every section of ``scenario.toml``, nested ones included."""
    from pydantic import BaseModel

    stack = [(n, getattr(cfg, n)) for n in type(cfg).model_fields]
    while stack:
        name, sec = stack.pop(0)
        if not isinstance(sec, BaseModel):
            continue
        yield name, sec
        stack.extend((f"{name}.{n}", getattr(sec, n)) for n in type(sec).model_fields if isinstance(getattr(sec, n), BaseModel))


def check_duplicate_ids(scenario: Scenario) -> list[Problem]:
    """No two rows of a table share an ``id`` (or ``event_id``)."""
    out = []
    for name, spec in TABLES.items():
        key = "id" if "id" in spec.row.model_fields else ("event_id" if "event_id" in spec.row.model_fields else None)
        if key is None:
            continue
        counts = Counter(getattr(r, key) for r in scenario.rows(name))
        for i, row in enumerate(scenario.rows(name)):
            v = getattr(row, key)
            if counts[v] > 1:
                out.append(Problem(f"{name}.csv", _line_of(row, i), key, str(v), f"duplicate {key} (appears {counts[v]} times)", "give each row a unique id", "warning"))
    return out


def check_dates_in_period(scenario: Scenario) -> list[Problem]:
    """Dates marked ``in_period`` (and month indices) fall inside the scenario period."""
    out = []
    start, end = scenario.start, scenario.end
    cfg = scenario.config
    for sec_name in type(cfg).model_fields:
        sec = getattr(cfg, sec_name)
        for fname in type(sec).model_fields:
            if _meta(type(sec), fname).get("in_period"):
                v = getattr(sec, fname)
                if isinstance(v, dt.date) and not (start <= v <= end):
                    out.append(Problem("scenario.toml", f"key {sec_name}.{fname}", fname, v.isoformat(), f"date outside the scenario period {start}..{end}", "move the date or widen [scenario] start/end", "warning"))
    horizon = cfg.forcegen.horizon_months
    for name, spec in TABLES.items():
        for fname in spec.row.model_fields:
            if _meta(spec.row, fname).get("unit") != "month":
                continue
            for i, row in enumerate(scenario.rows(name)):
                v = getattr(row, fname)
                if isinstance(v, int) and v > horizon:
                    out.append(Problem(f"{name}.csv", _line_of(row, i), fname, str(v), f"month beyond the planning horizon ({horizon} months)", "raise [forcegen] horizon_months or shorten the period", "warning"))
    if cfg.scenario.start and cfg.scenario.end and cfg.scenario.end <= cfg.scenario.start:
        out.append(Problem("scenario.toml", "key scenario.end", "end", str(cfg.scenario.end), "end is not after start", "set end after start", "warning"))
    return out


def check_membership_overrides(scenario: Scenario) -> list[Problem]:
    """Override keys name a known body and state (``body:ISO3``)."""
    from backstop.reference.states import BODIES, load_memberships

    out = []
    df = load_memberships()
    known = set(df["body"] + ":" + df["iso3"])
    for key in scenario.config.toggles.membership_overrides:
        body = key.split(":", 1)[0]
        if body not in BODIES or key not in known:
            out.append(Problem("scenario.toml", f"key toggles.membership_overrides.{key}", key, key, "no bundled membership to override", "use body:ISO3 of an existing membership, e.g. icc:HUN", "warning"))
    return out


def check_land(scenario: Scenario) -> list[Problem]:
    """Land inputs the deployment model cannot honour: unknown nodes, an edge with no capacity,
    impossible notice, a unit with no route to its zone.  These are errors, not warnings."""
    if not (scenario.has("land_units") or scenario.has("land_corridors")):
        return []
    from backstop.land.analysis import input_problems

    return input_problems(scenario)


THEATRE = {"lat": (40.0, 57.0), "lon": (18.0, 45.0)}
"""Bounding box [deg] of the theatre (Ukraine, its neighbours, the Black Sea): a position outside it is
probably a typo (swapped lat/lon, a sign), so it is a warning (an error under ``--strict``)."""
_LAT = ("lat", "latitude")
_LON = ("lon", "longitude")
FAR_DAYS = 5 * 365
"""Incident dates further than this from the scenario period are questioned (warning)."""


def check_positions_in_theatre(scenario: Scenario) -> list[Problem]:
    """Latitudes and longitudes of table rows fall inside the theatre (warning: plausibility)."""
    out = []
    for name, spec in TABLES.items():
        for fname in spec.row.model_fields:
            axis = "lat" if fname in _LAT else ("lon" if fname in _LON else None)
            if axis is None:
                continue
            lo, hi = THEATRE[axis]
            for i, row in enumerate(scenario.rows(name)):
                v = getattr(row, fname)
                if v is not None and not (lo <= v <= hi):
                    out.append(Problem(f"{name}.csv", _line_of(row, i), fname, f"{v:g}", f"{'latitude' if axis == 'lat' else 'longitude'} outside the theatre ({lo:g} to {hi:g} deg)", "check the sign and that lat and lon are not swapped", "warning"))
    return out


def check_incident_dates(scenario: Scenario) -> list[Problem]:
    """Incident dates lie within five years of the scenario period (warning: plausibility)."""
    from backstop.scenario.models.monitor import parse_event_date

    out = []
    lo = scenario.start - dt.timedelta(days=FAR_DAYS)
    hi = scenario.end + dt.timedelta(days=FAR_DAYS)
    for i, row in enumerate(scenario.rows("incidents")):
        d = parse_event_date(row.event_date).date()
        if not (lo <= d <= hi):
            out.append(Problem("incidents.csv", _line_of(row, i), "event_date", row.event_date, f"date more than five years from the scenario period {scenario.start}..{scenario.end}", "check the year", "warning"))
    return out


def check_wave_regions(scenario: Scenario) -> list[Problem]:
    """Regions named in a ``waves.csv`` allocation have a defended site (skies could not place the
    wave otherwise): the same rule and message as :func:`backstop.skies.waves.parse_allocation`."""
    rows = scenario.rows("waves")
    if not any(str(r.allocation).strip().startswith("regions:") for r in rows):
        return []
    from backstop.errors import InputError
    from backstop.skies.assets import scenario_assets
    from backstop.skies.waves import parse_allocation

    try:
        regions = set(scenario_assets(scenario, scenario.config.skies.min_city_population).region.tolist())
    except InputError as exc:
        return list(exc.problems)
    out: list[Problem] = []
    for r in rows:
        try:
            parse_allocation(r.allocation, getattr(r, "line", None), regions)
        except InputError as exc:
            out.extend(exc.problems)
    return out


CHECKS: list[Callable[[Scenario], list[Problem]]] = [
    check_references,
    check_duplicate_ids,
    check_dates_in_period,
    check_membership_overrides,
    check_land,
    check_wave_regions,


    check_positions_in_theatre,
    check_incident_dates,
]


def run_checks(scenario: Scenario) -> list[Problem]:
    """Run every registered ``check_*`` function and return their problems (warnings, and the
    errors of checks such as :func:`check_land` that find input no analysis can honour)."""
    out: list[Problem] = []
    for check in CHECKS:
        out.extend(check(scenario))
    return out
