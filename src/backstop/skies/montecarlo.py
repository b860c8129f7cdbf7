"""Monte Carlo of one wave against layered defences, vectorised over trials x threats.

Engagement model (terminal defence of the sites; a layered, sequential model in the spirit of
Washburn, *Combat Modeling* (2009), ch. 3 and Eckler and Burr, *Mathematical Models of Target
Coverage and Missile Allocation* (1972)):

* a battery ``b`` can engage threat ``t`` if the site ``t`` arrives at lies within the battery's
  range and the battery engages the threat's class (doctrine: interceptors above USD 1M are kept
  for missiles);
* batteries engage in order of interceptor cost (cheapest layer first), each at most two shots
  per threat: shoot-look-shoot fires the second only after a miss, shoot-shoot fires both;
  either way the kill probability is ``1 - (1 - Pk)^2``;
* one uniform ``u`` per (trial, threat, battery) decides both shots by inverse transform
  (``u < Pk``: killed by the first; ``u < 1 - (1-Pk)^2``: killed by the second);
* magazines: a battery engages threats in arrival order while its cumulative shots fit the
  magazine (``cumsum`` along the arrival axis), so saturation spends the ready rounds first.

Leakers of a class destroy a share of the site's value per warhead kilogram
(:data:`DAMAGE_PER_KG`; assumption), compounding: ``value_s (1 - prod (1 - d_t))``.
All functions are pure; randomness comes only from the ``rng`` argument (same seed, same result).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backstop.geo import haversine_km
from backstop.skies.assets import Assets
from backstop.skies.catalogue import CLASSES
from backstop.skies.defences import Batteries

DAMAGE_PER_KG = {"city": 2e-5, "port": 2e-4, "energy": 2e-4, "military": 2e-4, "other": 1e-4}
"""Share of a site's value destroyed per kg of warhead that arrives (assumption: a 50 kg Shahed
warhead destroys 0.1 % of a city's value, 1 % of a port's or power plant's)."""

CHUNK = 5000
"""Trials simulated together (memory: ``4 n_draws CHUNK`` bytes of uniforms per chunk)."""


@dataclass(frozen=True)
class Engagement:
    """Precomputed geometry: for each battery, the threats it can engage and their Pk."""

    cols: list[np.ndarray]
    pk1: list[np.ndarray]
    pk2: list[np.ndarray]
    n_draws: int  # uniforms per trial


def engagement(cls: np.ndarray, site: np.ndarray, assets: Assets, bat: Batteries) -> Engagement:
    """Which threats each battery can engage (range to the threat's site, class envelope)."""
    d = haversine_km(bat.lon[:, None], bat.lat[:, None], assets.lon[None, :], assets.lat[None, :])  # (B, S)
    in_range = d <= bat.range_km[:, None]
    cols, p1, p2 = [], [], []
    for b in range(len(bat)):
        pk_t = bat.pk[b, cls]
        c = np.nonzero(in_range[b, site] & (pk_t > 0))[0]
        cols.append(c)
        p = pk_t[c].astype(np.float32)
        p1.append(p)
        p2.append((1 - (1 - p) ** 2).astype(np.float32))
    return Engagement(cols, p1, p2, int(sum(len(c) for c in cols)))


@dataclass(frozen=True)
class TrialOutcome:
    """Per-trial outputs of :func:`simulate` (first axis = trial)."""

    leakers_by_class: np.ndarray  # (N, 4)
    leakers_by_site: np.ndarray  # (N, S) damaging leakers (decoys excluded)
    value_destroyed: np.ndarray  # (N,)
    people_struck: np.ndarray  # (N,) population of sites hit by >= 1 damaging leaker
    used: np.ndarray  # (N, B) interceptors fired per battery
    cost_usd: np.ndarray  # (N,) interceptor cost


def simulate(cls, site, warhead_kg, assets: Assets, bat: Batteries, trials: int, rng: np.random.Generator, *, chunk: int = CHUNK, eng: Engagement | None = None) -> TrialOutcome:
    """Run ``trials`` independent trials of one wave.

    Parameters
    ----------
    cls, site : (T,) int arrays
        Class index (:data:`CLASSES`) and site index of each threat, in arrival order.
    warhead_kg : (T,) array
        Warhead mass [kg] (decoys 0).
    assets : Assets
        Defended sites (value, population, kind).
    bat : Batteries
        Layers in engagement order.
    trials : int
        Number of trials N.
    rng : numpy.random.Generator
        The only source of randomness.

    Notes
    -----
    Only threats that at least one layer can engage are simulated; the others leak in every trial
    and enter the outputs as constants.  Engaged threats are stored grouped by (site, class,
    damage), so per-class and per-site leakers and log-survival of a chunk of trials come from
    ``np.add.reduceat`` passes over the survivors.
    """
    cls = np.asarray(cls, np.int64)
    site = np.asarray(site, np.int64)
    eng = eng or engagement(cls, site, assets, bat)
    layout = _threat_layout(cls, site, warhead_kg, assets, eng)
    plan = _draw_plan(bat, eng, layout.pos)
    S, B, C = len(assets), len(bat), len(CLASSES)
    out_cls = np.empty((trials, C))
    out_site = np.empty((trials, S), np.float32)
    out_val = np.empty(trials)
    out_pop = np.empty(trials)
    out_used = np.zeros((trials, B), np.int64)
    for lo in range(0, trials, chunk):
        hi = min(trials, lo + chunk)
        u_all = rng.random((eng.n_draws, hi - lo), dtype=np.float32)  # exactly what draw_floor draws
        alive = _engage_chunk(plan, u_all, len(layout.idx), out_used[lo:hi].T)
        out_cls[lo:hi], out_site[lo:hi], out_val[lo:hi], out_pop[lo:hi] = _chunk_outputs(layout, alive, assets)
    cost = out_used @ bat.cost_usd
    return TrialOutcome(np.rint(out_cls), np.rint(out_site), out_val, out_pop, out_used, cost)


