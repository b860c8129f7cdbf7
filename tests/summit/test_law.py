"""The law of arrest as of a date: dated Rome Statute membership, warrants, assurances and their caveat."""

from __future__ import annotations

import datetime as dt

from backstop.summit.analysis import plan
from backstop.summit.law import active_warrants, caveat, describe_warrant, icc_findings

NAMES = {"ARM": "Armenia", "CHE": "Switzerland", "TUR": "Türkiye"}


def levels(fs):
    return [f.level for f in fs]


def test_warrant_is_dated():
    assert active_warrants(["icc-2023-03-17-putin"], dt.date(2023, 3, 16)) == []
    assert active_warrants(["icc-2023-03-17-putin"], dt.date(2023, 3, 17)) == ["icc-2023-03-17-putin"]
    assert "Pre-Trial Chamber II" in describe_warrant("icc-2023-03-17-putin")
    assert "17 March 2023" in describe_warrant("icc-2023-03-17-putin")


def test_party_must_arrest_assurance_is_conditional():
    w = ["icc-2023-03-17-putin"]
    d = dt.date(2025, 9, 1)
    assert levels(icc_findings("V. Putin", w, ["CHE"], d, {"CHE"}, {}, None, NAMES)) == ["infeasible"]
    fs = icc_findings("V. Putin", w, ["CHE"], d, {"CHE"}, {"CHE": "a statement"}, None, NAMES)
    assert levels(fs) == ["conditional"] and "no defence" in fs[0].sentence
    assert levels(icc_findings("V. Putin", w, ["TUR"], d, {"CHE"}, {}, None, NAMES)) == ["feasible"]
    assert icc_findings("V. Zelenskyy", [], ["CHE"], d, {"CHE"}, {}, None, NAMES) == []


def test_caveat_cites_both_findings():
    c = caveat()
    assert "MNG on 24 October 2024" in c and "HUN on 24 July 2025" in c
    assert "not opposable" in c


def test_armenia_late_joiner(bundled):
    # Armenia: Rome Statute in force 1 Feb 2024
    before = plan(bundled, date=dt.date(2024, 1, 15), leaders=["RUS"], venues=["UDYZ"])
    after = plan(bundled, date=dt.date(2024, 2, 1), leaders=["RUS"], venues=["UDYZ"])
    assert before.data["venues"][0]["verdict"] == "feasible"
    assert after.data["venues"][0]["verdict"] == "infeasible"


def test_ukraine_party_from_2025(bundled):
    # Ukraine joined on 1 Jan 2025: before that Kyiv was legally open to Putin (but not by air)
    v = plan(bundled, date=dt.date(2024, 12, 31), leaders=["RUS"], venues=["UKBB"]).data["venues"][0]
    assert any("Ukraine, the host state, is not a party" in s for s in v["reasons"])
    v = plan(bundled, date=dt.date(2025, 1, 1), leaders=["RUS"], venues=["UKBB"]).data["venues"][0]
    assert any("Ukraine, the host state, is a party" in s for s in v["reasons"])
