"""Background jobs of the workspace: analysis runs executed outside the web process.

:class:`JobRunner` is a thread in the web process that only dispatches: it claims queued runs (an
atomic ``queued -> running`` update, so several web processes can share one database), hands each to a
backend that runs it in a **separate worker process**, relays the worker's progress into the run's row,
and when the worker ends stores the outputs and marks the run done in one transaction. A worker that
raises, dies (killed, out of memory) or exits without outputs leaves the run ``failed`` with the reason
and nothing stored; a cancelled run's worker is terminated and its scratch folder removed.

The worker (:func:`execute`) reads the scenario from the exact bytes the run read, runs
``backstop.pipeline.assess`` (every analysis, or one by name) with the run's seed, and writes
``results.json``, the CSVs and ``report.html`` with :func:`backstop.report.write_outputs`.
Wall-clock figures (``wall_s``, ``runtime_s``, ``solve_s``) move from ``results.json`` to ``timings.json``
(:func:`split_timings`) so that the same revision and seed
give a byte-identical ``results.json``.

Backends, behind the same three methods (``start``, ``poll``, ``stop``; ``close`` at shutdown):

- :class:`LocalProcessBackend` (the default): one ``spawn``-ed process per job, at most ``workers`` at once;
- :class:`RayBackend`: one Ray actor per job on a local Ray (started with the server) or a cluster
  (``backstop serve --jobs ray[:ADDRESS]``); the actor runs the same :func:`execute` in a scratch folder on
  its node and returns the outputs as bytes; cancel kills the actor (``ray.kill``), a dead actor is a
  killed worker. Ray is started or joined by the sweeps' :func:`backstop.sweep.executor.ray_init` (one
  start logic for sweeps and jobs). The sweeps' executor itself runs batches of tasks without a per-task
  cancel, which a job needs, hence an actor per job rather than its pool.

Workers run at a lower CPU priority than the web process (``os.nice``, :data:`WORKER_NICE`), so pages stay
responsive while analyses use every core; the number of workers is bounded by the backend.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("backstop.workspace.jobs")

POLL_S = 0.2  # how often the dispatcher looks at its workers and at the queue [s]
WORKER_NICE = 10  # niceness added to a worker process (Unix): analyses yield the CPU to the web process


def lower_priority(increment: int = WORKER_NICE) -> None:
    """Lower this process's CPU priority (no-op where ``os.nice`` is missing or refused)."""
    if increment > 0 and hasattr(os, "nice"):
        try:
            os.nice(increment)
        except OSError:
            pass


def _execute_niced(payload: dict, job_dir: str, nice: int) -> None:
    lower_priority(nice)
    execute(payload, job_dir)


# -- the worker (runs in a child process) -----------------------------------------------------------------


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def execute(payload: dict, job_dir: str) -> None:
    """Run one job; outputs in ``job_dir/out`` (complete or absent), progress in ``job_dir/progress``.

    On an error writes ``job_dir/error`` (one line: type and message) and exits with status 1.
    """
    job = Path(job_dir)
    progress = job / "progress"
    try:
        from backstop import pipeline
        from backstop.report import write_outputs
        from backstop.scenario import read_scenario

        _write_atomic(progress, "reading the scenario")
        folder = job / "scenario"
        folder.mkdir()
        for name, data in payload["files"].items():
            (folder / name).write_bytes(data)
        scenario = read_scenario(folder)
        only = None if payload["analysis"] == "assess" else [payload["analysis"]]
        names = [a.name for a in pipeline.ANALYSES if only is None or a.name in only or a.name == "overview"]
        done = []

        def on_step(step, phase):
            if phase == "start":
                _write_atomic(progress, f"running {step.name} ({len(done) + 1} of {len(names)})")
            else:
                done.append(step.name)

        results = pipeline.assess(scenario, only=only, seed=payload["seed"], quick=payload["quick"], on_step=on_step)
        _write_atomic(progress, "writing results")
        write_outputs(job / "out", scenario, results)
        split_timings(job / "out")
    except BaseException as exc:  # the parent reads the reason; nothing is stored
        from backstop.errors import InputError

        if isinstance(exc, InputError):
            msg = "; ".join(str(p) for p in exc.problems[:5])
        else:
            msg = f"{type(exc).__name__}: {exc}"
        _write_atomic(job / "error", msg.strip() or type(exc).__name__)
        (job / "traceback").write_text(traceback.format_exc(limit=12), encoding="utf-8")
        raise SystemExit(1) from None