@dataclass(frozen=True)
class _Layout:
    """Engaged threats (``idx``), their row ``pos`` in the simulated block, the (site, class,
    damage) groups of contiguous rows, and the constants of the threats no layer engages."""

    idx: np.ndarray
    pos: np.ndarray
    groups: list
    const_cls: np.ndarray
    const_site: np.ndarray
    const_log: np.ndarray


def _threat_layout(cls, site, warhead_kg, assets: Assets, eng: Engagement) -> _Layout:
    """Split threats into engaged (simulated, grouped by site, class and damage) and constants."""
    T, S, C = len(cls), len(assets), len(CLASSES)
    dmg = np.array([DAMAGE_PER_KG.get(k, 1e-4) for k in assets.kinds])[site] * np.nan_to_num(np.asarray(warhead_kg, float))
    dmg = np.clip(dmg, 0.0, 0.999999)
    real = cls != CLASSES.index("decoy")
    logd = np.log1p(-dmg)
    engaged = np.zeros(T, bool)
    for c in eng.cols:
        engaged[c] = True
    idx = np.nonzero(engaged)[0]
    # threats no layer can engage leak in every trial: constants
    ne = ~engaged
    const_cls = np.bincount(cls[ne], minlength=C).astype(float)
    const_site = np.bincount(site[ne], weights=real[ne].astype(float), minlength=S).astype(float)
    const_log = np.bincount(site[ne], weights=logd[ne], minlength=S).astype(float)
    # engaged threats grouped by (site, class, damage): rows of a group are contiguous, so the
    # outputs of a chunk come from sums over row ranges instead of a matrix product
    keys, inv = np.unique(np.column_stack([site[idx], cls[idx], logd[idx]]), axis=0, return_inverse=True)
    inv = inv.ravel()
    order = np.argsort(inv, kind="stable")
    pos = np.full(T, -1)
    pos[idx[order]] = np.arange(len(idx))
    bounds = np.searchsorted(inv[order], np.arange(len(keys) + 1)).tolist()
    g_site, g_cls, g_logd = keys[:, 0].astype(np.int64), keys[:, 1].astype(np.int64), keys[:, 2]
    g_real = g_cls != CLASSES.index("decoy")
    groups = [(bounds[g], bounds[g + 1], int(g_cls[g]), int(g_site[g]), bool(g_real[g]), float(g_logd[g])) for g in range(len(keys))]
    return _Layout(idx, pos, groups, const_cls, const_site, const_log)


def _draw_plan(bat: Batteries, eng: Engagement, pos: np.ndarray) -> list:
    """Per battery: (battery, first uniform row, threats, magazine if it binds else -1, look, pk1, pk2, rows).

    The uniforms of a chunk are drawn by one call, ``(n_draws, n)``: battery ``b`` reads rows
    ``off:off+k`` (its threats in arrival order)."""
    plan, off = [], 0
    for b in range(len(bat)):
        rows = pos[eng.cols[b]]  # kept in arrival order (magazine cumsum)
        k = len(rows)
        if k:
            mag = int(bat.magazine[b])
            plan.append((b, off, k, mag if 0 <= mag < 2 * k else -1, bool(bat.look[b]), eng.pk1[b][:, None], eng.pk2[b][:, None], rows))
            off += k
    assert off == eng.n_draws
    return plan


