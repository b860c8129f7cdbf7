"""Sizing: the batteries to add so that expected leakers (or value lost) per wave meet a target.

Greedy marginal analysis (Fox 1966; the standard incremental method for separable resource
allocation): at each step the threat class with the most expected damaging leakers picks the
system that answers it (drones: an interceptor-drone team; cruise missiles: an IRIS-T SLM battery;
ballistic missiles: a Patriot PAC-3 MSE battery), placed at the defended site where it covers the
most expected leaked value (a one-facility maximal-covering step on the Monte Carlo's per-site
leakers), with enough units for two shots at each leaker it covers, and the wave is simulated
again.  The class chosen is the one whose leakers carry the most warhead mass.  Additions are totalled by capability and by the
nearest deployment zone into requirement lines for force generation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backstop.geo import haversine_km
from backstop.skies.assets import Assets
from backstop.skies.catalogue import CLASSES, load_systems
from backstop.skies.defences import Batteries, concat, make_batteries
from backstop.skies.montecarlo import simulate

ANSWER = {"drone": "interceptor_drone_team", "cruise": "iris_t_slm", "ballistic": "patriot_pac3_mse"}
"""System added against each threat class (decoys need no answer: they do no damage)."""


@dataclass(frozen=True)
class SizingStep:
    step: int
    system: str
    units: int
    site: str
    lat: float
    lon: float
    leakers_before: float
    value_before: float


@dataclass(frozen=True)
class SizingResult:
    steps: list
    leakers_after: float
    value_after: float
    met: bool
    added: Batteries | None


def size_defence(wave, assets: Assets, bat: Batteries, *, target_leakers: float, target_value: float | None, trials: int, rng: np.random.Generator, max_added: int, effectiveness: dict[str, float] | None = None) -> SizingResult:
    """Add batteries one at a time until both targets are met or ``max_added`` is reached.

    ``effectiveness``: the calibration exponents per reported class (:mod:`calibration`), applied to
    the added batteries as to the baseline, so that an added battery performs as the record says
    the defence performs on such a night.
    """
    systems = load_systems()
    damaging = [CLASSES.index(c) for c in ("drone", "cruise", "ballistic")]
    steps: list[SizingStep] = []
    added: Batteries | None = None
    current = bat
    site_val = assets.value
    for k in range(max_added + 1):
        out = simulate(wave.cls, wave.site, wave.warhead_kg, assets, current, trials, rng)
        leak_cls = out.leakers_by_class.mean(axis=0)
        leakers = float(leak_cls[damaging].sum())
        value = float(out.value_destroyed.mean())
        if leakers <= target_leakers and (target_value is None or value <= target_value):
            return SizingResult(steps, leakers, value, True, added)
        if k == max_added:
            break
        # the class whose leakers carry the most explosive mass (count x mean warhead) goes first
        wh = {c: float(np.nanmean(wave.warhead_kg[wave.cls == CLASSES.index(c)])) if np.any(wave.cls == CLASSES.index(c)) else 0.0 for c in ("drone", "cruise", "ballistic")}
        worst = max(("drone", "cruise", "ballistic"), key=lambda c: leak_cls[CLASSES.index(c)] * max(wh[c], 1.0))
        sys_id = ANSWER[worst]
        # expected leakers of that class per site, weighted by the site's value per capita of damage
        ci = CLASSES.index(worst)
        per_site = np.zeros(len(assets))
        mask = wave.cls == ci
        # per-site leakers of class ci: apportion the site totals by the class share of arrivals there
        arrivals = np.bincount(wave.site, minlength=len(assets)).astype(float)
        arrivals_c = np.bincount(wave.site[mask], minlength=len(assets)).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(arrivals > 0, arrivals_c / arrivals, 0.0)
        per_site = out.leakers_by_site.mean(axis=0) * share * np.sqrt(np.maximum(site_val, 1.0))
        rng_km = systems[sys_id].range_km
        d = haversine_km(assets.lon[:, None], assets.lat[:, None], assets.lon[None, :], assets.lat[None, :])
        cover = (d <= rng_km).astype(float)
        covered = cover @ per_site  # candidate j covers sites within range
        j = int(np.argmax(covered))
        # units in the new layer: enough rounds for two shots at each leaker it covers
        raw = cover[j] @ (out.leakers_by_site.mean(axis=0) * share)
        per_unit = max(systems[sys_id].magazine, 1)
        units = int(np.clip(np.ceil(2.0 * raw / per_unit), 1, 20))
        steps.append(SizingStep(k + 1, sys_id, units, str(assets.names[j]), float(assets.lat[j]), float(assets.lon[j]), leakers, value))
        new = make_batteries([sys_id], [assets.lat[j]], [assets.lon[j]], count=[units])
        if effectiveness:
            from backstop.skies.calibration import apply_effectiveness

            new = apply_effectiveness(new, effectiveness)
        added = new if added is None else concat(added, new)
        current = concat(current, new)
    return SizingResult(steps, leakers, value, False, added)


def requirements(result: SizingResult, zones, *, note: str = "") -> list:
    """Requirement lines (capability x nearest in-Ukraine zone) for the added batteries."""
    from backstop.scenario.models.forcegen import Requirement

    if result.added is None or len(result.added) == 0:
        return []
    z = zones[zones["in_ukraine"]].reset_index(drop=True)
    zl, zo = z["lat"].astype(float).to_numpy(), z["lon"].astype(float).to_numpy()
    d = haversine_km(result.added.lon[:, None], result.added.lat[:, None], zo[None, :], zl[None, :])
    zone = z["id"].to_numpy()[np.argmin(d, axis=1)]
    out = []
    keys: dict[tuple[str, str], int] = {}
    for cap, zn, cnt in zip(result.added.capability, zone, result.added.count, strict=True):
        keys[(str(cap), str(zn))] = keys.get((str(cap), str(zn)), 0) + int(cnt)
    for (cap, zn), q in sorted(keys.items()):
        out.append(Requirement(id=f"SKIES-{cap}-{zn}".upper().replace("_", "-"), capability=cap, quantity=q, zone=zn, origin="skies", priority=2.0 if cap == "lr_ad_battery" else 1.0, note=note or "batteries added by the skies sizing to meet [skies] target_leakers"))
    return out