TIMING_KEYS = frozenset({"wall_s", "runtime_s", "solve_s"})
"""Wall-clock measurements in the analyses' results: kept in ``timings.json``, not in ``results.json``."""


def _strip(obj, path: str, out: dict):
    if isinstance(obj, dict):
        kept = {}
        for k, v in obj.items():
            if k in TIMING_KEYS and isinstance(v, int | float):
                out[f"{path}.{k}".lstrip(".")] = v
            else:
                kept[k] = _strip(v, f"{path}.{k}", out)
        return kept
    if isinstance(obj, list):
        return [_strip(v, f"{path}[{i}]", out) for i, v in enumerate(obj)]
    return obj


def split_timings(out: Path) -> None:
    """Move wall-clock figures out of ``results.json`` into ``timings.json`` (same JSON layout as the writer).

    So the same revision and seed give a byte-identical ``results.json``; ``report.html`` still shows the
    solver times (it is a report of one execution).
    """
    path = out / "results.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    timings: dict = {}
    payload = _strip(payload, "", timings)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    (out / "timings.json").write_text(json.dumps(timings, indent=2, sort_keys=True), encoding="utf-8")


# -- backends ------------------------------------------------------------------------------------------


@dataclass
class Handle:
    run_id: int
    job_dir: Path
    process: object
    last: str = ""


class LocalProcessBackend:
    """Each job in its own ``spawn``-ed process (killable, isolated from the web process and the others)."""

    name = "local process pool"

    def __init__(self, workers: int = 2, nice: int = WORKER_NICE) -> None:
        import multiprocessing as mp

        self.workers = max(1, int(workers))
        self.nice = nice
        self._ctx = mp.get_context("spawn")

    def start(self, run_id: int, payload: dict, job_dir: Path) -> Handle:
        p = self._ctx.Process(target=_execute_niced, args=(payload, str(job_dir), self.nice), name=f"backstop-run-{run_id}", daemon=True)
        p.start()
        return Handle(run_id, job_dir, p)

    def poll(self, h: Handle) -> int | None:
        """None while running, else the exit code (negative: killed by that signal)."""
        return None if h.process.is_alive() else h.process.exitcode

    def stop(self, h: Handle) -> None:
        if h.process.is_alive():
            h.process.terminate()
            h.process.join(5)
            if h.process.is_alive():
                h.process.kill()
        h.process.join(1)

    def close(self) -> None:
        pass


class _RayJob:
    """A Ray actor running one job: :func:`execute` in a scratch folder of its node, outputs returned as bytes.

    Threaded (two calls at once), so that :meth:`progress` answers while :meth:`run` works.
    """

    def __init__(self, nice: int) -> None:
        lower_priority(nice)
        self.dir = Path(tempfile.mkdtemp(prefix="backstop-ray-job-"))

    def progress(self) -> str:
        p = self.dir / "progress"
        try:
            return p.read_text(encoding="utf-8")
        except OSError:
            return ""

    def run(self, payload: dict) -> dict:
        try:
            execute(payload, str(self.dir))
            out = self.dir / "out"
            return {"outputs": {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}}
        except SystemExit:
            err = self.dir / "error"
            return {"error": err.read_text(encoding="utf-8") if err.exists() else "the analysis failed"}
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class RayHandle(Handle):
    ref: object = None  # the ObjectRef of the actor's run()
    progress_ref: object = None  # a pending progress() call


