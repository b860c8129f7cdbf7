"""The command line starts fast: importing it pulls in no numerical stack.

``backstop --help`` must answer in well under a second, so ``backstop.cli`` and its command
modules import numpy, pandas, scipy and the analyses inside the command functions only
(docs/DEVELOPING.md).  This guards that rule for every command module: a module-level
``import numpy`` anywhere on the path from ``backstop.cli`` fails here.  It checks what is
imported, not how long it takes (speed lives in ``bench/``).
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "pandas", "scipy", "highspy", "matplotlib", "shapely", "pyproj", "duckdb", "fastapi", "ray", "backstop.pipeline")


def _imported_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_cli_loads_no_numerical_stack():
    mods = _imported_after("import backstop.cli")
    assert "backstop.cli.core" in mods  # the command modules themselves were imported
    heavy = sorted(m for m in mods if m.split(".")[0] in HEAVY or m in HEAVY)
    assert heavy == [], f"backstop.cli imports {heavy} at module level; import them inside the command functions"


def test_help_runs_without_the_numerical_stack():
    code = "import sys\nfrom backstop.cli import app\ntry:\n    app(args=['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass"
    mods = _imported_after(code)
    heavy = sorted(m for m in mods if m.split(".")[0] in HEAVY or m in HEAVY)
    assert heavy == [], f"`backstop --help` imports {heavy}"
