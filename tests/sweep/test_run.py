"""Running sweeps: the same table whatever the executor or worker count; resume after a kill; failures recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from backstop.sweep.run import load_plan, run_sweep
from backstop.sweep.store import read_sweep
from tests.sweep.conftest import TINY, write_spec


def test_two_workers_same_table(tiny_serial, tmp_path):
    plan, table, _ = tiny_serial
    res = run_sweep(plan, tmp_path / "out", workers=2)
    assert res.complete and res.ran == len(plan.variants) and "process pool (2 workers)" == res.executor
    pd.testing.assert_frame_equal(res.table, table)
    on_disk, meta = read_sweep(tmp_path / "out")
    pd.testing.assert_frame_equal(on_disk, table)
    assert meta["method"] == "lhs" and [f["name"] for f in meta["factors"]] == ["decoy_share", "pk_ballistic", "wave_size"]


def test_ray_local_same_table(tiny_serial, tmp_path):
    from backstop.sweep.executor import import_ray

    import_ray()  # the scale extra is installed by `make install`
    plan, table, _ = tiny_serial
    res = run_sweep(plan, tmp_path / "out", workers=2, ray="auto")
    assert res.complete and res.executor.startswith("ray")
    pd.testing.assert_frame_equal(res.table, table)


def test_table_is_sane(tiny_serial):
    plan, table, _ = tiny_serial
    assert list(table["row"]) == list(range(6)) and (table["status"] == "ok").all()
    # more drones per wave, more leakers: the largest wave has more leakers than the smallest
    big, small = table["wave_size"].idxmax(), table["wave_size"].idxmin()
    assert table.loc[big, "expected_leakers"] > table.loc[small, "expected_leakers"]
    assert table["intercept_share.drone"].between(0, 1).all()


def test_resume_in_steps_equals_one_run(tiny_serial, tmp_path):
    plan, table, _ = tiny_serial
    first = run_sweep(plan, tmp_path / "out", limit=2)
    assert not first.complete and first.ran == 2 and first.table is None
    second = run_sweep(plan, tmp_path / "out")
    assert second.skipped == 2 and second.ran == 4 and second.complete
    pd.testing.assert_frame_equal(second.table, table)


def test_other_spec_into_same_folder_refused(tiny_serial, tmp_path):
    from backstop.errors import InputError

    plan, _, _ = tiny_serial
    run_sweep(plan, tmp_path / "out", limit=1)
    other = load_plan(write_spec(tmp_path, TINY.format(samples=3)))
    with pytest.raises(InputError, match="different sweep"):
        run_sweep(other, tmp_path / "out")
    assert run_sweep(other, tmp_path / "out", fresh=True, limit=1).ran == 1


def test_failed_variant_recorded_and_sweep_goes_on(tmp_path):
    text = TINY.format(samples=2).replace('method = "lhs"', 'method = "grid"\nlevels = 2')
    text = text.replace('low = 0.5\nhigh = 1.5', 'values = [0.0, 1.0]')  # a wave of size 0 fails in skies
    text = text.replace('low = 0.2\nhigh = 0.6', 'values = [0.4]').replace('low = 0.6\nhigh = 1.4', 'values = [1.0]')
    plan = load_plan(write_spec(tmp_path, text))
    res = run_sweep(plan, tmp_path / "out")
    assert res.complete and res.failed == 1
    t = res.table.set_index("wave_size")
    assert t.loc[0.0, "status"] == "error" and "has no threats" in t.loc[0.0, "error"]
    assert t.loc[1.0, "status"] == "ok" and t.loc[1.0, "expected_leakers"] > 0
    again = run_sweep(plan, tmp_path / "out")
    assert again.ran == 0  # a failure is a finished variant
    assert run_sweep(plan, tmp_path / "out", retry_failed=True).ran == 1


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from backstop.cli import main; main()", *args]


@pytest.mark.parametrize("sig", [signal.SIGKILL])
def test_kill_mid_sweep_then_resume(tiny_serial, sig):
    plan, table, folder = tiny_serial
    out = folder / f"killed-{sig.name}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    proc = subprocess.Popen(_cli("sweep", str(folder / "spec.toml"), "-o", str(out)), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = out / "parts"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if parts.is_dir() and len(list(parts.glob("*.parquet"))) >= 2:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the sweep finished before it could be interrupted"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    stored = len(list(parts.glob("*.parquet")))
    assert 2 <= stored < 6 and not (out / "sweep.parquet").exists()
    res = run_sweep(plan, out)
    assert res.skipped == stored and res.ran == 6 - stored
    pd.testing.assert_frame_equal(res.table, table)
    pd.testing.assert_frame_equal(read_sweep(out)[0], table)


@pytest.mark.slow
def test_ctrl_c_mid_sweep_then_resume(tiny_serial):
    plan, table, folder = tiny_serial
    out = folder / "interrupted"
    proc = subprocess.Popen(_cli("sweep", str(folder / "spec.toml"), "-o", str(out), "--workers", "2"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = out / "parts"
    while proc.poll() is None and not (parts.is_dir() and len(list(parts.glob("*.parquet"))) >= 1):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=120) == 130
    res = run_sweep(plan, out)
    pd.testing.assert_frame_equal(res.table, table)


def test_report_and_assess_section(tiny_serial, tmp_path):
    from tests.conftest import run_cli

    plan, table, folder = tiny_serial
    html = (folder / "out" / "sweep.html")
    from backstop.sweep.report import write_report

    write_report(folder / "out", table, plan)
    text = html.read_text(encoding="utf-8")
    for title in ("What the conclusions hang on", "Distributions", "Where the plan fails"):
        assert title in text
    assert "<script" not in text and "src=\"http" not in text and "href=\"http" not in text
    assert "expected_leakers: hangs most on wave_size" in text
    code, out, err = run_cli("assess", "--only", "monitor", "--quick", "--sweep", str(folder / "out"), "-o", str(tmp_path / "rep"))
    assert code == 0, err
    rep = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert "What the conclusions hang on" in rep and "hangs most on wave_size" in rep
    code, _, err = run_cli("assess", "--only", "monitor", "--quick", "--sweep", str(tmp_path / "nothing"), "-o", str(tmp_path / "rep2"))
    assert code == 2 and "no sweep table here" in " ".join(err.split())
