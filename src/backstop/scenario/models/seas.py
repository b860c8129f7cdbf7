"""Scenario inputs of the safe-seas analysis: corridor settings and exclusion zones."""

from __future__ import annotations

from pydantic import Field

from backstop.scenario.models.base import Row, Section, TableSpec, field


class ExclusionZone(Row):
    """A circular sea area the corridor must avoid."""

    id: str = field(..., "Unique id of the zone.")
    name: str = field("", "Name.")
    lat: float = field(..., "Centre latitude.", unit="deg", ge=-90, le=90)
    lon: float = field(..., "Centre longitude.", unit="deg", ge=-180, le=180)
    radius_km: float = field(..., "Radius.", unit="km", gt=0)
    reason: str = field("", "Why the zone is excluded (threat, mines, occupied coast).")


class SeasSection(Section):
    """``[seas]``: corridor and sizing parameters."""

    ports: list[str] = Field(default_factory=lambda: ["odesa", "chornomorsk", "pivdennyi"], description="Origin port ids (`backstop facts ports`).")
    speed_kn: float = field(12.0, "Convoy speed.", unit="kn", gt=0)
    keep_to_territorial_waters: bool = field(True, "Prefer Romanian and Bulgarian territorial waters.")
    convoys_per_week: float = field(3.0, "Convoys leaving per week.", unit="1/week", ge=0)


SECTION = ("seas", SeasSection)
TABLES = [TableSpec("exclusion_zones", ExclusionZone, "Sea areas the corridor must avoid.")]
