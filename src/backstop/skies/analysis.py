"""Safe skies: the pipeline step and the library entry point behind ``backstop skies``.

For the scenario's defended sites, defences and waves it calibrates the defences on the
night-by-night record (:mod:`nightfit`, :mod:`calibration`), runs the Monte Carlo of every wave, the campaign of nights with depletion and resupply,
the sizing of the batteries required (requirement lines for force generation) and the optimal
siting of the long-range batteries by layered probabilistic covering.  Threats are statistical
inputs; nothing here plans or selects targets for an attacker.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from backstop.errors import InputError, Problem
from backstop.results import Assumption, Result
from backstop.skies import calibration, campaign, nightfit, siting
from backstop.skies.assets import scenario_assets
from backstop.skies.catalogue import CLASSES, effective_pk, load_systems
from backstop.skies.defences import build_batteries
from backstop.skies.montecarlo import simulate, summarise
from backstop.skies.sizing import requirements, size_defence
from backstop.skies.waves import build_wave, wave_names


def _rows(scenario, table: str):
    """The scenario's rows of ``table``, or the bundled scenario's where the table is absent."""
    if scenario.has(table):
        return scenario.rows(table), "scenario"
    from backstop.scenario import read_scenario

    return read_scenario(None).rows(table), "bundled"


@dataclass(frozen=True)
class _Wave:
    """The wave chosen for the detailed figures, its Monte Carlo outcome and summary."""

    name: str
    wave: object
    outcome: object
    summary: dict


def assess_skies(scenario, *, wave: str | None = None, trials: int | None = None, seed: int | None = None, quick: bool = False) -> Result:
    """Run the safe-skies analysis; returns a :class:`Result` named ``skies``."""
    cfg = scenario.config.skies
    seed = cfg.seed if seed is None else seed
    trials = _trials(cfg.trials if trials is None else trials, quick)
    rng = np.random.default_rng(seed)
    assets = scenario_assets(scenario, cfg.min_city_population)
    wave_rows, wave_origin = _rows(scenario, "waves")
    def_rows, def_origin = _rows(scenario, "defences")
    bat = build_batteries(def_rows)
    names = wave_names(wave_rows)
    chosen = _chosen_wave(wave, cfg.wave, names)
    waves = {n: build_wave(wave_rows, n, assets) for n in names}
    cal, bats, exponents = _calibrate(scenario, cfg, waves, assets, bat, trials, seed, quick)

    summaries, outcomes = _simulate_waves(waves, assets, bats, trials, rng)
    sel = _Wave(chosen, waves[chosen], outcomes[chosen], summaries[chosen])
    sites_df = _sites_frame(assets, sel)
    camp_data, camp_frame, runs_out = _campaign(scenario, cfg, waves, names, sel.name, assets, bats, trials, quick, rng)
    size, reqs, added = _sizing(cfg, sel, assets, bats[sel.name], exponents[sel.name], quick, rng)
    siting_out = _siting(assets, bat, exponents[sel.name].get("ballistic", 1.0))

    data = {
        "wave": chosen, "trials": trials, "seed": seed, "inputs": {"waves": wave_origin, "defences": def_origin, "sites": "scenario" if scenario.has("sites") else "bundled"},
        "selected": sel.summary, "waves": summaries, "calibration": cal,
        "campaign": camp_data,
        "sizing": {"wave": chosen, "target_leakers": cfg.target_leakers, "target_value_lost": cfg.target_value_lost, "met": size.met, "leakers_after": size.leakers_after, "value_after": size.value_after, "added": added, "steps": [s.__dict__ for s in size.steps]},
        "siting": siting_out,
        "requirements": [r.model_dump(exclude={"line"}) if hasattr(r, "model_dump") else r for r in reqs],
        "leakers_histogram": _leakers_histogram(sel.outcome),
        "defences": [{"id": str(i), "system": str(s), "lat": float(a), "lon": float(o), "range_km": float(r), "count": int(c)} for i, s, a, o, r, c in zip(bat.row_id, bat.system, bat.lat, bat.lon, bat.range_km, bat.count, strict=True)],
    }
    frames = {
        "waves": _waves_frame(summaries),
        "sites": sites_df.reset_index(drop=True),
        "campaign": camp_frame,
        "sizing": pd.DataFrame([s.__dict__ for s in size.steps]),
    }
    summary = _summary(cfg, sel, trials, cal, camp_data, runs_out, size, added)
    return Result(name="skies", title="Safe skies: defended assets, waves, interception and batteries required", summary=summary, data=data, frames=frames, assumptions=_assumptions(), metadata={"status": "ok", "seed": seed, "trials": trials, "solver": "HiGHS (siting); NumPy Monte Carlo"}, requirements=reqs)


def _trials(trials: int, quick: bool) -> int:
    """Monte Carlo trials per wave: at least 1; at most 300 for a quick run."""
    if trials < 1:
        raise InputError([Problem("<cli>", "argument --trials", "trials", str(trials), "must be at least 1", "")])
    return min(trials, 300) if quick else trials


def _chosen_wave(wave: str | None, configured: str | None, names: list[str]) -> str:
    """The wave of the detailed figures: the argument, else ``[skies] wave``, else the first."""
    chosen = wave or configured or (names[0] if names else "")
    if chosen not in names:
        raise InputError([Problem("<cli>" if wave else "scenario.toml", "argument --wave" if wave else "key skies.wave", "wave", chosen, "no such wave", f"waves: {', '.join(names)}")])
    return chosen


def _nights(scenario) -> nightfit.Nights:
    """The scenario's night-by-night record (``nights.csv``), or the bundled Air Force record."""
    if not scenario.has("nights"):
        return _bundled_nights()
    rows = [{k: ("" if v is None else str(v)) for k, v in r.model_dump().items()} for r in scenario.rows("nights")]
    return nightfit.parse_nights(rows, "nights.csv", "; ".join(dict.fromkeys(r["source"] for r in rows if r["source"])) or "scenario nights.csv")


