"""The re-check of the coalition's facts (tools/fact_checks.csv) and the offline checks of
``tools/make_reference.py --check`` on positions.csv and the coalition memberships (#13)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "make_reference.py"
DATA = Path(__file__).resolve().parents[2] / "src" / "backstop" / "reference" / "data"


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("make_reference", TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture()
def frames():
    return {n: pd.read_csv(DATA / n, dtype=str, keep_default_na=False) for n in ("positions.csv", "memberships.csv")}


def test_bundled_facts_pass(tool, frames, capsys):
    assert tool.check_fact_ledger(frames) == []
    assert "coalition members on 2025-09-04" in capsys.readouterr().out


def test_an_unverified_row_must_be_flagged(tool, frames):
    pos = frames["positions.csv"]
    pos.loc[pos.iso3 == "SWE", "assumption"] = "false"  # SWE troops_ready could not be verified offline
    errs = tool.check_fact_ledger(frames)
    assert any("SWE|troops_ready|2025-09-04 could not be verified" in e and "assumption=true" in e for e in errs)


def test_every_row_needs_a_recheck_and_contradictions_are_caught(tool, frames):
    pos = frames["positions.csv"]
    extra = pos[pos.iso3 == "JPN"].assign(position="troops_ready", stated="2025-10-01")
    frames["positions.csv"] = pd.concat([pos, extra], ignore_index=True)
    errs = tool.check_fact_ledger(frames)
    assert any("no re-check recorded for positions.csv JPN|troops_ready|2025-10-01" in e for e in errs)
    assert any("JPN holds both troops_ready and no_troops_in_ukraine" in e for e in errs)


def test_a_position_of_a_non_member_must_say_so(tool, frames):
    mem = frames["memberships.csv"]
    frames["memberships.csv"] = mem[~((mem.body == "coalition") & (mem.iso3 == "ITA"))]
    errs = tool.check_fact_ledger(frames)
    assert any("ITA has a coalition position but no coalition membership" in e for e in errs)
    assert any("memberships.csv coalition|ITA: no such row" in e for e in errs)


def test_corrections_of_the_recheck():
    """Austria is an observer (APA, 4 Sep 2025); Albania and Montenegro were at the 4 Sep 2025 summit;
    Tusk spoke before the Paris meeting of 17 Feb 2025."""
    mem = pd.read_csv(DATA / "memberships.csv", dtype=str, keep_default_na=False)
    c = mem[mem.body == "coalition"].set_index("iso3")
    assert "observer status" in c.loc["AUT", "note"] and c.loc["AUT", "assumption"] == "true"
    assert c.loc["ALB", "start"] == c.loc["MNE", "start"] == "2025-09-04"
    pos = pd.read_csv(DATA / "positions.csv", dtype=str, keep_default_na=False)
    assert "before leaving for the Paris meeting" in pos.loc[pos.iso3 == "POL", "text"].iloc[0]
