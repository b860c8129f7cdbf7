"""The reference facts as of one date: the one place where date rules live.

A scenario resolves its as-of date into one :class:`Snapshot` when it is read
(:attr:`backstop.scenario.Scenario.snapshot`); every analysis takes its date-dependent facts
from it and none calls a date-dependent reference function on its own.  An analysis judged on
another date (the summit on ``[summit].date`` or ``--date``) asks for
:meth:`backstop.scenario.Scenario.snapshot_on`, which applies the same rules.

Rules (each a function below, each tested):

* **coverage**: the bundled history is complete from :data:`COVERAGE_FROM` (the Rome Statute
  parties and the leaders' table); an earlier date raises :class:`DateNotCovered`, which the
  scenario reader words as ``key scenario.as_of`` and the CLI as the option it came from;
* **memberships**: intervals ``[start, end)`` of ``memberships.csv`` with the scenario's
  overrides (:func:`backstop.reference.states.members`);
* **positions**: a published position applies from the day it was ``stated`` (a position
  published after the date does not apply; it is listed in ``positions_later``);
* **GDP**: per state, the latest year not after the date's year; where the table has no such
  year the earliest year bundled is used and ``gdp_note`` says so;
* **airspace restrictions**: rows of ``airspace_restrictions.csv`` in force on the date;
* **leaders**: the office-holders of ``leaders.csv`` with ``start <= date < end`` (a 2023 US
  leader is Joe Biden);
* **summit facts**: rows of ``summit_facts.csv`` (invitations, immunity assurances, overflight
  offers, airspace a leader's aircraft has avoided in practice, stopovers of a leader's flight)
  with ``from <= date <= until``;
* **precedents**: the ICC's non-compliance findings decided on or before the date;
* **straits**: the closures of ``straits.csv`` in force on the date (``start <= date < end``: the
  Montreux wartime closure since 28 Feb 2022) and the littoral MCM groups of ``mcm_groups.csv``
  constituted by the date; a scenario's ``[toggles] montreux_closure = false`` lifts the closure
  (:meth:`Snapshot.straits_closure`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from backstop.reference.states import BODIES, DateNotCovered, members, normalise_body

COVERAGE_FROM = dt.date(2015, 1, 1)
"""Earliest date the bundled reference history covers (Rome Statute parties, leaders in office)."""


@dataclass(frozen=True)
class Position:
    """A published national position on the reassurance force (a row of ``positions.csv``)."""

    iso3: str
    body: str
    position: str
    stated: dt.date
    text: str
    source: str
    assumption: bool


@dataclass(frozen=True)
class AirspaceRestriction:
    """Airspace of ``airspace`` closed to the aircraft of ``closed_to`` (``ALL`` = every flight) on the date."""

    airspace: str
    closed_to: str
    waivable_by_host: bool
    note: str
    source: str
    assumption: bool


@dataclass(frozen=True)
class OfficeHolder:
    """A leader in office on the date (a row of ``leaders.csv``)."""

    state: str
    name: str
    role: str
    start: dt.date
    end: dt.date | None
    origin: str
    warrants: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class SummitFact:
    """A dated, sourced statement of a state towards a leader's state (a row of ``summit_facts.csv``).

    ``kind`` is ``invitation``, ``immunity_assurance``, ``overflight_offer`` (``state`` offers the
    aircraft of ``beneficiary`` passage), ``avoided_airspace`` (``beneficiary``'s state flights
    have kept out of ``state``'s airspace in practice) or ``stopover`` (``beneficiary``'s flight to
    ``venue`` stopped at the airport ``via``, in ``state``: a waypoint of the route).
    """

    id: str
    kind: str
    state: str
    beneficiary: str
    venue: str
    """ICAO code of the venue the statement was made for ('' = any venue)."""
    start: dt.date
    until: dt.date | None
    text: str
    source: str
    assumption: bool
    via: str = ""
    """ICAO code of the stop airport (``stopover`` facts only)."""

    def cite(self) -> str:
        return f"{self.text} (source: {self.source})"


@dataclass(frozen=True)
class Precedent:
    """An ICC finding of non-compliance (a row of ``icc_findings.csv``) decided on or before the date."""

    id: str
    state: str
    decided: dt.date
    chamber: str
    person: str
    visit: str
    finding: str
    source: str


@dataclass(frozen=True)
class Snapshot:
    """Every date-dependent reference fact on one date, with the scenario's membership overrides.

    Attributes
    ----------
    as_of : date
        The date.
    overrides : mapping
        ``"body:ISO3" -> end date or None`` (the scenario's ``toggles.membership_overrides``).
    memberships : mapping of str to frozenset
        Members of each body of :data:`~backstop.reference.states.BODIES` on the date.
    positions, positions_later : tuple of Position
        Positions stated on or before the date, and those stated after it.
    gdp_usd_bn, gdp_year : mapping
        Per state, nominal GDP [USD bn] of the year used and that year.
    gdp_note : str
        Says when a state's GDP is of a year after the date (no earlier figure bundled).
    airspace : tuple of AirspaceRestriction
        Restrictions of ``airspace_restrictions.csv`` in force on the date.
    """

    as_of: dt.date
    overrides: Mapping[str, dt.date | None] = field(default_factory=dict)
    memberships: Mapping[str, frozenset[str]] = field(default_factory=dict)
    positions: tuple[Position, ...] = ()
    positions_later: tuple[Position, ...] = ()
    gdp_usd_bn: Mapping[str, float] = field(default_factory=dict)
    gdp_year: Mapping[str, int] = field(default_factory=dict)
    gdp_note: str = ""
    airspace: tuple[AirspaceRestriction, ...] = ()
    leaders: tuple[OfficeHolder, ...] = ()
    summit_facts: tuple[SummitFact, ...] = ()
    precedents: tuple[Precedent, ...] = ()
    straits: tuple = ()
    """Closures of the Turkish Straits in force on the date (:class:`backstop.reference.straits.StraitsClosure`)."""
    mcm_groups: tuple = ()
    """Littoral mine-countermeasure groups constituted by the date (:class:`backstop.reference.straits.McmGroup`)."""

    def straits_closure(self, *, enabled: bool = True):
        """The straits closure in force on the date, or None (none holds, or ``enabled`` is False: the
        scenario's ``[toggles] montreux_closure``)."""
        return self.straits[0] if enabled and self.straits else None

    def mcm_group(self):
        """The littoral MCM group constituted on the date (the latest constituted), or None."""
        return self.mcm_groups[-1] if self.mcm_groups else None

    def leader(self, state: str) -> OfficeHolder | None:
        """The office-holder of ``state`` in ``leaders.csv`` on the date, if any."""
        return next((ld for ld in self.leaders if ld.state == state), None)

    def facts(self, kind: str, beneficiary: str | None = None, state: str | None = None, venue: str | None = None) -> list[SummitFact]:
        """Summit facts of ``kind`` in force on the date, optionally for one beneficiary, one state or one
        venue (a fact made for another venue does not apply; one without a venue applies to all)."""
        return [f for f in self.summit_facts if f.kind == kind and (beneficiary is None or f.beneficiary == beneficiary)
                and (state is None or f.state == state) and (venue is None or f.venue in ("", venue))]

    def members(self, body: str) -> list[str]:
        """Sorted ISO3 members of ``body`` on the date."""
        return sorted(self.memberships[normalise_body(body)])

    def is_member(self, body: str, iso3: str) -> bool:
        return iso3 in self.memberships[normalise_body(body)]

    def positions_of(self, iso3: str) -> list[str]:
        """Position codes of ``iso3`` in force on the date (first-stated first, no repeats)."""
        return list(dict.fromkeys(p.position for p in self.positions if p.iso3 == iso3))

    @property
    def gdp_basis(self) -> str:
        """The GDP years used, as a phrase (``gdp.csv, 2024``)."""
        years = sorted(set(self.gdp_year.values()))
        return f"gdp.csv, {', '.join(map(str, years)) if years else 'n/a'}"


def check_covered(date: dt.date, what: str = "as_of") -> None:
    """Raise :class:`DateNotCovered` for a date before :data:`COVERAGE_FROM`."""
    if date < COVERAGE_FROM:
        raise DateNotCovered(
            what, date.isoformat(),
            f"the bundled reference history (Rome Statute parties, leaders in office) starts on {COVERAGE_FROM.isoformat()}",
            f"use a date on or after {COVERAGE_FROM.isoformat()}",
        )


def positions_on(df: pd.DataFrame, date: dt.date) -> tuple[tuple[Position, ...], tuple[Position, ...]]:
    """Split ``positions.csv`` rows into those stated on or before ``date`` and those stated after."""
    now, later = [], []
    for r in df.itertuples(index=False):
        p = Position(r.iso3, r.body, r.position, dt.date.fromisoformat(r.stated), r.text, r.source, str(r.assumption).lower() == "true")
        (now if p.stated <= date else later).append(p)
    return tuple(now), tuple(later)


def gdp_on(df: pd.DataFrame, date: dt.date) -> tuple[dict[str, float], dict[str, int], str]:
    """Per state the GDP of the latest year not after ``date.year`` (else the earliest bundled year, noted)."""
    value: dict[str, float] = {}
    year: dict[str, int] = {}
    later: set[str] = set()
    for iso3, g in df.groupby("iso3"):
        g = g.sort_values("year")
        ok = g[g["year"] <= date.year]
        row = ok.iloc[-1] if len(ok) else g.iloc[0]
        if not len(ok):
            later.add(str(iso3))
        value[str(iso3)] = float(row["gdp_usd_bn"])
        year[str(iso3)] = int(row["year"])
    note = ""
    if later:
        ys = sorted({year[s] for s in later})
        note = (f"no GDP figure of {date.year} or earlier is bundled for {len(later)} state(s); "
                f"the figure of {', '.join(map(str, ys))} is used for them")
    return value, year, note


def airspace_on(df: pd.DataFrame, date: dt.date) -> tuple[AirspaceRestriction, ...]:
    """Rows of ``airspace_restrictions.csv`` in force on ``date`` (``start <= date < end``)."""
    iso = date.isoformat()
    out = []
    for r in df.itertuples(index=False):
        if r.start <= iso and (not r.end or iso < r.end):
            out.append(AirspaceRestriction(r.airspace, r.closed_to, str(r.waivable_by_host).lower() == "true", r.note, r.source,
                                           str(r.assumption).lower() == "true"))
    return tuple(out)


def snapshot(as_of: dt.date, overrides: Mapping[str, dt.date | None] | None = None) -> Snapshot:
    """The :class:`Snapshot` of ``as_of`` (cached per date and overrides).

    Raises
    ------
    DateNotCovered
        For a date before :data:`COVERAGE_FROM` (field ``as_of``; the caller names where it came from).
    """
    return _snapshot(as_of, tuple(sorted((overrides or {}).items())))


@lru_cache(maxsize=64)
def _snapshot(as_of: dt.date, overrides: tuple) -> Snapshot:
    from backstop.reference.states import load_gdp, load_positions
    from backstop.reference.tables import load_table

    check_covered(as_of)
    ov = dict(overrides)
    ms = {b: frozenset(members(b, as_of, ov)) for b in BODIES}
    now, later = positions_on(load_positions(), as_of)
    gdp, years, note = gdp_on(load_gdp(), as_of)
    return Snapshot(as_of, ov, ms, now, later, gdp, years, note, airspace_on(load_table("airspace_restrictions"), as_of),
                    leaders_on(load_table("leaders"), as_of), summit_facts_on(load_table("summit_facts"), as_of),
                    precedents_on(load_table("icc_findings"), as_of), straits_on(as_of), mcm_groups_on(as_of))


def straits_on(date: dt.date) -> tuple:
    """Straits closures of ``straits.csv`` in force on ``date`` (``start <= date < end``)."""
    from backstop.reference.straits import closures_in_force

    return closures_in_force(date)


def mcm_groups_on(date: dt.date) -> tuple:
    """Littoral MCM groups of ``mcm_groups.csv`` constituted on or before ``date``, by start date."""
    from backstop.reference.straits import groups_constituted

    return groups_constituted(date)


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def leaders_on(df: pd.DataFrame, date: dt.date) -> tuple[OfficeHolder, ...]:
    """Rows of ``leaders.csv`` in office on ``date`` (``start <= date < end``)."""
    out = []
    for r in df.itertuples(index=False):
        start, end = dt.date.fromisoformat(r.start), _date(r.end)
        if start <= date and (end is None or date < end):
            out.append(OfficeHolder(r.state, r.name, r.role, start, end, r.origin, tuple(w for w in r.warrants.split(";") if w), r.source))
    return tuple(out)


def summit_facts_on(df: pd.DataFrame, date: dt.date) -> tuple[SummitFact, ...]:
    """Rows of ``summit_facts.csv`` in force on ``date`` (``from <= date``, and ``date <= until`` if given)."""
    out = []
    for r in df.to_dict("records"):
        start, until = dt.date.fromisoformat(r["from"]), _date(r["until"])
        if start <= date and (until is None or date <= until):
            out.append(SummitFact(r["id"], r["kind"], r["state"], r["beneficiary"], r["venue"], start, until, r["text"], r["source"],
                                  str(r["assumption"]).lower() == "true", str(r.get("via") or "").strip().upper()))
    return tuple(out)


def precedents_on(df: pd.DataFrame, date: dt.date) -> tuple[Precedent, ...]:
    """ICC non-compliance findings decided on or before ``date``, oldest first."""
    out = [Precedent(r.id, r.state, dt.date.fromisoformat(r.decided), r.chamber, r.person, r.visit, r.finding, r.source)
           for r in df.itertuples(index=False) if dt.date.fromisoformat(r.decided) <= date]
    return tuple(sorted(out, key=lambda p: p.decided))
