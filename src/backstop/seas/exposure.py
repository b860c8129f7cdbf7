"""Ports and anchorages as defended assets, and their exposure to the scenario's strike waves.

:func:`port_sites` returns the corridor's ports and convoy anchorages in the safe-skies
:class:`~backstop.scenario.models.skies.Site` shape, for the skies analysis to defend.

:func:`exposure_table` gives expected leakers reaching each port or anchorage per wave:

* from the skies result when the pipeline ran it: ``context.results["skies"].frames["sites"]``
  with columns ``id`` and ``expected_leakers`` or ``mean_leakers`` (optionally ``wave``, and
  ``arrivals`` as weapons aimed; the wave defaults to ``result.data["wave"]``), matched on the site ids
  of :func:`port_sites` (``port-<id>``, ``anch-<id>``) or the bare port id;
* otherwise a documented fallback (flagged ``method = "seas fallback"``): each wave component's
  weapons are allocated over all defended sites in proportion to value (the skies
  ``allocation = "value"`` rule; ``regions:`` allocations give the stated share to the named
  regions), and a fraction ``1 - r`` leaks, with ``r`` the interception rate of the weapon's
  class summed over the bundled Ukrainian Air Force strike reports (downed / launched), or the
  ``[seas].assumed_interception`` assumption when a class has no report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from backstop import geo
from backstop.reference.sites import load_cities, load_energy, load_ports
from backstop.reference.tables import load_table
from backstop.scenario.models.skies import Site
from backstop.seas import waters as W

PORT_KINDS = ("sea_port", "river_port")
SKIES_LEAKER_COLUMNS = ("expected_leakers", "mean_leakers")
"""Columns of ``results["skies"].frames["sites"]`` read as expected leakers per site (first found)."""
SKIES_AIMED_COLUMNS = ("weapons_aimed", "arrivals")
DEFAULT_CITY_MIN_POP = 100_000


def _region_of(lon: float, lat: float) -> str:
    """Name of the nearest Ukrainian city of 250,000+ (oblast-centre proxy for regions)."""
    cities = load_cities("UA", 250_000)
    d = (cities["lat"] - lat) ** 2 + ((cities["lon"] - lon) * math.cos(math.radians(lat))) ** 2
    return str(cities.loc[d.idxmin(), "name"])


def port_sites(scenario, routes: Sequence) -> list[Site]:
    """The corridor's ports, and one convoy anchorage per port, as skies ``Site`` objects.

    Value = annual cargo [Mt/yr] x ``[seas].port_value_per_mt`` (assumption); an anchorage is
    the point ``anchorage_offset_km`` along the port's route beyond its access to open water
    (past the river approach of a Danube port; where convoys assemble), valued at
    ``anchorage_value_share`` of its port.  ``routes`` are the planned corridor's
    (:func:`backstop.seas.analysis.plan_corridor`); a port without an ``ok`` route gets no anchorage.
    """
    cfg = scenario.config.seas
    ports = load_ports().set_index("id")
    by_port = {r.port: r for r in routes}
    out = []
    for pid in cfg.ports:
        if pid not in ports.index:
            continue
        row = ports.loc[pid]
        cargo = float(row["annual_cargo_mt"] or 0.0)
        value = cargo * cfg.port_value_per_mt
        region = _region_of(float(row["lon"]), float(row["lat"]))
        out.append(
            Site(
                id=f"port-{pid}",
                name=f"{row['name']} port",
                kind="port",
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                value=value,
                region=region,
                source=f"{row['source']} (value: {cargo:g} Mt/yr x {cfg.port_value_per_mt:g}, assumption)",
            )
        )
        r = by_port.get(pid)
        if r is not None and r.ok:
            lon, lat = geo.point_along(r.lon, r.lat, r.access_km + cfg.anchorage_offset_km, W.PLANE)
            out.append(
                Site(
                    id=f"anch-{pid}",
                    name=f"{row['name']} convoy anchorage",
                    kind="port",
                    lat=lat,
                    lon=lon,
                    value=value * cfg.anchorage_value_share,
                    region=region,
                    source=f"backstop: {cfg.anchorage_offset_km:g} km along the corridor from the port's access to open water (assumption)",
                )
            )
    return out


def interception_rates(assumed: float) -> tuple[dict[str, float], dict[str, str]]:
    """Interception rate by weapon class from the bundled strike reports (downed / launched).

    Decoys are reported inside ``drones_launched`` (Ukrainian Air Force practice), so the drone
    rate applies to decoys too.  Returns (rates, how each was obtained).
    """
    df = load_table("strike_reports")

    def total(col):
        return pd.to_numeric(df[col], errors="coerce")

    rates, how = {}, {}
    for cls, launched, downed in (("drone", "drones_launched", "drones_downed"), ("cruise", "cruise_launched", "cruise_downed"), ("ballistic", "ballistic_launched", "ballistic_downed")):
        la, do = total(launched), total(downed)
        ok = la.notna() & do.notna() & (la > 0)
        if ok.any():
            rates[cls] = float(do[ok].sum() / la[ok].sum())
            how[cls] = f"strike reports {', '.join(df.loc[ok, 'id'])}: {int(do[ok].sum())} downed of {int(la[ok].sum())}"
        else:
            rates[cls] = assumed
            how[cls] = f"assumption ({assumed:g}); no strike report gives this class"
    rates["decoy"] = rates["drone"]
    how["decoy"] = how["drone"] + " (decoys counted with drones)"
    return rates, how


def default_waves() -> pd.DataFrame:
    """Waves when the scenario has none: one per bundled strike report, by weapon class."""
    df = load_table("strike_reports")
    rows = []
    for _, r in df.iterrows():
        for cls, col in (("drone", "drones_launched"), ("decoy", "decoys_launched"), ("cruise", "cruise_launched"), ("ballistic", "ballistic_launched")):
            n = pd.to_numeric(r[col], errors="coerce")
            if pd.notna(n) and n > 0:
                rows.append({"wave": r["id"], "weapon_class": cls, "count": float(n), "allocation": "value", "source": r["source"]})
    return pd.DataFrame(rows, columns=["wave", "weapon_class", "count", "allocation", "source"])


def scenario_waves(scenario) -> pd.DataFrame:
    """The scenario's waves (weapon class from the threat catalogue), or :func:`default_waves`."""
    if not scenario.has("waves"):
        return default_waves()
    classes = load_table("threat_weapons").set_index("id")["class"].to_dict()
    rows = [
        {"wave": w.wave, "weapon_class": classes.get(w.weapon, "drone"), "count": float(w.count), "allocation": w.allocation, "source": w.source}
        for w in scenario.rows("waves")
    ]
    return pd.DataFrame(rows, columns=["wave", "weapon_class", "count", "allocation", "source"])


