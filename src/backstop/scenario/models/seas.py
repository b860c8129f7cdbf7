"""Scenario inputs of the safe-seas analysis: corridor settings, exclusion zones, port approaches.

Every sizing parameter below is a planning *assumption* (no public MCM, escort or patrol plan
for a Black Sea corridor exists); each description says so and gives the unit.  Sources of the
default values are in ``docs/seas.md``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from backstop.scenario.models.base import Row, Section, TableSpec, field, split_list

DESTINATION_ALIASES = {"bosporus": "bosporus_south"}
"""Destination names that stand for a port id of ``ports.csv``."""


class ExclusionZone(Row):
    """A sea area the corridor must avoid: a circle, or a polygon with an optional buffer."""

    id: str = field(..., "Unique id of the zone.")
    name: str = field("", "Name.")
    shape: Literal["circle", "polygon"] = field("circle", "`circle` (lat, lon, radius_km) or `polygon` (vertices, buffer_km).")
    lat: float | None = field(None, "Circle centre latitude.", unit="deg", ge=-90, le=90)
    lon: float | None = field(None, "Circle centre longitude.", unit="deg", ge=-180, le=180)
    radius_km: float = field(0.0, "Circle radius (geodesic).", unit="km", ge=0, le=5_000)
    vertices: str = field("", "Polygon vertices `lon lat; lon lat; ...` (WGS84, at least 3).")
    buffer_km: float = field(0.0, "Distance kept from the polygon (or added to the circle radius).", unit="km", ge=0, le=5_000)
    reason: str = field("", "Why the zone is excluded (threat, mines, occupied coast).")
    source: str = field("", "Where the zone or its distance comes from.")
    assumption: bool = field(True, "True when the zone is an illustrative planning assumption.")

    @field_validator("vertices")
    @classmethod
    def _vertices(cls, v: str, info: ValidationInfo) -> str:
        pts = parse_vertices(v)
        if info.data.get("shape") == "polygon" and len(pts) < 3:
            raise ValueError("a polygon zone needs at least 3 vertices `lon lat; lon lat; lon lat`")
        return v

    @model_validator(mode="after")
    def _shape_complete(self) -> ExclusionZone:
        if self.shape == "circle":
            if self.lat is None or self.lon is None:
                raise ValueError("a circle zone needs lat and lon")
            if self.radius_km + self.buffer_km <= 0:
                raise ValueError("a circle zone needs radius_km > 0")
        return self


def parse_vertices(text: str) -> list[tuple[float, float]]:
    """``"lon lat; lon lat"`` -> list of (lon, lat); ValueError naming the bad vertex."""
    out = []
    for item in split_list(text):
        parts = item.replace(",", " ").split()
        if len(parts) != 2:
            raise ValueError(f"vertex '{item}' is not `lon lat`")
        try:
            lon, lat = float(parts[0]), float(parts[1])
        except ValueError:
            raise ValueError(f"vertex '{item}' is not two numbers") from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(f"vertex '{item}' is out of range (lon in [-180, 180], lat in [-90, 90])")
        out.append((lon, lat))
    return out


class PortApproach(Row):
    """Waypoints from a port that lies off the open sea (a river port) to open water."""

    port: str = field(..., "Port id (`backstop facts ports`).", ref="port")
    waypoints: str = field(..., "Waypoints `lon lat; lon lat; ...` from the port to a point at sea (the last one must be at sea).")
    note: str = field("", "Which channel or river arm the approach follows.")
    source: str = field("", "Where the waypoints come from.")
    assumption: bool = field(True, "True when the waypoints are approximate.")

    @field_validator("waypoints")
    @classmethod
    def _parse(cls, v: str) -> str:
        if len(parse_vertices(v)) < 1:
            raise ValueError("at least one waypoint `lon lat` is needed")
        return v


class SeasSection(Section):
    """``[seas]``: corridor and sizing parameters (sizing values are planning assumptions)."""

    ports: list[str] = Field(
        default_factory=lambda: ["odesa", "chornomorsk", "pivdennyi", "izmail"],
        description="Origin port ids (`backstop facts ports`).",
        json_schema_extra={"ref": "port"},
    )
    destination: str = field("bosporus", "Destination port id; the route ends at the Sea of Marmara end of the Bosporus when it is `bosporus`.", ref="port")
    speed_kn: float = field(12.0, "Convoy speed (assumption; bulk carriers cruise at 11-14 kn).", unit="kn", gt=0, le=50)
    territorial_waters: Literal["off", "prefer", "require"] = field(
        "prefer",
        "Keep to the territorial seas (12 nm) of `territorial_states`: `require` forbids other waters, `prefer` multiplies their length by `outside_penalty`.",
    )
    territorial_states: list[str] = Field(
        default_factory=lambda: ["UKR", "ROU", "BGR", "TUR"],
        description="States whose territorial seas the corridor keeps to (ISO3; Ukraine's and Turkey's are needed to leave and arrive).",
        json_schema_extra={"ref": "state"},
    )
    outside_penalty: float = field(3.0, "Length multiplier for legs outside those waters under `prefer` (assumption).", ge=1, le=1_000)
    closed_passages: list[str] = Field(default_factory=list, description="searoute passages closed to the corridor (e.g. `bosporus`).", json_schema_extra={"ref": "passage"})
    grid_deg: float = field(0.1, "Spacing of the sea grid added to the searoute network in the Black Sea.", unit="deg", gt=0.02, le=1.0)
    port_max_offset_km: float = field(10.0, "Largest distance from a port (or its approach's end) to open water; farther is an input error.", unit="km", gt=0, le=500)
    anchorage_offset_km: float = field(15.0, "Distance along the route from each port to its convoy assembly anchorage (assumption).", unit="km", ge=0, le=500)
    # sizing: mine countermeasures (Koopman random search)
    mcm_sweep_width_m: float = field(150.0, "Effective sweep width of one minehunter's sonar (assumption).", unit="m", gt=0, le=10_000)
    mcm_speed_kn: float = field(4.0, "Minehunting speed (assumption; 3-6 kn is typical).", unit="kn", gt=0, le=50)
    mcm_detection_probability: float = field(0.8, "Probability a mine inside the swept width is detected and neutralised (assumption).", gt=0, le=1)
    mcm_target_clearance: float = field(0.9, "Target fraction of mines cleared from the lanes (assumption).", gt=0, lt=1)
    mcm_lane_width_m: float = field(1852.0, "Width of the swept lane (assumption: 1 nm).", unit="m", gt=0, le=100_000)
    mcm_hours_per_day: float = field(12.0, "Hours of minehunting per vessel per day on task (assumption).", unit="h/day", gt=0, le=24)
    mcm_clearance_days: float = field(60.0, "Days allowed for the initial clearance (assumption).", unit="days", gt=0, le=3_650)
    mcm_resurvey_days: float = field(30.0, "Interval of check surveys against drifting mines after the clearance (assumption).", unit="days", gt=0, le=3_650)
    mcm_resurvey_fraction: float = field(0.25, "Coverage of a check survey relative to the initial clearance (assumption).", ge=0, le=1)
    # sizing: escorts (Little's law)
    convoys_per_week: float = field(3.0, "Convoys leaving per week (assumption).", unit="1/week", ge=0, le=1_000)
    ships_per_convoy: int = field(8, "Merchant ships per convoy (assumption).", unit="ships", ge=1, le=1_000)
    escorts_per_convoy: int = field(2, "Escort vessels per convoy (assumption).", unit="ships", ge=0, le=100)
    escort_turnaround_h: float = field(24.0, "Time an escort spends at each end between transits (assumption).", unit="h", ge=0, le=1_000)
    escort_availability: float = field(0.7, "Fraction of in-theatre escorts ready for tasking (assumption).", gt=0, le=1)
    mcm_availability: float = field(0.7, "Fraction of in-theatre MCM vessels ready for tasking (assumption).", gt=0, le=1)
    # sizing: maritime patrol aircraft
    mpa_sensor_radius_km: float = field(100.0, "Radar radius against small surface craft from patrol altitude (assumption).", unit="km", gt=0, le=1_000)
    mpa_base: str = field("LRCK", "Airfield of the patrol aircraft (ICAO; LRCK = Mihail Kogalniceanu, Romania).", ref="airport")
    mpa_speed_kmh: float = field(550.0, "Patrol aircraft transit speed (assumption, P-8A class).", unit="km/h", gt=0, le=3_000)
    mpa_endurance_h: float = field(10.0, "Patrol aircraft mission endurance (assumption).", unit="h", gt=0, le=48)
    mpa_flight_hours_per_day: float = field(6.0, "Sustainable flight hours per aircraft per day (assumption).", unit="h/day", gt=0, le=24)
    # exposure fallback
    assumed_interception: float = field(
        0.85, "Share of weapons intercepted when neither skies results nor strike reports are available (assumption).", ge=0, le=1
    )
    port_value_per_mt: float = field(50_000.0, "Site value of a port per Mt/year of cargo, on the skies value scale (assumption).", unit="value/(Mt/yr)", ge=0, le=1e9)
    anchorage_value_share: float = field(0.25, "Value of a convoy anchorage relative to its port (assumption).", ge=0, le=100)

    _split = field_validator("ports", "territorial_states", "closed_passages", mode="before")(lambda cls, v: split_list(v, ","))


SECTION = ("seas", SeasSection)
TABLES = [
    TableSpec("exclusion_zones", ExclusionZone, "Sea areas the corridor must avoid (circles or buffered polygons)."),
    TableSpec("port_approaches", PortApproach, "Approach waypoints of river ports to open water.", default="none"),
]
