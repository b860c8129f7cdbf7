"""Reference integrity: dated memberships at the boundary dates, sources on every row, valid codes."""

from __future__ import annotations

import datetime as dt

import pycountry
import pytest

from backstop.reference import load_table, table_names
from backstop.reference.states import DateNotCovered, UnknownBody, members
from tests.conftest import run_cli

D = dt.date


@pytest.mark.parametrize(
    ("body", "date", "count"),
    [
        ("nato", D(2024, 3, 7), 32),
        ("nato", D(2024, 3, 6), 31),
        ("nato", D(2023, 4, 3), 30),
        ("nato", D(2023, 4, 4), 31),
        ("eu", D(2025, 1, 1), 27),
        ("eu", D(2020, 1, 31), 28),
        ("eu", D(2020, 2, 1), 27),
        ("eu", D(2013, 6, 30), 27),
        ("icc", D(2025, 1, 1), 125),
        ("icc", D(2024, 12, 31), 124),
        ("airspace_closed_to_RUS", D(2022, 3, 1), None),
    ],
)
def test_member_counts_at_boundary_dates(body, date, count):
    got = members(body, date)
    if count is not None:
        assert len(got) == count, f"{body} on {date}: {len(got)}"


def test_as_of_semantics_for_named_joiners():
    assert "FIN" not in members("nato", D(2023, 4, 3)) and "FIN" in members("nato", D(2023, 4, 4))
    assert "SWE" in members("nato", D(2024, 3, 7))
    assert "UKR" not in members("icc", D(2024, 12, 31)) and "UKR" in members("icc", D(2025, 1, 1))
    assert "ARM" not in members("icc", D(2024, 1, 31)) and "ARM" in members("icc", D(2024, 2, 1))
    assert "GBR" in members("eu", D(2020, 1, 31)) and "GBR" not in members("eu", D(2020, 2, 1))


def test_hungary_withdrawal_is_dated_and_overridable():
    assert "HUN" in members("icc", D(2026, 6, 1))
    assert "HUN" not in members("icc", D(2026, 6, 2))
    assert "HUN" in members("icc", D(2026, 6, 2), overrides={"icc:HUN": None})
    rows = load_table("memberships")
    hun = rows[(rows["body"] == "icc") & (rows["iso3"] == "HUN")].iloc[0]
    assert not hun["confirmed"], "the withdrawal's status is unconfirmed and must say so"


def test_airspace_closures():
    closed = set(members("airspace_closed_to_RUS", D(2022, 3, 5)))
    eu = set(members("eu", D(2022, 3, 5)))
    assert eu <= closed
    assert {"GBR", "CAN", "USA", "NOR", "ISL", "CHE"} <= closed
    assert "USA" not in members("airspace_closed_to_RUS", D(2022, 3, 1))
    assert "TUR" not in closed and "SRB" not in closed


def test_coalition_has_about_thirty_and_excludes_us():
    c = members("coalition", D(2025, 8, 20))
    assert 25 <= len(c) <= 40
    assert {"GBR", "FRA", "JPN", "AUS"} <= set(c)
    assert "USA" not in c and "RUS" not in c


def test_icc_history_floor_is_a_domain_error_without_cli_wording():
    # regression (#11): reference code raised messages in CLI wording ("argument --as-of")
    with pytest.raises(DateNotCovered) as info:
        members("icc", D(2010, 1, 1))
    assert "argument" not in str(info.value) and info.value.field == "as_of"
    with pytest.raises(UnknownBody) as info:
        members("warsaw_pact", D(2020, 1, 1))
    assert "argument" not in str(info.value)
    p = info.value.problem("<cli>", "argument --body")
    assert p.location == "argument --body" and p.value == "warsaw_pact" and "nato" in p.hint


def test_cli_words_the_reference_errors():
    code, out, err = run_cli("facts", "members", "--body", "icc", "--as-of", "2010-01-01")
    assert code == 2 and "argument --as-of" in err and "2010-01-01" in err and "Traceback" not in err
    code, out, err = run_cli("facts", "members", "--body", "warsaw_pact")
    assert code == 2 and "argument --body" in err


def test_coalition_before_its_launch_is_empty():
    assert members("coalition", D(2016, 1, 1)) == []


def test_snapshot_holds_every_date_dependent_fact():
    from backstop.reference.snapshot import snapshot

    s = snapshot(D(2025, 8, 20))
    assert s.members("nato") == members("nato", D(2025, 8, 20))
    assert "SWE" in s.memberships["nato"] and "UKR" in s.memberships["icc"]
    assert {p.position for p in s.positions if p.iso3 == "DEU"} == set()
    assert "from_neighbouring_territory" in {p.position for p in s.positions_later if p.iso3 == "DEU"}
    assert s.gdp_year["USA"] <= 2025 and s.gdp_usd_bn["USA"] > 0
    assert {r.airspace for r in s.airspace} >= {"UKR"}
    assert not {r.airspace for r in snapshot(D(2021, 1, 1)).airspace} & {"UKR"}
    assert snapshot(D(2025, 8, 20)) is s  # built once per date
    with pytest.raises(DateNotCovered):
        snapshot(D(2012, 1, 1))


def test_every_reference_row_has_source_and_as_of():
    for name in table_names():
        df = load_table(name)
        assert {"source", "as_of"} <= set(df.columns), name
        assert (df["source"].str.strip() != "").all(), f"{name}: row without source"
        assert (df["as_of"].str.strip() != "").all(), f"{name}: row without as_of"


def test_iso3_codes_are_valid():
    valid = {c.alpha_3 for c in pycountry.countries}
    for name in table_names():
        df = load_table(name)
        for col in ("iso3", "state", "nation"):
            if col in df.columns:
                codes = set(df[col]) - {""}
                assert codes <= valid, f"{name}.{col}: {sorted(codes - valid)}"


def test_estimates_are_flagged():
    systems = load_table("air_defence_systems")
    assert systems["assumption"].all(), "single-shot kill probabilities are assumptions"
    gdp = load_table("gdp")
    assert "assumption" in gdp.columns


def test_japan_is_not_among_the_26_and_austria_attended_paris():
    # #13: Japan's Chief Cabinet Secretary said on 5 Sep 2025 Japan is not among the 26 committed states
    rows = load_table("memberships")
    jpn = rows[(rows["body"] == "coalition") & (rows["iso3"] == "JPN")].iloc[0]
    assert "NOT among the 26" in jpn["note"] and "5 Sep 2025" in jpn["source"]
    pos = load_table("positions")
    assert not pos[(pos["iso3"] == "JPN") & (pos["position"] == "troops_ready")].shape[0]
    assert "Japan" not in " ".join(pos[pos["text"].str.contains("among the 26|26 states committed", regex=True) & (pos["iso3"] == "JPN")]["position"])
    from backstop.scenario import read_scenario

    jp = [p for p in read_scenario(None).rows("pledges") if p.nation == "JPN"]
    assert jp and all("not among the 26" in p.statement for p in jp)
    assert "AUT" not in members("coalition", D(2025, 9, 3)) and "AUT" in members("coalition", D(2025, 9, 4))
