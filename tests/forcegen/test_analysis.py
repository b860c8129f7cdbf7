"""The bundled case end to end: JSON shape, gaps with reasons, what binds, withdrawal, report, pipeline."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from backstop.forcegen.analysis import assess, month_label
from backstop.forcegen.problem import prepare
from backstop.results import Result
from backstop.scenario.models.forcegen import Requirement
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def result(bundled) -> Result:
    return assess(bundled)


def test_bundled_pledges_are_flagged_assumptions(bundled):
    rows = bundled.rows("pledges")
    assert 60 <= len(rows) and len({r.nation for r in rows}) >= 26
    assert all(r.assumption and r.statement for r in rows)
    assert {r.nation for r in rows if r.nation == "USA"}
    reqs = bundled.rows("requirements")
    assert all(r.note for r in reqs)


def test_bundled_result(result):
    d = result.data
    assert d["status"] == "optimal"
    req = d["requirements"]
    assert (req["filled"] <= req["required"] + 1e-9).all()
    assert (req["gap"] >= -1e-9).all()
    assert 0 < d["totals"]["fill_pct"] < 100  # interesting: some gaps, some fill
    gaps = d["gaps"]
    assert len(gaps) and gaps["reason"].str.len().gt(0).all()
    reasons = " ".join(gaps["reason"])
    assert "no pledge of sr_ad_battery" in reasons
    assert "excluded by" in reasons and "toggle russia_red_line" in reasons


def test_red_line_binds_and_ranks_first(result):
    bind = result.data["binding"]
    binds = bind[bind["status"] == "binds"]
    assert binds.iloc[0]["restriction"] == "toggle russia_red_line"
    assert (binds["fill_lost_unit_months"] > 0).all()
    assert len(binds) >= 2  # at least one caveat binds besides the toggle
    assert (bind["weighted_fill_lost"].diff().dropna() <= 1e-9).all()  # ranked


def test_us_only_air_isr_assigned(result):
    a = result.data["assignments"]
    us = a[a["nation"] == "USA"]
    assert len(us) and set(us["capability"]) <= {"aew_orbit", "isr_drone_orbit", "tanker_orbit", "intel_cell", "fighter_squadron", "mpa_orbit"}


def test_red_line_respected(result, bundled):
    a = result.data["assignments"]
    nato = set(bundled.members("nato"))
    ground = {"mech_battalion", "logistics_hub", "training_team", "field_hospital", "hq_staff", "intel_cell", "lr_ad_battery", "mr_ad_battery", "sr_ad_battery", "c_uas_team"}
    bad = a[a["nation"].isin(nato) & a["capability"].isin(ground) & a["zone"].str.startswith("ukr_")]
    assert bad.empty


def _as_of(scenario, date):
    """The scenario re-dated (a copy with [scenario] as_of = date)."""
    from backstop.scenario import Scenario

    meta = scenario.config.scenario.model_copy(update={"as_of": date})
    return Scenario(scenario.config.model_copy(update={"scenario": meta}), scenario.tables, scenario.path)


def test_positions_become_implied_caveats(bundled):
    prob = prepare(_as_of(bundled, dt.date(2026, 2, 1)))
    keys = set(prob.restrictions)
    assert {"position ITA no_troops_in_ukraine", "position POL no_troops_in_ukraine", "position DEU from_neighbouring_territory", "position TUR maritime"} <= keys


def test_positions_apply_from_the_day_they_were_stated(bundled):
    # regression (#11): positions applied whatever the scenario's date; Germany's of 6 Jan 2026 and
    # Türkiye's of 4 Sep 2025 must not bind a scenario as of 20 Aug 2025
    keys = set(prepare(bundled).restrictions)
    assert {"position ITA no_troops_in_ukraine", "position POL no_troops_in_ukraine"} <= keys
    assert "position DEU from_neighbouring_territory" not in keys and "position TUR maritime" not in keys
    assert "position DEU from_neighbouring_territory" not in set(prepare(_as_of(bundled, dt.date(2026, 1, 5))).restrictions)
    assert "position DEU from_neighbouring_territory" in set(prepare(_as_of(bundled, dt.date(2026, 1, 6))).restrictions)


def test_red_line_uses_nato_members_of_the_scenario_date(bundled):
    # regression (#11): force generation never received the date; Sweden joined NATO on 7 Mar 2024
    swe_ground = [i for i, p in enumerate(prepare(bundled).pledges) if p.nation == "SWE"]
    assert swe_ground
    before = prepare(_as_of(bundled, dt.date(2024, 3, 6)))
    after = prepare(_as_of(bundled, dt.date(2024, 3, 7)))

    def red(prob):
        return {p.id for p in prob.pledges if p.nation == "SWE" and any(r.key == "toggle russia_red_line" for r in p.restrictions)}

    assert not red(before) and red(after)


def test_gdp_of_the_latest_year_not_after_the_date(bundled):
    from backstop.reference.snapshot import gdp_on

    df = pd.DataFrame({"iso3": ["AAA", "AAA", "BBB"], "year": [2023, 2024, 2024], "gdp_usd_bn": [1.0, 2.0, 5.0]})
    value, year, note = gdp_on(df, dt.date(2023, 12, 31))
    assert value == {"AAA": 1.0, "BBB": 5.0} and year == {"AAA": 2023, "BBB": 2024}
    assert "1 state(s)" in note and "2024" in note
    value, year, note = gdp_on(df, dt.date(2024, 1, 1))
    assert value["AAA"] == 2.0 and not note
    assert "latest year not after 2025" in prepare(bundled).fair_share_basis


def test_toggles_off_fill_more(bundled):
    cfg = bundled.config.model_copy(update={"toggles": bundled.config.toggles.model_copy(update={"russia_red_line": False})})
    from backstop.scenario import Scenario

    off = Scenario(cfg, bundled.tables, bundled.path)
    r_on = assess(bundled, binding=False)
    r_off = assess(off, binding=False)
    assert r_off.data["totals"]["filled_unit_months"] > r_on.data["totals"]["filled_unit_months"]


def test_withdrawal_cost(bundled, result):
    r = assess(bundled, without=["GBR"], binding=False)
    wd = r.data["withdrawal"]
    assert wd["nations"] == ["GBR"]
    assert wd["fill_lost_unit_months"] >= 0
    assert wd["fill_with_all_unit_months"] == pytest.approx(result.data["totals"]["filled_unit_months"])
    assert "GBR" not in set(r.data["assignments"]["nation"])


def test_cli_json_shape():
    code, out, err = run_cli("forcegen", "--json", "--without", "FRA")
    assert code == 0, err
    d = json.loads(out)
    for key in ("status", "requirements", "assignments", "burden", "binding", "gaps", "withdrawal", "fill_by_zone_month", "model"):
        assert key in d
    r0 = d["requirements"][0]
    assert {"id", "capability", "zone", "required", "filled", "gap"} <= set(r0)
    assert {"nation", "unit_months", "fair_share"} <= set(d["burden"][0])
    assert {"restriction", "fill_lost_unit_months"} <= set(d["binding"][0])


def test_cli_terminal_rendering():
    code, out, err = run_cli("forcegen", "--no-binding")
    assert code == 0, err
    assert "Gaps" in out and "Burden against fair share" in out


def test_pipeline_reads_context_requirements(quick_assess):
    """In one ``assess`` run, force generation sources every requirement line skies and seas emitted."""
    res = quick_assess.results
    emitted = [q for name in ("skies", "seas") for q in res[name].requirements]
    assert {q.origin for q in emitted} == {"skies", "seas"}
    fg = res["forcegen"].data["requirements"].set_index("id")
    assert "REQ-HQ-KYIV" in fg.index  # the scenario's own lines stay
    for q in emitted:
        assert fg.loc[q.id, "origin"] == q.origin, q.id
        assert fg.loc[q.id, "capability"] == q.capability and fg.loc[q.id, "zone"] == q.zone, q.id


def test_duplicate_context_requirement_is_an_error(bundled):
    from backstop.errors import InputError

    dup = Requirement(id="REQ-HQ-KYIV", capability="hq_staff", quantity=1, zone="ukr_kyiv", origin="seas")
    with pytest.raises(InputError) as exc:
        prepare(bundled, [dup])
    assert "duplicate requirement id" in exc.value.problems[0].message


def test_report_section_renders(result, bundled):
    from backstop.report.sections.forcegen import render

    html = render(result, bundled)
    assert html.count("<svg") >= 3
    assert "Gaps: what, where, when, and why" in html and "What binds" in html
    # also from the JSON round trip (results.json)
    r2 = Result(result.name, result.title, result.summary, json.loads(json.dumps(result.to_json())), {}, [], {})
    assert render(r2, bundled).count("<svg") >= 3


def test_month_labels():
    import datetime as dt

    assert month_label(dt.date(2025, 9, 1), 1) == "2025-09"
    assert month_label(dt.date(2025, 9, 1), 5) == "2026-01"
    assert month_label(None, 3) == "M3"


def test_masked_caveats_priced_with_toggles_off(bundled):
    bind = assess(_as_of(bundled, dt.date(2026, 2, 1))).data["binding"].set_index("restriction")
    # Germany's position is masked by the red line, but costs fill once the toggles are lifted
    assert bind.loc["position DEU from_neighbouring_territory", "fill_lost_unit_months"] == 0
    assert bind.loc["position DEU from_neighbouring_territory", "fill_lost_if_toggles_off"] > 0
    assert bind.loc["toggle russia_red_line", "fill_lost_if_toggles_off"] != bind.loc["toggle russia_red_line", "fill_lost_if_toggles_off"]  # NaN for toggles


def test_no_pledges_no_requirements(scenario_dir):
    from backstop.scenario import read_scenario

    (scenario_dir / "pledges.csv").unlink()
    r = assess(read_scenario(scenario_dir), binding=False)
    assert r.data["status"] == "optimal" and r.data["totals"]["filled_unit_months"] == 0
    assert set(r.data["gaps"]["reason"]) >= {"no pledge of hq_staff"}
    (scenario_dir / "requirements.csv").unlink()
    r = assess(read_scenario(scenario_dir), binding=False)
    assert "nothing to source" in r.summary[0]


def test_one_in_three_and_weights(scenario_dir, result):
    from backstop.scenario import read_scenario

    toml = scenario_dir / "scenario.toml"
    text = toml.read_text(encoding="utf-8").replace('sustainability_rule = "none"', 'sustainability_rule = "one_in_three"')
    text = text.replace('fair_share = "gdp"', 'fair_share = "weights"')
    toml.write_text(text, encoding="utf-8")
    (scenario_dir / "fair_shares.csv").write_text("nation,weight\nGBR,1\nFRA,1\n", encoding="utf-8")
    r = assess(read_scenario(scenario_dir), binding=False)
    assert r.data["model"]["sustainability_rule"] == "one_in_three"
    assert r.data["totals"]["filled_unit_months"] < result.data["totals"]["filled_unit_months"]
    bur = r.data["burden"].set_index("nation")
    assert bur.loc["GBR", "fair_share"] == pytest.approx(0.5) and bur.loc["USA", "fair_share"] == 0
    assert "fair_shares.csv" in r.data["model"]["fair_share_basis"]


def test_no_non_littoral_warship_on_black_sea_lines(result):
    """The Montreux closure (on by default while it holds): only littoral navies fill Black Sea lines."""
    a = result.frames["assignments"]
    war = a[a.capability.isin(["mcm_vessel", "escort_frigate"]) & a.zone.isin(["black_sea", "ukr_odesa", "rou", "bgr"])]
    assert len(war) and set(war.nation) <= {"TUR", "ROU", "BGR", "UKR", "GEO", "RUS"}


def test_what_binds_shows_the_straits_closure_and_its_cost(result):
    b = result.frames["binding"]
    row = b[b.restriction == "toggle montreux_closure"]
    assert len(row) == 1 and row.iloc[0]["status"] == "binds" and row.iloc[0]["fill_lost_unit_months"] > 0
    assert "montreux_art19_2022" in row.iloc[0]["origin"]
