"""Seeded synthetic force-sourcing problems, for cross-checks, property tests and the benchmark.

The generator draws requirement lines over the bundled capability taxonomy and zones, and
pledges from ``n_nations`` nations with random windows, costs and caveats in the caveat
language (zone exclusions, zone lists, ``no_combat``, ``max_months``, ``only_with``), plus the
red-line toggle on a random half of the nations.  Everything comes from the explicit ``rng``.
"""

from __future__ import annotations

import numpy as np

from backstop.forcegen.caveats import Caveat
from backstop.forcegen.problem import (
    RED_LINE,
    ForceProblem,
    PledgeItem,
    RequirementItem,
    Restriction,
    red_line_applies,
)
from backstop.forcegen.taxonomy import Taxonomy, load_taxonomy

NATIONS = (
    "ALB AUS AUT BEL BGR CAN CHE CYP CZE DEU DNK ESP EST FIN FRA GBR GRC HRV HUN IRL ISL ITA JPN KOR LTU LUX LVA MDA "
    "MKD MLT MNE NLD NOR NZL POL PRT ROU SVK SVN SWE TUR USA ARG BRA CHL COL MEX URY ZAF KEN GHA SEN MAR TUN EGY JOR "
    "SGP MYS IDN PHL"
).split()
"""60 ISO3 codes used as nations of synthetic instances."""


def synthetic_problem(
    rng: np.random.Generator,
    *,
    n_nations: int = 6,
    n_pledges: int = 20,
    n_requirements: int = 10,
    horizon: int = 12,
    rotation_months: int = 6,
    sustain: bool = False,
    caveat_rate: float = 0.4,
    max_qty: int = 4,
    n_capabilities: int | None = None,
    taxonomy: Taxonomy | None = None,
) -> ForceProblem:
    """A random :class:`ForceProblem` (valid: caveats never contradict).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of all randomness.
    n_capabilities : int, optional
        Draw from the first ``n_capabilities`` capabilities only (denser small instances).
    caveat_rate : float
        Probability that a pledge carries each kind of caveat.
    """
    tax = taxonomy or load_taxonomy()
    caps = list(tax.capabilities.index)[: n_capabilities or None]
    zones = tax.zone_ids()
    nations = list(NATIONS[:n_nations])
    reqs = []
    for j in range(n_requirements):
        s = int(rng.integers(1, horizon + 1))
        e = int(rng.integers(s, horizon + 1))
        reqs.append(RequirementItem(f"R{j}", str(rng.choice(caps)), str(rng.choice(zones)), int(rng.integers(1, max_qty + 1)), s, e,
                                    float(rng.choice([1.0, 2.0, 3.0, 5.0])), "synthetic", "", f"synthetic R{j}"))
    red = set(rng.choice(nations, size=max(1, n_nations // 2), replace=False).tolist())
    pledges = []
    for i in range(n_pledges):
        nation = nations[i % n_nations] if i < n_nations else str(rng.choice(nations))
        cap = str(rng.choice(caps))
        a = int(rng.integers(1, horizon + 1)) if rng.random() < 0.3 else 1
        b = int(rng.integers(a, horizon + 1)) if rng.random() < 0.3 else horizon
        restr: list[Restriction] = []
        if rng.random() < caveat_rate:
            excl = tuple(sorted(set(rng.choice(zones, size=int(rng.integers(1, max(2, len(zones) // 2))), replace=False).tolist())))
            restr.append(_r(nation, Caveat("not_in", excl, "not_in:" + "|".join(excl))))
        if rng.random() < caveat_rate / 2:
            keep = tuple(sorted(set(rng.choice(zones, size=int(rng.integers(1, len(zones))), replace=False).tolist())))
            restr.append(_r(nation, Caveat("zones", keep, "zones:" + "|".join(keep))))
        if rng.random() < caveat_rate / 2:
            restr.append(_r(nation, Caveat("no_combat", (), "no_combat")))
        if rng.random() < caveat_rate / 2:
            n = int(rng.integers(1, horizon + 1))
            restr.append(_r(nation, Caveat("max_months", (str(n),), f"max_months:{n}")))
        if rng.random() < caveat_rate / 3 and n_nations > 1:
            buddy = str(rng.choice([x for x in nations if x != nation]))
            restr.append(_r(nation, Caveat("only_with", (buddy,), f"only_with:{buddy}")))
        if red_line_applies(nation in red, bool(tax.capabilities.loc[cap, "ground"])):
            restr.append(RED_LINE)
        # a pledge whose caveats exclude every zone is a contradiction the parser rejects: drop zone caveats then
        if not any(all(r.caveat.zone_allowed(z, cap, tax) for r in restr) for z in zones):
            restr = [r for r in restr if r.caveat.name not in ("not_in", "zones", "no_combat") or r.kind == "toggle"]
            if not any(all(r.caveat.zone_allowed(z, cap, tax) for r in restr) for z in zones):
                restr = []
        pledges.append(PledgeItem(f"P{i}", nation, cap, int(rng.integers(1, 2 * max_qty + 1)), a, b,
                                  float(rng.integers(1, 50)) * 1e5, tuple(restr), f"synthetic P{i}"))
    w = rng.random(n_nations) + 0.1
    share = {n: float(x / w.sum()) for n, x in zip(nations, w, strict=False)}
    return ForceProblem(tuple(reqs), tuple(pledges), tax, horizon, rotation_months, sustain, share, "synthetic weights")


def _r(nation: str, c: Caveat) -> Restriction:
    return Restriction(f"caveat {nation} {c.text}", "caveat", nation, c)
