"""Scenario reading: located parse errors (all at once), defaults, strict checks."""

from __future__ import annotations

import pytest

from backstop.errors import InputError
from backstop.scenario import read_scenario, read_table
from backstop.scenario.models import Requirement
from tests.conftest import run_cli


def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_bundled_scenario_reads(bundled):
    assert bundled.name == "ukraine-2025"
    assert bundled.as_of.isoformat() == "2025-08-20"
    assert bundled.start <= bundled.end


def test_five_injected_errors_are_all_reported(scenario_dir):
    toml = (scenario_dir / "scenario.toml").read_text()
    toml = toml.replace("as_of = 2025-08-20", 'as_of = "20 August 2025"')  # 1 bad date
    toml = toml.replace("rotation_months = 6", "rotation_months = -1")  # 2 out of range
    toml = toml.replace("[toggles]", "[toggles]\nrusia_red_line = false")  # 3 unknown key (typo)
    _write(scenario_dir, "scenario.toml", toml)
    _write(
        scenario_dir,
        "requirements.csv",
        "id,capability,quantity,zone\nR1,hq_staff,-3,ukr_kyiv\nR2,hq_staff,two,ukr_kyiv\nR3,hq_staff,1,ukr_kyiv\n",
    )  # 4 negative quantity (line 2), 5 not an integer (line 3)
    with pytest.raises(InputError) as exc:
        read_scenario(scenario_dir)
    problems = exc.value.problems
    where = {(p.file, p.location, p.field) for p in problems}
    assert ("scenario.toml", "key scenario.as_of", "as_of") in where
    assert ("scenario.toml", "key forcegen.rotation_months", "rotation_months") in where
    assert ("scenario.toml", "key toggles.rusia_red_line", "rusia_red_line") in where
    assert ("requirements.csv", "line 2", "quantity") in where
    assert ("requirements.csv", "line 3", "quantity") in where
    assert len(problems) == 5
    bad = next(p for p in problems if p.location == "line 3")
    assert bad.value == "two" and bad.hint  # names the bad value and gives a hint


def test_validate_cli_lists_all_problems_exit_2(scenario_dir):
    _write(scenario_dir, "requirements.csv", "id,capability,quantity,zone,colour\nR1,hq_staff,1,ukr_kyiv,red\n")
    code, out, err = run_cli("validate", str(scenario_dir))
    assert code == 2
    assert "requirements.csv" in err and "colour" in err and "unknown column" in err
    assert "Traceback" not in err


def test_missing_required_column_named(tmp_path):
    p = tmp_path / "requirements.csv"
    p.write_text("id,quantity,zone\nR1,1,ukr_kyiv\n")
    rows, problems = read_table(p, Requirement)
    assert rows == []
    assert [(x.field, x.message) for x in problems] == [("capability", "required column missing")]


def test_empty_cells_take_defaults_and_lines_are_kept(tmp_path):
    p = tmp_path / "requirements.csv"
    p.write_text("id,capability,quantity,zone,priority\nR1,hq_staff,1,ukr_kyiv,\n\nR2,hq_staff,2,ukr_kyiv,3\n")
    rows, problems = read_table(p, Requirement)
    assert not problems
    assert rows[0].priority == Requirement.model_fields["priority"].default
    assert [r.line for r in rows] == [2, 4]


def test_bad_toml_syntax_is_one_clear_problem(scenario_dir):
    _write(scenario_dir, "scenario.toml", "[scenario\nname = 'x'\n")
    with pytest.raises(InputError) as exc:
        read_scenario(scenario_dir)
    assert exc.value.problems[0].file == "scenario.toml"
    assert "TOML" in exc.value.problems[0].message


def test_missing_folder_and_missing_toml(tmp_path):
    with pytest.raises(InputError):
        read_scenario(tmp_path / "nope")
    with pytest.raises(InputError) as exc:
        read_scenario(tmp_path)
    assert "missing scenario file" in exc.value.problems[0].message