@lru_cache(maxsize=1)
def _bundled_nights() -> nightfit.Nights:
    """The bundled night-by-night record, read once per process (a sweep runs many variants on it)."""
    return nightfit.load_nights()


@lru_cache(maxsize=8)
def _bundled_fit(at, half_life_days: float) -> nightfit.NightFit:
    """The night model fitted on the bundled record at ``at`` (deterministic; cached per process)."""
    return nightfit.fit(_bundled_nights(), at, half_life_days=half_life_days)


@lru_cache(maxsize=4)
def _night_errors(half_life_days: float | None) -> dict:
    """Calibration error of the night model on the bundled record (deterministic; cached)."""
    return nightfit.evaluate(_bundled_nights(), half_life_days=half_life_days)


def _calibrate(scenario, cfg, waves: dict, assets, bat, trials: int, seed: int, quick: bool) -> tuple[dict, dict, dict]:
    """Calibration on the night-by-night record: per wave and class, the kill probabilities are scaled
    so that the simulated shares match the night model's prediction for such a wave.  Returns the
    JSON data, the calibrated batteries by wave and the exponents by wave."""
    data: dict = {"method": cfg.calibration, "waves": {}}
    bats = dict.fromkeys(waves, bat)
    exponents: dict[str, dict[str, float]] = {n: {} for n in waves}
    if cfg.calibration != "nights":
        return data, bats, exponents
    record = _nights(scenario)
    at = cfg.calibration_date or scenario.as_of
    model = nightfit.fit(record, at, half_life_days=cfg.calibration_half_life_days) if scenario.has("nights") else _bundled_fit(at, cfg.calibration_half_life_days)
    cal_trials = min(trials, 200 if quick else 500)
    for i, (n, w) in enumerate(waves.items()):
        cal = calibration.calibrate(bat, w, assets, calibration.wave_targets(model, w), trials=cal_trials, seed=seed + 7919 * (i + 1))
        bats[n], exponents[n] = cal.batteries, cal.exponent
        data["waves"][n] = cal.table()
    errors = nightfit.evaluate(record, half_life_days=cfg.calibration_half_life_days) if scenario.has("nights") else _night_errors(cfg.calibration_half_life_days)
    data.update({"model": model.to_json(), "trials": cal_trials, "record": "scenario nights.csv" if scenario.has("nights") else "bundled air_force_nights.csv", "warnings": [str(w) for w in record.warnings], "error": nightfit.error_table(errors)})
    return data, bats, exponents


