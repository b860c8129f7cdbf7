"""Safe seas: a shipping corridor from Ukraine's ports to the Bosporus, port exposure, and the
mine countermeasures, escorts and maritime patrol it takes (see docs/seas.md)."""
