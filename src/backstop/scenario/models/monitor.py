"""Scenario inputs of ceasefire monitoring: the agreement, the line of contact, commitments, incidents."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from backstop.scenario.models.base import Row, Section, TableSpec, field


class LinePoint(Row):
    """A vertex of the line of contact (polyline, in order)."""

    seq: int = field(..., "Order of the vertex along the line.", ge=0)
    lat: float = field(..., "Latitude.", unit="deg", ge=-90, le=90)
    lon: float = field(..., "Longitude.", unit="deg", ge=-180, le=180)


class Commitment(Row):
    """A guarantor's promised response to a class of violation."""

    guarantor: str = field(..., "ISO3 of the guarantor, or a group name (`coalition`).")
    violation_class: str = field(..., "Class of violation the commitment answers.")
    min_severity: int = field(1, "Lowest severity (1-5) that fires the step.", ge=1, le=5)
    response: str = field(..., "Response step (consultations, air policing, sanctions, tariffs...).")
    deadline_hours: float = field(24.0, "Deadline after the triggering violation.", unit="h", ge=0)
    rule: str = field("each", "Trigger rule: `each`, or `count:N/days:D` (N violations within D days).")


class Incident(Row):
    """An incident report (ACLED-compatible subset)."""

    event_id: str = field(..., "Unique id.")
    event_date: str = field(..., "Date (YYYY-MM-DD).")
    event_type: str = field("", "ACLED event type.")
    sub_event_type: str = field("", "ACLED sub-event type.")
    actor1: str = field("", "First actor.")
    admin1: str = field("", "Region.")
    location: str = field("", "Place name.")
    latitude: float = field(..., "Latitude.", unit="deg", ge=-90, le=90)
    longitude: float = field(..., "Longitude.", unit="deg", ge=-180, le=180)
    fatalities: int = field(0, "Killed.", ge=0)
    injured: int = field(0, "Injured.", ge=0)
    notes: str = field("", "Notes.")
    source: str = field("", "Source.")


class MonitorSection(Section):
    """``[monitor]``: the agreement being monitored."""

    parties: list[str] = Field(default_factory=lambda: ["UKR", "RUS"], description="Parties to the agreement (ISO3).")
    effective: datetime | None = field(None, "When the agreement takes effect (ISO date-time).")
    buffer_km: float = field(15.0, "Width of the buffer zone on each side of the line.", unit="km", ge=0)


SECTION = ("monitor", MonitorSection)
TABLES = [
    TableSpec("line_of_contact", LinePoint, "Line of contact vertices."),
    TableSpec("commitments", Commitment, "Guarantors' commitments."),
    TableSpec("incidents", Incident, "Incident reports."),
]
