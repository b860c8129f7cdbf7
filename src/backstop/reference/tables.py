"""Read the bundled CSV reference tables (cached; read-only frames)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

_BOOL_COLUMNS = {
    "assumption",
    "confirmed",
    "ground",
    "combat",
    "air_isr_intel",
    "in_ukraine",
    "engages_drone",
    "engages_decoy",
    "engages_cruise",
    "engages_ballistic",
}
REQUIRED_COLUMNS = ("source", "as_of")


def _data_dir():
    return resources.files("backstop.reference") / "data"


def table_names() -> list[str]:
    """Names of the bundled tables (file stems)."""
    return sorted(p.name[:-4] for p in _data_dir().iterdir() if p.name.endswith(".csv"))


@cache
def _load(name: str) -> pd.DataFrame:
    path = _data_dir() / f"{name}.csv"
    if not path.is_file():
        raise KeyError(f"no bundled reference table '{name}'; available: {', '.join(table_names())}")
    with path.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    for col in df.columns:
        if col in _BOOL_COLUMNS:
            df[col] = df[col].str.strip().str.lower().map({"true": True, "false": False, "": False})
    return df


def load_table(name: str) -> pd.DataFrame:
    """A copy of bundled table ``name`` (all text columns, booleans parsed, '' for empty cells)."""
    return _load(name).copy()
