"""Precision and recall of the news extractor on the hand-written wire-copy cases.

Each case (``extract_cases/NNN.json``) is a short report with the incident places a careful reader
finds (GeoNames names of cities, or ``<Oblast> region``) and their counts (killed, injured,
children).  A predicted place is a candidate with a location; it is right when the report's
expected places include it.  Counts are right when killed, injured and children all match.

Run ``python -m tests.monitor.extract_eval`` for the table in docs/monitor.md.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

CASES = Path(__file__).parent / "extract_cases"


def load_cases() -> list[dict]:
    return [dict(json.loads(p.read_text(encoding="utf-8")), name=p.stem) for p in sorted(CASES.glob("*.json"))]


def score(cases: list[dict] | None = None) -> dict:
    from backstop.monitor.extract import extract

    cases = load_cases() if cases is None else cases
    tp = fp = fn = counts_ok = 0
    wrong: list[str] = []
    for case in cases:
        got = {c.location: c for c in extract(case["text"], dt.date.fromisoformat(case["date"])) if c.location}
        exp = {e["location"]: e for e in case["expected"]}
        for loc, c in got.items():
            if loc in exp:
                tp += 1
                e = exp[loc]
                if (c.fatalities, c.injured, c.children) == (e["killed"], e["injured"], e["children"]):
                    counts_ok += 1
                else:
                    wrong.append(f"{case['name']} {loc}: counts {(c.fatalities, c.injured, c.children)} != {(e['killed'], e['injured'], e['children'])}")
            else:
                fp += 1
                wrong.append(f"{case['name']} {loc}: not an incident site")
        for loc in exp.keys() - got.keys():
            fn += 1
            wrong.append(f"{case['name']} {loc}: missed")
    return {
        "cases": len(cases), "expected_places": tp + fn, "predicted_places": tp + fp, "true_positives": tp,
        "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
        "counts_exact": counts_ok, "count_accuracy": counts_ok / tp if tp else 1.0, "errors": wrong,
    }


if __name__ == "__main__":
    s = score()
    print(f"{s['cases']} reports, {s['expected_places']} expected places, {s['predicted_places']} predicted")
    print(f"precision {s['precision']:.3f}  recall {s['recall']:.3f}  counts exact on {s['counts_exact']} of {s['true_positives']} found ({s['count_accuracy']:.3f})")
    for w in s["errors"]:
        print("  -", w)
