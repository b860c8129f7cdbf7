"""Spec errors are reported like scenario errors: file, TOML key path, field, value and hint, before anything runs."""

from __future__ import annotations

import pytest

from backstop.errors import InputError
from backstop.sweep.run import load_plan
from tests.conftest import run_cli
from tests.sweep.conftest import TINY, write_spec


def problems(tmp_path, text):
    spec = write_spec(tmp_path, text)
    with pytest.raises(InputError) as exc:
        load_plan(spec)
    return exc.value.problems


def test_unknown_path_located(tmp_path):
    text = TINY.format(samples=4).replace('path = "waves[wave=record_2025_09_06].count"', 'path = "skeis.trials"')
    (p,) = problems(tmp_path, text)
    assert p.file == "spec.toml" and p.location == "key parameter.2.path" and p.field == "path"
    assert "unknown key 'skeis'" in p.message and "skies" in p.hint


def test_unknown_column_and_unmatched_row(tmp_path):
    text = TINY.format(samples=4).replace("[wave=record_2025_09_06].count", "[wave=record_2025_09_06].cout")
    text = text.replace("[wave=record_2025_09_06,weapon", "[wave=no_such_wave,weapon")
    ps = problems(tmp_path, text)
    assert [p.location for p in ps] == ["key parameter.0.path", "key parameter.2.path"]
    assert "no row of waves.csv matches" in ps[0].message and "record_2025_09_06" in ps[0].hint
    assert "no column 'cout'" in ps[1].message


def test_range_outside_field_bounds(tmp_path):
    # skies.trials >= 1 in the scenario schema; a Pk multiplier must keep every Pk <= 1
    text = TINY.format(samples=4) + '\n[[parameter]]\nname = "trials"\npath = "skies.trials"\nlow = 0\nhigh = 100\n'
    text = text.replace("low = 0.6\nhigh = 1.4", "low = 0.6\nhigh = 3.0")
    ps = problems(tmp_path, text)
    locs = {p.location: p for p in ps}
    assert "key parameter.1.high" in locs and "outside [0, 1]" in locs["key parameter.1.high"].message
    assert "key parameter.3.low" in locs and "greater than or equal to 1" in locs["key parameter.3.low"].message


def test_date_range_before_the_reference_history(tmp_path):
    """A date parameter reaching before the bundled history is a spec error, not failed variants."""
    ok = TINY.format(samples=4) + '\n[[parameter]]\nname = "as_of"\npath = "scenario.as_of"\nlow = 2025-06-01\nhigh = 2026-01-01\n'
    plan = load_plan(write_spec(tmp_path, ok))
    assert any(f.is_date for f in plan.factors)
    (p,) = problems(tmp_path, ok.replace("low = 2025-06-01", "low = 1990-06-01"))
    assert p.location == "key parameter.3.low" and p.value == "1990-06-01"
    assert "outside the bounds of scenario.as_of" in p.message and "2015-01-01" in p.hint
    fixed = TINY.format(samples=4).replace('"skies.nights" = 2', '"skies.nights" = 2, "scenario.as_of" = 2001-01-01')
    (p,) = problems(tmp_path, fixed)
    assert p.location.startswith("key sweep.fixed") and "2015-01-01" in p.hint


def test_too_many_variants(tmp_path):
    text = TINY.format(samples=4).replace('seed = 11', 'seed = 11\nmax_variants = 50').replace('method = "lhs"', 'method = "sobol"').replace("samples = 4", "samples = 64")
    (p,) = problems(tmp_path, text)
    assert p.location == "key design.samples" and "320 variants" in p.message and "max_variants" in p.hint


def test_parse_errors_all_listed(tmp_path):
    text = TINY.format(samples=4).replace("low = 0.5\nhigh = 1.5", "low = 0.5").replace('method = "lhs"', 'method = "latin"')
    ps = problems(tmp_path, text)
    locs = sorted(p.location for p in ps)
    assert locs == ["key design.method", "key parameter.2"]
    assert any("give `low` and `high`" in p.message for p in ps)


def test_outputs_and_thresholds_checked(tmp_path):
    text = TINY.format(samples=4).replace('outputs = ["expected_leakers"', 'outputs = ["fill_pct", "leakers"').replace('output = "expected_leakers"', 'output = "nope"')
    ps = problems(tmp_path, text)
    msgs = {p.location: p.message for p in ps}
    assert "forcegen" in msgs["key sweep.outputs.0"] and msgs["key sweep.outputs.1"] == "unknown output"
    assert "key threshold.0.output" in msgs


def test_cli_exit_2_before_running(tmp_path):
    spec = write_spec(tmp_path, TINY.format(samples=4).replace("pk_ballistic\"", "pk_ballistc\""))
    code, _, err = run_cli("sweep", str(spec), "-o", str(tmp_path / "out"))
    assert code == 2
    assert "key parameter.1.path" in err and "pk_ballistc" in err
    assert not (tmp_path / "out").exists()


def test_withdraw_unknown_nation(tmp_path):
    text = TINY.format(samples=4) + '\n[[parameter]]\nname = "out"\nwithdraw = ["FRA", "ZZZ"]\n'
    (p,) = problems(tmp_path, text)
    assert p.location == "key parameter.3.withdraw" and p.value == "ZZZ"


def test_schema_doc_is_current():
    from pathlib import Path

    from backstop.sweep.spec import spec_markdown

    doc = Path(__file__).resolve().parents[2] / "docs" / "sweep-format.md"
    assert doc.read_text(encoding="utf-8") == spec_markdown(), "docs/sweep-format.md is stale: run `backstop sweep --schema > docs/sweep-format.md`"
