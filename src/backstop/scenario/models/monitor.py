"""Scenario inputs of ceasefire monitoring: the agreement, the line of contact, commitments, incidents.

The ``[monitor]`` section states the agreement (parties, effective date-time, buffer zone,
prohibited acts, verification rules); ``line_of_contact.csv`` is the demarcation polyline;
``commitments.csv`` lists what each guarantor promised to do, by violation class and severity,
with a deadline and a trigger rule; ``incidents.csv`` holds incident reports in an
ACLED-compatible shape (Raleigh et al. 2010, ACLED codebook 2023).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from backstop.scenario.models.base import Row, Section, TableSpec, field

VIOLATION_CLASSES = (
    "strike_civilian",
    "strike_energy",
    "strike_port",
    "line_crossing",
    "fire_in_buffer",
    "air_incursion",
)
"""Prohibited acts the classifier knows (see ``docs/monitor.md``)."""

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$")
RULE_RE = re.compile(r"^(each|count:(\d+)/days:(\d+(?:\.\d+)?))$")


class LinePoint(Row):
    """A vertex of the line of contact (polyline, in order from north to south)."""

    seq: int = field(..., "Order of the vertex along the line (north to south).", ge=0, le=1_000_000)
    lat: float = field(..., "Latitude.", unit="deg", ge=-90, le=90)
    lon: float = field(..., "Longitude.", unit="deg", ge=-180, le=180)
    place: str = field("", "Nearby place (for readers; not used in computation).")
    source: str = field("", "Where the vertex was read from.")
    as_of: str = field("", "Date of the map the vertex was read from.")
    assumption: bool = field(True, "True when the vertex is an approximation (hand-digitised from public maps).")


class Commitment(Row):
    """One response step a guarantor promised for a class of violation."""

    id: str = field(..., "Unique id of the commitment step.")
    guarantor: str = field(..., "ISO3 of the guarantor, or a group name (`coalition`, `EU`, `G7`).")
    violation_class: str = field(..., "Violation class the step answers (`any`, or one of the prohibited acts).")
    min_severity: int = field(1, "Lowest severity (1-5) of a violation that counts towards the rule.", ge=1, le=5)
    step: int = field(1, "Order of the step in the guarantor's escalation ladder.", ge=1, le=1_000)
    kind: Literal["consult", "air_defence", "air_policing", "monitoring", "sanctions", "tariffs", "other"] = field(
        "other", "Kind of response."
    )
    response: str = field(..., "What the guarantor does (consultations, reinforce air defence, sanctions snapback...).")
    deadline_hours: float = field(24.0, "Deadline after the trigger.", unit="h", ge=0, le=100_000)
    rule: str = field("each", "Trigger rule: `each` (every qualifying violation), or `count:N/days:D` (N qualifying violations within D days).")
    against: str = field("RUS", "Party whose violations count (ISO3).", ref="state")
    source: str = field("", "Public statement the commitment is consistent with.")
    assumption: bool = field(True, "True when the step is illustrative (guarantee texts are not public).")

    @field_validator("rule")
    @classmethod
    def _rule(cls, v: str) -> str:
        if not RULE_RE.match(v.strip()):
            raise ValueError("rule must be `each` or `count:N/days:D`, e.g. count:3/days:7")
        return v.strip()

    @field_validator("violation_class")
    @classmethod
    def _cls(cls, v: str) -> str:
        if v not in VIOLATION_CLASSES and v != "any":
            raise ValueError(f"unknown violation class; use `any` or one of {', '.join(VIOLATION_CLASSES)}")
        return v


class Incident(Row):
    """An incident report (ACLED-compatible columns, plus provenance)."""

    event_id: str = field("", "Id in the source data set (optional).")
    event_date: str = field(..., "Date (YYYY-MM-DD), or date-time (YYYY-MM-DDTHH:MM).")
    event_type: str = field("", "ACLED event type (Battles, Explosions/Remote violence, ...).")
    sub_event_type: str = field("", "ACLED sub-event type (Air/drone strike, Shelling/artillery/missile attack, Armed clash...).")
    actor1: str = field("", "First actor (who acted).")
    actor2: str = field("", "Second actor.")
    admin1: str = field("", "Region (oblast).")
    location: str = field("", "Place name.")
    latitude: float = field(..., "Latitude.", unit="deg", ge=-90, le=90)
    longitude: float = field(..., "Longitude.", unit="deg", ge=-180, le=180)
    fatalities: int = field(0, "Killed.", ge=0, le=2_147_483_647)
    injured: int = field(0, "Injured.", ge=0, le=2_147_483_647)
    notes: str = field("", "Notes.")
    source: str = field("", "Source of the report.")
    illustrative: bool = field(False, "True when the row is an illustrative example, not a public report.")

    @field_validator("event_date")
    @classmethod
    def _date(cls, v: str) -> str:
        parse_event_date(v)
        return v


def parse_event_date(text: str) -> datetime:
    """An incident date: ISO ``YYYY-MM-DD`` or date-time (``T``, optional zone), or ACLED's ``20 August 2025``.

    Raises ValueError for anything else, impossible dates (2025-02-30) and words (``yesterday``).
    """
    t = text.strip()
    if _ISO_DATE.match(t):
        try:
            return datetime.fromisoformat(t.replace(" ", "T", 1))
        except ValueError:
            raise ValueError("not a valid calendar date or time (YYYY-MM-DD, or YYYY-MM-DDTHH:MM)") from None
    try:
        return datetime.strptime(t, "%d %B %Y")
    except ValueError:
        raise ValueError("not a date: use YYYY-MM-DD (or YYYY-MM-DDTHH:MM, or '20 August 2025')") from None


class Verification(Section):
    """``[monitor.verification]``: when a reported violation counts as verified."""

    min_sources: int = field(2, "Independent sources needed for `verified`.", ge=1, le=1_000)
    min_confidence: float = field(0.6, "Attribution confidence needed for `verified` (and for commitments to fire).", ge=0, le=1)
    fire_on: Literal["verified", "probable", "reported"] = field(
        "probable", "Lowest verification status that counts towards commitments."
    )
    official_weight: float = field(0.6, "Probability an official (government, armed forces) report is right.", ge=0, le=1)
    monitor_weight: float = field(0.9, "Probability a monitoring mission's report is right.", ge=0, le=1)
    media_weight: float = field(0.5, "Probability a media or other report is right.", ge=0, le=1)


class Dedup(Section):
    """``[monitor.dedup]``: thresholds that merge reports of the same event."""

    distance_km: float = field(10.0, "Two reports of the same type closer than this may be the same event.", unit="km", gt=0, le=1_000)
    days: int = field(1, "... and at most this many calendar days apart.", unit="days", ge=0, le=3_650)


class MonitorSection(Section):
    """``[monitor]``: the agreement being monitored."""

    parties: list[str] = Field(default_factory=lambda: ["UKR", "RUS"], description="Parties to the agreement (ISO3).", json_schema_extra={"ref": "state"})
    effective: datetime | None = field(None, "When the agreement takes effect (ISO date-time, UTC); empty = every incident counts.")
    left_side: str = field("RUS", "Party holding the left (east) side of the line when walking it north to south (ISO3).", ref="state")
    buffer_km: float = field(15.0, "Width of the buffer zone on each side of the line.", unit="km", ge=0, le=500)
    crossing_tolerance_km: float = field(2.0, "Ground action this far or more on the other party's side counts as crossing the line.", unit="km", ge=0, le=500)
    prohibited: list[str] = Field(default_factory=lambda: list(VIOLATION_CLASSES), description="Prohibited acts (subset of the violation classes).")
    site_radius_km: dict[str, float] = Field(
        default_factory=lambda: {"city": 20.0, "energy": 5.0, "port": 5.0},
        description="Radius [km] within which the nearest defended site of a kind decides the class of a strike.",
    )
    city_min_population: int = field(50_000, "Cities at least this large are defended civilian areas.", unit="people", ge=0, le=100_000_000)
    major_severity: int = field(4, "Severity at or above which a violation is `major`.", ge=1, le=5)
    verification: Verification = Field(default_factory=Verification, description="Verification rules.")
    dedup: Dedup = Field(default_factory=Dedup, description="Deduplication thresholds.")

    @field_validator("prohibited")
    @classmethod
    def _prohibited(cls, v: list[str]) -> list[str]:
        bad = [x for x in v if x not in VIOLATION_CLASSES]
        if bad:
            raise ValueError(f"unknown prohibited act(s) {bad}; use {', '.join(VIOLATION_CLASSES)}")
        return v

    @field_validator("site_radius_km")
    @classmethod
    def _radius(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [k for k in v if k not in ("city", "energy", "port")]
        if bad:
            raise ValueError(f"unknown site kind(s) {bad}; use city, energy, port")
        return v


SECTION = ("monitor", MonitorSection)
TABLES = [
    TableSpec("line_of_contact", LinePoint, "Line of contact vertices (north to south).", default="no line: line and buffer checks skipped"),
    TableSpec("commitments", Commitment, "Guarantors' response steps by violation class, severity and trigger rule.", default="no commitments fire"),
    TableSpec("incidents", Incident, "Incident reports (ACLED-compatible).", default="no incidents"),
]
