"""Shared fixtures: the bundled scenario, a writable copy of it, the anchors folder, and one quick
``backstop assess`` shared by every test that needs the whole pipeline's output."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# ../shared/anchors from the project root; from a worktree (/work/wt/<cap>) it is two levels up;
# BACKSTOP_ANCHORS overrides.
ANCHORS = next(
    (p for p in (Path(os.environ["BACKSTOP_ANCHORS"]) if os.environ.get("BACKSTOP_ANCHORS") else None, ROOT.parent / "shared" / "anchors", ROOT.parents[1] / "shared" / "anchors") if p is not None and p.is_dir()),
    ROOT.parent / "shared" / "anchors",
)


def pytest_configure(config):
    """Point ``BACKSTOP_CACHE_DIR`` at one temporary folder per test run (shared by the xdist
    workers of the run, so the airspace graphs are built once), never at the user's cache.

    ``BACKSTOP_TEST_CACHE_DIR`` names a folder to keep between runs instead (a developer's or a
    CI cache); it is never removed."""
    import tempfile
    import uuid

    keep = os.environ.get("BACKSTOP_TEST_CACHE_DIR")
    if keep:
        os.environ["BACKSTOP_CACHE_DIR"] = keep
        return

    if hasattr(config, "workerinput"):  # an xdist worker: the controller's run id
        run = config.workerinput["testrunuid"]
    else:
        run = getattr(config.option, "testrunuid", None) or uuid.uuid4().hex
        if hasattr(config.option, "testrunuid"):
            config.option.testrunuid = run  # xdist hands it to every worker
    folder = Path(tempfile.gettempdir()) / f"backstop-test-cache-{run}"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["BACKSTOP_CACHE_DIR"] = str(folder)
    if not hasattr(config, "workerinput"):
        config._backstop_cache_dir = folder


def pytest_unconfigure(config):
    folder = getattr(config, "_backstop_cache_dir", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def anchors() -> Path:
    """``../shared/anchors`` (published benchmark instances); skips the test where it is absent."""
    if not ANCHORS.is_dir():
        pytest.skip(f"anchors folder not found at {ANCHORS} (published benchmark data lives outside the product)")
    return ANCHORS


@pytest.fixture(scope="session")
def bundled():
    """The bundled ``ukraine-2025`` scenario, read once."""
    from backstop.scenario import read_scenario

    return read_scenario(None)


@pytest.fixture()
def scenario_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled scenario folder."""
    from backstop.scenario import bundled_path

    dst = tmp_path / "scenario"
    shutil.copytree(bundled_path(), dst)
    return dst


def run_cli(*args: str):
    """Run the CLI in-process; returns (exit_code, stdout, stderr)."""
    import contextlib
    import io

    from backstop.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return code, out.getvalue(), err.getvalue()


@dataclass(frozen=True)
class QuickAssess:
    """What ``backstop assess --quick -o OUT`` returned and wrote, with the results it rendered."""

    code: int
    stdout: str
    stderr: str
    out: Path
    results: dict  # analysis name -> Result, in run order


@pytest.fixture(scope="session")
def quick_assess(tmp_path_factory) -> QuickAssess:
    """``backstop assess --quick`` on the bundled scenario, run once per test run through the CLI.

    The ``Result`` objects are captured on their way from ``pipeline.assess`` to the report writer.
    Under pytest-xdist the first worker that needs it runs it while holding a file lock in the
    run's shared temporary folder and pickles what it got; the other workers wait and read that.
    """
    import fcntl
    import pickle

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this run
    saved = root / "quick_assess.pickle"
    with open(root / "quick_assess.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not saved.exists():
            saved.write_bytes(pickle.dumps(_run_quick_assess(root / "quick_assess" / "out")))
        return pickle.loads(saved.read_bytes())


def _run_quick_assess(out: Path) -> QuickAssess:
    from backstop import pipeline

    captured: list = []
    real = pipeline.assess

    def capture(*args, **kwargs):
        captured.extend(real(*args, **kwargs))
        return captured

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "assess", capture)
        code, stdout, stderr = run_cli("assess", "--quick", "-o", str(out))
    return QuickAssess(code, stdout, stderr, out, {r.name: r for r in captured})
