"""Executors: run a function over many payloads on worker processes, yielding outcomes as they finish.

One interface, three backends:

- :class:`SerialExecutor`: in this process (``--workers 1``; debugging; the reference for speed-ups);
- :class:`ProcessExecutor`: a local pool of ``spawn``-ed processes (the default);
- :class:`RayExecutor`: a pool of Ray actors, on a local Ray started for the run (``--ray auto``)
  or on a cluster (``--ray ADDRESS``).

Each worker calls ``initializer(*initargs)`` once when it starts: heavy shared inputs (the
scenario, reference data, the sea network...) are built there, once per worker, not per task.
``fn(payload)`` must be a module-level function (it is pickled to the workers); an exception in
it is caught in the worker and comes back as an :class:`Outcome` with ``error`` set, so one bad
task never stops the others.  At most ``max_in_flight`` tasks are submitted at once, so an
interruption loses at most those.

The workspace submits analysis jobs through the same interface (:func:`make_executor`).
"""

from __future__ import annotations

import os
import traceback
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

_STATE: dict[str, Any] = {}
"""Per-worker state built by the initializer (read by task functions through :func:`worker_state`)."""


def worker_state() -> dict[str, Any]:
    """The calling worker's state dictionary (filled by its initializer)."""
    return _STATE


@dataclass(frozen=True)
class Outcome:
    """What came back for one task: its key, the value, or the error (one line) and traceback."""

    key: str
    value: Any = None
    error: str | None = None
    traceback: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


def _call(fn: Callable[[Any], Any], key: str, payload: Any) -> Outcome:
    try:
        return Outcome(key, fn(payload))
    except Exception as exc:  # recorded per task; the run goes on
        return Outcome(key, None, f"{type(exc).__name__}: {exc}".strip(), traceback.format_exc(limit=8))


THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
"""Worker processes run one thread each for BLAS/OpenMP (workers, not threads, use the cores)."""


def _init(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    if initializer is not None:
        initializer(*initargs)


class Executor(ABC):
    """Runs ``fn`` over ``(key, payload)`` tasks; yields :class:`Outcome` objects as tasks finish."""

    name: str = "executor"
    workers: int = 1

    @abstractmethod
    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[tuple[str, Any]]) -> Iterator[Outcome]:
        """Outcomes in completion order (not submission order)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release workers (idempotent)."""

    def describe(self) -> str:
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SerialExecutor(Executor):
    """Every task in this process, in order (the initializer runs once, here)."""

    name = "serial"

    def __init__(self, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> None:
        self.workers = 1
        self._initializer, self._initargs, self._ready = initializer, initargs, False
        self.init_s = 0.0  # time the initializer took [s]

    def map_unordered(self, fn, tasks):
        if not self._ready:
            import time

            t0 = time.perf_counter()
            _init(self._initializer, self._initargs)
            self.init_s = time.perf_counter() - t0
            self._ready = True
        for key, payload in tasks:
            yield _call(fn, key, payload)


class ProcessExecutor(Executor):
    """A local pool of ``spawn``-ed worker processes (safe with threads; same on every OS)."""

    name = "process pool"

    def __init__(self, workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = (), max_in_flight: int | None = None) -> None:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        self.workers = max(1, int(workers))
        self.max_in_flight = max_in_flight or 2 * self.workers
        # one thread per worker for BLAS/OpenMP: spawned children read these when numpy loads
        self._saved_env = {k: os.environ.get(k) for k in THREAD_VARS}
        for k in THREAD_VARS:
            os.environ.setdefault(k, "1")
        self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"), initializer=_init, initargs=(initializer, initargs))

    def map_unordered(self, fn, tasks):
        from concurrent.futures import FIRST_COMPLETED, wait

        it = iter(tasks)
        pending: dict = {}
        try:
            while True:
                while len(pending) < self.max_in_flight:
                    nxt = next(it, None)
                    if nxt is None:
                        break
                    key, payload = nxt
                    pending[self._pool.submit(_call, fn, key, payload)] = key
                if not pending:
                    return
                done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                for f in done:
                    key = pending.pop(f)
                    exc = f.exception()
                    yield _call_failed(key, exc) if exc is not None else f.result()
        finally:
            for f in pending:
                f.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for k, v in getattr(self, "_saved_env", {}).items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        self._saved_env = {}


def _call_failed(key: str, exc: BaseException) -> Outcome:
    """A task whose worker died (killed, out of memory): recorded as failed."""
    return Outcome(key, None, f"worker failed: {type(exc).__name__}: {exc}", "")


class _RayWorker:
    """A Ray actor: one per worker; runs the initializer once, then tasks one at a time."""

    def __init__(self, initializer, initargs) -> None:
        _init(initializer, initargs)

    def run(self, fn, key, payload) -> Outcome:
        return _call(fn, key, payload)


def import_ray():
    """Import Ray (the ``scale`` extra), quietly: its import-time deprecation notices are not ours."""
    import warnings

    from backstop.errors import require

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return require("ray", "scale", "Running sweeps or workspace jobs on Ray")


def ray_init(address: str = "auto", workers: int | None = None):
    """Connect to Ray, starting a private local one when ``address`` is ``auto``/``local``/empty.

    Returns ``(ray, started, cluster_cpus)``; ``started`` is True when this call connected (started a
    local Ray or joined a cluster): the caller shuts that connection down on close. Already connected:
    reuses that connection. A cluster address is checked first (:func:`check_ray_address`) and a failed
    join is an :class:`InputError` naming ``--ray``. Shared by the sweeps' :class:`RayExecutor` and the
    workspace's job backend (``backstop.workspace.jobs.RayBackend``).
    """
    import warnings

    local = is_local_ray(address)
    if not local:
        check_ray_address(address)
    ray = import_ray()
    started = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not ray.is_initialized():
            if local:
                n = max(1, int(workers or os.cpu_count() or 1))
                ray.init(num_cpus=n, include_dashboard=False, log_to_driver=False, logging_level="ERROR", configure_logging=True)
            else:
                try:
                    ray.init(address=address, log_to_driver=False, logging_level="ERROR")
                except Exception as exc:  # ray raises ConnectionError, ValueError, RuntimeError...
                    if ray.is_initialized():
                        ray.shutdown()
                    raise _ray_problem(address, f"could not join the Ray cluster: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")) from None
            started = True
        n_cpu = int(ray.cluster_resources().get("CPU", 1))
    return ray, started, n_cpu