def _engage_chunk(plan: list, u_all: np.ndarray, n_engaged: int, used: np.ndarray) -> np.ndarray:
    """Layers fire in order on one chunk of trials; returns who survives, (threats, n) booleans.

    ``used`` (battery, n) receives the interceptors each battery fires (a view, written in place).
    Threats are on the first axis: a layer's threats are whole rows (contiguous gathers/scatters).
    """
    alive = np.ones((n_engaged, u_all.shape[1]), dtype=bool)
    for b, off, k, mag, look, p1, p2, cols in plan:
        u = u_all[off : off + k]
        a = alive[cols]
        surv = u >= p2  # survives both shots
        if mag >= 0:
            # shots fired at each threat: 1 + miss (shoot-look-shoot) or 2 (shoot-shoot), only at
            # threats still alive; the battery engages while the running total fits the magazine
            if look:
                shots = np.greater_equal(u, p1)
                shots &= a
                shots = shots.view(np.int8)
                shots += a.view(np.int8)
            else:
                shots = a.view(np.int8) * np.int8(2)
            cs = shots.astype(np.int16) if 2 * k > 127 else shots.copy()
            for r in range(1, k):  # cumulative sum down the arrival axis, row by row (in place)
                np.add(cs[r], cs[r - 1], out=cs[r])
            over = cs > mag
            surv |= over
            np.logical_not(over, out=over)
            shots *= over.view(np.int8)
            used[b] = shots.sum(axis=0, dtype=np.int32)
            surv &= a
            alive[cols] = surv
        else:
            fired = a.view(np.int8).sum(axis=0, dtype=np.int32)
            surv &= a
            alive[cols] = surv
            if look:
                miss = np.greater_equal(u, p1)
                miss &= a
                fired += miss.view(np.int8).sum(axis=0, dtype=np.int32)
            else:
                fired *= 2
            used[b] = fired
    return alive


def _chunk_outputs(layout: _Layout, alive: np.ndarray, assets: Assets):
    """Leakers per class and site, value destroyed and people struck, per trial of one chunk."""
    S, C, n = len(assets), len(CLASSES), alive.shape[1]
    cls_sum = np.zeros((C, n), np.int32)
    cls_sum += layout.const_cls[:, None].astype(np.int32)
    site_sum = np.zeros((S, n), np.int32)
    site_sum += layout.const_site[:, None].astype(np.int32)
    logs = np.empty((S, n))
    logs[:] = layout.const_log[:, None]
    for g0, g1, c, s, real, lg in layout.groups:
        cnt = alive[g0:g1].view(np.int8).sum(axis=0, dtype=np.int16)
        cls_sum[c] += cnt
        if real:
            site_sum[s] += cnt
            if lg:
                logs[s] += lg * cnt
    np.expm1(logs, out=logs)
    value = -(assets.value[:, None] * logs).sum(axis=0)
    pop_pos = assets.population > 0
    return cls_sum.T, site_sum.T, value, assets.population[pop_pos] @ (site_sum[pop_pos] > 0)


def draw_floor(n_draws: int, trials: int, rng: np.random.Generator, chunk: int = CHUNK) -> float:
    """The NumPy floor (benchmark): draw exactly the uniforms the simulator consumes -- one
    ``rng.random((n_draws, n), dtype=float32)`` call per chunk of ``n`` trials, same generator,
    same dtype, same shapes -- and nothing else."""
    s = 0.0
    for lo in range(0, trials, chunk):
        n = min(chunk, trials - lo)
        s += float(rng.random((n_draws, n), dtype=np.float32)[0, 0]) if n_draws else 0.0
    return s


def mean_se(x: np.ndarray) -> tuple[float, float]:
    """Mean and its standard error ``s / sqrt(N)``."""
    x = np.asarray(x, float)
    n = len(x)
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(n)) if n > 1 else 0.0


def summarise(out: TrialOutcome, cls, cost_wave_usd: float, bat: Batteries) -> dict:
    """Means, 90th percentiles and standard errors of the per-trial outputs."""
    cls = np.asarray(cls)
    launched = np.array([(cls == k).sum() for k in range(len(CLASSES))])
    res: dict = {"launched": dict(zip(CLASSES, launched.tolist(), strict=True)), "leakers": {}, "intercept_share": {}}
    for k, c in enumerate(CLASSES):
        m, se = mean_se(out.leakers_by_class[:, k])
        res["leakers"][c] = {"mean": m, "p90": float(np.percentile(out.leakers_by_class[:, k], 90)), "se": se}
        res["intercept_share"][c] = None if launched[k] == 0 else 1.0 - m / launched[k]
    dam = out.leakers_by_class[:, [0, 2, 3]].sum(axis=1)
    m, se = mean_se(dam)
    res["leakers_total"] = {"mean": m, "p90": float(np.percentile(dam, 90)), "se": se, "note": "drones, cruise and ballistic missiles (decoys excluded)"}
    for key, arr in (("value_destroyed", out.value_destroyed), ("people_struck", out.people_struck), ("interceptor_cost_usd", out.cost_usd)):
        m, se = mean_se(arr)
        res[key] = {"mean": m, "p90": float(np.percentile(arr, 90)), "se": se}
    used = out.used.sum(axis=1)
    m, se = mean_se(used)
    res["interceptors_used"] = {"mean": m, "p90": float(np.percentile(used, 90)), "se": se}
    by_sys: dict[str, float] = {}
    for s in np.unique(bat.system):
        by_sys[str(s)] = float(out.used[:, bat.system == s].sum(axis=1).mean())
    res["interceptors_by_system"] = by_sys
    res["attacker_cost_usd"] = cost_wave_usd
    res["cost_exchange_ratio"] = None if cost_wave_usd <= 0 else res["interceptor_cost_usd"]["mean"] / cost_wave_usd
    return res