class RayBackend:
    """Each job in its own Ray actor, on a local Ray or a cluster (see the module docstring).

    ``address``: ``auto`` (a private local Ray with ``workers`` CPUs, stopped at :meth:`close`) or a cluster
    address (``ray://host:10001``, ``host:6379``), whose nodes need the same backstop installed.
    """

    name = "ray"

    def __init__(self, address: str = "auto", workers: int = 2, nice: int = WORKER_NICE) -> None:
        from backstop.sweep.executor import ray_init

        self._ray, self._started, _ = ray_init(address or "auto", workers)
        self.workers = max(1, int(workers))
        self.nice = nice
        self.address = address or "auto"
        self._actor = self._ray.remote(num_cpus=1, max_concurrency=2, max_restarts=0)(_RayJob)

    def start(self, run_id: int, payload: dict, job_dir: Path) -> RayHandle:
        actor = self._actor.remote(self.nice)
        return RayHandle(run_id, job_dir, actor, ref=actor.run.remote(payload))

    def poll(self, h: RayHandle) -> int | None:
        """None while running; 0 when the outputs are in ``job_dir/out``; 1 on an analysis error; -9 if the actor died."""
        ray = self._ray
        ready, _ = ray.wait([h.ref], timeout=0)
        if not ready:
            self._relay_progress(h)
            return None
        try:
            answer = ray.get(h.ref)
        except Exception:  # RayActorError, WorkerCrashedError...: the worker is gone
            return -9
        finally:
            ray.kill(h.process, no_restart=True)
        if "error" in answer:
            _write_atomic(h.job_dir / "error", answer["error"])
            return 1
        out = h.job_dir / "out"
        out.mkdir(parents=True, exist_ok=True)
        for name, data in answer["outputs"].items():
            (out / Path(name).name).write_bytes(data)
        return 0

    def _relay_progress(self, h: RayHandle) -> None:
        ray = self._ray
        if h.progress_ref is None:
            h.progress_ref = h.process.progress.remote()
            return
        ready, _ = ray.wait([h.progress_ref], timeout=0)
        if ready:
            try:
                msg = ray.get(h.progress_ref)
            except Exception:
                msg = ""
            h.progress_ref = None
            if msg:
                _write_atomic(h.job_dir / "progress", msg)

    def stop(self, h: RayHandle) -> None:
        """Cancel: kill the job's actor (its process ends, whatever it was computing)."""
        self._ray.kill(h.process, no_restart=True)

    def close(self) -> None:
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()
            self._started = False


def make_backend(spec: str | None = None, workers: int | None = None):
    """The backend for ``--jobs``: ``local`` (default) or ``ray`` / ``ray:ADDRESS``; ``workers`` at most at once."""
    spec = check_spec(spec)
    n = max(1, int(workers or min(2, os.cpu_count() or 1)))
    if spec == "local":
        return LocalProcessBackend(n)
    return RayBackend(spec.partition(":")[2] or "auto", n)


def check_spec(spec: str | None) -> str:
    """A valid ``--jobs`` value (``local`` when empty); a located input error otherwise."""
    from backstop.errors import input_error

    spec = (spec or "local").strip()
    if spec == "local" or spec == "ray" or spec.startswith("ray:"):
        return spec
    raise input_error("<cli>", "argument --jobs", "jobs", spec, "unknown job backend", "use local, ray (a local Ray) or ray:ADDRESS (a cluster)")


# -- the dispatcher -----------------------------------------------------------------------------------


def _read_outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


