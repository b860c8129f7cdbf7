"""Inputs of the summit planner: leaders, candidate venues and vetoes, with the bundled defaults.

When the scenario has no ``leaders.csv`` / ``venues.csv`` the bundled reference tables apply:
the office-holders of ``leaders.csv`` on the summit date (from the snapshot) and
``summit_venues.csv``.  Every airport resolves through
``airportsdata``; every state code through ``states.csv``; bad codes raise
:class:`~backstop.errors.InputError` naming the file, line, field and value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from backstop.errors import InputError, Problem
from backstop.reference import load_table
from backstop.reference.airports import airport
from backstop.reference.states import state_names


@dataclass(frozen=True)
class LeaderInput:
    state: str
    name: str
    origin: str
    lon: float
    lat: float
    warrants: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class VenueInput:
    icao: str
    city: str
    state: str
    airport_state: str
    lon: float
    lat: float
    assurance: str = ""
    """An immunity assurance stated in the scenario (to every leader), '' if none; the bundled,
    dated assurances come from the snapshot (``summit_facts.csv``)."""
    source: str = ""


@dataclass(frozen=True)
class VetoInput:
    party: str
    venue: str
    reason: str = ""


@dataclass
class SummitInputs:
    leaders: list[LeaderInput]
    venues: list[VenueInput]
    vetoes: list[VetoInput] = field(default_factory=list)


def _iso2_to_iso3() -> dict[str, str]:
    df = load_table("states")
    return dict(zip(df["iso2"], df["iso3"], strict=False))


def _airport_problem(file: str, loc: str, fld: str, code: str) -> Problem:
    return Problem(file, loc, fld, code, "unknown airport (not an ICAO code in airportsdata)", "use a 4-letter ICAO code such as LSGG (Geneva)")


def _resolve_airport(code: str, file: str, loc: str, fld: str, problems: list[Problem]):
    a = airport(code) if isinstance(code, str) and len(code) == 4 else None
    if a is None:
        problems.append(_airport_problem(file, loc, fld, code))
    return a


def load_inputs(scenario, snapshot, extra_assurances: list[str] = ()) -> SummitInputs:
    """Leaders, venues and vetoes of a scenario on the snapshot's date, bundled defaults applied, all codes checked."""
    names = state_names()
    iso3_of = _iso2_to_iso3()
    problems: list[Problem] = []
    warrants = set(load_table("icc_warrants")["id"])

    def check_state(code, file, loc, fld):
        if code not in names:
            problems.append(Problem(file, loc, fld, code, "unknown state code", "use an ISO 3166-1 alpha-3 code such as CHE"))

    leaders: list[LeaderInput] = []
    if scenario.has("leaders"):
        rows = [(r.state, r.name, r.origin, r.warrants, f"line {r.line}", "") for r in scenario.rows("leaders")]
        lfile = "leaders.csv"
    else:  # the office-holders on the summit date (dated reference leaders.csv)
        rows = [(ld.state, ld.name, ld.origin, list(ld.warrants), f"{ld.name} from {ld.start.isoformat()}", ld.source) for ld in snapshot.leaders]
        lfile = "reference leaders.csv"
    for state, name, origin, ws, loc, src in rows:
        check_state(state, lfile, loc, "state")
        a = _resolve_airport(origin, lfile, loc, "origin", problems)
        for w in ws:
            ok = w in warrants
            if not ok and w.upper().startswith("ICC:"):
                try:
                    dt.date.fromisoformat(w[4:])
                    ok = True
                except ValueError:
                    ok = False
            if not ok:
                problems.append(Problem(lfile, loc, "warrants", w, "unknown warrant", f"use an id of the bundled icc_warrants.csv ({', '.join(sorted(warrants))}) or ICC:YYYY-MM-DD"))
        if a is not None:
            leaders.append(LeaderInput(state, name, origin.upper(), float(a["lon"]), float(a["lat"]), tuple(ws), src))

    ref = load_table("summit_venues").set_index("icao")
    assured = {s: "an assurance stated in the scenario ([summit] immunity_assurances)" for s in extra_assurances}
    venues: list[VenueInput] = []
    if scenario.has("venues"):
        vrows = [(v.icao, v.city, v.state, v.immunity_assurance, f"line {v.line}", "venues.csv") for v in scenario.rows("venues")]
    else:
        vrows = [(icao, r["city"], r["state"], False, f"line {i + 2}", "reference summit_venues.csv") for i, (icao, r) in enumerate(ref.iterrows())]
    for icao, city, state, assurance, loc, vfile in vrows:
        check_state(state, vfile, loc, "state")
        a = _resolve_airport(icao, vfile, loc, "icao", problems)
        if a is None:
            continue
        ap_state = iso3_of.get(a["country"], a["country"])
        text = assured.get(state, "an assurance stated in the scenario's venues.csv" if assurance else "")
        venues.append(VenueInput(icao.upper(), city, state, ap_state, float(a["lon"]), float(a["lat"]), text,
                                 ref.loc[icao, "source"] if icao in ref.index else vfile))
    vetoes = []
    for v in scenario.rows("vetoes"):
        check_state(v.party, "vetoes.csv", f"line {v.line}", "party")
        if airport(v.venue) is None:
            problems.append(_airport_problem("vetoes.csv", f"line {v.line}", "venue", v.venue))
        vetoes.append(VetoInput(v.party, v.venue.upper(), v.reason))
    if problems:
        raise InputError(problems)
    return SummitInputs(leaders, venues, vetoes)


def adhoc_venue(icao: str) -> VenueInput:
    """A venue at any airport (``--venues``), hosted by the airport's state."""
    a = airport(icao)
    if a is None:
        raise InputError([_airport_problem("<cli>", "argument --venues", "venues", icao)])
    iso3 = _iso2_to_iso3().get(a["country"], a["country"])
    return VenueInput(icao.upper(), a["city"] or a["name"], iso3, iso3, float(a["lon"]), float(a["lat"]), "", "airportsdata")
