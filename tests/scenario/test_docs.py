"""The generated scenario-format documentation stays in step with the models."""

from pathlib import Path

from backstop.scenario.docs import schema_dict, schema_markdown
from backstop.scenario.models import TABLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md"


def test_docs_scenario_format_is_current():
    assert DOC.is_file(), "docs/scenario-format.md missing: run `make docs`"
    assert DOC.read_text(encoding="utf-8") == schema_markdown(), "docs/scenario-format.md is stale: run `make docs`"


def test_every_field_is_described():
    d = schema_dict()
    for group in (d["scenario.toml"].values(), d["tables"].values()):
        for item in group:
            for f in item.get("fields", item.get("columns", [])):
                assert f["description"], f"field {f['name']} has no description"
    assert set(d["tables"]) == set(TABLES)
