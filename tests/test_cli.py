"""Foundation commands: facts, schema, exit codes."""

from __future__ import annotations

import json

from tests.conftest import run_cli


def test_facts_members_json():
    code, out, err = run_cli("facts", "members", "--body", "nato", "--as-of", "2024-03-07", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["count"] == 32 and "SWE" in data["members"]


def test_facts_members_airspace_alias():
    code, out, _ = run_cli("facts", "members", "--body", "airspace-closed-to-RUS", "--as-of", "2022-03-05", "--json")
    assert code == 0
    assert "CHE" in json.loads(out)["members"]


def test_facts_bad_date_and_body_exit_2():
    code, _, err = run_cli("facts", "members", "--body", "nato", "--as-of", "07/03/2024")
    assert code == 2 and "--as-of" in err and "YYYY-MM-DD" in err
    code, _, err = run_cli("facts", "members", "--body", "warsaw-pact", "--as-of", "2024-03-07")
    assert code == 2 and "warsaw-pact" in err
    assert "Traceback" not in err


def test_unknown_option_exit_2():
    code, _, err = run_cli("facts", "members", "--bogus")
    assert code == 2


def test_schema_json_lists_tables():
    code, out, _ = run_cli("schema", "--json")
    assert code == 0
    d = json.loads(out)
    assert "pledges" in d["tables"] and "scenario" in d["scenario.toml"]


def test_facts_tables_render():
    for name in ("capabilities", "zones", "systems", "threats", "ports", "energy"):
        code, out, err = run_cli("facts", name, "--json")
        assert code == 0, (name, err)
        assert json.loads(out), name


def test_missing_extra_message():
    import pytest

    from backstop.errors import MissingExtraError, require

    with pytest.raises(MissingExtraError, match=r"pip install 'backstop\[scale\]'"):
        require("backstop_no_such_module", "scale", "Cluster sweeps")


def test_shared_options_defined_once():
    """ScenarioArg, JsonOpt, SeedOpt, QuickOpt live in cli/common.py; every command uses them."""
    from pathlib import Path

    import backstop.cli as cli

    folder = Path(cli.__file__).parent
    texts = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.py")}
    for flag in ('"--json"', '"--seed"', '"--quick"', "ScenarioArg = Annotated", "JsonOpt = Annotated"):
        where = [name for name, text in texts.items() if flag in text]
        assert where == ["common.py"], (flag, where)
    for name in ("core.py", "forcegen.py", "seas.py", "skies.py", "summit.py", "monitor.py"):
        assert "JsonOpt" in texts[name], name
    code, out, _ = run_cli("seas", "--help")
    assert code == 0 and "--json" in out and "Scenario folder" in out
