"""Calibration of the defences against the night-by-night record.

:mod:`nightfit` predicts, for a wave of a given size and mix on a given date, the share of each
reported class (drones and decoys together, cruise, ballistic) that the Air Force's record says is
downed.  The defences of a scenario are illustrative and their kill probabilities are catalogue
assumptions, so the Monte Carlo's shares differ from the record.  This module closes the gap per
wave and class with one effectiveness exponent ``m_c`` applied to every layer's kill probability
of that class:

.. math::  P_k' = 1 - (1 - P_k)^{m_c},

i.e. each engagement counts as ``m_c`` independent catalogue engagements (``m_c < 1``: the
conditions of the night, electronic warfare against the defender, terrain masking, short warning;
``m_c > 1``: defences, EW and fighters the baseline does not list).  ``m_c`` is found by bisection
on ``log m_c`` with common random numbers (the same seed at every step, so the simulated share is
monotone in ``m_c``) until the simulated share matches the prediction.  The geometry (which site
each layer covers), magazines and doctrine are unchanged: saturation of magazines and uncovered
sites still shape the result, and a target beyond what the layers can reach is reported as such.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from backstop.skies.catalogue import CLASSES
from backstop.skies.defences import Batteries
from backstop.skies.nightfit import REPORTED, NightFit

WAVE_CLASS = {"drone": "drone", "decoy": "drone", "cruise": "cruise", "ballistic": "ballistic"}
"""Monte Carlo class -> reported class (the Air Force pools attack drones and decoys)."""

LOG_M_BOUNDS = (-4.0, 4.0)
"""Bisection bracket of ``log m_c`` (``m_c`` from 0.018 to 55)."""

STEPS = 12
"""Bisection steps (bracket width 8 / 2^12 = 0.002 in ``log m``)."""

TOLERANCE = 0.01
"""A class is *matched* when the simulated share is within this of the prediction [share]."""


def wave_targets(model: NightFit, wave) -> dict[str, dict]:
    """Predicted share downed, its 90 % predictive interval and the launches, per reported class."""
    total = float(len(wave))
    out: dict[str, dict] = {}
    for rc in REPORTED:
        ks = [k for k, c in enumerate(CLASSES) if WAVE_CLASS[c] == rc]
        mask = np.isin(wave.cls, ks)
        n = int(mask.sum())
        if n == 0:
            continue
        weapons, counts = np.unique(wave.weapon[mask], return_counts=True)
        mix = {"drone": float(n)} if rc == "drone" else {str(w): float(c) for w, c in zip(weapons, counts, strict=True)}
        share = model.share(rc, mix, total)
        if share is None:  # the record has no night of this class: left as the catalogue says
            continue
        lo, hi = model.interval(rc, mix, total)
        out[rc] = {"launched": n, "share": share, "low": lo, "high": hi, "mix": {str(w): int(c) for w, c in zip(weapons, counts, strict=True)}}
    return out


def apply_effectiveness(bat: Batteries, exponent: dict[str, float]) -> Batteries:
    """Batteries with ``P_k' = 1 - (1 - P_k)^{m_c}`` per reported class (classes absent: unchanged)."""
    pk = bat.pk.copy()
    for k, c in enumerate(CLASSES):
        m = exponent.get(WAVE_CLASS[c])
        if m is not None:
            pk[:, k] = np.where(pk[:, k] > 0, 1.0 - (1.0 - pk[:, k]) ** m, 0.0)
    return replace(bat, pk=pk)


def simulated_shares(wave, out) -> dict[str, float]:
    """Share downed per reported class from a Monte Carlo outcome (drones and decoys pooled)."""
    leak = out.leakers_by_class.mean(axis=0)
    res = {}
    for rc in REPORTED:
        ks = [k for k, c in enumerate(CLASSES) if WAVE_CLASS[c] == rc]
        n = int(np.isin(wave.cls, ks).sum())
        if n:
            res[rc] = 1.0 - float(leak[ks].sum()) / n
    return res


@dataclass(frozen=True)
class Calibrated:
    """Batteries calibrated to one wave's predicted shares."""

    batteries: Batteries
    exponent: dict[str, float]
    before: dict[str, float]
    after: dict[str, float]
    targets: dict[str, dict]
    reachable: dict[str, tuple[float, float]]

    def table(self) -> list[dict]:
        return [
            {"class": c, "launched": t["launched"], "predicted": t["share"], "low_90": t["low"], "high_90": t["high"], "catalogue": self.before.get(c), "calibrated": self.after.get(c), "exponent": self.exponent.get(c), "reachable_low": self.reachable[c][0], "reachable_high": self.reachable[c][1], "matched": bool(abs(self.after.get(c, np.nan) - t["share"]) <= TOLERANCE)}
            for c, t in self.targets.items()
        ]


def calibrate(bat: Batteries, wave, assets, targets: dict[str, dict], *, trials: int, seed: int, steps: int = STEPS) -> Calibrated:
    """Find ``m_c`` per reported class so that the wave's simulated shares match ``targets``.

    All classes are bisected together (one Monte Carlo run per step; classes interact only through
    shared magazines), each run with ``numpy.random.default_rng(seed)`` (common random numbers).
    """
    from backstop.skies.montecarlo import simulate

    def run(b: Batteries) -> dict[str, float]:
        out = simulate(wave.cls, wave.site, wave.warhead_kg, assets, b, trials, np.random.default_rng(seed))
        return simulated_shares(wave, out)

    before = run(bat)
    # what the layers can reach at all: a target beyond it (sites no layer covers, magazines) is
    # aimed at just inside the reachable range and reported as not matched
    reach_lo = run(apply_effectiveness(bat, dict.fromkeys(targets, float(np.exp(LOG_M_BOUNDS[0])))))
    reach_hi = run(apply_effectiveness(bat, dict.fromkeys(targets, float(np.exp(LOG_M_BOUNDS[1])))))
    aim = {c: float(np.clip(t["share"], reach_lo[c] + TOLERANCE / 2, reach_hi[c] - TOLERANCE / 2)) for c, t in targets.items()}
    lo = {c: LOG_M_BOUNDS[0] for c in targets}
    hi = {c: LOG_M_BOUNDS[1] for c in targets}
    for _ in range(steps):
        mid = {c: 0.5 * (lo[c] + hi[c]) for c in targets}
        got = run(apply_effectiveness(bat, {c: float(np.exp(v)) for c, v in mid.items()}))
        for c in targets:
            if got[c] < aim[c]:
                lo[c] = mid[c]
            else:
                hi[c] = mid[c]
    exponent = {c: float(np.exp(0.5 * (lo[c] + hi[c]))) for c in targets}
    cal = apply_effectiveness(bat, exponent)
    return Calibrated(cal, exponent, before, run(cal), targets, {c: (reach_lo[c], reach_hi[c]) for c in targets})
