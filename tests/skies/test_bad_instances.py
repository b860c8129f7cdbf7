"""Issue 15: instance files and solver options the solvers cannot honour are located errors, exit 2."""

from __future__ import annotations

import pytest

from backstop.errors import InputError
from backstop.skies.io import read_mclp, read_wta
from tests.helpers import run_cli

WTA = "2 2 1\n10\n20\n0 0 0.5\n0 1 0.4\n1 0 0.3\n1 1 0.9\n"
MCLP = "3 9999 p S\n0 0 5\n100 0 3\n0 100 2\n"


def _err(fn, path):
    with pytest.raises(InputError) as exc:
        fn(path)
    return exc.value.problems[0]


def test_valid_small_instances_read(tmp_path):
    (tmp_path / "w.txt").write_text(WTA)
    inst = read_wta(tmp_path / "w.txt")
    assert inst.p.tolist() == [[0.5, 0.4], [0.3, 0.9]]
    (tmp_path / "m.txt").write_text(MCLP.replace("\n", "\r\n"))
    assert read_mclp(tmp_path / "m.txt").n == 3


def test_wta_header_too_large_is_refused_before_allocating(tmp_path):
    (tmp_path / "w.txt").write_text("20000 20000 1\n1\n")
    p = _err(read_wta, tmp_path / "w.txt")
    assert (p.location, p.field) == ("line 1", "header") and "too large" in p.message


@pytest.mark.parametrize(("text", "line", "needle"), [
    (WTA.rsplit("1 1 0.9\n", 1)[0], "line 6", "truncated"),  # a pair missing
    (WTA + "0 1 0.4\n", "line 8", "twice"),  # a pair duplicated
    (WTA.replace("0 1 0.4", "0 1 nan"), "line 5", "finite"),
    (WTA.replace("0 1 0.4", "0 1.5 0.4"), "line 5", "integer"),
    (WTA.replace("20\n", "1e999\n"), "line 3", "finite"),
    (WTA.replace("0 0 0.5", "0 0 0.5 7"), "line 4", "expected"),
])
def test_wta_truncated_duplicated_or_bad_numbers(tmp_path, text, line, needle):
    (tmp_path / "w.txt").write_text(text)
    p = _err(read_wta, tmp_path / "w.txt")
    assert p.location == line and needle in p.message


@pytest.mark.parametrize(("text", "line", "field"), [
    (MCLP.replace("100 0 3", "1e308 0 3"), "line 3", "x"),
    (MCLP.replace("0 100 2", "0 100 inf"), "line 4", "demand"),
    (MCLP.replace("0 100 2", "0 100"), "line 4", "x y demand"),
])
def test_mclp_coordinates_and_demands_bounded(tmp_path, text, line, field):
    (tmp_path / "m.txt").write_text(text)
    p = _err(read_mclp, tmp_path / "m.txt")
    assert (p.location, p.field) == (line, field)


@pytest.mark.parametrize("args", [
    ["--radius", "nan"], ["--radius", "inf"], ["--radius", "-1"], ["--radius", "10", "--time-limit", "0"], ["--radius", "10", "--time-limit", "nan"],
])
def test_mclp_options(tmp_path, args):
    (tmp_path / "m.txt").write_text(MCLP)
    code, out, err = run_cli("mclp", str(tmp_path / "m.txt"), "--facilities", "1", *args)
    assert code == 2 and "argument --" in err and "Traceback" not in err and not out


@pytest.mark.parametrize("limit", ["0", "-1", "nan", "inf"])
def test_wta_time_limit(tmp_path, limit):
    (tmp_path / "w.txt").write_text(WTA)
    code, out, err = run_cli("wta", str(tmp_path / "w.txt"), "--time-limit", limit)
    assert code == 2 and "time-limit" in err and not out


def test_mclp_far_coordinates_exit_2_not_1(tmp_path):
    (tmp_path / "m.txt").write_text(MCLP.replace("100 0 3", "1e308 0 3"))
    code, out, err = run_cli("mclp", str(tmp_path / "m.txt"), "--facilities", "1", "--radius", "10")
    assert code == 2 and "line 3" in " ".join(err.split())