class JobRunner:
    """Claims queued runs, starts workers, relays progress, stores outputs (see the module docstring)."""

    def __init__(self, db, backend: LocalProcessBackend | None = None, scratch: Path | None = None) -> None:
        self.db = db
        self.backend = backend or LocalProcessBackend(min(2, os.cpu_count() or 1))
        self.scratch = Path(scratch or tempfile.mkdtemp(prefix="backstop-jobs-"))
        self.running: dict[int, Handle] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> None:
        self.recover()
        self._thread = threading.Thread(target=self._loop, name="backstop-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(10)
        for h in list(self.running.values()):
            self.backend.stop(h)
            self._finish(h, None, reason="the workspace stopped while the job ran; start it again")
        shutil.rmtree(self.scratch, ignore_errors=True)
        close = getattr(self.backend, "close", None)
        if close is not None:
            close()

    def wake(self) -> None:
        """Look at the queue now (called after a run is queued or cancelled)."""
        self._wake.set()

    def recover(self) -> None:
        """Runs left ``running`` by a server that stopped are failed (their worker is gone with it)."""
        from sqlalchemy import select

        from backstop.workspace import runs
        from backstop.workspace.models import Run

        with self.db.write() as s:
            for rid in s.execute(select(Run.id).where(Run.status == "running")).scalars():
                if rid not in self.running:
                    runs.mark_failed(s, rid, "the workspace restarted while the job ran; start it again")

    # loop
    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # the dispatcher must survive a database hiccup
                log.exception("job dispatcher")
            self._wake.wait(POLL_S)
            self._wake.clear()

    def tick(self) -> None:
        """One pass: watch running workers, then start queued runs while workers are free."""
        from sqlalchemy import select

        from backstop.workspace import runs
        from backstop.workspace.models import Run

        for rid, h in list(self.running.items()):
            with self.db.read() as s:
                status = s.execute(select(Run.status).where(Run.id == rid)).scalar_one_or_none()
            if status != "running":  # cancelled (or removed): stop the worker, keep nothing
                self.backend.stop(h)
                self._cleanup(h)
                continue
            code = self.backend.poll(h)
            if code is None:
                p = h.job_dir / "progress"
                msg = p.read_text(encoding="utf-8") if p.exists() else ""
                if msg and msg != h.last:
                    h.last = msg
                    with self.db.write() as s:
                        runs.set_progress(s, rid, msg)
                continue
            self._finish(h, code)
        while len(self.running) < self.backend.workers:
            with self.db.read() as s:
                queued = list(s.execute(select(Run.id).where(Run.status == "queued").order_by(Run.id).limit(8)).scalars())
            started = False
            for rid in queued:
                with self.db.write() as s:
                    if not runs.claim(s, rid):
                        continue
                    payload = runs.job_payload(s, s.get(Run, rid))
                job_dir = Path(tempfile.mkdtemp(prefix=f"run-{rid}-", dir=self.scratch))
                try:
                    self.running[rid] = self.backend.start(rid, payload, job_dir)
                except Exception as exc:
                    with self.db.write() as s:
                        runs.mark_failed(s, rid, f"the worker could not start: {type(exc).__name__}: {exc}")
                    shutil.rmtree(job_dir, ignore_errors=True)
                started = True
                break
            if not started:
                return

    def _finish(self, h: Handle, code: int | None, reason: str | None = None) -> None:
        from backstop.workspace import runs

        out = h.job_dir / "out"
        try:
            if code == 0 and (out / "results.json").exists():
                outputs = _read_outputs(out)
                with self.db.write() as s:
                    runs.store_done(s, h.run_id, outputs)
                return
            if reason is None:
                err = h.job_dir / "error"
                if err.exists():
                    reason = "the analysis failed: " + err.read_text(encoding="utf-8")
                elif code is not None and code < 0:
                    reason = f"the worker process was killed (signal {-code}) before it finished; nothing was stored"
                else:
                    reason = f"the worker process ended (exit code {code}) without results; nothing was stored"
            with self.db.write() as s:
                runs.mark_failed(s, h.run_id, reason)
        finally:
            self._cleanup(h)

    def _cleanup(self, h: Handle) -> None:
        self.running.pop(h.run_id, None)
        shutil.rmtree(h.job_dir, ignore_errors=True)

    def pid_of(self, run_id: int) -> int | None:
        h = self.running.get(run_id)
        return getattr(h.process, "pid", None) if h else None

    def describe(self) -> str:
        return json.dumps({"backend": self.backend.name, "workers": self.backend.workers, "running": sorted(self.running)})
