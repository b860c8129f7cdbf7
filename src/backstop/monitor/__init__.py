"""Ceasefire and guarantee monitoring: ingest incident reports, find violations, fire commitments."""
