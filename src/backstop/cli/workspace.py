"""Workspace commands: ``serve``, ``db``, ``users``, ``push``, ``pull``, ``audit``.

Heavy imports (FastAPI, SQLAlchemy, uvicorn, httpx) happen inside the commands.
"""

from __future__ import annotations

import contextlib
import sys

import typer

from backstop.cli.common import console, err_console

DB_HELP = "Database URL: sqlite:///PATH or postgresql+psycopg://USER:PASS@HOST/DB (default: SQLite file in the user's data folder)."


def _require_web():
    from backstop.errors import require

    for mod in ("fastapi", "sqlalchemy", "alembic", "argon2", "uvicorn", "httpx"):
        require(mod, "web", "the workspace")


def _password(prompt: str, confirm: bool) -> str:
    """From the terminal (hidden, confirmed), or the first line of stdin when it is not a terminal."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        db: str = typer.Option(None, "--db", help=DB_HELP),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (127.0.0.1: this machine only)."),
        port: int = typer.Option(8000, "--port", help="TCP port."),
        demo: bool = typer.Option(False, "--demo", help="Load the bundled scenario and a demo user per role (a fresh demo database unless --db)."),
        https: bool = typer.Option(False, "--https", help="Mark cookies Secure (behind a TLS-terminating proxy)."),
        jobs: str = typer.Option(None, "--jobs", help="Where analysis runs execute: local (worker processes, default), ray (a local Ray) or ray:ADDRESS (a Ray cluster). Default: $BACKSTOP_JOBS or local."),
        job_workers: int = typer.Option(None, "--job-workers", min=0, help="Analysis runs at once (default: 2, or 1 on a single core; 0: runs stay queued)."),
    ) -> None:
        """Run the coalition workspace (web pages and JSON API); migrations apply at start."""
        _require_web()
        import logging

        import uvicorn

        from backstop.workspace.app import create_app
        from backstop.workspace.db import Database, data_dir

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        url = db
        users = []
        if demo:
            if url is None:
                path = data_dir() / "demo.db"
                for suffix in ("", "-wal", "-shm"):
                    p = path.with_name(path.name + suffix)
                    if p.exists():
                        p.unlink()
                url = f"sqlite:///{path}"
            from backstop.workspace.demo import load_demo

            d = Database(url)
            d.upgrade()
            users = load_demo(d)
            d.dispose()
        app = create_app(url, https=https, jobs=jobs, job_workers=job_workers)
        console.print(f"backstop workspace on http://{host}:{port}/  (database: {app.state.ws.db.url.split('@')[-1]})")
        for name, nation, role, password in users:
            console.print(f"  demo user {name:10s} {nation}  {role:9s}  password: {password}", highlight=False)
        uvicorn.run(app, host=host, port=port, log_level="info", timeout_keep_alive=30)

    db_app = typer.Typer(help="The workspace database: migrations.", no_args_is_help=True)
    app.add_typer(db_app, name="db")

    @db_app.command("upgrade")
    def db_upgrade(db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
        """Apply every migration (idempotent)."""
        _require_web()
        from backstop.workspace.db import current, default_url, upgrade

        url = db or default_url()
        upgrade(url)
        console.print(f"database at revision {current(url)}")

    @db_app.command("current")
    def db_current(db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
        """Print the migration the database is at, and the newest this backstop ships."""
        _require_web()
        from backstop.workspace.db import current, head

        console.print(f"current: {current(db) or 'empty (never migrated)'}\nhead:    {head()}")

    users_app = typer.Typer(help="Workspace accounts.", no_args_is_help=True)
    app.add_typer(users_app, name="users")

    @users_app.command("add")
    def users_add(
        name: str = typer.Argument(..., help="User name."),
        nation: str = typer.Option(..., "--nation", help="ISO3 code of the user's nation."),
        role: str = typer.Option(..., "--role", help="admin, planner, poc, guarantor or observer."),
        db: str = typer.Option(None, "--db", help=DB_HELP),
    ) -> None:
        """Create an account; the password is read from a prompt (or the first line of stdin), never an argument."""
        _require_web()
        from backstop.workspace.auth import add_user, validate_new_password
        from backstop.workspace.db import Database
        from backstop.workspace.permissions import check_nation, check_role

        check_nation(nation)
        check_role(role)
        password = validate_new_password(_password(f"Password for {name}", confirm=True))
        d = Database(db)
        d.upgrade()
        with d.write() as s:
            user = add_user(s, name, nation, role, password)
            console.print(f"user {user.name} ({user.nation}, {user.role}) created")
        d.dispose()

    audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
    app.add_typer(audit_app, name="audit")

    @audit_app.command("verify")
    def audit_verify(db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
        """Recompute the hash chain; exit 1 and name the first bad event if the log was edited."""
        _require_web()
        from backstop.workspace import audit
        from backstop.workspace.db import Database

        d = Database(db)
        with d.read() as s:
            v = audit.verify(s)
            head = s.execute(__import__("sqlalchemy").text("SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1")).scalar()
        d.dispose()
        (console if v.ok else err_console).print(str(v), highlight=False)
        if v.ok and head:
            console.print(f"head hash: {head}  (keep it: a later verify that does not reach it means the tail was cut)")
        if not v.ok:
            raise typer.Exit(1)

    def _client(server: str, user: str):
        import httpx

        from backstop.errors import input_error

        password = _password(f"Password for {user} at {server}", confirm=False)
        client = httpx.Client(base_url=server.rstrip("/"), timeout=60)
        try:
            r = client.post("/api/session", json={"name": user, "password": password})
            _check(r, server)
        except httpx.HTTPError as exc:
            client.close()
            raise input_error("<cli>", "argument --server", "server", server, f"cannot reach the workspace ({exc})", "check the URL and that `backstop serve` runs") from None
        except Exception:
            client.close()
            raise
        client.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return client

    def _check(r, server: str) -> None:
        from backstop.errors import InputError, Problem, input_error

        if r.status_code < 400:
            return
        try:
            body = r.json()
        except ValueError:
            body = {"error": r.text[:200]}
        if body.get("problems"):
            raise InputError([Problem(**p) for p in body["problems"]])
        raise input_error("<server>", server, "", "", f"{r.status_code}: {body.get('error', '')}", "see the workspace's message above")

    @app.command()
    def push(
        folder: str = typer.Argument(..., help="Scenario folder (scenario.toml and CSV tables)."),
        server: str = typer.Option(..., "--server", help="Workspace URL, e.g. http://127.0.0.1:8000"),
        user: str = typer.Option(..., "--user", help="Your user name (password from the prompt or stdin)."),
        name: str = typer.Option(None, "--name", help="Scenario name in the workspace (default: the folder's name)."),
        message: str = typer.Option("", "-m", "--message", help="What changed."),
        base: int = typer.Option(None, "--base", help="Revision you started from: refused (409) if someone saved since."),
    ) -> None:
        """Save a scenario folder as a new revision in the workspace."""
        _require_web()
        import base64
        from pathlib import Path

        from backstop.workspace.scenarios import read_folder, validate_files

        files = read_folder(folder)
        validate_files(files)
        scenario_name = name or Path(folder).resolve().name
        with contextlib.closing(_client(server, user)) as client:
            r = client.post(f"/api/scenarios/{scenario_name}/revisions",
                            json={"files": {k: base64.b64encode(v).decode() for k, v in files.items()}, "message": message, "base": base})
        _check(r, server)
        rev = r.json()
        console.print(f"{scenario_name}: revision {rev['number']} ({rev['content_sha256'][:12]})")

    @app.command()
    def pull(
        name: str = typer.Argument(..., help="Scenario name in the workspace."),
        server: str = typer.Option(..., "--server", help="Workspace URL."),
        user: str = typer.Option(..., "--user", help="Your user name (password from the prompt or stdin)."),
        out: str = typer.Option(..., "-o", "--out", help="Folder to write (created or replaced)."),
        revision: int = typer.Option(None, "--revision", help="Revision number (default: the newest)."),
    ) -> None:
        """Write a scenario revision from the workspace into a folder, byte for byte."""
        _require_web()
        import base64

        from backstop.workspace.scenarios import write_folder

        with contextlib.closing(_client(server, user)) as client:
            r = client.get(f"/api/scenarios/{name}")
            _check(r, server)
            number = revision or r.json()["head"]
            r = client.get(f"/api/scenarios/{name}/revisions/{number}")
            _check(r, server)
        files = {k: base64.b64decode(v) for k, v in r.json()["files"].items()}
        path = write_folder(files, out)
        console.print(f"{name} revision {number} -> {path} ({len(files)} files)")
