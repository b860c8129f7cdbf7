"""Migrations, scenario revisions (byte-for-byte round trip, diff, restore) and the audit chain."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from backstop.errors import InputError
from backstop.scenario import bundled_path
from backstop.workspace import audit, scenarios
from backstop.workspace.db import Database, current, downgrade, head, upgrade
from backstop.workspace.service import Actor, Conflict, Forbidden, NotFound
from tests.workspace.conftest import AS_OF

PLANNER = Actor("pia", "GBR", "planner", AS_OF)
TABLES = {"users", "scenarios", "revisions", "revision_files", "rounds", "pledges", "audit_events", "settings"}


def test_migrations_upgrade_from_empty_and_downgrade(db_url):
    assert current(db_url) is None
    upgrade(db_url)
    assert current(db_url) == head()
    db = Database(db_url)
    assert TABLES <= set(inspect(db.engine).get_table_names())
    upgrade(db_url)  # idempotent
    downgrade(db_url, "base", engine=db.engine)
    assert not (TABLES & set(inspect(db.engine).get_table_names()))
    upgrade(db_url, engine=db.engine)
    assert TABLES <= set(inspect(db.engine).get_table_names())
    db.dispose()


def test_runs_migration_upgrades_and_downgrades_alone(db_url):
    """0002 (runs) on top of 0001: down to 0001 drops only its tables, up again restores them."""
    runs_tables = {"runs", "run_files", "commitment_actions", "meetings", "meeting_items"}
    upgrade(db_url, "0001")
    db = Database(db_url)
    assert TABLES <= set(inspect(db.engine).get_table_names()) and not runs_tables & set(inspect(db.engine).get_table_names())
    upgrade(db_url, "0002", engine=db.engine)
    assert runs_tables <= set(inspect(db.engine).get_table_names())
    downgrade(db_url, "0001", engine=db.engine)
    names = set(inspect(db.engine).get_table_names())
    assert TABLES <= names and not runs_tables & names and current(db_url) == "0001"
    upgrade(db_url, engine=db.engine)
    assert runs_tables <= set(inspect(db.engine).get_table_names()) and current(db_url) == head()
    db.dispose()


def test_bundled_scenario_round_trips_byte_for_byte(database, tmp_path):
    files = scenarios.read_folder(bundled_path())
    assert "scenario.toml" in files and "pledges.csv" in files
    with database.write() as s:
        rev = scenarios.save_revision(s, PLANNER, "ukraine-2025", files, "bundled")
        assert rev.number == 1
    with database.read() as s:
        _, back = scenarios.export(s, PLANNER, "ukraine-2025")
    out = scenarios.write_folder(back, tmp_path / "pulled")
    src = bundled_path()
    assert sorted(p.name for p in out.iterdir()) == sorted(files)
    for name in files:
        assert (out / name).read_bytes() == (src / name).read_bytes(), name
    # the pulled folder is a valid scenario the CLI reads
    from backstop.scenario import read_scenario

    assert read_scenario(out).config.scenario.name == "ukraine-2025"


def test_revisions_diff_restore_and_conflict(database):
    files = scenarios.read_folder(bundled_path())
    with database.write() as s:
        scenarios.save_revision(s, PLANNER, "sc", files, "first")
    edited = dict(files)
    edited["pledges.csv"] = files["pledges.csv"].replace(b"GBR-02,GBR,mech_battalion,4,", b"GBR-02,GBR,mech_battalion,6,")
    assert edited["pledges.csv"] != files["pledges.csv"]
    edited["scenario.toml"] = files["scenario.toml"].replace(b"rotation_months = 6", b"rotation_months = 4")
    with database.write() as s:
        assert scenarios.save_revision(s, PLANNER, "sc", edited, "more UK battalions", base=1).number == 2
    with database.write() as s:  # same content again: no new revision
        assert scenarios.save_revision(s, PLANNER, "sc", edited, "again").number == 2
    with database.read() as s:
        d = scenarios.diff(s, PLANNER, "sc", 1, 2)
    assert set(d) == {"pledges.csv", "scenario.toml"}
    ch = d["pledges.csv"]["changed"]
    assert ch == [{"key": "GBR-02", "fields": {"quantity": ["4", "6"]}}]
    assert d["scenario.toml"]["changed"] == [{"key": "forcegen.rotation_months", "fields": {"value": ["6", "4"]}}]
    # a save based on revision 1 while the head is 2 is a conflict naming what changed
    with pytest.raises(Conflict) as exc, database.write() as s:
        scenarios.save_revision(s, PLANNER, "sc", files, "stale", base=1)
    assert exc.value.detail["head"] == 2 and "pledges.csv" in exc.value.detail["changed_tables"]
    with database.write() as s:
        r3 = scenarios.restore(s, PLANNER, "sc", 1, base=2)
        assert (r3.number, r3.restored_from) == (3, 1)
    with database.read() as s:
        assert scenarios.diff(s, PLANNER, "sc", 1, 3) == {}
        assert [r.number for r in scenarios.get_scenario(s, PLANNER, "sc").revisions] == [1, 2, 3]


def test_invalid_scenario_is_refused_with_the_cli_messages_and_nothing_saved(database):
    files = scenarios.read_folder(bundled_path())
    bad = dict(files)
    bad["pledges.csv"] = files["pledges.csv"].replace(b"GBR-02,GBR,mech_battalion,4,", b"GBR-02,GBR,mech_battalion,-4,")
    with pytest.raises(InputError) as exc, database.write() as s:
        scenarios.save_revision(s, PLANNER, "sc", bad, "bad")
    p = exc.value.problems[0]
    assert (p.file, p.location, p.field, p.value) == ("pledges.csv", "line 3", "quantity", "-4")
    with database.read() as s:
        with pytest.raises(NotFound):
            scenarios.get_scenario(s, PLANNER, "sc")
        assert audit.verify(s).events == 0


@pytest.mark.parametrize("name", ["../etc", "a/b", "..", "", "x" * 101, "a\\b"])
def test_path_tricks_in_names_are_refused(name):
    with pytest.raises(InputError) as exc:
        scenarios.check_name(name)
    assert exc.value.problems[0].field == "name"


def test_path_tricks_in_file_names_are_refused(tmp_path):
    with pytest.raises(InputError):
        scenarios.validate_files({"../evil.csv": b"x", "scenario.toml": b""})
    with pytest.raises(InputError):
        scenarios.write_folder({"../evil.csv": b"x"}, tmp_path / "o")
    assert not (tmp_path / "evil.csv").exists()


def test_other_nations_cannot_see_or_write_a_national_scenario(database):
    files = scenarios.read_folder(bundled_path())
    with database.write() as s:
        scenarios.save_revision(s, PLANNER, "gbr-only", files, "", releasable_to=())
    fra = Actor("fred", "FRA", "planner", AS_OF)
    with database.read() as s:
        with pytest.raises(NotFound):
            scenarios.get_scenario(s, fra, "gbr-only")
        assert scenarios.visible_scenarios(s, fra) == []
    with pytest.raises(NotFound), database.write() as s:
        scenarios.save_revision(s, fra, "gbr-only", files, "")
    with database.read() as s:
        version = scenarios.get_scenario(s, PLANNER, "gbr-only").version
    with pytest.raises(Conflict), database.write() as s:
        scenarios.relabel(s, PLANNER, "gbr-only", ("FRA",), version=version - 1)
    with database.write() as s:
        scenarios.relabel(s, PLANNER, "gbr-only", ("FRA",), version=version)
    with database.read() as s:
        assert [x.name for x in scenarios.visible_scenarios(s, fra)] == ["gbr-only"]
    with pytest.raises(Forbidden), database.write() as s:  # visible, but owned by GBR
        scenarios.save_revision(s, fra, "gbr-only", files, "x")


def _events(database, n):
    with database.write() as s:
        for i in range(n):
            audit.append(s, actor="a", actor_nation="GBR", action="test", target=f"t{i}", owner="GBR", after={"i": i})


def test_audit_chain_verifies_and_database_refuses_edits(database):
    _events(database, 5)
    with database.read() as s:
        v = audit.verify(s)
    assert v.ok and v.events == 5
    with pytest.raises(Exception, match="append-only"), database.write() as s:
        s.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
    with pytest.raises(Exception, match="append-only"), database.write() as s:
        s.execute(text("DELETE FROM audit_events WHERE seq = 5"))


def _drop_guard(database):
    with database.write() as s:
        if database.engine.dialect.name == "sqlite":
            s.execute(text("DROP TRIGGER audit_events_no_update"))
            s.execute(text("DROP TRIGGER audit_events_no_delete"))
        else:
            s.execute(text("DROP TRIGGER audit_events_append_only ON audit_events"))


@pytest.mark.parametrize(
    ("sql", "bad_seq", "reason"),
    [
        ("UPDATE audit_events SET after = 'tampered' WHERE seq = 3", 3, "edited"),
        ("DELETE FROM audit_events WHERE seq = 2", 3, "sequence"),
        ("UPDATE audit_events SET actor = 'mallory', hash = 'x' WHERE seq = 4", 4, "edited"),
    ],
)
def test_audit_verify_detects_tampering_behind_the_application(database, sql, bad_seq, reason):
    """A superuser who drops the triggers and edits the table is still caught by the chain."""
    _events(database, 5)
    _drop_guard(database)
    with database.write() as s:
        s.execute(text(sql))
    with database.read() as s:
        v = audit.verify(s)
    assert not v.ok and v.first_bad_seq == bad_seq and reason in v.reason


def test_recomputed_hash_of_an_edit_breaks_the_next_link(database):
    _events(database, 4)
    _drop_guard(database)
    with database.read() as s:
        ev = s.get(audit.AuditEvent, 2)
        values = {k: getattr(ev, k) for k in audit.FIELDS}
    values["after"] = '{"i":42}'
    with database.write() as s:
        s.execute(text("UPDATE audit_events SET after = :a, hash = :h WHERE seq = 2"), {"a": values["after"], "h": audit.event_hash(values)})
    with database.read() as s:
        v = audit.verify(s)
    assert not v.ok and v.first_bad_seq == 3 and "prev_hash" in v.reason
