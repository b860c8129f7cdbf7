"""Scenario inputs of the summit planner: leaders, candidate venues, vetoes."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from backstop.scenario.models.base import Row, Section, TableSpec, field, list_validator


class Leader(Row):
    """A leader who must travel to the summit."""

    state: str = field(..., "ISO3 of the leader's state.", ref="state")
    name: str = field(..., "Name.")
    origin: str = field(..., "ICAO code of the departure airport.", ref="airport")
    warrants: list[str] = Field(default_factory=list, description="Arrest warrants (`ICC:2023-03-17`), `;`-separated.")

    _split = list_validator("warrants")


class Venue(Row):
    """A candidate summit venue."""

    icao: str = field(..., "ICAO code of the venue's airport.", ref="airport")
    city: str = field(..., "City.")
    state: str = field(..., "ISO3 of the host state.", ref="state")
    immunity_assurance: bool = field(False, "Host offers an immunity assurance to warrant holders.")


class Veto(Row):
    """A party's declared refusal of a venue."""

    party: str = field(..., "ISO3 of the vetoing party.", ref="state")
    venue: str = field(..., "ICAO code of the vetoed venue.", ref="airport")
    reason: str = field("", "Stated reason and source.")


class SummitSection(Section):
    """``[summit]``: date and toggles."""

    date: dt.date | None = field(None, "Date of the summit (default: scenario as-of date).", in_period=True)
    allow_overflight: list[str] = Field(default_factory=list, description="States granting overflight derogations (ISO3).")
    avoid_icc_airspace: bool = field(False, "Route warrant holders around Rome Statute parties (emergency-landing risk).")


SECTION = ("summit", SummitSection)
TABLES = [
    TableSpec("leaders", Leader, "Leaders who travel.", default="bundled leaders"),
    TableSpec("venues", Venue, "Candidate venues.", default="bundled default venue list"),
    TableSpec("vetoes", Veto, "Declared vetoes."),
]
