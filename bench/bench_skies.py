"""Safe-skies benchmarks: Monte Carlo throughput, WTA heuristic, MCLP exact.

* ``mc 10000 trials x 800 threats x 40 batteries``: the simulator against the NumPy floor, i.e. the
  time NumPy takes to draw the same number of float32 uniforms in the same run (ratio printed;
  goal: simulator under 2 s, ratio <= 3).
* ``wta heuristic 200x400xu``: the published instances (Andersen, Pavlikov and Toffolo 2022), the
  CLI's default work budget (:func:`backstop.skies.wta.default_rounds` perturbation rounds: no
  time limit decides the answer), gap to the best known value printed (goal < 1 s).
* ``wta heuristic, 18 anchors up to 300x600``: every instance 50x100 .. 300x600 (x1, x2, x3) at the
  default work budget; worst gap printed (goal <= 0.5 %), and the slowest instance.
* ``mclp SJC818 p=6 r=800``: exact on HiGHS to proven optimality (goal < 10 s; optimum 25908).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from bench.common import Case

ROOT = Path(__file__).resolve().parents[1]
ANCHORS = next((p for p in (ROOT.parent / "shared" / "anchors", ROOT.parents[1] / "shared" / "anchors") if p.is_dir()), ROOT.parent / "shared" / "anchors")


def _mc_build():
    from backstop.skies.assets import Assets
    from backstop.skies.defences import make_batteries
    from backstop.skies.montecarlo import engagement

    rng = np.random.default_rng(2025)
    S = 20
    lat, lon = rng.uniform(46.5, 51.0, S), rng.uniform(24.0, 36.0, S)
    assets = Assets(ids=np.array([f"s{i}" for i in range(S)]), names=np.array([f"S{i}" for i in range(S)]), kinds=np.array(["city"] * S), lat=lat, lon=lon, value=rng.uniform(1e5, 3e6, S), population=rng.uniform(1e5, 3e6, S), region=np.array([""] * S))
    T = 800
    cls = rng.choice(4, size=T, p=[0.6, 0.36, 0.03, 0.01])
    site = rng.integers(0, S, T)
    wh = np.where(cls == 1, 0.0, 50.0)
    systems = ["interceptor_drone_team", "mobile_fire_group", "gepard", "iris_t_slm", "nasams", "patriot_pac3_mse", "ew_jammer_team", "skynex"]
    sys_ids = [systems[i % len(systems)] for i in range(40)]
    k = np.arange(40) % S  # two layers at every defended site
    bat = make_batteries(sys_ids, lat[k] + rng.normal(0, 0.01, 40), lon[k] + rng.normal(0, 0.01, 40))
    eng = engagement(cls, site, assets, bat)
    return {"cls": cls, "site": site, "wh": wh, "assets": assets, "bat": bat, "eng": eng, "trials": 10_000}


def _mc_run(d):
    from backstop.skies.montecarlo import simulate

    out = simulate(d["cls"], d["site"], d["wh"], d["assets"], d["bat"], d["trials"], np.random.default_rng(1), eng=d["eng"])
    return {"mean_leakers": round(float(out.leakers_by_class[:, [0, 2, 3]].sum(axis=1).mean()), 2), "draws_per_trial": d["eng"].n_draws}


def _mc_ref(d):
    from backstop.skies.montecarlo import draw_floor

    draw_floor(d["eng"].n_draws, d["trials"], np.random.default_rng(1))
    return {}


def _best_known() -> dict:
    with open(ANCHORS / "wta" / "best_known.csv") as fh:
        return {r["instance"]: float(r["best_upper_bound"]) for r in csv.DictReader(fh)}


def _wta_case(name: str) -> Case:
    def build():
        from backstop.skies.io import read_wta

        return read_wta(ANCHORS / "wta" / f"{name}.txt")

    def run(inst):
        from backstop.skies.wta import solve_heuristic

        sol = solve_heuristic(inst)  # default work budget, as the CLI
        ref = _best_known()[name]
        return {"objective": round(sol.objective, 4), "best_known": ref, "gap_pct": round(100 * (sol.objective - ref) / ref, 3)}

    return Case(f"wta heuristic {name[4:]}", build, run, goal_s=1.0, notes="gap to best known value (Andersen et al. 2022)")


ALL_WTA = [f"wta_{a}x{b}x{u}" for a, b in ((50, 100), (100, 200), (150, 300), (200, 400), (250, 500), (300, 600)) for u in (1, 2, 3)]


def _wta_all_build():
    from backstop.skies.io import read_wta

    return {name: read_wta(ANCHORS / "wta" / f"{name}.txt") for name in ALL_WTA}


def _wta_all_run(insts):
    import time

    from backstop.skies.wta import solve_heuristic

    bk = _best_known()
    gaps, secs = {}, {}
    for name, inst in insts.items():
        t0 = time.perf_counter()
        sol = solve_heuristic(inst)
        secs[name[4:]] = time.perf_counter() - t0
        gaps[name[4:]] = round(100 * (sol.objective - bk[name]) / bk[name], 3)
    worst = max(gaps, key=gaps.get)
    slow = max(secs, key=secs.get)
    return {"worst_gap_pct": gaps[worst], "worst": worst, "within_0.5pct": f"{sum(g <= 0.5 for g in gaps.values())}/{len(gaps)}",
            "slowest": slow, "slowest_s": round(secs[slow], 2), "gaps_pct": " ".join(f"{k}:{v}" for k, v in gaps.items())}


def _mclp_build():
    from backstop.skies.io import read_mclp

    return read_mclp(ANCHORS / "mclp" / "SJC818.txt")


def _mclp_run(inst):
    from backstop.skies.mclp import solve

    sol = solve(inst, 6, 800.0)
    return {"covered": sol.covered, "optimum": 25908, "status": sol.status}


CASES = [
    Case("mc 10000 trials x 800 threats x 40 batteries", _mc_build, _mc_run, goal_s=2.0, reference=_mc_ref, reference_name="numpy draws (same count)", warmup=True, repeat=5),
]
if ANCHORS.is_dir():
    CASES += [_wta_case(f"wta_200x400x{u}") for u in (1, 2, 3)]
    CASES.append(Case("wta heuristic, 18 anchors up to 300x600", _wta_all_build, _wta_all_run, goal_s=None, notes="default budget per instance; gap to best known"))
    CASES.append(Case("mclp SJC818 p=6 r=800 exact", _mclp_build, _mclp_run, goal_s=10.0))
