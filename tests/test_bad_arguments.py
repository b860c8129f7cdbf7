"""Issue 15: command-line arguments the analyses cannot honour are errors (exit 2) or caveats."""

from __future__ import annotations

import pytest

from tests.helpers import run_cli


@pytest.mark.parametrize("value", ["", ",", " , "])
def test_summit_empty_venue_list_is_an_error_not_the_defaults(value):
    code, out, err = run_cli("summit", "--venues", value)
    assert code == 2 and "--venues" in err and "no code given" in " ".join(err.split())


def test_summit_far_future_date_gets_a_caveat():
    code, out, err = run_cli("summit", "--date", "2100-01-01", "--venues", "LSGG", "--json")
    assert code == 0 and "warning" in err and "bundled facts" in " ".join(err.split())


def test_facts_before_the_data_is_an_error_with_the_coverage():
    code, out, err = run_cli("facts", "members", "--body", "nato", "--as-of", "1800-01-01")
    err = " ".join(err.split())
    assert code == 2 and "1949-08-24" in err and "1800-01-01" in err and not out


def test_assess_output_that_is_a_file_fails_before_any_analysis(tmp_path):
    f = tmp_path / "report"
    f.write_text("x")
    code, out, err = run_cli("assess", "-o", str(f))
    assert code == 2 and "is a file" in " ".join(err.split()) and "Safe skies" not in err
    assert f.read_text() == "x"


def test_internal_error_prints_one_line(monkeypatch):
    import backstop.scenario.io as sio

    def boom(*a, **k):
        raise RuntimeError("simulated\nbug")

    monkeypatch.setattr(sio, "resolve_path", boom)
    code, out, err = run_cli("validate")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "internal error" in err
