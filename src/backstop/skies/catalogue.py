"""The air-defence and threat-weapon catalogues as typed arrays.

Rows come from the bundled reference tables ``air_defence_systems.csv`` and ``threat_weapons.csv``
(every row with ``source``, ``as_of`` and ``assumption``; every single-shot kill probability is a
backstop assumption, not a published figure).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from backstop.reference import load_table

CLASSES = ("drone", "decoy", "cruise", "ballistic")
"""Threat classes, in the order used by every array indexed by class."""

RESERVE_COST_USD = 300_000.0
"""Doctrine assumption: surface-to-air missiles costing more than this, and Soviet-era missiles
whose stocks cannot be replenished (cost empty in the catalogue), are reserved for cruise and
ballistic missiles and not fired at drones or decoys; drones are left to guns, mobile fire groups,
interceptor drones, EW and fighters (the cost-aware doctrine Ukraine describes in 2025)."""


@dataclass(frozen=True)
class System:
    """One air-defence system type (per battery / fire unit / team)."""

    id: str
    name: str
    cls: str
    range_km: float
    magazine: int  # ready interceptors per battery; -1 = unlimited (EW)
    interceptor_cost_usd: float
    battery_cost_usd: float
    engages: tuple[bool, bool, bool, bool]
    pk: tuple[float, float, float, float]
    assumption: bool
    source: str

    @property
    def capability(self) -> str:
        """Capability id of the force-generation taxonomy this system counts towards."""
        return {
            "sam_long": "lr_ad_battery",
            "sam_medium": "mr_ad_battery",
            "sam_short": "sr_ad_battery",
            "gun": "sr_ad_battery",
            "fighter": "fighter_squadron",
        }.get(self.cls, "c_uas_team")


def _f(v, default=np.nan) -> float:
    try:
        return float(v) if str(v).strip() != "" else default
    except ValueError:
        return default


@lru_cache(maxsize=1)
def load_systems() -> dict[str, System]:
    """Bundled air-defence catalogue, by system id."""
    df = load_table("air_defence_systems")
    out: dict[str, System] = {}
    for r in df.to_dict("records"):
        launchers = _f(r["launchers_per_battery"], 1.0)
        per = _f(r["missiles_per_launcher"])
        mag = -1 if np.isnan(per) else int(round(launchers * per))
        engages = tuple(str(r[f"engages_{c}"]).strip().lower() in ("true", "1", "yes") for c in CLASSES)
        pk = tuple(_f(r[f"pk_{c}"], np.nan) for c in CLASSES)
        out[r["id"]] = System(
            id=r["id"], name=r["name"], cls=r["class"], range_km=_f(r["range_km"], 0.0), magazine=mag,
            interceptor_cost_usd=_f(r["interceptor_cost_usd"], 0.0), battery_cost_usd=_f(r["battery_cost_usd"]),
            engages=engages, pk=pk, assumption=str(r.get("assumption", "")).lower() == "true", source=r["source"],
        )
    return out


@lru_cache(maxsize=1)
def load_threats() -> pd.DataFrame:
    """Bundled threat-weapon catalogue (id, name, class, speed_kmh, warhead_kg, unit_cost_usd, ...)."""
    df = load_table("threat_weapons").copy()
    for c in ("speed_kmh", "range_km", "warhead_kg", "unit_cost_usd"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    return df.set_index("id", drop=False)


def effective_pk(system: System) -> np.ndarray:
    """Pk per class (4,) after the doctrine: 0 where the system does not engage the class or where
    its interceptors are reserved for missiles."""
    pk = np.array([p if (e and not np.isnan(p)) else 0.0 for e, p in zip(system.engages, system.pk, strict=True)])
    reserved = system.interceptor_cost_usd > RESERVE_COST_USD or (system.cls.startswith("sam_") and system.interceptor_cost_usd <= 0)
    if reserved:
        pk[:2] = 0.0
    return pk
