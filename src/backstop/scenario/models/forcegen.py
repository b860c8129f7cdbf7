"""Scenario inputs of force generation: requirement lines, national pledges, fair-share weights.

:class:`Requirement` is the interface between analyses: the scenario's ``requirements.csv``
rows, and the lines the skies and seas analyses emit, are all ``Requirement`` objects.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from backstop.scenario.models.base import Row, Section, TableSpec, field, list_validator


class Requirement(Row):
    """One line of the statement of requirements: a capability needed in a zone for a period."""

    id: str = field(..., "Unique id of the requirement line.", example="REQ-AD-KYIV")
    capability: str = field(..., "Capability id from the taxonomy (`backstop facts capabilities`).", ref="capability")
    quantity: int = field(..., "Units required at the same time (batteries, teams, vessels, orbits...).", unit="units", ge=0, le=100_000)
    zone: str = field(..., "Deployment zone id (`backstop facts zones`).", ref="zone")
    start_month: int = field(1, "First month needed, counted from the scenario start (1 = first month).", unit="month", ge=1, le=120)
    end_month: int | None = field(None, "Last month needed (inclusive); empty = end of the planning horizon.", unit="month", ge=1, le=120)
    priority: float = field(1.0, "Priority weight of one unit-month of fill (higher = filled first).", gt=0, le=1e6)
    origin: str = field("scenario", "Who stated the line: `scenario`, or the analysis that emitted it (`skies`, `seas`).")
    note: str = field("", "Free text: why the line exists, its source or assumption.")

    @model_validator(mode="after")
    def _months_ordered(self) -> Requirement:
        if self.end_month is not None and self.end_month < self.start_month:
            raise ValueError(f"end_month {self.end_month} is before start_month {self.start_month}")
        return self


class Pledge(Row):
    """A nation's offer of units of one capability, with its availability and caveats."""

    id: str = field(..., "Unique id of the pledge line.")
    nation: str = field(..., "ISO3 code of the contributing state.", ref="state")
    capability: str = field(..., "Capability id from the taxonomy.", ref="capability")
    quantity: int = field(..., "Units offered (each unit can be deployed or rotating).", unit="units", ge=0, le=100_000)
    available_from_month: int = field(1, "First month the units are available.", unit="month", ge=1, le=120)
    available_to_month: int | None = field(None, "Last month available (inclusive); empty = whole horizon.", unit="month", ge=1, le=120)
    cost_usd_per_month: float = field(0.0, "Cost of one deployed unit for one month.", unit="USD/month", ge=0, le=1e12)
    caveats: list[str] = Field(
        default_factory=list,
        description="Caveats, `;`-separated, in the caveat language of docs/forcegen.md: `not_in:UKR|pol`, `zones:pol|rou`, `outside_ukraine`, `no_combat`, `max_months:6`, `only_with:FRA`, `domains:sea|air`, `air_isr_only`; an unknown caveat is an error.",
    )
    assumption: bool = field(True, "True when the pledge is illustrative (national pledges are not public).")
    statement: str = field("", "The public statement the pledge is consistent with (who said what, when).")

    _split = list_validator("caveats")

    @model_validator(mode="after")
    def _window_ordered(self) -> Pledge:
        if self.available_to_month is not None and self.available_to_month < self.available_from_month:
            raise ValueError(f"available_to_month {self.available_to_month} is before available_from_month {self.available_from_month}")
        return self


class FairShare(Row):
    """A nation's burden-sharing weight, replacing the GDP-proportional default."""

    nation: str = field(..., "ISO3 code.", ref="state")
    weight: float = field(..., "Relative share of the total burden (normalised over nations).", ge=0, le=1e12)


class ForcegenSection(Section):
    """``[forcegen]``: parameters of force generation."""

    horizon_months: int = field(12, "Length of the planning horizon.", unit="months", ge=1, le=120)
    rotation_months: int = field(6, "Length of one unit's rotation; sustaining T months takes ceil(T/R) unit-rotations.", unit="months", ge=1, le=120)
    sustainability_rule: Literal["none", "one_in_three"] = field(
        "none", "`one_in_three`: a unit deployed needs two more in the rotation cycle (1 deployed in 3)."
    )
    fair_share: Literal["gdp", "weights"] = field("gdp", "Burden-sharing basis: GDP-proportional, or `fair_shares.csv` weights.")
    time_limit_s: float = field(60.0, "Wall-clock safety net per solve (solves stop at proven optimality or on deterministic node limits first; when this fires the stage status is `time_limit`).", unit="s", gt=0, le=86_400)
    later_stage_gap: float = field(
        1e-3, "Relative gap at which the fair-share and cost stages stop (the fill stage is always solved to proven optimality); both stages also stop after a fixed number of branch-and-bound nodes (status `work_limit`).", ge=0, lt=1
    )


SECTION = ("forcegen", ForcegenSection)
TABLES = [
    TableSpec("requirements", Requirement, "Statement of requirements: capability lines by zone and period."),
    TableSpec("pledges", Pledge, "National pledges with availability, cost and caveats."),
    TableSpec("fair_shares", FairShare, "Burden-sharing weights by nation.", default="GDP-proportional shares"),
]
