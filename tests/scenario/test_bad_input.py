"""Issue 15: every input the analyses cannot honour is rejected by ``validate``, located, exit 2.

Each case of the issue is one regression test: the mutation of the bundled scenario, and the
file, location and field the message must name.
"""

from __future__ import annotations

import os

import pytest

from backstop.errors import InputError
from backstop.scenario import read_scenario
from tests.helpers import run_cli


def _replace(folder, name, old, new, count=1):
    p = folder / name
    text = p.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    p.write_text(text.replace(old, new, count), encoding="utf-8")


def _toml(folder, old, new):
    _replace(folder, "scenario.toml", old, new)


def _problems(folder, strict=False):
    with pytest.raises(InputError) as exc:
        read_scenario(folder, strict=strict)
    return exc.value.problems


def _where(problems):
    return {(p.file, p.location, p.field) for p in problems if p.severity == "error"}


def _assert_cli_rejects(folder, *needles, strict=False):
    code, out, err = run_cli("validate", str(folder), *(["--strict"] if strict else []))
    assert code == 2, (out, err)
    assert "Traceback" not in err
    for n in needles:
        assert n in err, (n, err)


# ------------------------------------------------------------------------------ tables as files


@pytest.mark.parametrize("kind", ["directory", "dangling", "loop"])
def test_a_table_that_is_not_a_regular_file_is_an_error(scenario_dir, kind):
    p = scenario_dir / "pledges.csv"
    p.unlink()
    if kind == "directory":
        p.mkdir()
    elif kind == "dangling":
        os.symlink(scenario_dir / "nowhere.csv", p)
    else:
        os.symlink(p, p)
    problems = _problems(scenario_dir)
    assert [(x.file, x.severity) for x in problems if x.file == "pledges.csv"] == [("pledges.csv", "error")]
    _assert_cli_rejects(scenario_dir, "pledges.csv", "regular")


def test_a_short_row_is_an_error_not_defaults(scenario_dir):
    # the defence kyiv_mfg has count 6: cut after the longitude, count would silently become 1
    _replace(scenario_dir, "defences.csv", "kyiv_mfg,mobile_fire_group,50.4501,30.5234,6,,shoot-look-shoot,UKR,", "kyiv_mfg,mobile_fire_group,50.4501,30.5234\nx,")
    problems = _problems(scenario_dir)
    assert ("defences.csv", "line 2", "count") in _where(problems)
    _assert_cli_rejects(scenario_dir, "defences.csv, line 2", "cells")


def test_a_one_megabyte_cell_names_the_file(scenario_dir):
    _replace(scenario_dir, "requirements.csv", "illustrative sizing (assumption)", "x" * 1_100_000)
    problems = _problems(scenario_dir)
    assert any(p.file == "requirements.csv" and p.location.startswith("line") for p in problems)
    code, out, err = run_cli("validate", str(scenario_dir))
    assert code == 2 and "requirements.csv" in err and len(err) < 5000  # the value is cut, not echoed


# ------------------------------------------------------------------------------ numbers


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e999"])
def test_non_finite_numbers_in_a_table_are_errors(scenario_dir, value):
    _replace(scenario_dir, "requirements.csv", "REQ-HQ-KYIV,hq_staff,2,ukr_kyiv,1,12,5,", f"REQ-HQ-KYIV,hq_staff,2,ukr_kyiv,1,12,{value},")
    assert ("requirements.csv", "line 2", "priority") in _where(_problems(scenario_dir))


@pytest.mark.parametrize(("old", "new", "key"), [
    ("speed_kn = 12.0", "speed_kn = inf", "seas.speed_kn"),
    ("target_leakers = 10.0", "target_leakers = nan", "skies.target_leakers"),
    ("buffer_km = 15.0", "buffer_km = -inf", "monitor.buffer_km"),
    ("distance_km = 10.0", "distance_km = inf", "monitor.dedup.distance_km"),
])
def test_non_finite_numbers_in_toml_are_errors(scenario_dir, old, new, key):
    _toml(scenario_dir, old, new)
    assert ("scenario.toml", f"key {key}", key.split(".")[-1]) in _where(_problems(scenario_dir))


def test_integers_beyond_int64_are_errors(scenario_dir):
    _replace(scenario_dir, "pledges.csv", "GBR-01,GBR,hq_staff,4,", "GBR-01,GBR,hq_staff,99999999999999999999999,")
    assert ("pledges.csv", "line 2", "quantity") in _where(_problems(scenario_dir))
    _toml(scenario_dir, "seed = 20250820", "seed = 99999999999999999999999")
    assert ("scenario.toml", "key skies.seed", "seed") in _where(_problems(scenario_dir))


@pytest.mark.parametrize(("old", "new", "key"), [
    ("seed = 20250820", "seed = -1", "skies.seed"),
    ("trials = 2000", "trials = 9223372036854775807", "skies.trials"),
    ("nights = 60", "nights = 1000000", "skies.nights"),
])
def test_seed_and_sizes_are_bounded(scenario_dir, old, new, key):
    _toml(scenario_dir, old, new)
    problems = _problems(scenario_dir)
    assert ("scenario.toml", f"key {key}", key.split(".")[-1]) in _where(problems)
    assert all(p.hint for p in problems)


# ------------------------------------------------------------------------------ dates and windows


@pytest.mark.parametrize("bad", ["2025-02-30", "yesterday", "2025-13-01", "20250901"])
def test_impossible_incident_dates_are_errors(scenario_dir, bad):
    _replace(scenario_dir, "incidents.csv", "X-001,2025-09-03,", f"X-001,{bad},")
    problems = _problems(scenario_dir)
    hit = [p for p in problems if p.file == "incidents.csv" and p.field == "event_date"]
    assert hit and hit[0].value == bad and hit[0].location.startswith("line ")


