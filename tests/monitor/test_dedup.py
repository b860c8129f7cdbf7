"""Space-time-type clustering of reports: duplicates merge, distinct events stay apart (properties)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstop.monitor.dedup import EARTH_RADIUS_KM, cluster_labels, merge_reports

D_KM, DAYS = 10.0, 1


def offset(lat, lon, dist_km, bearing_deg):
    """Point ``dist_km`` from (lat, lon) on a bearing (spherical destination formula)."""
    p1, l1, b, d = math.radians(lat), math.radians(lon), math.radians(bearing_deg), dist_km / EARTH_RADIUS_KM
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def frame(rows):
    return pd.DataFrame(
        {
            "event_date": pd.to_datetime([r[0] for r in rows]),
            "event_type": [r[1] for r in rows],
            "latitude": [r[2] for r in rows],
            "longitude": [r[3] for r in rows],
            "source": [r[4] for r in rows],
            "fatalities": [r[5] for r in rows],
            "injured": [r[6] for r in rows],
        }
    )


base_event = st.tuples(
    st.floats(44.5, 52.0),  # lat
    st.floats(22.5, 40.0),  # lon
    st.integers(0, 300),  # day offset
    st.sampled_from(["Battles", "Explosions/Remote violence", "Violence against civilians"]),
)


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=st.lists(base_event, min_size=1, max_size=8),
    copies=st.lists(st.integers(1, 4), min_size=8, max_size=8),
    jitter=st.lists(st.tuples(st.floats(0, D_KM / 2 - 0.01), st.floats(0, 360), st.integers(0, 0)), min_size=32, max_size=32),
    day_shift=st.lists(st.booleans(), min_size=32, max_size=32),
)
def test_duplicates_merge_and_distinct_events_stay_apart(events, copies, jitter, day_shift):
    # make the true events pairwise distinct: >= 3 D apart, or >= 3 days apart, or of another type
    kept = []
    for e in events:
        ok = True
        for k in kept:
            dist = _hav(e[0], e[1], k[0], k[1])
            if e[3] == k[3] and dist < 3 * D_KM and abs(e[2] - k[2]) < 3 * (DAYS + 1):
                ok = False
        if ok:
            kept.append(e)
    rows, truth = [], []
    j = 0
    for i, (lat, lon, day, typ) in enumerate(kept):
        for c in range(copies[i]):
            dist, bearing, _ = jitter[j % len(jitter)]
            # every copy within D/2 of the true position and on the same day or the next: pairwise within thresholds
            la, lo = offset(lat, lon, dist, bearing) if c else (lat, lon)
            d = day + (1 if (c and day_shift[j % len(day_shift)]) else 0)
            rows.append((pd.Timestamp("2025-09-01") + pd.Timedelta(days=d), typ, la, lo, f"src{c}", 1, 2 + c))
            truth.append(i)
            j += 1
    df = frame(rows)
    perm = np.random.default_rng(len(rows)).permutation(len(rows))
    df = df.iloc[perm].reset_index(drop=True)
    truth = np.asarray(truth)[perm]
    events_df, labels = merge_reports(df, D_KM, DAYS)
    assert len(events_df) == len(kept)
    # the partition equals the true one (same blocks, labels may differ)
    pairs_true = truth[:, None] == truth[None, :]
    pairs_found = labels[:, None] == labels[None, :]
    assert (pairs_true == pairs_found).all()
    # every source kept; ACLED-conservative count = the lowest positive figure
    assert events_df["n_reports"].sum() == len(rows)
    assert (events_df["injured"] == 2).all()
    assert (events_df["n_sources"] == events_df["n_reports"]).all()


def _hav(la1, lo1, la2, lo2):
    p1, p2 = math.radians(la1), math.radians(la2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@settings(max_examples=25, deadline=None)
@given(st.floats(0.5, 30.0), st.integers(0, 4), st.floats(0, 360), st.floats(45.0, 51.5))
def test_pair_linked_iff_within_both_thresholds(dist, days, bearing, lat):
    lat2, lon2 = offset(lat, 33.0, dist, bearing)
    df = frame([(pd.Timestamp("2025-09-01"), "Battles", lat, 33.0, "a", 0, 0), (pd.Timestamp("2025-09-01") + pd.Timedelta(days=days), "Battles", lat2, lon2, "b", 0, 0)])
    ev, _ = merge_reports(df, D_KM, DAYS)
    expect_merged = dist <= D_KM - 1e-6 and days <= DAYS
    expect_apart = dist > D_KM + 1e-6 or days > DAYS
    if expect_merged:
        assert len(ev) == 1
    if expect_apart:
        assert len(ev) == 2


def test_different_types_never_merge_and_sources_are_listed():
    t = pd.Timestamp("2025-09-01")
    df = frame([(t, "Battles", 48.0, 37.0, "A", 0, 0), (t, "Explosions/Remote violence", 48.0, 37.0, "B", 0, 0), (t, "Battles", 48.01, 37.0, "C", 3, 0)])
    ev, labels = merge_reports(df, D_KM, DAYS)
    assert len(ev) == 2 and labels[0] == labels[2] != labels[1]
    battles = ev[ev["event_type"] == "Battles"].iloc[0]
    assert battles["sources"] == "A | C" and battles["fatalities"] == 3 and battles["fatalities_max"] == 3


def test_chain_is_single_linkage_and_labels_are_stable():
    t = pd.Timestamp("2025-09-01")
    lat, lon = 48.0, 37.0
    pts = [(lat, lon)]
    for _ in range(3):  # 8 km steps: 24 km end to end, one event by single linkage
        pts.append(offset(*pts[-1], 8.0, 90.0))
    df = frame([(t, "Battles", la, lo, f"s{i}", 0, 0) for i, (la, lo) in enumerate(pts)])
    ev, labels = merge_reports(df, D_KM, DAYS)
    assert len(ev) == 1
    assert cluster_labels(np.array([[2, 3]]), 5).tolist() == [0, 1, 2, 2, 3]
    assert cluster_labels(np.zeros((0, 2), np.int64), 0).tolist() == []


def test_daily_shelling_of_one_town_is_not_chained_into_one_event():
    t = pd.Timestamp("2025-09-01")
    df = frame([(t + pd.Timedelta(days=d), "Explosions/Remote violence", 48.5, 37.7, "official", 0, 1) for d in range(10)])
    ev, labels = merge_reports(df, D_KM, DAYS)
    assert len(ev) == 5 and labels.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert (ev["last_date"] - ev["event_date"]).max() == pd.Timedelta(days=1)


def test_ties_in_merged_fields_are_broken_deterministically():
    t = pd.Timestamp("2025-09-01")
    df = frame([(t, "Battles", 48.0, 37.0, "A", 0, 0), (t, "Battles", 48.0, 37.01, "B", 0, 0)])
    df["actor1"] = ["Military Forces of Ukraine", "Military Forces of Russia"]
    for _ in range(3):
        ev, _ = merge_reports(df, D_KM, DAYS)
        assert ev["actor1"].iloc[0] == "Military Forces of Russia"  # tie: first in sort order
