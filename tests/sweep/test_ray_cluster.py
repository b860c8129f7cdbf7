"""``--ray ADDRESS``: joining a real Ray cluster (a head started with ``ray start``), and clear
errors for an address that is malformed or where no cluster listens."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

from backstop.errors import InputError
from backstop.sweep.run import run_sweep


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ray_cli() -> Path:
    exe = Path(sys.executable).with_name("ray")
    if not exe.exists():
        pytest.skip("the `ray` command is not installed next to this Python (pip install -e '.[scale]')")
    return exe


@pytest.fixture()
def ray_head():
    """A one-CPU Ray head on a free loopback port, in its own temp dir and process group; stopped
    (that process group only, never `ray stop`, which would stop every Ray on the machine)."""
    from backstop.sweep.executor import import_ray

    import_ray()
    exe = _ray_cli()
    port = _free_port()
    tmp = tempfile.mkdtemp(prefix="bs-ray-", dir="/tmp")  # short: Ray's socket paths must fit in 107 bytes
    # loopback only; token authentication off on the head and in this driver (Ray >= 2.5x turns it on
    # when ~/.ray/auth_token exists, and a driver without the token is refused)
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
    cmd = [str(exe), "start", "--head", "--block", f"--port={port}", "--node-ip-address=127.0.0.1", "--num-cpus=1", "--num-gpus=0",
           f"--temp-dir={tmp}", "--include-dashboard=false", "--disable-usage-stats"]
    log = open(Path(tmp) / "head.log", "w")  # noqa: SIM115 - closed in teardown
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"ray start --head exited with {proc.returncode}: {(Path(tmp) / 'head.log').read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the Ray head did not listen within 120 s")
                time.sleep(0.5)
        yield f"127.0.0.1:{port}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.slow
def test_ray_cluster_same_table_as_process_pool(tiny_serial, tmp_path, ray_head, monkeypatch):
    """A sweep joined to a running cluster gives the process pool's table (and the in-process one)."""
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    plan, table, _ = tiny_serial
    pool = run_sweep(plan, tmp_path / "pool", workers=2)
    res = run_sweep(plan, tmp_path / "ray", ray=ray_head)
    assert res.complete and res.executor == "ray (1 worker)"
    pd.testing.assert_frame_equal(res.table, pool.table)
    pd.testing.assert_frame_equal(res.table, table)
    import ray

    assert not ray.is_initialized()  # the executor disconnected from the cluster it joined


@pytest.mark.parametrize(("address", "message"), [
    ("nowhere", "not a Ray address"),
    ("127.0.0.1:notaport", "not a Ray address"),
    ("http://127.0.0.1:6379", "unknown scheme"),
    ("127.0.0.1:{port}", "no Ray cluster reachable"),
    ("ray://127.0.0.1:{port}", "no Ray cluster reachable"),
])
def test_bad_or_unreachable_address_is_an_input_error(tiny_serial, tmp_path, address, message):
    plan, _, _ = tiny_serial
    address = address.format(port=_free_port())  # nobody listens on a port just freed
    with pytest.raises(InputError, match=message) as err:
        run_sweep(plan, tmp_path / "out", ray=address)
    p = err.value.problems[0]
    assert p.location == "option --ray" and p.value == address and "ray start --head" in p.hint
    assert not (tmp_path / "out").exists()  # nothing written


def test_cli_unreachable_cluster_exits_2_without_traceback(tiny_spec, tmp_path):
    address = f"127.0.0.1:{_free_port()}"
    r = subprocess.run([sys.executable, "-m", "backstop", "sweep", str(tiny_spec), "--ray", address, "-o", str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "400"})
    assert r.returncode == 2, r.stderr
    assert "variants" not in r.stderr  # refused before the progress bar
    assert "no Ray cluster reachable" in r.stderr and address in r.stderr and "Traceback" not in r.stderr + r.stdout
