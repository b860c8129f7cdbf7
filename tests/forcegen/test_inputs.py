"""Caveat language and bad input: every error names the file and row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from backstop.errors import InputError
from backstop.forcegen.caveats import CAVEATS, parse_caveat, parse_caveats
from backstop.forcegen.problem import prepare
from backstop.forcegen.taxonomy import load_taxonomy
from backstop.scenario import read_scenario
from tests.conftest import run_cli


def _edit_pledges(folder: Path, edit) -> None:
    path = folder / "pledges.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    edit(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def _problems(folder: Path) -> list:
    with pytest.raises(InputError) as exc:
        prepare(read_scenario(folder))
    return exc.value.problems


@pytest.mark.parametrize(
    "text,name,args",
    [
        ("not_in:UKR", "not_in", ("UKR",)),
        ("not_in:UKR|pol", "not_in", ("UKR", "pol")),
        ("zones:pol|rou", "zones", ("pol", "rou")),
        ("no_combat", "no_combat", ()),
        ("max_months:6", "max_months", ("6",)),
        ("only_with:fra", "only_with", ("FRA",)),
        (" outside_ukraine ", "outside_ukraine", ()),
        ("domains:Maritime|air", "domains", ("maritime", "air")),
        ("air_isr_only", "air_isr_only", ()),
    ],
)
def test_parse_known_caveats(text, name, args):
    cav, problems = parse_caveat(text, where="line 2")
    assert problems == []
    assert cav.name == name and cav.args == args


@pytest.mark.parametrize("text", ["no_kombat", "max_months:x", "max_months:0", "max_months", "only_with:FRA|GBR", "no_combat:yes", "zones:"])
def test_bad_caveat_tokens_are_errors(text):
    cav, problems = parse_caveat(text, where="line 9")
    assert cav is None and problems
    assert problems[0].location == "line 9" and problems[0].file == "pledges.csv"


def test_every_documented_caveat_parses():
    for name in CAVEATS:
        arg = {"not_in": ":UKR", "zones": ":pol", "max_months": ":3", "only_with": ":FRA", "domains": ":air"}.get(name, "")
        cavs, problems = parse_caveats([name + arg], where="line 2")
        assert not problems and cavs[0].name == name


def test_caveat_semantics():
    tax = load_taxonomy()
    ukr = sorted(tax.zones_of_state("UKR"))
    c, _ = parse_caveat("not_in:UKR", where="")
    assert all(not c.zone_allowed(z, "training_team", tax) for z in ukr)
    assert c.zone_allowed("pol", "training_team", tax)
    nc, _ = parse_caveat("no_combat", where="")
    assert not nc.zone_allowed(ukr[0], "mech_battalion", tax)  # combat capability inside Ukraine
    assert nc.zone_allowed("pol", "mech_battalion", tax)
    assert nc.zone_allowed(ukr[0], "training_team", tax)  # non-combat task


def test_unknown_caveat_names_the_row(scenario_dir):
    def edit(rows):
        rows[3]["caveats"] = "not_in:UKR;no_kombat"

    _edit_pledges(scenario_dir, edit)
    probs = _problems(scenario_dir)
    assert len(probs) == 1
    p = probs[0]
    assert (p.file, p.location, p.field, p.value) == ("pledges.csv", "line 5", "caveats", "no_kombat")
    assert "unknown caveat" in p.message and "not_in" in p.hint
    assert "pledges.csv, line 5" in str(p)


def test_contradiction_excluding_every_zone(scenario_dir):
    def edit(rows):
        rows[0]["caveats"] = "zones:pol;not_in:POL"

    _edit_pledges(scenario_dir, edit)
    (p,) = _problems(scenario_dir)
    assert p.location == "line 2" and "exclude every zone" in p.message


@pytest.mark.parametrize(
    "caveat,message",
    [
        ("only_with:{self}", "own buddy"),
        ("only_with:KOR", "pledges nothing"),
        ("domains:sea", "which the caveat excludes"),
        ("air_isr_only", "not an air/ISR"),
        ("not_in:XYZ", "neither a zone id nor an ISO3 state"),
    ],
)
def test_other_contradictions(scenario_dir, caveat, message):
    def edit(rows):
        rows[0]["caveats"] = caveat.format(self=rows[0]["nation"])  # row 0: GBR hq_staff (land)

    _edit_pledges(scenario_dir, edit)
    (p,) = _problems(scenario_dir)
    assert p.location == "line 2" and message in p.message


def test_negative_quantity_names_the_row(scenario_dir):
    def edit(rows):
        rows[6]["quantity"] = "-2"

    _edit_pledges(scenario_dir, edit)
    with pytest.raises(InputError) as exc:
        read_scenario(scenario_dir)
    (p,) = exc.value.problems
    assert (p.file, p.location, p.field) == ("pledges.csv", "line 8", "quantity")


def test_unknown_capability_and_nation_name_the_row(scenario_dir):
    def edit(rows):
        rows[1]["capability"] = "battleship"
        rows[2]["nation"] = "XXX"

    _edit_pledges(scenario_dir, edit)
    probs = {(p.location, p.field): p for p in _problems(scenario_dir)}
    assert probs[("line 3", "capability")].message == "unknown capability"
    assert probs[("line 4", "nation")].message == "unknown state"  # rejected by validation, before force generation


def test_unknown_zone_in_requirements(scenario_dir):
    path = scenario_dir / "requirements.csv"
    text = path.read_text(encoding="utf-8").replace(",ukr_kyiv,1,12,5,", ",atlantis,1,12,5,", 1)
    path.write_text(text, encoding="utf-8")
    probs = _problems(scenario_dir)
    assert probs[0].file == "requirements.csv" and probs[0].field == "zone" and probs[0].value == "atlantis"


def test_cli_bad_input_exit_2(scenario_dir):
    def edit(rows):
        rows[3]["caveats"] = "sometimes"

    _edit_pledges(scenario_dir, edit)
    code, out, err = run_cli("forcegen", str(scenario_dir))
    assert code == 2
    assert "pledges.csv, line 5" in err and "unknown caveat" in err
    assert "Traceback" not in err


def test_cli_without_unknown_nation(bundled):
    code, _, err = run_cli("forcegen", "--without", "KOR", "--no-binding")
    assert code == 2 and "pledges nothing" in err


def test_fair_share_weights_required(scenario_dir):
    toml = scenario_dir / "scenario.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('fair_share = "gdp"', 'fair_share = "weights"'), encoding="utf-8")
    (p,) = _problems(scenario_dir)
    assert p.file == "scenario.toml" and "fair_shares.csv" in p.message
