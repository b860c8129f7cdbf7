"""Typed results: what every analysis returns, and what report, CLI and JSON consume.

An analysis returns a :class:`Result`: headline sentences, a JSON-able ``data`` payload (the
shape its ``--json`` output documents), pandas frames (written as CSV), the assumptions it
used with their sources, and metadata (solver status, seed, run time).  Results never hold
figures or HTML; the report layer draws from the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Assumption:
    """An estimate the analysis relied on, with the public statement it is consistent with."""

    topic: str
    text: str
    source: str = ""
    as_of: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"topic": self.topic, "text": self.text, "source": self.source, "as_of": self.as_of}


@dataclass
class Result:
    """The outcome of one analysis (one capability) on one scenario.

    Attributes
    ----------
    name : str
        Capability key (``forcegen``, ``skies``, ...); also the report section module name.
    title : str
        Human title of the report section.
    summary : list of str
        Headline sentences for the one-screen summary, most important first.
    data : dict
        JSON-able payload; the documented ``--json`` shape of the capability.
    frames : dict of str to DataFrame
        Tables written as ``OUT/<name>_<key>.csv``.
    assumptions : list of Assumption
        Estimates used, each with its source.
    metadata : dict
        Run facts: status, seed, solver, wall time [s].
    requirements : list
        :class:`backstop.scenario.models.forcegen.Requirement` lines this analysis emits for
        force generation (empty for most analyses).
    """

    name: str
    title: str
    summary: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    assumptions: list[Assumption] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    requirements: list[Any] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The JSON-able form: ``data`` plus summary, metadata and assumptions."""
        return jsonable(
            {
                "name": self.name,
                "title": self.title,
                "summary": self.summary,
                **self.data,
                "metadata": self.metadata,
                "assumptions": [a.to_dict() for a in self.assumptions],
            }
        )


def jsonable(obj: Any) -> Any:
    """Convert numpy/pandas/pydantic/date values into plain JSON types (NaN/inf become None)."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if math.isfinite(f) else None
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, pd.DataFrame):
        return [jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, pd.Series):
        return jsonable(obj.to_dict())
    if hasattr(obj, "model_dump"):
        return jsonable(obj.model_dump(mode="json"))
    if hasattr(obj, "to_dict"):
        return jsonable(obj.to_dict())
    if hasattr(obj, "value") and hasattr(obj, "name"):  # enums
        return jsonable(obj.value)
    return str(obj)
