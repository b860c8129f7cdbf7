"""Safe skies: the pipeline step and the library entry point behind ``backstop skies``.

For the scenario's defended sites, defences and waves it runs the Monte Carlo of every wave, the
calibration check of the interception shares, the campaign of nights with depletion and resupply,
the sizing of the batteries required (requirement lines for force generation) and the optimal
siting of the long-range batteries by layered probabilistic covering.  Threats are statistical
inputs; nothing here plans or selects targets for an attacker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from backstop.errors import InputError, Problem
from backstop.results import Assumption, Result
from backstop.skies import calibration, campaign, siting
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

    summaries, outcomes = _simulate_waves(waves, assets, bat, trials, rng)
    sel = _Wave(chosen, waves[chosen], outcomes[chosen], summaries[chosen])
    cal = calibration.check(calibration.pooled_shares(list(summaries.values())))
    sites_df = _sites_frame(assets, sel)
    camp_data, camp_frame, runs_out = _campaign(scenario, cfg, waves, names, sel.name, assets, bat, trials, quick, rng)
    size, reqs, added = _sizing(cfg, sel, assets, bat, quick, rng)
    siting_out = _siting(assets, bat)

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


def _simulate_waves(waves: dict, assets, bat, trials: int, rng: np.random.Generator) -> tuple[dict, dict]:
    """Monte Carlo of every wave in order (one ``rng`` stream): summaries and raw outcomes by name."""
    summaries, outcomes = {}, {}
    for n, w in waves.items():
        out = simulate(w.cls, w.site, w.warhead_kg, assets, bat, trials, rng)
        summaries[n] = summarise(out, w.cls, float(np.nansum(w.cost_usd)), bat)
        summaries[n]["counts"] = w.counts()
        summaries[n]["sources"] = list(w.sources)
        outcomes[n] = out
    return summaries, outcomes


def _sites_frame(assets, sel: _Wave) -> pd.DataFrame:
    """Defended sites with the chosen wave's arrivals and mean leakers, by value."""
    per_site = sel.outcome.leakers_by_site.mean(axis=0)
    arrivals = np.bincount(sel.wave.site, minlength=len(assets))
    return assets.frame().assign(arrivals=arrivals, mean_leakers=per_site).sort_values("value", ascending=False)


def _campaign(scenario, cfg, waves: dict, names: list[str], chosen: str, assets, bat, trials: int, quick: bool, rng: np.random.Generator):
    """Nights of one wave with depletion and resupply: (JSON data, frame, first night each type runs out)."""
    nights = min(cfg.nights, 10) if quick else cfg.nights
    camp_trials = 60 if quick else max(100, trials // 10)
    cw = cfg.campaign_wave or chosen
    if cw not in waves:
        raise InputError([Problem("scenario.toml", "key skies.campaign_wave", "campaign_wave", cw, "no such wave", f"waves: {', '.join(names)}")])
    camp = campaign.run_campaign(waves[cw], assets, bat, nights=nights, start=scenario.start, trials=camp_trials, rng=rng, share=cfg.ukraine_share_of_production)
    runs_out = {s: (None if n is None else {"night": n, "date": camp.dates[n - 1]}) for s, n in camp.runs_out.items()}
    data = {"wave": cw, "nights": nights, "trials_per_night": camp_trials, "dates": camp.dates, "stock": camp.stock, "fired": camp.fired, "leakers": camp.leakers, "runs_out": runs_out}
    frame = pd.DataFrame({"date": camp.dates, "leakers": camp.leakers, **{f"stock_{s}": v for s, v in camp.stock.items()}})
    return data, frame, runs_out


def _sizing(cfg, sel: _Wave, assets, bat, quick: bool, rng: np.random.Generator):
    """Batteries to add against the chosen wave: (sizing result, requirement lines, count added by system)."""
    size = size_defence(sel.wave, assets, bat, target_leakers=cfg.target_leakers, target_value=cfg.target_value_lost, trials=min(cfg.sizing_trials, 80) if quick else cfg.sizing_trials, rng=rng, max_added=min(cfg.max_added_batteries, 8) if quick else cfg.max_added_batteries)
    from backstop.reference import load_table

    zones = load_table("zones")
    zones["in_ukraine"] = zones["in_ukraine"].astype(str).str.lower().isin(["true", "1"]) if zones["in_ukraine"].dtype == object else zones["in_ukraine"]
    reqs = requirements(size, zones, note=f"skies sizing against wave '{sel.name}': expected damaging leakers <= {cfg.target_leakers:g}")
    added: dict[str, int] = {}
    if size.added is not None:
        for s, c in zip(size.added.system, size.added.count, strict=True):
            added[str(s)] = added.get(str(s), 0) + int(c)
    return size, reqs, added


def _siting(assets, bat) -> dict | None:
    """Optimal sites of the long-range batteries (layered probabilistic covering) vs their current positions."""
    systems = load_systems()
    lr = [i for i, s in enumerate(bat.system) if systems[s].cls == "sam_long"]
    if not lr:
        return None
    rng_km = float(np.median(bat.range_km[lr]))
    pk_b = float(np.mean([1 - (1 - effective_pk(systems[bat.system[i]])[3]) ** 2 for i in lr]))
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
        "Calibration against reported 2025-26 shares: " + ", ".join(f"{c} {v['simulated']:.0%} ({'within' if v['within'] else 'OUTSIDE'} {v['reported_low']:.0%}-{v['reported_high']:.0%})" for c, v in cal.items() if v["simulated"] is not None) + ".",
        (f"Campaign of {nights} nights of '{cw}': first interceptor type to run out is {first_out[1]} on night {first_out[0]}." if first_out else f"Campaign of {nights} nights of '{cw}': no interceptor type runs out."),
        (f"Sizing: {sum(added.values())} batteries/teams added ({', '.join(f'{v} {k}' for k, v in added.items()) or 'none'}) {'meet' if size.met else 'do NOT meet'} the target of {cfg.target_leakers:g} expected leakers ({size.leakers_after:.1f} after)."),
    ]


def _assumptions() -> list[Assumption]:
    return [
        Assumption("skies.pk", "Every single-shot kill probability is a backstop assumption (catalogue); ballistic Pk calibrated to the reported 2025-26 share.", "air_defence_systems.csv", ""),
        Assumption("skies.doctrine", "Layers engage cheapest first, at most two shots per threat per layer; missiles above USD 300k and irreplaceable Soviet-era missiles are kept for cruise and ballistic missiles.", "backstop assumption", ""),
        Assumption("skies.damage", "A leaker destroys 2e-5 of a city's value (2e-4 of a port's or energy site's) per kg of warhead.", "backstop assumption", ""),
        Assumption("skies.allocation", "Arrivals are apportioned over defended sites by value or by regional shares (statistical exposure, not a targeting model).", "backstop assumption", ""),
        Assumption("skies.values", "Energy and port values = criticality weight x 100,000 people-equivalent.", "energy.csv; backstop assumption", ""),
        Assumption("skies.baseline", "The bundled 'Ukraine today' defences are illustrative (deployments are not public), tuned to the reported interception shares.", calibration.SOURCE, "2026"),
        *campaign.assumptions(),
    ]


def run(scenario, context) -> Result:
    """Pipeline step ``skies``: respects ``context.quick`` (fewer trials) and ``context.seed``."""
    return assess_skies(scenario, seed=context.seed, quick=context.quick)
