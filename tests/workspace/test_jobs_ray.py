"""Analysis runs on a real local Ray (issue 16: "a Ray cluster can take the jobs when configured").

The same run through the Ray backend and through the local process backend gives a byte-identical
``results.json``; cancelling a Ray job kills its actor and stores nothing; a bad ``--jobs`` value is a
located input error. Ray is started once for the module (it takes seconds) and stopped at its end.
"""

from __future__ import annotations

import time

import pytest

from backstop.errors import InputError
from tests.workspace.conftest import AS_OF
from tests.workspace.helpers import add_users, bundled_files_b64, close, make_client, token

pytest.importorskip("ray", reason="Ray is in the scale extra: pip install 'backstop[scale]'")
slow = pytest.mark.slow  # starts a Ray cluster and runs analyses on it (about a minute on 2 busy cores)

WAIT_S = 300  # a safety net only; no assertion depends on time


def _client(url: str, jobs: str):
    c = make_client(url, AS_OF, job_workers=1, jobs=jobs)
    add_users(c.app, [("pia", "NOR", "planner")])
    h = token(c, "pia")
    r = c.post("/api/scenarios/ukraine-2025/revisions", json={"files": bundled_files_b64(), "message": "bundled"}, headers=h)
    assert r.status_code == 201, r.text
    return c, h


def _start(c, h, analysis: str, seed: int = 11) -> int:
    r = c.post("/api/scenarios/ukraine-2025/revisions/1/runs", json={"analysis": analysis, "seed": seed, "quick": True}, headers=h)
    assert r.status_code == 202, r.text
    return r.json()["id"]


def _wait(c, h, rid: int, until=("done", "failed", "cancelled"), seen: list | None = None) -> dict:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        info = c.get(f"/api/runs/{rid}", headers=h).json()
        if seen is not None:
            seen.append(info["progress"])
        if info["status"] in until:
            return info
        time.sleep(0.1)
    raise AssertionError(f"run {rid} still {info['status']} after the safety net")


@pytest.fixture(scope="module")
def ray_ws(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ray")
    c, h = _client(f"sqlite:///{tmp / 'ray.db'}", "ray")
    assert c.app.state.ws.jobs.backend.name == "ray"
    yield c, h
    close(c)  # stops the runner, which shuts down the Ray it started
    import ray

    assert not ray.is_initialized()


@slow
def test_a_run_through_ray_gives_the_same_results_json_as_the_local_backend(ray_ws, tmp_path):
    c, h = ray_ws
    seen: list[str] = []
    rid = _start(c, h, "monitor")
    info = _wait(c, h, rid, seen=seen)
    assert info["status"] == "done", info["error"]
    assert {"results.json", "report.html", "timings.json", "monitor_commitments.csv"} <= set(info["files"])
    assert any(p.startswith("running") for p in seen) or "done" in seen  # progress relayed from the actor
    via_ray = c.get(f"/api/runs/{rid}/files/results.json", headers=h).content

    local, hl = _client(f"sqlite:///{tmp_path / 'local.db'}", "local")
    try:
        lid = _start(local, hl, "monitor")
        linfo = _wait(local, hl, lid)
        assert linfo["status"] == "done", linfo["error"]
        via_local = local.get(f"/api/runs/{lid}/files/results.json", headers=hl).content
    finally:
        close(local)
    assert via_ray == via_local and info["results_sha256"] == linfo["results_sha256"]
    assert b'"monitor"' in via_ray


@slow
def test_cancelling_a_ray_job_kills_its_actor_and_stores_nothing(ray_ws):
    import ray

    c, h = ray_ws
    jobs = c.app.state.ws.jobs
    rid = _start(c, h, "assess")
    _wait(c, h, rid, until=("running",))
    deadline = time.monotonic() + WAIT_S
    while rid not in jobs.running and time.monotonic() < deadline:
        time.sleep(0.05)
    actor = jobs.running[rid].process
    r = c.post(f"/api/runs/{rid}/cancel", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    while rid in jobs.running and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(ray.exceptions.RayActorError):  # the actor is dead: killed, not left computing
        ray.get(actor.progress.remote(), timeout=60)
    info = c.get(f"/api/runs/{rid}", headers=h).json()
    assert info["status"] == "cancelled" and info["files"] == []
    assert not list(jobs.scratch.iterdir())


def test_unknown_job_backend_is_a_located_input_error():
    from backstop.workspace.jobs import make_backend

    with pytest.raises(InputError) as exc:
        make_backend("celery")
    p = exc.value.problems[0]
    assert p.field == "jobs" and p.value == "celery" and "ray:ADDRESS" in p.hint
