"""The capability taxonomy and deployment zones force generation plans against.

Both come from the bundled reference tables ``capabilities.csv`` (``id, domain, ground, combat,
air_isr_intel``) and ``zones.csv`` (``id, in_ukraine, state``).  Where a table is not bundled
(a partial install, or a checkout before the reference data landed) a minimal fallback with the
documented ids is used and :attr:`Taxonomy.fallback` says so; the report prints it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

_FALLBACK_CAPABILITIES = [
    # id, domain, ground, combat, air_isr_intel
    ("lr_ad_battery", "air", True, True, False),
    ("mr_ad_battery", "air", True, True, False),
    ("sr_ad_battery", "air", True, True, False),
    ("c_uas_team", "air", True, True, False),
    ("fighter_squadron", "air", False, True, True),
    ("aew_orbit", "air", False, False, True),
    ("isr_drone_orbit", "air", False, False, True),
    ("tanker_orbit", "air", False, False, True),
    ("mcm_vessel", "sea", False, False, False),
    ("escort_frigate", "sea", False, True, False),
    ("mpa_orbit", "sea", False, False, True),
    ("mech_battalion", "land", True, True, False),
    ("logistics_hub", "support", True, False, False),
    ("training_team", "land", True, False, False),
    ("field_hospital", "support", True, False, False),
    ("hq_staff", "c2", True, False, False),
    ("intel_cell", "c2", True, False, True),
]
_FALLBACK_ZONES = [
    # id, in_ukraine, state
    ("ukr_west", True, "UKR"),
    ("ukr_centre", True, "UKR"),
    ("ukr_kyiv", True, "UKR"),
    ("ukr_odesa", True, "UKR"),
    ("ukr_east", True, "UKR"),
    ("pol", False, "POL"),
    ("rou", False, "ROU"),
    ("svk", False, "SVK"),
    ("bgr", False, "BGR"),
    ("black_sea", False, ""),
    ("tur_straits", False, "TUR"),
]


@dataclass(frozen=True)
class Taxonomy:
    """Capabilities and zones as plain lookups.

    Attributes
    ----------
    capabilities : DataFrame
        Indexed by capability id; columns ``domain, ground, combat, air_isr_intel`` (booleans).
    zones : DataFrame
        Indexed by zone id; columns ``in_ukraine`` (bool), ``state`` (ISO3 or '').
    fallback : tuple of str
        Names of the tables replaced by the built-in fallback (empty when all are bundled).
    """

    capabilities: pd.DataFrame
    zones: pd.DataFrame
    fallback: tuple[str, ...] = ()

    def capability(self, cap: str) -> pd.Series:
        return self.capabilities.loc[cap]

    def zone_ids(self) -> list[str]:
        return list(self.zones.index)

    def zones_of_state(self, iso3: str) -> set[str]:
        """Zones lying in state ``iso3`` (``UKR`` also matches every zone flagged ``in_ukraine``)."""
        z = self.zones
        mask = z["state"].str.upper() == iso3.upper()
        if iso3.upper() == "UKR":
            mask = mask | z["in_ukraine"]
        return set(z.index[mask])


def load_taxonomy() -> Taxonomy:
    """The bundled capability taxonomy and zones (fallback for a table not bundled)."""
    from backstop.reference import load_table, table_names

    names = set(table_names())
    fallback = []
    if "capabilities" in names:
        caps = load_table("capabilities")
        for col in ("ground", "combat", "air_isr_intel"):
            if col not in caps.columns:
                caps[col] = False
        if "domain" not in caps.columns:
            caps["domain"] = ""
        caps = caps.set_index("id")[["domain", "ground", "combat", "air_isr_intel"]]
    else:
        fallback.append("capabilities")
        caps = pd.DataFrame(_FALLBACK_CAPABILITIES, columns=["id", "domain", "ground", "combat", "air_isr_intel"]).set_index("id")
    if "zones" in names:
        zones = load_table("zones")
        if "state" not in zones.columns:
            zones["state"] = ""
        zones = zones.set_index("id")[["in_ukraine", "state"]]
    else:
        fallback.append("zones")
        zones = pd.DataFrame(_FALLBACK_ZONES, columns=["id", "in_ukraine", "state"]).set_index("id")
    caps = caps.astype({"ground": bool, "combat": bool, "air_isr_intel": bool})
    zones = zones.astype({"in_ukraine": bool})
    zones["state"] = zones["state"].fillna("").astype(str)
    return Taxonomy(caps, zones, tuple(fallback))
