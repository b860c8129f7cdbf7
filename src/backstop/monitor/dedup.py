"""Merge reports of the same event from several sources: space, time and type clustering.

Method
------
Two reports are *linked* when they have the same ACLED ``event_type``, their dates differ by at
most ``days`` calendar days, and their great-circle (haversine) distance is at most
``distance_km``.  Events are the connected components of the link graph: single-linkage
clustering, the same partition DBSCAN gives with ``minPts = 1`` and ``eps = distance_km``
(Ester, Kriegel, Sander & Xu 1996, KDD-96) extended to a space-time neighbourhood
(Birant & Kut 2007, "ST-DBSCAN", *Data & Knowledge Engineering* 60(1)).

Defaults (``[monitor.dedup]``): 10 km and 1 day.  ACLED geo-codes to the nearest named place
(town centroid, precision code 1-3), so two reports of one strike on a town land within a few
kilometres; overnight attacks straddle midnight, and different sources date them either day.

Links are found in DuckDB without an all-pairs join: reports are bucketed in a grid of cells
``distance_km`` wide (longitude cells widened by ``1/cos(max |lat|)``), each report probes the
3 x 3 neighbouring cells on its day and the next ``days`` days, and only those candidate pairs
are measured.  Components come from :func:`scipy.sparse.csgraph.connected_components`.

Single linkage chains in time (a town shelled daily would become one months-long event), so
each component is then cut into windows of ``days + 1`` calendar days anchored at its first
report (:func:`split_by_time`).  Within one day, merging same-type reports within ``distance_km``
matches ACLED's unit of coding (events are coded per location and day; ACLED codebook 2023).

Merged event: earliest date, mean position, the most frequent sub-type, actor and place (ties to the first in
sort order, so runs are deterministic), the
ACLED-conservative casualty count (the lowest positive figure among the sources: ACLED codebook
2023, "Fatalities"), and every report and source kept (``n_reports``, ``sources``,
``report_hashes``, and the reports' ``event_ids``, so a violation can be traced back to its reports).
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG) [km]."""


def _haversine_sql(a: str, b: str) -> str:
    return (
        f"2 * {EARTH_RADIUS_KM} * asin(sqrt(pow(sin(radians({b}.lat - {a}.lat) / 2), 2) + "
        f"cos(radians({a}.lat)) * cos(radians({b}.lat)) * pow(sin(radians({b}.lon - {a}.lon) / 2), 2)))"
    )


def link_pairs(con: duckdb.DuckDBPyConnection, table: str, distance_km: float, days: int) -> np.ndarray:
    """Pairs ``(i, j)`` (``i < j`` on the same day) of linked reports of ``table``.

    ``table`` needs columns ``rid`` (0..n-1), ``typ``, ``day`` (integer day number), ``lat``, ``lon``.
    """
    max_lat = con.execute(f"SELECT coalesce(max(abs(lat)), 0) FROM {table}").fetchall()[0][0]
    dlat = distance_km / 111.19
    dlon = distance_km / (111.19 * max(math.cos(math.radians(min(float(max_lat), 85.0))), 1e-3))
    sql = f"""
    WITH p AS (
        SELECT rid, typ, day, lat, lon, CAST(floor(lat / {dlat}) AS BIGINT) AS gy, CAST(floor(lon / {dlon}) AS BIGINT) AS gx FROM {table}
    ), off AS (
        SELECT dy.d AS dy, dx.d AS dx, dd.d AS dd
        FROM (VALUES (-1), (0), (1)) dy(d), (VALUES (-1), (0), (1)) dx(d), range(0, {int(days) + 1}) dd(d)
    ), probe AS (
        SELECT p.rid, p.typ, p.lat, p.lon, p.gy + off.dy AS ny, p.gx + off.dx AS nx, p.day + off.dd AS nd, off.dd FROM p, off
    )
    SELECT a.rid AS i, b.rid AS j
    FROM probe a JOIN p b ON b.typ = a.typ AND b.gy = a.ny AND b.gx = a.nx AND b.day = a.nd
    WHERE (a.dd > 0 OR a.rid < b.rid) AND {_haversine_sql("a", "b")} <= {float(distance_km)}
    """
    res = con.execute(sql).fetchnumpy()
    return np.column_stack([res["i"].astype(np.int64), res["j"].astype(np.int64)]) if len(res["i"]) else np.zeros((0, 2), np.int64)


