"""Fuzzing of every loader (issue 15): mutated scenarios, instance files and incident files.

Hypothesis draws mutations (``tests/fuzzing.py``) of the bundled scenario, of two anchor instances
and of the bundled incident file, deterministically (``derandomize``, no example database, a fixed
number of examples), and checks the rule: exit 0 only when the input is valid; otherwise exit 2,
every problem located, no traceback, nothing written.  Mutations that once found bugs are kept in
``tests/fuzz_corpus/*.json`` and replayed by :func:`test_corpus_replays`.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import ANCHORS
from tests.fuzzing import (
    INCIDENT_OPS,
    INSTANCE_OPS,
    NASTY,
    SCENARIO_OPS,
    apply,
    copy_input,
    must_reject,
)
from tests.helpers import run_cli

CORPUS = Path(__file__).parent / "fuzz_corpus"
FUZZ = settings(max_examples=50, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
"""Deterministic and bounded: 50 examples per target, no shrinking (a failure prints its mutation dict)."""


def _bundled() -> Path:
    from backstop.scenario import bundled_path

    return bundled_path()


SCENARIO_FILES = sorted(p.name for p in _bundled().iterdir())
CSV_FILES = [f for f in SCENARIO_FILES if f.endswith(".csv")]


def _mutation(target: str, ops, files):
    return st.fixed_dictionaries(
        {
            "target": st.just(target),
            "op": st.sampled_from(ops),
            "file": st.sampled_from(files),
            "row": st.integers(0, 10_000),
            "col": st.integers(0, 10_000),
            "cut": st.integers(0, 20),
            "value": st.sampled_from(NASTY),
            "kind": st.sampled_from(["directory", "dangling", "loop"]),
        }
    )


def _scenario_mutation():
    return _mutation("scenario", SCENARIO_OPS, SCENARIO_FILES).map(
        lambda m: {**m, "file": "scenario.toml"} if m["op"] == "toml_value" else ({**m, "file": CSV_FILES[m["row"] % len(CSV_FILES)]} if m["op"] in ("cell", "short_row", "not_a_file") else m)
    )


def _snapshot(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.is_dir() else set()


def check_scenario(m: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = copy_input("scenario", _bundled(), Path(tmp))
        apply(m, folder)
        before = _snapshot(Path(tmp))
        code, out, err = run_cli("validate", str(folder))
        assert "Traceback" not in err and "internal error" not in err, (m, err)
        assert code in (0, 2), (m, code, err)
        if must_reject(m, _bundled()):
            assert code == 2, f"silently accepted: {m}"
        if code == 2:
            flat = " ".join(err.split())
            assert any(f in flat for f in SCENARIO_FILES), (m, err)  # located: names the file
        assert _snapshot(Path(tmp)) == before  # nothing written


def check_instance(m: dict) -> None:
    from backstop.errors import InputError
    from backstop.skies.io import read_mclp, read_wta

    src = ANCHORS / m["target"] / m["file"]
    with tempfile.TemporaryDirectory() as tmp:
        path = apply(m, copy_input(m["target"], src, Path(tmp)))
        try:
            inst = (read_wta if m["target"] == "wta" else read_mclp)(path)
        except InputError as exc:
            (p,) = exc.problems
            assert p.file == str(path) and (p.location.startswith("line ") or p.message), (m, p)
            return
        assert not must_reject(m, src.parent), f"silently accepted: {m}"
        import numpy as np

        if m["target"] == "wta":
            assert np.isfinite(inst.p).all() and (inst.p >= 0).all() and (inst.p <= 1).all() and np.isfinite(inst.values).all()
        else:
            assert np.isfinite(inst.xy).all() and np.isfinite(inst.demand).all()


def check_incidents(m: dict) -> None:
    from backstop.errors import InputError
    from backstop.monitor.store import Store

    src = _bundled() / "incidents.csv"
    with tempfile.TemporaryDirectory() as tmp:
        path = apply(m, copy_input("incidents", src, Path(tmp)))
        with Store() as s:
            try:
                res = s.import_file(path)
            except InputError as exc:
                assert all(p.file == str(path) for p in exc.problems), (m, exc)
                assert s.counts()["reports"] == 0
                return
            n_lines = path.read_bytes().count(b"\n") + 1
            assert res.rows_read == res.rows_added + res.rows_duplicate + res.rows_bad, m  # every line accounted for
            assert all(p.location.startswith("line ") and 2 <= int(p.location.split()[1]) <= n_lines for p in res.problems), (m, res.problems)
            assert s.counts()["reports"] == res.rows_added
            if must_reject(m, src.parent):
                assert res.rows_bad >= 1, f"silently accepted: {m}"


@FUZZ
@given(_scenario_mutation())
def test_fuzz_scenario(m):
    check_scenario(m)


@pytest.mark.skipif(not (ANCHORS / "wta").is_dir(), reason="anchors (../shared/anchors) not found")
@FUZZ
@given(st.one_of(
    _mutation("wta", INSTANCE_OPS, ["wta_50x100x1.txt"]).map(lambda m: {**m, "value": "20000 20000 1"} if m["op"] == "header" and m["cut"] % 2 else m),
    _mutation("mclp", INSTANCE_OPS, ["SJC324.txt"]),
))
def test_fuzz_instances(m):
    check_instance(m)


@FUZZ
@given(_mutation("incidents", INCIDENT_OPS, ["incidents.csv"]))
def test_fuzz_incidents(m):
    check_incidents(m)


def _corpus() -> list[tuple[str, dict]]:
    return [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(CORPUS.glob("*.json"))]


@pytest.mark.parametrize(("name", "m"), _corpus(), ids=[n for n, _ in _corpus()])
def test_corpus_replays(name, m):
    """Mutations that found bugs (issue 15), each with the outcome it must now have."""
    if m["target"] in ("wta", "mclp") and not (ANCHORS / m["target"]).is_dir():
        pytest.skip("anchors not found")
    {"scenario": check_scenario, "wta": check_instance, "mclp": check_instance, "incidents": check_incidents}[m["target"]](m)
    assert must_reject(m, _bundled() if m["target"] in ("scenario", "incidents") else ANCHORS / m["target"]) == (m["expect"] == "error"), name
