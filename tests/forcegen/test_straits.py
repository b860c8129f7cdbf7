"""The Montreux closure of the Turkish Straits: a dated, sourced restriction on warships of
non-littoral states in Black Sea zones, shown under 'what binds' with its cost; a toggle lifts it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from backstop.forcegen.problem import straits_restrictions
from backstop.reference.straits import (
    closure_on,
    load_mcm_groups,
    load_straits_closures,
    mcm_group_on,
)
from backstop.scenario import read_scenario


def _toggles(on: bool = True):
    return SimpleNamespace(montreux_closure=on)


def test_closure_is_dated_and_sourced():
    (c,) = load_straits_closures()
    assert c.start == dt.date(2022, 2, 28) and c.end is None
    assert c.littoral == {"TUR", "ROU", "BGR", "UKR", "GEO", "RUS"}
    assert {"black_sea", "ukr_odesa"} <= set(c.zones) and set(c.capabilities) == {"mcm_vessel", "escort_frigate"}
    assert "28 Feb 2022" in c.source and "2 Jan 2024" in c.source and c.as_of
    assert closure_on(dt.date(2022, 2, 27)) is None and closure_on(dt.date(2022, 2, 28)) is c
    assert closure_on(dt.date(2025, 8, 20), enabled=False) is None
    (g,) = load_mcm_groups()
    assert g.states == ("TUR", "ROU", "BGR") and g.start == dt.date(2024, 1, 11) and g.assumption
    assert mcm_group_on(dt.date(2023, 12, 31)) is None and mcm_group_on(dt.date(2024, 1, 11)) is g


@pytest.mark.parametrize(("nation", "capability", "day", "on", "restricted"), [
    ("GBR", "mcm_vessel", dt.date(2025, 8, 20), True, True),
    ("ITA", "escort_frigate", dt.date(2025, 8, 20), True, True),
    ("BEL", "mcm_vessel", dt.date(2024, 1, 15), True, True),
    ("TUR", "mcm_vessel", dt.date(2025, 8, 20), True, False),  # littoral
    ("ROU", "escort_frigate", dt.date(2025, 8, 20), True, False),
    ("GBR", "mpa_orbit", dt.date(2025, 8, 20), True, False),  # aircraft are not affected
    ("GBR", "mcm_vessel", dt.date(2021, 6, 1), True, False),  # before the closure
    ("GBR", "mcm_vessel", dt.date(2025, 8, 20), False, False),  # toggled off
])
def test_who_is_restricted(nation, capability, day, on, restricted):
    from backstop.reference.snapshot import snapshot

    rs = straits_restrictions(snapshot(day), _toggles(on), nation, capability)
    assert bool(rs) is restricted
    if rs:
        assert rs[0].key == "toggle montreux_closure" and rs[0].caveat.name == "not_in" and "black_sea" in rs[0].caveat.args


def test_toggle_lifts_it(scenario_dir):
    from backstop.forcegen.analysis import assess
    from backstop.forcegen.problem import prepare

    toml = scenario_dir / "scenario.toml"
    toml.write_text(toml.read_text().replace("us_air_isr_only = true", "us_air_isr_only = true\nmontreux_closure = false"))
    sc = read_scenario(scenario_dir)
    assert "toggle montreux_closure" not in prepare(sc).restrictions
    r = assess(sc, binding=False, quick=True)
    assert "toggle montreux_closure" not in set(r.frames["binding"]["restriction"]) if len(r.frames["binding"]) else True
    a = r.frames["assignments"]
    war = a[a.capability.isin(["mcm_vessel", "escort_frigate"]) & a.zone.isin(["black_sea", "ukr_odesa"])]
    assert set(war.nation) - {"TUR", "ROU", "BGR", "UKR"}, "with the straits open, other navies fill Black Sea lines"


def test_straits_come_from_the_as_of_snapshot():
    """The closure and the MCM group are dated facts of the Snapshot, like the others: a scenario
    resolved on another as-of date sees what held on that date."""
    from backstop.reference.snapshot import snapshot

    assert snapshot(dt.date(2021, 6, 1)).straits_closure() is None and snapshot(dt.date(2021, 6, 1)).mcm_group() is None
    s = snapshot(dt.date(2024, 1, 15))
    assert s.straits_closure().id == closure_on(dt.date(2024, 1, 15)).id and s.straits_closure(enabled=False) is None
    assert s.mcm_group().states == ("TUR", "ROU", "BGR")
    assert snapshot(dt.date(2023, 6, 1)).straits_closure() is not None and snapshot(dt.date(2023, 6, 1)).mcm_group() is None


def test_scenario_as_of_decides_the_straits(scenario_dir):
    """Force generation and seas read the closure from ``scenario.snapshot``: a scenario dated before
    28 Feb 2022 has no closure, hence no ``toggle montreux_closure`` restriction."""
    from backstop.forcegen.problem import prepare

    toml = scenario_dir / "scenario.toml"
    text = toml.read_text()
    assert "as_of = 2025-08-20" in text
    sc = read_scenario(scenario_dir)
    assert sc.snapshot.straits_closure() is not None and "toggle montreux_closure" in prepare(sc).restrictions
    toml.write_text(text.replace("as_of = 2025-08-20", "as_of = 2021-06-01"))
    early = read_scenario(scenario_dir)
    assert early.snapshot.straits_closure() is None
    assert "toggle montreux_closure" not in prepare(early).restrictions
