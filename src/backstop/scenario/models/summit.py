"""Scenario inputs of the summit planner: leaders, candidate venues, vetoes."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from backstop.scenario.models.base import Row, Section, TableSpec, field, list_validator


class Leader(Row):
    """A leader who must travel to the summit."""

    state: str = field(..., "ISO3 of the leader's state (decides which airspace is closed to the flight).", ref="state")
    name: str = field(..., "Name.")
    origin: str = field(..., "ICAO code of the departure airport.", ref="airport")
    warrants: list[str] = Field(
        default_factory=list,
        description="Arrest warrants, `;`-separated: ids of the bundled `icc_warrants.csv` (e.g. `icc-2023-03-17-putin`) or `ICC:YYYY-MM-DD`.",
        json_schema_extra={"ref": "warrant"},
    )

    _split = list_validator("warrants")


class Venue(Row):
    """A candidate summit venue."""

    icao: str = field(..., "ICAO code of the venue's airport.", ref="airport")
    city: str = field(..., "City.")
    state: str = field(..., "ISO3 of the host state (may differ from the airport's state, e.g. VAT with a Rome airport).", ref="state")
    immunity_assurance: bool = field(False, "Host offers an immunity assurance to warrant holders.")


class Veto(Row):
    """A party's declared refusal of a venue."""

    party: str = field(..., "ISO3 of the vetoing party.", ref="state")
    venue: str = field(..., "ICAO code of the vetoed venue.", ref="airport")
    reason: str = field("", "Stated reason and source.")


class SummitSection(Section):
    """``[summit]``: date and toggles."""

    date: dt.date | None = field(None, "Date of the summit (default: scenario as-of date).", in_period=True)
    allow_overflight: list[str] = Field(default_factory=list, description="States granting overflight derogations to every leader (ISO3).", json_schema_extra={"ref": "state"})
    immunity_assurances: list[str] = Field(
        default_factory=list,
        description="Host states (ISO3) offering an immunity assurance to warrant holders, besides the bundled dated statements (`summit_facts.csv`: Switzerland from 19 Aug 2025, Hungary 17-22 Oct 2025).",
        json_schema_extra={"ref": "state"},
    )
    avoid_icc_airspace: bool = field(False, "Route warrant holders around Rome Statute parties (emergency-landing risk).")
    cruise_kmh: float = field(850.0, "Assumed block cruise speed of a government jet.", unit="km/h", gt=100.0, lt=1500.0)
    ground_h: float = field(0.5, "Assumed time per flight for taxi, climb and approach.", unit="h", ge=0.0, le=5.0)


SECTION = ("summit", SummitSection)
TABLES = [
    TableSpec("leaders", Leader, "Leaders who travel.", default="the office-holders on the summit date (reference `leaders.csv`, dated from 2015: e.g. Putin from UUWW, Zelenskyy from EPRZ, Trump from KADW in 2025)"),
    TableSpec("venues", Venue, "Candidate venues.", default="bundled default venue list (reference `summit_venues.csv`, 14 venues)"),
    TableSpec("vetoes", Veto, "Declared vetoes."),
]