class RayExecutor(Executor):
    """A pool of Ray actors on a local Ray (``address="auto"`` starts one) or on a cluster.

    ``address="auto"`` starts a private local Ray with ``workers`` CPUs and stops it on
    :meth:`close`; any other address joins that cluster (``ray://host:10001`` or ``host:6379``)
    and uses ``workers`` actors (default: the cluster's CPUs).  The workers need backstop
    installed (same version) wherever they run.
    """

    name = "ray"

    def __init__(self, address: str = "auto", workers: int | None = None, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> None:
        ray, self._started, n_cpu = ray_init(address, workers)
        self._ray = ray
        self.workers = max(1, int(workers or n_cpu))
        actor = ray.remote(num_cpus=1)(_RayWorker)
        self._actors = [actor.remote(initializer, initargs) for _ in range(self.workers)]

    def map_unordered(self, fn, tasks):
        ray = self._ray
        it = iter(tasks)
        idle = list(self._actors)
        running: dict = {}
        fn_ref = ray.put(fn)
        try:
            while True:
                while idle:
                    nxt = next(it, None)
                    if nxt is None:
                        break
                    key, payload = nxt
                    a = idle.pop()
                    running[a.run.remote(fn_ref, key, payload)] = (a, key)
                if not running:
                    return
                done, _ = ray.wait(list(running), num_returns=1)
                for ref in done:
                    a, key = running.pop(ref)
                    idle.append(a)
                    try:
                        yield ray.get(ref)
                    except Exception as exc:  # the actor died
                        yield _call_failed(key, exc)
        finally:
            for ref in running:
                ray.cancel(ref, force=True)

    def close(self) -> None:
        for a in getattr(self, "_actors", []):
            self._ray.kill(a)
        self._actors = []
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()
            self._started = False


def is_local_ray(address: str | None) -> bool:
    """``--ray auto`` (or ``local``): start a private local Ray rather than join a cluster."""
    return (address or "").strip().lower() in ("auto", "local", "")


def _ray_problem(address: str, message: str):
    from backstop.errors import InputError, Problem

    return InputError([Problem("<cli>", "option --ray", "ray", address, message, "start a head with `ray start --head --port=PORT` and give HOST:PORT (or ray://HOST:10001 for Ray Client); --ray auto starts a local Ray")])


def check_ray_address(address: str, timeout_s: float = 5.0) -> None:
    """Check that ``--ray ADDRESS`` names a reachable cluster before anything runs.

    ``HOST:PORT`` (the head's GCS port, 6379 by default) or ``ray://HOST:PORT`` (Ray Client, 10001).
    A malformed address or a port nobody listens on raises :class:`~backstop.errors.InputError`
    at once, instead of Ray's retries and traceback.
    """
    import socket

    rest = address.strip()
    if rest.startswith("ray://"):
        rest = rest[len("ray://"):]
    elif "://" in rest:
        raise _ray_problem(address, f"unknown scheme '{rest.split('://', 1)[0]}'")
    host, sep, port = rest.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise _ray_problem(address, "not a Ray address (expected HOST:PORT, ray://HOST:PORT or auto)")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout_s):
            pass
    except OSError as exc:
        raise _ray_problem(address, f"no Ray cluster reachable there ({exc.strerror or exc})") from None


def make_executor(workers: int = 1, ray: str | None = None, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> Executor:
    """The executor for ``--workers N`` / ``--ray ADDRESS``: Ray when ``ray`` is given, else a
    process pool for ``workers > 1``, else in-process."""
    if ray:
        return RayExecutor(ray, workers if workers > 1 else None, initializer, initargs)
    if workers > 1:
        return ProcessExecutor(workers, initializer, initargs)
    return SerialExecutor(initializer, initargs)