def _simulate_waves(waves: dict, assets, bats: dict, trials: int, rng: np.random.Generator) -> tuple[dict, dict]:
    """Monte Carlo of every wave in order (one ``rng`` stream): summaries and raw outcomes by name."""
    summaries, outcomes = {}, {}
    for n, w in waves.items():
        out = simulate(w.cls, w.site, w.warhead_kg, assets, bats[n], trials, rng)
        summaries[n] = summarise(out, w.cls, float(np.nansum(w.cost_usd)), bats[n])
        summaries[n]["counts"] = w.counts()
        summaries[n]["sources"] = list(w.sources)
        summaries[n]["reported_shares"] = calibration.simulated_shares(w, out)
        outcomes[n] = out
    return summaries, outcomes


def _sites_frame(assets, sel: _Wave) -> pd.DataFrame:
    """Defended sites with the chosen wave's arrivals and mean leakers, by value."""
    per_site = sel.outcome.leakers_by_site.mean(axis=0)
    arrivals = np.bincount(sel.wave.site, minlength=len(assets))
    return assets.frame().assign(arrivals=arrivals, mean_leakers=per_site).sort_values("value", ascending=False)


def _campaign(scenario, cfg, waves: dict, names: list[str], chosen: str, assets, bats: dict, trials: int, quick: bool, rng: np.random.Generator):
    """Nights of one wave with depletion and resupply: (JSON data, frame, first night each type runs out)."""
    nights = min(cfg.nights, 10) if quick else cfg.nights
    camp_trials = 60 if quick else max(100, trials // 10)
    cw = cfg.campaign_wave or chosen
    if cw not in waves:
        raise InputError([Problem("scenario.toml", "key skies.campaign_wave", "campaign_wave", cw, "no such wave", f"waves: {', '.join(names)}")])
    camp = campaign.run_campaign(waves[cw], assets, bats[cw], nights=nights, start=scenario.start, trials=camp_trials, rng=rng, share=cfg.ukraine_share_of_production)
    runs_out = {s: (None if n is None else {"night": n, "date": camp.dates[n - 1]}) for s, n in camp.runs_out.items()}
    data = {"wave": cw, "nights": nights, "trials_per_night": camp_trials, "dates": camp.dates, "stock": camp.stock, "fired": camp.fired, "leakers": camp.leakers, "runs_out": runs_out}
    frame = pd.DataFrame({"date": camp.dates, "leakers": camp.leakers, **{f"stock_{s}": v for s, v in camp.stock.items()}})
    return data, frame, runs_out


def _sizing(cfg, sel: _Wave, assets, bat, effectiveness: dict, quick: bool, rng: np.random.Generator):
    """Batteries to add against the chosen wave: (sizing result, requirement lines, count added by system)."""
    size = size_defence(sel.wave, assets, bat, effectiveness=effectiveness, target_leakers=cfg.target_leakers, target_value=cfg.target_value_lost, trials=min(cfg.sizing_trials, 80) if quick else cfg.sizing_trials, rng=rng, max_added=min(cfg.max_added_batteries, 8) if quick else cfg.max_added_batteries)
    from backstop.reference import load_table

    zones = load_table("zones")
    zones["in_ukraine"] = zones["in_ukraine"].astype(str).str.lower().isin(["true", "1"]) if zones["in_ukraine"].dtype == object else zones["in_ukraine"]
    reqs = requirements(size, zones, note=f"skies sizing against wave '{sel.name}': expected damaging leakers <= {cfg.target_leakers:g}")
    added: dict[str, int] = {}
    if size.added is not None:
        for s, c in zip(size.added.system, size.added.count, strict=True):
            added[str(s)] = added.get(str(s), 0) + int(c)
    return size, reqs, added


def _siting(assets, bat, m_ballistic: float = 1.0) -> dict | None:
    """Optimal sites of the long-range batteries (layered probabilistic covering) vs their current positions."""
    systems = load_systems()
    lr = [i for i, s in enumerate(bat.system) if systems[s].cls == "sam_long"]
    if not lr:
        return None
    rng_km = float(np.median(bat.range_km[lr]))
    # two shots, with the calibrated effectiveness against ballistic missiles
    pk_b = float(np.mean([1 - (1 - effective_pk(systems[bat.system[i]])[3]) ** (2 * m_ballistic) for i in lr]))
    a = siting.coverage_km(assets.lat, assets.lon, assets.lat, assets.lon, rng_km)
    n_lr = int(bat.count[lr].sum())
    best = siting.solve_exact(a, assets.value, n_lr, pk_b, max_layers=3, time_limit=30.0)
    cur_a = siting.coverage_km(assets.lat, assets.lon, np.repeat(bat.lat[lr], bat.count[lr]), np.repeat(bat.lon[lr], bat.count[lr]), rng_km)
    current = siting.protected_value(cur_a, assets.value, np.arange(cur_a.shape[1]), pk_b)
    return {
        "batteries": n_lr, "radius_km": rng_km, "pk_two_shots": pk_b, "status": best.status, "gap": best.gap,
        "optimal_protected_value": best.protected_value, "current_protected_value": current,
        "optimal_sites": [str(assets.names[j]) for j in best.chosen], "method": best.method,
    }


def _leakers_histogram(outcome) -> list[int]:
    """Trials by number of damaging leakers (drones, cruise and ballistic missiles; decoys excluded)."""
    hist = outcome.leakers_by_class[:, [0, 2, 3]].sum(axis=1)
    return np.bincount(np.rint(hist).astype(int)).tolist()


def _waves_frame(summaries: dict) -> pd.DataFrame:
    return pd.DataFrame([{"wave": n, **{f"launched_{c}": s["launched"][c] for c in CLASSES}, **{f"leakers_{c}": s["leakers"][c]["mean"] for c in CLASSES}, "value_destroyed": s["value_destroyed"]["mean"], "people_struck": s["people_struck"]["mean"], "interceptor_cost_usd": s["interceptor_cost_usd"]["mean"], "cost_exchange_ratio": s["cost_exchange_ratio"]} for n, s in summaries.items()])


def _summary(cfg, sel: _Wave, trials: int, cal: dict, camp: dict, runs_out: dict, size, added: dict) -> list[str]:
    """The five sentences of the section: wave, damage, calibration, campaign, sizing."""
    chosen, s = sel.name, sel.summary
    lk = s["leakers_total"]
    nights, cw = camp["nights"], camp["wave"]
    first_out = min(((v["night"], k) for k, v in runs_out.items() if v), default=None)
    return [
        f"Wave '{chosen}' ({sum(s['launched'].values())} launched), {trials} trials: {lk['mean']:.1f} damaging leakers expected (p90 {lk['p90']:.0f}; SE {lk['se']:.2f}); interception shares " + ", ".join(f"{c} {v:.0%}" for c, v in s["intercept_share"].items() if v is not None) + ".",
        f"Expected value destroyed {s['value_destroyed']['mean']:,.0f} people-equivalent; people in struck areas {s['people_struck']['mean']:,.0f}; interceptors {s['interceptors_used']['mean']:.0f} costing USD {s['interceptor_cost_usd']['mean'] / 1e6:,.1f}M" + (f" (cost-exchange ratio {s['cost_exchange_ratio']:.2f})." if s["cost_exchange_ratio"] else "."),
        _calibration_sentence(cal, chosen, s),
        (f"Campaign of {nights} nights of '{cw}': first interceptor type to run out is {first_out[1]} on night {first_out[0]}." if first_out else f"Campaign of {nights} nights of '{cw}': no interceptor type runs out."),
        (f"Sizing: {sum(added.values())} batteries/teams added ({', '.join(f'{v} {k}' for k, v in added.items()) or 'none'}) {'meet' if size.met else 'do NOT meet'} the target of {cfg.target_leakers:g} expected leakers ({size.leakers_after:.1f} after)."),
    ]


def _calibration_sentence(cal: dict, chosen: str, sel: dict) -> str:
    if cal["method"] != "nights":
        return "Calibration: none (catalogue kill probabilities as they are; [skies] calibration = 'none')."
    m = cal["model"]
    rows = cal["waves"].get(chosen, [])
    parts = [f"{r['class']} {r['predicted']:.0%} (90 % interval {r['low_90']:.0%}-{r['high_90']:.0%}; catalogue {r['catalogue']:.0%} -> {sel['reported_shares'].get(r['class'], float('nan')):.0%} simulated)" for r in rows]
    cv = {r["class"]: r for r in cal["error"] if r["evaluation"].startswith("cross") and r["model_mae"] is not None}
    errs = ", ".join(f"{c} {v['model_mae']:.3f} vs {v['constant_mae']:.3f}" for c, v in cv.items())
    return (f"Calibrated on {m['classes']['drone']['nights']} nights of the Air Force's record ({m['first_night']} to {m['last_night']}, per-class model chosen by time cross-validation: " + ", ".join(f"{c} {_spec_words(v['spec'])}" for c, v in m["classes"].items()) + f"; for {m['at']}): "
            f"wave '{chosen}' predicted shares downed " + "; ".join(parts) + (f". Cross-validated per-night MAE, model vs constant: {errs}." if errs else "."))


def _spec_words(spec: dict) -> str:
    h = spec["half_life_days"]
    words = ("static" if h is None else f"half-life {h:g} d") + (", size term" if spec["size_term"] else "")
    return words + (f", {spec['shrink']:.0%} constant" if spec["shrink"] else "")


def _assumptions() -> list[Assumption]:
    return [
        Assumption("skies.pk", "Every single-shot kill probability is a backstop assumption (catalogue); with [skies] calibration = 'nights' each wave's kill probabilities are scaled per class (P' = 1 - (1 - P)^m) so that the simulated shares match the night model fitted to the Air Force's record.", "air_defence_systems.csv; " + nightfit.SOURCE, "2025-08-31"),
        Assumption("skies.doctrine", "Layers engage cheapest first, at most two shots per threat per layer; missiles above USD 300k and irreplaceable Soviet-era missiles are kept for cruise and ballistic missiles.", "backstop assumption", ""),
        Assumption("skies.damage", "A leaker destroys 2e-5 of a city's value (2e-4 of a port's or energy site's) per kg of warhead.", "backstop assumption", ""),
        Assumption("skies.allocation", "Arrivals are apportioned over defended sites by value or by regional shares (statistical exposure, not a targeting model).", "backstop assumption", ""),
        Assumption("skies.values", "Energy and port values = criticality weight x 100,000 people-equivalent.", "energy.csv; backstop assumption", ""),
        Assumption("skies.baseline", "The bundled 'Ukraine today' defences are illustrative (deployments are not public); their effectiveness per class is calibrated wave by wave to the night-by-night record.", nightfit.SOURCE, "2025-08-31"),
        *campaign.assumptions(),
    ]


def run(scenario, context) -> Result:
    """Pipeline step ``skies``: respects ``context.quick`` (fewer trials) and ``context.seed``."""
    return assess_skies(scenario, seed=context.seed, quick=context.quick)
