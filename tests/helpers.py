"""Test helpers importable from any test module (``from tests.helpers import run_cli``)."""

from tests.conftest import run_cli  # noqa: F401
