"""Reference integrity: dated memberships at the boundary dates, sources on every row, valid codes."""

from __future__ import annotations

import datetime as dt

import pycountry
import pytest

from backstop.errors import InputError
from backstop.reference import load_table, table_names
from backstop.reference.states import members

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


def test_icc_history_floor_is_an_input_error():
    with pytest.raises(InputError):
        members("icc", D(2010, 1, 1))


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
