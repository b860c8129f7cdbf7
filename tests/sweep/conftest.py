"""Small sweep specs for the tests: a handful of quick skies variants (a fraction of a second each)."""

from __future__ import annotations

from pathlib import Path

import pytest

TINY = """
[sweep]
name = "tiny"
analyses = ["skies"]
outputs = ["expected_leakers", "value_lost", "intercept_share", "first_runout_night"]
fixed = {{ "skies.trials" = 40, "skies.sizing_trials" = 10, "skies.max_added_batteries" = 0, "skies.nights" = 2 }}
seed = 11

[design]
method = "lhs"
samples = {samples}
seed = 5

[[parameter]]
name = "decoy_share"
path = "waves[wave=record_2025_09_06,weapon=shahed_136|gerbera].count"
op = "share"
of = {{ weapon = "gerbera" }}
low = 0.2
high = 0.6

[[parameter]]
name = "pk_ballistic"
path = "catalogue.systems[class=sam_long].pk_ballistic"
op = "scale"
low = 0.6
high = 1.4

[[parameter]]
name = "wave_size"
path = "waves[wave=record_2025_09_06].count"
op = "scale"
low = 0.5
high = 1.5

[[threshold]]
output = "expected_leakers"
op = ">"
value = 60
"""


def write_spec(folder: Path, text: str, name: str = "spec.toml") -> Path:
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture()
def tiny_spec(tmp_path: Path) -> Path:
    return write_spec(tmp_path, TINY.format(samples=4))


@pytest.fixture(scope="session")
def tiny_serial(tmp_path_factory):
    """The tiny sweep (6 variants) run once in this process: (plan, table, out folder)."""
    from backstop.sweep.run import load_plan, run_sweep

    d = tmp_path_factory.mktemp("tiny")
    spec = write_spec(d, TINY.format(samples=6))
    plan = load_plan(spec)
    res = run_sweep(plan, d / "out", workers=1)
    assert res.complete
    return plan, res.table, d
