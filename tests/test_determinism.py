"""Same input, same seed: byte-identical results on an idle and on a loaded machine.

No result may depend on wall-clock time: solvers stop at proven optimality or on deterministic
work limits (nodes, iterations, rounds), heuristics on rounds, and timings stay out of the
results.  The probe below solves a small force-generation plan (all three lexicographic stages,
written as results.json writes it) and runs the WTA heuristic; it runs once alone and once
beside CPU-hog processes, and the bytes must match.
"""

from __future__ import annotations

import subprocess
import sys

PROBE = r"""
import hashlib, json
import numpy as np
from backstop.forcegen.analysis import plan, to_result
from backstop.forcegen.synthetic import synthetic_problem
from backstop.results import jsonable
from backstop.skies.wta import WTAInstance, solve_heuristic

prob = synthetic_problem(np.random.default_rng(7), n_nations=6, n_pledges=40, n_requirements=12, n_capabilities=4, max_qty=4)
r = to_result(plan(prob, binding=True), scenario_name="probe")
doc = json.dumps(jsonable({"results": {r.name: r.to_json()}}), indent=2, ensure_ascii=False)
rng = np.random.default_rng(3)
inst = WTAInstance(rng.uniform(1, 10, 60), rng.uniform(0.2, 0.9, (12, 60)), rng.integers(2, 6, 12))
sol = solve_heuristic(inst, seed=5)
print(hashlib.sha256(doc.encode()).hexdigest(), hashlib.sha256(sol.x.tobytes()).hexdigest(), repr(sol.objective))
print(doc)
"""

HOG = "import time\nt = time.time() + 120\nwhile time.time() < t:\n    pass\n"


def _probe() -> str:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_results_identical_idle_and_loaded():
    idle = _probe()
    hogs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(2)]
    try:
        loaded = _probe()
    finally:
        for h in hogs:
            h.kill()
            h.wait()
    assert idle.splitlines()[0] == loaded.splitlines()[0]
    assert idle == loaded
    doc = "\n".join(idle.splitlines()[1:])
    for word in ('"runtime_s"', '"wall_s"', '"solve_s"', '"time_s"'):
        assert word not in doc, f"{word} in results: timings make results differ run to run"
