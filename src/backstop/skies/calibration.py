"""Calibration of the "Ukraine today" baseline: simulated interception shares per class against
the publicly reported 2025-26 ranges.

Reported shares downed or suppressed, 2025-26 (Ukrainian Air Force daily reports, as summarised in
the project's FACTS): attack drones (decoys included, as in the reports) roughly 80-90 %, cruise
missiles 75-80 %, ballistic missiles 20-35 %.  The bundled ``defences.csv`` is an illustrative
baseline (real deployments are not public) whose layer counts and the catalogue's ballistic Pk
were tuned so that the shares, pooled over the bundled waves, fall in those ranges.
"""

from __future__ import annotations

import numpy as np

from backstop.skies.catalogue import CLASSES

REPORTED_RANGES = {"drone": (0.80, 0.90), "cruise": (0.75, 0.80), "ballistic": (0.20, 0.35)}
SOURCE = "Ukrainian Air Force daily reports 2025-26 (shares downed or suppressed), as summarised in FACTS.md"


def pooled_shares(summaries: list[dict]) -> dict[str, float | None]:
    """Interception share per reported class, pooled over waves (``drone`` includes decoys)."""
    leak = np.zeros(len(CLASSES))
    launched = np.zeros(len(CLASSES))
    for s in summaries:
        leak += [s["leakers"][c]["mean"] for c in CLASSES]
        launched += [s["launched"][c] for c in CLASSES]
    d = CLASSES.index("drone"), CLASSES.index("decoy")
    out: dict[str, float | None] = {}
    n = launched[list(d)].sum()
    out["drone"] = None if n == 0 else 1 - leak[list(d)].sum() / n
    for c in ("cruise", "ballistic"):
        k = CLASSES.index(c)
        out[c] = None if launched[k] == 0 else 1 - leak[k] / launched[k]
    return out


def check(shares: dict[str, float | None]) -> dict[str, dict]:
    """Each class: simulated share, reported range and whether it falls inside."""
    return {c: {"simulated": shares.get(c), "reported_low": lo, "reported_high": hi, "within": shares.get(c) is not None and lo <= shares[c] <= hi} for c, (lo, hi) in REPORTED_RANGES.items()}