def test_unknown_references_are_errors_and_warnings_come_with_them(scenario_dir):
    _write(scenario_dir, "requirements.csv", "id,capability,quantity,zone\nR1,hq_staff,1,atlantis\nR1,warp_drive,1,ukr_kyiv\n")
    with pytest.raises(InputError) as exc:
        read_scenario(scenario_dir)
    msgs = {(p.location, p.field, p.message, p.severity) for p in exc.value.problems}
    assert ("line 2", "zone", "unknown zone", "error") in msgs
    assert ("line 3", "capability", "unknown capability", "error") in msgs
    # the duplicate id is only a warning, but it is shown together with the errors
    assert any(p.message.startswith("duplicate id") and p.severity == "warning" for p in exc.value.problems)
    code, _, err = run_cli("validate", str(scenario_dir))
    assert code == 2 and "atlantis" in err and "warning" in err and "duplicate id" in err


def test_warnings_pass_then_fail_when_strict(scenario_dir):
    _write(scenario_dir, "requirements.csv", "id,capability,quantity,zone\nR1,hq_staff,1,ukr_kyiv\nR1,hq_staff,1,ukr_kyiv\n")
    scenario = read_scenario(scenario_dir)
    assert [w.message.startswith("duplicate id") for w in scenario.warnings] == [True, True]
    with pytest.raises(InputError) as exc:
        read_scenario(scenario_dir, strict=True)
    assert len(exc.value.problems) == len(scenario.warnings)
    code, _, err = run_cli("validate", str(scenario_dir), "--strict")
    assert code == 2 and "duplicate id" in err


def test_unknown_table_warns(scenario_dir):
    _write(scenario_dir, "plegdes.csv", "a\n1\n")
    scenario = read_scenario(scenario_dir)
    assert any(w.file == "plegdes.csv" and "unknown table" in w.message for w in scenario.warnings)


def test_membership_override_changes_members(scenario_dir):
    toml = (scenario_dir / "scenario.toml").read_text().replace("[toggles]", '[toggles]\nmembership_overrides = {"icc:HUN" = "none"}')
    _write(scenario_dir, "scenario.toml", toml)
    scenario = read_scenario(scenario_dir)
    import datetime as dt

    assert "HUN" in scenario.members("icc", dt.date(2026, 7, 1))
    base = read_scenario(None)
    assert "HUN" not in base.members("icc", dt.date(2026, 7, 1))


def test_bundled_scenario_is_clean_under_strict():
    scenario = read_scenario(None, strict=True)
    assert scenario.warnings == ()
    assert all(p.assumption and p.statement for p in scenario.rows("pledges")), "every pledge is illustrative and names its statement"


def test_as_of_outside_the_data_is_rejected_naming_the_key(scenario_dir):
    # regression (#11): with as_of = 2012 `validate --strict` passed and `summit` blamed --date
    toml = scenario_dir / "scenario.toml"
    text = toml.read_text(encoding="utf-8").replace("as_of = 2025-08-20", "as_of = 2012-05-01")
    text = text.replace("start = 2025-09-01", "start = 2012-06-01").replace("end = 2026-08-31", "end = 2013-05-31")
    toml.write_text(text.replace("date = 2025-09-15", "date = 2012-09-15"), encoding="utf-8")
    for args in (("validate", str(scenario_dir)), ("validate", "--strict", str(scenario_dir)), ("summit", str(scenario_dir))):
        code, out, err = run_cli(*args)
        assert code == 2, args
        assert "key scenario.as_of" in err and "2012-05-01" in err and "2015-01-01" in err, args
        assert "key summit.date" in err and "--date" not in err and "Traceback" not in err, args


def test_summit_date_option_outside_the_data_names_the_option():
    code, out, err = run_cli("summit", "--date", "2012-01-01")
    assert code == 2 and "argument --date" in err and "2012-01-01" in err and "scenario.as_of" not in err