def defended_sites(scenario, ports: list[Site]) -> pd.DataFrame:
    """All sites competing for the waves: the scenario's sites, else the default set.

    Default (skies' documented default): Ukrainian cities of 100,000+ (value = population,
    GeoNames), energy facilities (criticality x 100,000) and the corridor's ports and
    anchorages.  Port sites absent from the scenario's table are added.
    """
    if scenario.has("sites"):
        rows = [s.model_dump() for s in scenario.rows("sites")]
    else:
        cities = load_cities("UA", DEFAULT_CITY_MIN_POP)
        rows = [
            {"id": r.id, "name": r.name, "kind": "city", "lat": r.lat, "lon": r.lon, "value": float(r.population), "region": r.name}
            for r in cities.itertuples()
        ]
        energy = load_energy()
        rows += [
            {"id": f"energy-{r.id}", "name": r.name, "kind": "energy", "lat": r.lat, "lon": r.lon, "value": float(r.criticality) * 100_000, "region": _region_of(r.lon, r.lat)}
            for r in energy.itertuples()
        ]
    df = pd.DataFrame(rows)
    have = set(df["id"]) if len(df) else set()
    extra = pd.DataFrame([p.model_dump() for p in ports if p.id not in have])
    df = pd.concat([df, extra], ignore_index=True) if len(extra) else df
    if "population" in df.columns:
        df["value"] = df["value"].fillna(df["population"].astype(float))
    df["value"] = df["value"].fillna(0.0).astype(float)
    df["region"] = df.get("region", "").fillna("").astype(str)
    return df


