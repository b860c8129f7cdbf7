"""Campaign: the same wave night after night, magazines drawn from national stocks that production
and deliveries refill; the night each interceptor type runs out.

Each night every layer's ready load is refilled from the national stock of its interceptor type
(pro rata to the loads when the stock is short), the Monte Carlo of :mod:`montecarlo` is run with
those magazines, the mean rounds fired are taken from the stock, and a day's production share is
added.  A type *runs out* on the first night its stock cannot refill the ready loads in full.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from backstop.results import Assumption
from backstop.skies.montecarlo import simulate

RESERVE_LOADS = 1.0
"""National stock at the start, in ready loads per layer, beside the load on the launchers (assumption)."""

PAC3_RAMP_DATE = dt.date(2026, 1, 6)

PRODUCTION_PER_YEAR: dict[str, tuple[float, float, bool, str]] = {
    # system id: (rate before 6 Jan 2026, rate after, assumption, source)
    "patriot_pac3_mse": (600.0, 2000.0, False, "620 PAC-3 MSE delivered in 2025; framework of 6 Jan 2026 raises capacity from ~600 to 2,000 a year (Lockheed Martin / US DoD; FACTS.md)"),
    "patriot_pac2_gemt": (240.0, 240.0, True, "assumption: GEM-T output of RTX and the COMLOG (Germany) line, order of magnitude"),
    "samp_t_aster30": (200.0, 300.0, True, "assumption: Aster 30 output of MBDA (ramp-up announced 2024), order of magnitude"),
    "nasams": (1000.0, 1000.0, True, "assumption: AIM-120 output of RTX, order of magnitude"),
    "iris_t_slm": (400.0, 600.0, True, "assumption: IRIS-T SLM missile output of Diehl (ramp-up announced 2024-25), order of magnitude"),
    "iris_t_sls": (400.0, 600.0, True, "assumption: shared IRIS-T missile line"),
    "hawk": (0.0, 0.0, True, "no longer produced; stocks only"),
    "s300ps": (0.0, 0.0, False, "no 5V55 production outside Russia; stocks only (catalogue note)"),
    "buk_m1": (0.0, 0.0, False, "no 9M38 production outside Russia; stocks only (catalogue note)"),
    "crotale_ng": (100.0, 100.0, True, "assumption: VT1 output, order of magnitude"),
    "gepard": (20000.0, 20000.0, True, "assumption: 35 mm ammunition is plentiful (engagements per year)"),
    "skynex": (20000.0, 20000.0, True, "assumption: AHEAD ammunition is plentiful (engagements per year)"),
    "mobile_fire_group": (1e6, 1e6, True, "assumption: machine-gun ammunition is not a constraint"),
    "interceptor_drone_team": (365_000.0, 365_000.0, True, "assumption: Ukrainian aim of about 1,000 interceptor drones a day (President of Ukraine, 2025)"),
    "f16_cap_missiles": (1500.0, 1500.0, True, "assumption: AIM-9X/AIM-120 availability for Ukraine, order of magnitude"),
    "f16_cap_apkws": (20000.0, 20000.0, True, "assumption: APKWS output of BAE Systems, order of magnitude"),
}
"""World production (or availability) of each interceptor type per year."""


def daily_resupply(system: str, day: dt.date, share: float) -> float:
    """Interceptors of ``system`` reaching Ukraine on ``day`` (production x share / 365)."""
    before, after, _, _ = PRODUCTION_PER_YEAR.get(system, (0.0, 0.0, True, ""))
    rate = after if day >= PAC3_RAMP_DATE else before
    own = system in ("mobile_fire_group", "interceptor_drone_team")
    return rate * (1.0 if own else share) / 365.0


def assumptions() -> list[Assumption]:
    out = [Assumption("skies.campaign", f"National stock at the start: {RESERVE_LOADS:g} ready loads per layer beside the load on the launchers.", "backstop assumption", "")]
    for s, (a, b, is_assumption, src) in PRODUCTION_PER_YEAR.items():
        if s == "patriot_pac3_mse" or is_assumption:
            out.append(Assumption("skies.production", f"{s}: {a:g} a year before 6 Jan 2026, {b:g} after.", src, "2026-01-06" if s == "patriot_pac3_mse" else ""))
    return out


@dataclass(frozen=True)
class CampaignResult:
    nights: int
    dates: list
    stock: dict  # system -> list of stock at nightfall (after refill need)
    fired: dict  # system -> list of mean rounds fired
    leakers: list  # mean damaging leakers per night
    runs_out: dict  # system -> night index (1-based) or None


def run_campaign(wave, assets, bat, *, nights: int, start: dt.date, trials: int, rng: np.random.Generator, share: float) -> CampaignResult:
    """Simulate ``nights`` consecutive nights of ``wave`` with stocks, fire and resupply."""
    from backstop.skies.montecarlo import engagement

    systems = sorted(set(bat.system.tolist()))
    load = np.where(bat.magazine < 0, 0, bat.magazine).astype(float)
    stock = {s: float(load[bat.system == s].sum() * RESERVE_LOADS) for s in systems}
    # what sits on the launchers is part of the stock: total = (1 + reserve) loads
    stock = {s: stock[s] + float(load[bat.system == s].sum()) for s in systems}
    eng = engagement(wave.cls, wave.site, assets, bat)
    hist_stock = {s: [] for s in systems}
    hist_fired = {s: [] for s in systems}
    leak, dates = [], []
    runs_out: dict[str, int | None] = {s: None for s in systems}
    for night in range(nights):
        day = start + dt.timedelta(days=night)
        dates.append(day.isoformat())
        mag = bat.magazine.copy()
        for s in systems:
            rows = bat.system == s
            need = load[rows].sum()
            hist_stock[s].append(stock[s])
            if need <= 0:
                continue
            if stock[s] + 1e-9 < need and runs_out[s] is None:
                runs_out[s] = night + 1
            frac = min(1.0, max(0.0, stock[s]) / need)
            mag[rows] = np.floor(load[rows] * frac).astype(np.int64)
        # a layer with nothing left fires nothing (magazine 0 stays 0; unlimited stays -1)
        out = simulate(wave.cls, wave.site, wave.warhead_kg, assets, bat.with_magazine(mag), trials, rng, eng=eng)
        fired = out.used.mean(axis=0)
        leak.append(float(out.leakers_by_class[:, [0, 2, 3]].sum(axis=1).mean()))
        for s in systems:
            f = float(fired[bat.system == s].sum())
            hist_fired[s].append(f)
            if load[bat.system == s].sum() > 0:
                stock[s] = max(0.0, stock[s] - f) + daily_resupply(s, day, share)
    return CampaignResult(nights, dates, hist_stock, hist_fired, leak, runs_out)
