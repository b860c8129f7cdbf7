"""Column layouts of the monitoring store and of the two input shapes it accepts.

* ACLED-compatible incident reports (Raleigh, Linke, Hegre & Karlsen 2010, "Introducing ACLED",
  *Journal of Peace Research* 47(5); ACLED Codebook 2023): one row per reported event with date,
  type, actors, place, coordinates and fatalities; ``injured`` and ``source`` added.
* Ukrainian Air Force daily summaries of overnight attacks (the shape of the public
  "petro-ivaniuk" Kaggle transcription of the Air Force's Telegram reports): one row per weapon
  model and night, with launched and destroyed counts and the target text.
"""

from __future__ import annotations

ACLED_COLUMNS = (
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "fatalities",
    "injured",
    "notes",
    "source",
)
"""Columns of an incident report; ``event_date``, ``latitude``, ``longitude`` are required."""
ACLED_OPTIONAL = ("event_id", "illustrative", "verified")
ACLED_REQUIRED = ("event_date", "latitude", "longitude")

AIR_COLUMNS = ("time_start", "time_end", "model", "launched", "destroyed", "target")
"""Columns of an Air Force daily summary row (all required but ``target``)."""
AIR_REQUIRED = ("time_start", "model", "launched")

DDL = """
CREATE SEQUENCE IF NOT EXISTS import_seq START 1;
CREATE TABLE IF NOT EXISTS imports (
    import_id   INTEGER PRIMARY KEY,
    file_sha256 VARCHAR NOT NULL UNIQUE,
    path        VARCHAR,
    kind        VARCHAR,
    rows_read   INTEGER,
    rows_added  INTEGER,
    rows_bad    INTEGER,
    imported_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS reports (
    row_hash       VARCHAR PRIMARY KEY,
    import_id      INTEGER NOT NULL,
    line           INTEGER,
    event_id       VARCHAR,
    event_date     DATE NOT NULL,
    event_type     VARCHAR,
    sub_event_type VARCHAR,
    actor1         VARCHAR,
    actor2         VARCHAR,
    admin1         VARCHAR,
    location       VARCHAR,
    latitude       DOUBLE NOT NULL,
    longitude      DOUBLE NOT NULL,
    fatalities     INTEGER NOT NULL,
    injured        INTEGER NOT NULL,
    notes          VARCHAR,
    source         VARCHAR,
    illustrative   BOOLEAN NOT NULL,
    verified       BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS air_reports (
    row_hash   VARCHAR PRIMARY KEY,
    import_id  INTEGER NOT NULL,
    line       INTEGER,
    time_start TIMESTAMP NOT NULL,
    time_end   TIMESTAMP,
    model      VARCHAR NOT NULL,
    launched   INTEGER NOT NULL,
    destroyed  INTEGER NOT NULL,
    target     VARCHAR
);
"""

REPORT_FIELDS = ("event_id", *ACLED_COLUMNS, "illustrative", "verified")
"""Columns of ``reports`` that a row hash covers (everything but provenance)."""
