"""The workspace commands: db, users add (password from stdin), audit verify, push and pull (byte for byte)."""

from __future__ import annotations

import io
import sys

import pytest
from sqlalchemy import text

from backstop.scenario import bundled_path
from tests.conftest import run_cli
from tests.workspace.conftest import AS_OF
from tests.workspace.helpers import PASSWORD, add_users, close, make_client
from tests.workspace.live import LiveServer


def _cli(monkeypatch, stdin: str, *args: str):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return run_cli(*args)


def test_db_users_and_audit_verify(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ws.db'}"
    code, out, _ = run_cli("db", "current", "--db", url)
    assert code == 0 and "empty" in out
    code, out, _ = run_cli("db", "upgrade", "--db", url)
    from backstop.workspace.db import head

    assert code == 0 and head() in out
    code, out, err = _cli(monkeypatch, "a good long password\n", "users", "add", "ana", "--nation", "nor", "--role", "admin", "--db", url)
    assert code == 0 and "ana (NOR, admin)" in out
    code, _, err = _cli(monkeypatch, "short\n", "users", "add", "bo", "--nation", "NOR", "--role", "admin", "--db", url)
    assert code == 2 and "too short" in err
    code, _, err = _cli(monkeypatch, "a good long password\n", "users", "add", "bo", "--nation", "XXX", "--role", "admin", "--db", url)
    assert code == 2 and "unknown state" in err and "Traceback" not in err
    code, _, err = _cli(monkeypatch, "a good long password\n", "users", "add", "bo", "--nation", "NOR", "--role", "king", "--db", url)
    assert code == 2 and "unknown role" in err
    code, out, _ = run_cli("audit", "verify", "--db", url)
    assert code == 0 and "intact: 1 events" in out
    from backstop.workspace.db import Database

    db = Database(url)
    with db.write() as s:
        s.execute(text("DROP TRIGGER audit_events_no_update"))
        s.execute(text("UPDATE audit_events SET after = 'x' WHERE seq = 1"))
    db.dispose()
    code, _, err = run_cli("audit", "verify", "--db", url)
    assert code == 1 and "BROKEN at event 1" in err


def test_bad_database_url_is_a_located_error():
    code, _, err = run_cli("db", "current", "--db", "mysql://x@y/z")
    assert code == 2 and "unsupported database URL" in err


def test_push_then_pull_is_byte_for_byte(tmp_path, monkeypatch):
    client = make_client(f"sqlite:///{tmp_path / 'ws.db'}", AS_OF)
    add_users(client.app, [("pia", "GBR", "planner"), ("obs", "HUN", "observer")])
    server = LiveServer(client.app).start()
    try:
        code, out, err = _cli(monkeypatch, PASSWORD + "\n", "push", str(bundled_path()), "--server", server.url, "--user", "pia", "-m", "bundled")
        assert code == 0, err
        assert "ukraine-2025: revision 1" in out
        dst = tmp_path / "pulled"
        code, out, err = _cli(monkeypatch, PASSWORD + "\n", "pull", "ukraine-2025", "--server", server.url, "--user", "pia", "-o", str(dst))
        assert code == 0, err
        src = bundled_path()
        names = sorted(p.name for p in src.iterdir() if p.suffix in (".csv", ".toml"))
        assert sorted(p.name for p in dst.iterdir()) == names
        assert all((dst / n).read_bytes() == (src / n).read_bytes() for n in names)
        # a stale base is refused with the conflict; a wrong password is a clear error
        code, _, err = _cli(monkeypatch, PASSWORD + "\n", "push", str(dst), "--name", "ukraine-2025", "--server", server.url, "--user", "pia", "--base", "0")
        assert code == 2 and "409" in err
        code, _, err = _cli(monkeypatch, "wrong password\n", "pull", "ukraine-2025", "--server", server.url, "--user", "pia", "-o", str(dst))
        assert code == 2 and "unknown user or wrong password" in err
        # a HUN observer: Hungary is not in the coalition, so the COALITION scenario is not found
        code, _, err = _cli(monkeypatch, PASSWORD + "\n", "pull", "ukraine-2025", "--server", server.url, "--user", "obs", "-o", str(tmp_path / "o2"))
        assert code == 2 and "404" in err and not (tmp_path / "o2").exists()
    finally:
        server.stop()
        close(client)


@pytest.mark.parametrize("args", [["push", ".", "--server", "http://127.0.0.1:9", "--user", "x"]])
def test_unreachable_server_is_a_clear_error(args, monkeypatch, tmp_path):
    import shutil

    shutil.copytree(bundled_path(), tmp_path / "s")
    args = [a if a != "." else str(tmp_path / "s") for a in args]
    code, _, err = _cli(monkeypatch, "pw\n", *args)
    assert code == 2 and "cannot reach the workspace" in err


def test_cli_imports_no_web_stack_at_start():
    import subprocess

    code = "import sys, backstop.cli; bad = [m for m in ('fastapi', 'sqlalchemy', 'uvicorn', 'httpx', 'alembic') if m in sys.modules]; print(bad); sys.exit(bool(bad))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_demo_populates_a_workspace(tmp_path):
    from backstop.workspace import pledges, scenarios
    from backstop.workspace.db import Database
    from backstop.workspace.demo import DEMO_USERS, load_demo
    from backstop.workspace.service import Actor

    db = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    db.upgrade()
    users = load_demo(db)
    assert [u[:3] for u in users] == DEMO_USERS and all(len(u[3]) >= 10 for u in users)
    fra, nor = Actor("poc-fra", "FRA", "poc", AS_OF), Actor("poc-nor", "NOR", "poc", AS_OF)
    with db.read() as s:
        assert [x.name for x in scenarios.visible_scenarios(s, fra)] == ["ukraine-2025"]
        rid = pledges.visible_rounds(s, fra)[0].id
        seen_by_fra = {p.owner for p in pledges.list_pledges(s, fra, rid)}
        seen_by_nor = {p.owner for p in pledges.list_pledges(s, nor, rid)}
    assert seen_by_fra == {"FRA"} and seen_by_nor == {"FRA", "NOR"}  # Norway's pledges are national-only
    db.dispose()
