"""Benchmarks: a registry of seeded scenario builders swept over size (``python -m bench``)."""
