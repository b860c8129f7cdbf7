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
    from backstop.reference.snapshot import snapshot

    w = ["icc-2023-03-17-putin"]
    d = dt.date(2025, 9, 1)
    prec = snapshot(d).precedents
    assert levels(icc_findings("V. Putin", w, ["CHE"], d, {"CHE"}, {}, None, NAMES)) == ["infeasible"]
    fs = icc_findings("V. Putin", w, ["CHE"], d, {"CHE"}, {"CHE": "assured V. Putin: a statement"}, None, NAMES, prec)
    assert levels(fs) == ["conditional"] and "no defence" in fs[0].sentence
    assert "Switzerland's breach" in fs[0].sentence and "MNG on 24 October 2024" in fs[0].sentence
    assert levels(icc_findings("V. Putin", w, ["TUR"], d, {"CHE"}, {}, None, NAMES)) == ["feasible"]
    assert icc_findings("V. Zelenskyy", [], ["CHE"], d, {"CHE"}, {}, None, NAMES) == []


def test_caveat_cites_both_findings():
    c = caveat()
    assert "MNG on 24 October 2024" in c and "HUN on 24 July 2025" in c
    assert "not opposable" in c


def test_precedents_are_those_decided_by_the_date():
    from backstop.reference.snapshot import snapshot

    assert snapshot(dt.date(2017, 7, 5)).precedents == ()
    assert [p.state for p in snapshot(dt.date(2024, 9, 3)).precedents] == ["ZAF", "JOR"]
    assert [p.state for p in snapshot(dt.date(2025, 10, 20)).precedents] == ["ZAF", "JOR", "MNG", "HUN"]
    assert "24 October 2024" not in icc_findings("V. Putin", ["icc-2023-03-17-putin"], ["MNG"], dt.date(2024, 9, 3), {"MNG"},
                                                 {"MNG": "invited V. Putin"}, None, NAMES, snapshot(dt.date(2024, 9, 3)).precedents)[0].sentence


def test_law_on_a_2016_date_uses_that_date():
    # regression (#11, #13): law.py took a date and ignored it; a 2016 verdict on Hungary cited its 2025 withdrawal
    from backstop.summit.law import membership_note

    names = {"HUN": "Hungary"}
    assert membership_note("HUN", dt.date(2016, 6, 1), None, names) is None
    fs = icc_findings("A. Leader", ["ICC:2015-06-01"], ["HUN"], dt.date(2016, 6, 1), {"HUN"}, {}, None, names)
    assert levels(fs) == ["infeasible"] and "1 June 2016" in fs[0].sentence
    assert "withdraw" not in fs[0].sentence and "2025" not in fs[0].sentence and "2026" not in fs[0].sentence
    assert "notified its withdrawal" in membership_note("HUN", dt.date(2025, 10, 20), None, names)
    assert "uncertain" in membership_note("HUN", dt.date(2026, 7, 1), None, names)


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
