"""Shared fixtures of the safe-seas tests (the bundled result is computed once)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def seas_result(bundled):
    from backstop.seas.analysis import run

    return run(bundled)


@pytest.fixture(scope="session")
def corridor_ports(bundled):
    from backstop.seas.analysis import plan_corridor

    plan = plan_corridor(bundled)
    return plan.ports, plan.destination