def test_pledge_window_inverted_is_an_error(scenario_dir):
    _replace(scenario_dir, "pledges.csv", "GBR-01,GBR,hq_staff,4,1,,", "GBR-01,GBR,hq_staff,4,9,3,")
    assert ("pledges.csv", "line 2", "") in {(p.file, p.location, "") for p in _problems(scenario_dir)}
    _assert_cli_rejects(scenario_dir, "pledges.csv, line 2", "available_to_month")


def test_arrival_window_inverted_is_an_error(scenario_dir):
    _replace(scenario_dir, "waves.csv", "Primorsko-Akhtarsk (Ukrainian Air Force launch areas, 2025)\",0,7,", "Primorsko-Akhtarsk (Ukrainian Air Force launch areas, 2025)\",7,0,")
    _assert_cli_rejects(scenario_dir, "waves.csv, line 2", "arrival window inverted")


@pytest.mark.parametrize("alloc", ["regions:Sumy=0.4|Odesa", "regions:Sumy=abc", "region:Sumy=1", "regions:Sumy=inf", "regions:Sumy=0|Odesa=0"])
def test_malformed_allocation_is_an_error(scenario_dir, alloc):
    _replace(scenario_dir, "waves.csv", ",0,7,regions:Sumy=0.4|Odesa=0.6,", f",0,7,{alloc},")
    assert ("waves.csv", "line 2", "allocation") in _where(_problems(scenario_dir))


# ------------------------------------------------------------------------------ references inside scenario.toml


@pytest.mark.parametrize(("old", "new", "key", "value"), [
    ('wave = "record_2025_09_06"', 'wave = "no_such_wave"', "skies.wave", "no_such_wave"),
    ('ports = ["odesa", "chornomorsk", "pivdennyi", "izmail"]', 'ports = ["odesa", "atlantis"]', "seas.ports", "atlantis"),
    ('destination = "bosporus_south"', 'destination = "nowhere"', "seas.destination", "nowhere"),
    ('destination = "bosporus_south"', 'destination = "bosporus_south"\nclosed_passages = ["styx"]', "seas.closed_passages", "styx"),
    ('destination = "bosporus_south"', 'destination = "bosporus_south"\nmpa_base = "ZZZZ"', "seas.mpa_base", "ZZZZ"),
    ('parties = ["UKR", "RUS"]', 'parties = ["UKR", "XXX"]', "monitor.parties", "XXX"),
    ("allow_overflight = []", 'allow_overflight = ["QQQ"]', "summit.allow_overflight", "QQQ"),
])
def test_references_inside_scenario_toml_are_checked(scenario_dir, old, new, key, value):
    _toml(scenario_dir, old, new)
    problems = _problems(scenario_dir)
    hit = [p for p in problems if (p.file, p.location) == ("scenario.toml", f"key {key}")]
    assert hit and hit[0].value == value and hit[0].severity == "error" and hit[0].hint


def test_destination_alias_and_bundled_waves_are_accepted(scenario_dir):
    _toml(scenario_dir, 'destination = "bosporus_south"', 'destination = "bosporus"')
    (scenario_dir / "waves.csv").unlink()  # the bundled waves apply, and their names are valid
    read_scenario(scenario_dir)


# ------------------------------------------------------------------------------ errors vs warnings


def test_unknown_state_in_pledges_is_an_error_and_warnings_are_shown_with_errors(scenario_dir):
    _replace(scenario_dir, "pledges.csv", "GBR-01,GBR,", "GBR-01,ZZZ,")
    _replace(scenario_dir, "defences.csv", "kyiv_mfg,mobile_fire_group,50.4501,30.5234,", "kyiv_mfg,mobile_fire_group,-50.4501,30.5234,")
    problems = _problems(scenario_dir)
    assert ("pledges.csv", "line 2", "nation") in _where(problems)
    warn = [p for p in problems if p.severity == "warning"]
    assert [(w.file, w.location, w.field) for w in warn] == [("defences.csv", "line 2", "lat")]
    _assert_cli_rejects(scenario_dir, "ZZZ", "warning: defences.csv, line 2")


def test_plausibility_is_a_warning_that_strict_makes_an_error(scenario_dir):
    _replace(scenario_dir, "incidents.csv", "X-001,2025-09-03,", "X-001,1995-09-03,")
    sc = read_scenario(scenario_dir)
    assert [(w.file, w.field) for w in sc.warnings] == [("incidents.csv", "event_date")]
    _assert_cli_rejects(scenario_dir, "incidents.csv", "five years", strict=True)


def test_scenario_toml_that_is_a_directory(scenario_dir):
    (scenario_dir / "scenario.toml").unlink()
    (scenario_dir / "scenario.toml").mkdir()
    _assert_cli_rejects(scenario_dir, "scenario.toml", "directory")


def test_non_utf8_table_names_its_line(scenario_dir):
    p = scenario_dir / "vetoes.csv"
    p.write_bytes(p.read_bytes().replace(b"Putin's", b"Putin\xe9s"))
    problems = _problems(scenario_dir)
    assert [(x.file, x.location) for x in problems if x.severity == "error"] == [("vetoes.csv", "line 2")]


def test_allocation_to_a_region_without_defended_sites_is_rejected_by_validate(scenario_dir):
    # skies would refuse this wave only when it runs; validate must say so first (issue 15)
    _replace(scenario_dir, "waves.csv", ",0,7,regions:Sumy=0.4|Odesa=0.6,", ",0,7,regions:Sumy=0.4|Atlantis=0.6,")
    problems = _problems(scenario_dir)
    assert ("waves.csv", "line 2", "allocation") in _where(problems)
    assert any(p.value == "Atlantis" and "no defended site" in p.message for p in problems)