def cluster_labels(pairs: np.ndarray, n: int) -> np.ndarray:
    """Connected-component label of each of ``n`` reports, numbered by first appearance."""
    if n == 0:
        return np.zeros(0, np.int64)
    g = coo_matrix((np.ones(len(pairs), np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n)) if len(pairs) else coo_matrix((n, n), dtype=np.int8)
    _, labels = connected_components(g, directed=False)
    # renumber by first appearance so labels do not depend on scipy internals
    return _renumber(labels)


def split_by_time(labels: np.ndarray, day: np.ndarray, days: int) -> np.ndarray:
    """Cut each component into windows of ``days + 1`` calendar days from its first report.

    Single linkage chains in time: a town shelled every day would otherwise become one event
    lasting months.  Anchored windows bound an event's span to ``days``; reports of one night
    dated either side of midnight stay together.
    """
    if len(labels) == 0:
        return labels
    n_lab = int(labels.max()) + 1
    first = np.full(n_lab, np.iinfo(np.int64).max)
    np.minimum.at(first, labels, day)
    window = (day - first[labels]) // (int(days) + 1)
    key = labels.astype(np.int64) * (int(window.max()) + 1) + window
    _, codes = np.unique(key, return_inverse=True)
    return _renumber(codes.ravel())


def _renumber(codes: np.ndarray) -> np.ndarray:
    _, first = np.unique(codes, return_index=True)
    order = np.argsort(first)
    remap = np.empty_like(order)
    remap[order] = np.arange(len(order))
    return remap[codes].astype(np.int64)


def _mode_cte(col: str) -> str:
    """CTE ``m_<col>(event, v)``: the most frequent non-empty value, ties to the first in sort order.

    (DuckDB's ``mode`` breaks ties arbitrarily under parallel aggregation; this is deterministic.)
    """
    return (
        f"m_{col} AS (SELECT event, {col} AS v FROM (SELECT event, {col}, count(*) AS k FROM f WHERE {col} <> '' GROUP BY event, {col}) "
        f"QUALIFY row_number() OVER (PARTITION BY event ORDER BY k DESC, {col}) = 1)"
    )


def merge_reports(reports: pd.DataFrame, distance_km: float = 10.0, days: int = 1, *, con: duckdb.DuckDBPyConnection | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Cluster a frame of reports into events (see :func:`merge_table`); labels follow the frame's rows.

    Missing optional columns take defaults (empty text, 0, False; ``source_weight`` 0.5).
    """
    own = con is None
    if con is None:
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
    full = reports.copy()
    defaults = {"event_id": "", "sub_event_type": "", "actor1": "", "admin1": "", "location": "", "fatalities": 0, "injured": 0, "source": "", "notes": "",
                "illustrative": False, "verified": False, "source_weight": 0.5}
    for col, val in defaults.items():
        if col not in full:
            full[col] = val
    if "row_hash" not in full:
        full["row_hash"] = [f"r{i}" for i in range(len(full))]
    full["_ord"] = np.arange(len(full), dtype=np.int64)
    full["event_date"] = pd.to_datetime(full["event_date"])
    con.register("_dedup_frame", full)
    try:
        return merge_table(con, "_dedup_frame", distance_km, days, order_by="_ord")
    finally:
        con.unregister("_dedup_frame")
        if own:
            con.close()


def merge_table(con: duckdb.DuckDBPyConnection, table: str, distance_km: float = 10.0, days: int = 1, *, order_by: str = "event_date, row_hash", weight_sql: str = "source_weight") -> tuple[pd.DataFrame, np.ndarray]:
    """Cluster the reports of DuckDB ``table`` into events, in SQL (no round trip of the reports).

    Parameters
    ----------
    table : str
        A table or view with the ``reports`` columns (``event_date, event_type, sub_event_type,
        actor1, admin1, location, latitude, longitude, fatalities, injured, notes, source,
        illustrative, verified, row_hash``).
    distance_km, days : float, int
        Link thresholds [km], [calendar days].
    order_by : str
        Order that numbers the reports (``labels[i]`` is the event of the i-th report in it).
    weight_sql : str
        SQL expression of the probability that a report's source is right.

    Returns
    -------
    events : DataFrame
        One row per event, ordered by ``event``.
    labels : ndarray of int
        Event number of each report.
    """
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _dedup_all AS
        SELECT row_number() OVER (ORDER BY {order_by}) - 1 AS rid, lower(trim(event_type)) AS typ,
               datediff('day', DATE '1970-01-01', CAST(event_date AS DATE)) AS day, latitude AS lat, longitude AS lon,
               {weight_sql} AS w, *
        FROM {table}
        """
    )
    try:
        day = con.execute("SELECT day FROM _dedup_all ORDER BY rid").fetchnumpy()["day"].astype(np.int64)
        n = len(day)
        pairs = link_pairs(con, "_dedup_all", distance_km, days)
        labels = split_by_time(cluster_labels(pairs, n), day, days)
        con.register("_dedup_labels", pd.DataFrame({"rid": np.arange(n, dtype=np.int64), "event": labels}))
        picks = ", ".join(_mode_cte(c) for c in ("sub_event_type", "actor1", "admin1", "location"))
        events = con.execute(
            f"""
            WITH f AS (
                SELECT l.event, a.* FROM _dedup_all a JOIN _dedup_labels l USING (rid)
            ), {picks}, src AS (
                SELECT event, source, max(w) AS w FROM f GROUP BY event, source
            ), conf AS (
                SELECT event, 1 - exp(sum(ln(1 - least(w, 0.999)))) AS source_confidence,
                       count(*) FILTER (WHERE source <> '') AS n_sources,
                       string_agg(source, ' | ' ORDER BY source) FILTER (WHERE source <> '') AS sources
                FROM src GROUP BY event
            )
            SELECT f.event, min(event_date) AS event_date, max(event_date) AS last_date, min(event_type) AS event_type,
                   coalesce(any_value(m_sub_event_type.v), '') AS sub_event_type,
                   coalesce(any_value(m_actor1.v), '') AS actor1,
                   coalesce(any_value(m_admin1.v), '') AS admin1,
                   coalesce(any_value(m_location.v), '') AS location,
                   round(avg(latitude), 6) AS latitude, round(avg(longitude), 6) AS longitude,
                   coalesce(min(fatalities) FILTER (WHERE fatalities > 0), 0) AS fatalities,
                   coalesce(min(injured) FILTER (WHERE injured > 0), 0) AS injured,
                   max(fatalities) AS fatalities_max, max(injured) AS injured_max,
                   count(*) AS n_reports, any_value(c.n_sources) AS n_sources, coalesce(any_value(c.sources), '') AS sources,
                   any_value(c.source_confidence) AS source_confidence,
                   bool_or(illustrative) AS illustrative, bool_or(verified) AS verified_flag,
                   string_agg(row_hash, ';' ORDER BY row_hash) AS report_hashes,
                   coalesce(string_agg(DISTINCT event_id, ';' ORDER BY event_id) FILTER (WHERE coalesce(event_id, '') <> ''), '') AS event_ids,
                   coalesce(string_agg(CASE WHEN notes <> '' THEN notes END, ' | ' ORDER BY notes), '') AS notes
            FROM f JOIN conf c USING (event)
                 LEFT JOIN m_sub_event_type USING (event) LEFT JOIN m_actor1 USING (event)
                 LEFT JOIN m_admin1 USING (event) LEFT JOIN m_location USING (event)
            GROUP BY f.event ORDER BY f.event
            """
        ).df()
    finally:
        try:
            con.unregister("_dedup_labels")
        except duckdb.Error:  # pragma: no cover
            pass
        con.execute("DROP TABLE IF EXISTS _dedup_all")
    return events, labels
