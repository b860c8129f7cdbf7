"""The capability taxonomy and deployment zones force generation plans against.

Both come from the bundled reference tables ``capabilities.csv`` (``id, domain, ground, combat,
air_isr_intel``) and ``zones.csv`` (``id, in_ukraine, state``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Taxonomy:
    """Capabilities and zones as plain lookups.

    Attributes
    ----------
    capabilities : DataFrame
        Indexed by capability id; columns ``domain, ground, combat, air_isr_intel`` (booleans).
    zones : DataFrame
        Indexed by zone id; columns ``in_ukraine`` (bool), ``state`` (ISO3 or '').
    """

    capabilities: pd.DataFrame
    zones: pd.DataFrame

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
    """The bundled capability taxonomy and zones."""
    from backstop.reference import load_table

    caps = load_table("capabilities").set_index("id")[["domain", "ground", "combat", "air_isr_intel"]]
    zones = load_table("zones").set_index("id")[["in_ukraine", "state"]]
    caps = caps.astype({"ground": bool, "combat": bool, "air_isr_intel": bool})
    zones = zones.astype({"in_ukraine": bool})
    zones["state"] = zones["state"].fillna("").astype(str)
    return Taxonomy(caps, zones)