def _allocation_shares(alloc: str, sites: pd.DataFrame) -> np.ndarray:
    """Share of a component's weapons aimed at each site (value-proportional)."""
    v = sites["value"].to_numpy(float)
    if alloc.startswith("regions:"):
        shares = np.zeros(len(sites))
        region = sites["region"].str.lower().to_numpy()
        for part in alloc[len("regions:") :].split("|"):
            if "=" not in part:
                continue
            name, s = part.split("=", 1)
            try:
                s = float(s)
            except ValueError:
                continue
            m = region == name.strip().lower()
            if m.any() and v[m].sum() > 0:
                shares[m] += s * v[m] / v[m].sum()
        return shares
    return v / v.sum() if v.sum() > 0 else np.zeros(len(sites))


def exposure_table(scenario, ports: list[Site], context=None) -> tuple[pd.DataFrame, str, list[str]]:
    """Expected leakers reaching each port and anchorage, per wave.

    Returns (frame with columns ``site, name, kind, wave, weapons_aimed, expected_leakers,
    method``; method label; notes).
    """
    notes: list[str] = []
    skies = (getattr(context, "results", None) or {}).get("skies") if context is not None else None
    frame = getattr(skies, "frames", {}).get("sites") if skies is not None else None
    col = None
    if frame is not None:
        col = next((c for c in SKIES_LEAKER_COLUMNS if c in frame.columns), None)
    if frame is not None and "id" in frame.columns and col is not None:
        default_wave = str((getattr(skies, "data", {}) or {}).get("wave", ""))
        rows = []
        for p in ports:
            keys = [p.id, p.id.split("-", 1)[1]] if p.id.startswith("port-") else [p.id]
            hit = frame[frame["id"].isin(keys)]
            for _, r in hit.iterrows():
                aimed = next((r[c] for c in SKIES_AIMED_COLUMNS if c in frame.columns), np.nan)
                rows.append(
                    {
                        "site": p.id,
                        "name": p.name,
                        "kind": "anchorage" if p.id.startswith("anch-") else "port",
                        "wave": r["wave"] if "wave" in frame.columns else default_wave,
                        "weapons_aimed": float(aimed),
                        "expected_leakers": float(r[col]),
                        "method": "skies",
                    }
                )
        if rows:
            notes.append(f'Expected leakers read from the skies result: results["skies"].frames["sites"] (columns id, {col}).')
            return pd.DataFrame(rows), "skies", notes
        notes.append("The skies result lists none of the corridor's ports; the seas fallback is used.")
    rates, how = interception_rates(scenario.config.seas.assumed_interception)
    waves = scenario_waves(scenario)
    sites = defended_sites(scenario, ports)
    port_ids = [p.id for p in ports]
    idx = {sid: k for k, sid in enumerate(sites["id"])}
    rows = []
    for wave, comp in waves.groupby("wave", sort=False):
        aimed = np.zeros(len(ports))
        leak = np.zeros(len(ports))
        for _, c in comp.iterrows():
            share = _allocation_shares(str(c["allocation"]), sites)
            n = c["count"] * np.array([share[idx[i]] for i in port_ids])
            aimed += n
            leak += n * (1.0 - rates.get(c["weapon_class"], scenario.config.seas.assumed_interception))
        for p, a, lk in zip(ports, aimed, leak, strict=False):
            rows.append(
                {
                    "site": p.id,
                    "name": p.name,
                    "kind": "anchorage" if p.id.startswith("anch-") else "port",
                    "wave": wave,
                    "weapons_aimed": float(a),
                    "expected_leakers": float(lk),
                    "method": "seas fallback",
                }
            )
    notes.append(
        "Seas fallback (no skies per-site figures): weapons allocated over all defended sites in proportion to value; "
        "leak rate 1 - interception by class: " + "; ".join(f"{k} {rates[k]:.2f} ({how[k]})" for k in ("drone", "cruise", "ballistic"))
    )
    return pd.DataFrame(rows, columns=["site", "name", "kind", "wave", "weapons_aimed", "expected_leakers", "method"]), "seas fallback", notes
