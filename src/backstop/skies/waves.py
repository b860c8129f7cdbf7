"""Threat waves: composition by weapon type, launch area, allocation of arrivals over the defended
assets and arrival window.

Threats are statistical inputs.  A wave is realised as arrays (one entry per weapon launched):
class, weapon, the defended site it arrives at, arrival time.  Arrivals are apportioned over the
sites deterministically by the largest-remainder method (Hamilton), proportional to site value
(``allocation = value``) or to given regional shares (``regions:Odesa=0.6|Sumy=0.4``), within a
region proportional to value.  This is an exposure model for the defender (how much of the wave
reaches each defended area), never a target-selection plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backstop.errors import InputError, Problem
from backstop.skies.assets import Assets
from backstop.skies.catalogue import CLASSES, load_threats

FILE = "waves.csv"


@dataclass(frozen=True)
class Wave:
    """A realised wave: arrays of length T, sorted by arrival time."""

    name: str
    cls: np.ndarray  # int class index into CLASSES
    weapon: np.ndarray  # weapon id
    site: np.ndarray  # int index into the assets
    arrival_h: np.ndarray
    cost_usd: np.ndarray  # attacker's unit cost (NaN where unknown)
    warhead_kg: np.ndarray
    sources: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.cls)

    def counts(self) -> dict[str, int]:
        return {c: int((self.cls == k).sum()) for k, c in enumerate(CLASSES)}


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Largest-remainder (Hamilton) apportionment of ``total`` items proportional to ``weights``."""
    w = np.asarray(weights, float)
    if total <= 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=int)
    quota = total * w / w.sum()
    base = np.floor(quota).astype(int)
    rem = total - base.sum()
    order = np.argsort(-(quota - base), kind="stable")
    base[order[:rem]] += 1
    return base


def parse_allocation(text: str, line: int | None, regions: set[str]) -> dict[str, float] | None:
    """``value`` -> None; ``regions:A=0.6|B=0.4`` -> {A: 0.6, B: 0.4} (shares normalised)."""
    t = text.strip()
    if t in ("", "value"):
        return None
    where = f"line {line}" if line else ""
    if not t.startswith("regions:"):
        raise InputError([Problem(FILE, where, "allocation", text, "unknown allocation", "use `value` or `regions:<region>=<share>|...`")])
    out: dict[str, float] = {}
    for part in t[len("regions:"):].split("|"):
        name, _, share = part.partition("=")
        name = name.strip()
        try:
            v = float(share)
        except ValueError:
            raise InputError([Problem(FILE, where, "allocation", part, "share is not a number", "e.g. regions:Odesa=0.6|Sumy=0.4")]) from None
        if v < 0:
            raise InputError([Problem(FILE, where, "allocation", part, "negative share", "")])
        if name not in regions:
            raise InputError([Problem(FILE, where, "allocation", name, "no defended site in this region (a wave with no targets)", f"regions with sites: {', '.join(sorted(regions))}")])
        out[name] = v
    if sum(out.values()) <= 0:
        raise InputError([Problem(FILE, where, "allocation", text, "shares sum to zero", "")])
    return out


def wave_names(rows) -> list[str]:
    seen: list[str] = []
    for r in rows:
        if r.wave not in seen:
            seen.append(r.wave)
    return seen


def build_wave(rows, name: str, assets: Assets) -> Wave:
    """Realise wave ``name`` from ``waves.csv`` rows over the defended ``assets``."""
    threats = load_threats()
    mine = [r for r in rows if r.wave == name]
    if not mine:
        raise InputError([Problem(FILE, "", "wave", name, "no such wave", f"waves: {', '.join(wave_names(rows)) or 'none'}")])
    problems: list[Problem] = []
    regions = set(assets.region.tolist())
    cls, weapon, site, arr, cost, wh, sources = [], [], [], [], [], [], []
    for r in mine:
        line = getattr(r, "line", None)
        where = f"line {line}" if line else ""
        if r.weapon not in threats.index:
            problems.append(Problem(FILE, where, "weapon", r.weapon, "unknown threat weapon", f"known: {', '.join(threats.index)}"))
            continue
        if r.arrival_end_h < r.arrival_start_h:
            problems.append(Problem(FILE, where, "arrival_end_h", str(r.arrival_end_h), "arrival window ends before it starts", ""))
            continue
        try:
            alloc = parse_allocation(r.allocation, line, regions)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if len(assets) == 0 or assets.value.sum() <= 0:
            problems.append(Problem(FILE, where, "wave", name, "a wave with no targets: no defended site has value", "check sites.csv"))
            continue
        if alloc is None:
            n_site = apportion(r.count, assets.value)
        else:
            keys = list(alloc)
            per_region = apportion(r.count, np.array([alloc[k] for k in keys]))
            n_site = np.zeros(len(assets), dtype=int)
            for k, n in zip(keys, per_region, strict=True):
                mask = assets.region == k
                w = np.where(mask, assets.value, 0.0)
                if w.sum() <= 0:
                    problems.append(Problem(FILE, where, "allocation", k, "a wave with no targets: region has no valued site", ""))
                    continue
                n_site += apportion(int(n), w)
        t = threats.loc[r.weapon]
        k = CLASSES.index(t["class"])
        idx = np.repeat(np.arange(len(assets)), n_site)
        # interleave sites over the window (a site's arrivals spread out, not bunched)
        order = np.argsort((np.arange(len(idx)) * 0.6180339887) % 1.0, kind="stable")
        idx = idx[order]
        times = np.linspace(r.arrival_start_h, r.arrival_end_h, len(idx)) if len(idx) else np.zeros(0)
        cls.append(np.full(len(idx), k))
        weapon.append(np.full(len(idx), r.weapon, dtype=object))
        site.append(idx)
        arr.append(times)
        cost.append(np.full(len(idx), t["unit_cost_usd"], dtype=float))
        wh.append(np.full(len(idx), t["warhead_kg"], dtype=float))
        if r.source:
            sources.append(r.source)
    if problems:
        raise InputError(problems)
    cls_a = np.concatenate(cls) if cls else np.zeros(0, int)
    if len(cls_a) == 0:
        line = getattr(mine[0], "line", None)
        raise InputError([Problem(FILE, f"line {line}" if line else "", "count", "0", f"wave '{name}' has no threats (all counts zero)", "give at least one weapon a count > 0")])
    arr_a = np.concatenate(arr)
    order = np.argsort(arr_a, kind="stable")
    return Wave(
        name=name, cls=cls_a[order].astype(np.int64), weapon=np.concatenate(weapon)[order].astype(str),
        site=np.concatenate(site)[order].astype(np.int64), arrival_h=arr_a[order],
        cost_usd=np.concatenate(cost)[order], warhead_kg=np.concatenate(wh)[order], sources=tuple(dict.fromkeys(sources)),
    )
