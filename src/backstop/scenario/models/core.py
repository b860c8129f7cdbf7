"""The ``[scenario]`` and ``[toggles]`` sections and the whole-file model of ``scenario.toml``."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from backstop.scenario.models.base import Section, field
from backstop.scenario.models.forcegen import ForcegenSection
from backstop.scenario.models.land import LandSection
from backstop.scenario.models.monitor import MonitorSection
from backstop.scenario.models.seas import SeasSection
from backstop.scenario.models.skies import SkiesSection
from backstop.scenario.models.summit import SummitSection


class ScenarioMeta(Section):
    """``[scenario]``: identity and period of the scenario."""

    name: str = field(..., "Short name (folder-friendly).", example="ukraine-2025")
    title: str = field("", "Title shown on the report.")
    as_of: dt.date = field(..., "Date the scenario describes; memberships and positions are taken as of this date.")
    start: dt.date | None = field(None, "Start of the planning period (default: as_of). Month 1 begins here.")
    end: dt.date | None = field(None, "End of the planning period (default: start + forcegen.horizon_months).")
    description: str = field("", "What the scenario represents, with its sources.")
    sources: list[str] = Field(default_factory=list, description="Public sources the scenario is built from.")


class Toggles(Section):
    """``[toggles]``: political switches that change what the analyses may do."""

    russia_red_line: bool = field(True, "Russia's red line enforced: no ground units of NATO members inside Ukraine.")
    us_air_isr_only: bool = field(True, "US contribution limited to air, ISR and intelligence (no US ground troops).")
    montreux_closure: bool = field(True, "Honour Türkiye's closure of the Turkish Straits to warships (Montreux Convention Art. 19, since 28 Feb 2022; reference straits.csv) while it holds on the scenario date: warships of non-littoral states cannot fill Black Sea lines. false = lifted.")
    membership_overrides: dict[str, dt.date | None] = Field(
        default_factory=dict,
        description=(
            "Override the end of a dated membership, keyed `body:ISO3`: a date, or the string "
            "`none` for 'still a member' (e.g. `\"icc:HUN\" = \"none\"` if Hungary's withdrawal is revoked)."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _none_strings(cls, data):
        if isinstance(data, dict) and isinstance(data.get("membership_overrides"), dict):
            data = dict(data)
            data["membership_overrides"] = {
                k: (None if isinstance(v, str) and v.lower() == "none" else v)
                for k, v in data["membership_overrides"].items()
            }
        return data


class ScenarioConfig(Section):
    """The whole of ``scenario.toml``."""

    scenario: ScenarioMeta
    toggles: Toggles = Toggles()
    forcegen: ForcegenSection = ForcegenSection()
    skies: SkiesSection = SkiesSection()
    seas: SeasSection = SeasSection()
    land: LandSection = LandSection()
    monitor: MonitorSection = MonitorSection()
    summit: SummitSection = SummitSection()

    @property
    def start(self) -> dt.date:
        return self.scenario.start or self.scenario.as_of

    @property
    def end(self) -> dt.date:
        if self.scenario.end:
            return self.scenario.end
        s = self.start
        months = s.month - 1 + self.forcegen.horizon_months
        year, month = s.year + months // 12, months % 12 + 1
        day = min(s.day, 28)
        return dt.date(year, month, day)
