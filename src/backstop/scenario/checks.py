"""Cross-reference checks of a parsed scenario (the second validation tier).

Each ``check_*`` function takes a :class:`~backstop.scenario.Scenario` and returns a list of
:class:`~backstop.errors.Problem` with ``severity="warning"``; ``backstop validate --strict``
(and ``read_scenario(strict=True)``) makes them fatal.  Field metadata (``ref``, ``in_period``,
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


def _ref_values(kind: str) -> set[str] | None:
    """Valid values for a reference kind, from bundled data (None for a kind nothing checks)."""
    from backstop.reference import load_table

    if kind in _REF_TABLES:
        table, column = _REF_TABLES[kind]
        return set(load_table(table)[column])
    if kind == "airport":
        from backstop.reference.airports import load_airports

        return set(load_airports())
    return None


_HINTS = {
    "state": "use an ISO 3166-1 alpha-3 code such as FRA or GBR (`backstop facts states`)",
    "capability": "see `backstop facts capabilities` for the taxonomy",
    "zone": "see `backstop facts zones`",
    "system": "see `backstop facts systems` for the air-defence catalogue",
    "threat": "see `backstop facts threats` for the threat catalogue",
    "airport": "use a 4-letter ICAO code such as LSGG (Geneva)",
}


def _meta(model, name) -> dict:
    extra = model.model_fields[name].json_schema_extra
    return extra if isinstance(extra, dict) else {}


def _line_of(row, i: int) -> str:
    return f"line {row.line}" if row.line else f"row {i + 1}"


def check_references(scenario: Scenario) -> list[Problem]:
    """Values of ``ref`` fields (state codes, capabilities, zones, systems, threats, airports) exist."""
    out = []
    cache: dict[str, set[str] | None] = {}
    for name, spec in TABLES.items():
        for fname in spec.row.model_fields:
            kind = _meta(spec.row, fname).get("ref")
            if not kind or not scenario.rows(name):
                continue
            if kind not in cache:
                cache[kind] = _ref_values(kind)
            valid = cache[kind]
            if valid is None:
                continue
            for i, row in enumerate(scenario.rows(name)):
                value = getattr(row, fname)
                values = value if isinstance(value, list) else [value]
                for v in values:
                    if v not in valid and str(v).upper() not in valid:
                        out.append(Problem(f"{name}.csv", _line_of(row, i), fname, str(v), f"unknown {kind}", _HINTS.get(kind, ""), "warning"))
    return out


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


CHECKS: list[Callable[[Scenario], list[Problem]]] = [
    check_references,
    check_duplicate_ids,
    check_dates_in_period,
    check_membership_overrides,
    check_land,
]


def run_checks(scenario: Scenario) -> list[Problem]:
    """Run every registered ``check_*`` function and return their problems (warnings, and the
    errors of checks such as :func:`check_land` that find input no analysis can honour)."""
    out: list[Problem] = []
    for check in CHECKS:
        out.extend(check(scenario))
    return out
