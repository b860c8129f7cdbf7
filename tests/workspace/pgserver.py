"""A throw-away PostgreSQL server (Debian package) for tests and benchmarks: initdb + pg_ctl.

The server listens on a Unix socket in its own temporary folder only (no TCP port, nothing outside the
machine). PostgreSQL refuses to run as root, so under root (CI) it runs as the ``postgres`` system user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path


def find_bin() -> Path | None:
    """Folder holding initdb and pg_ctl (Debian: /usr/lib/postgresql/<major>/bin), or None."""
    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(cand, "initdb").exists() and Path(cand, "pg_ctl").exists():
            return Path(cand)
    which = shutil.which("initdb")
    return Path(which).parent if which else None


def unavailable_reason() -> str | None:
    if find_bin() is None:
        return "PostgreSQL server binaries not found (apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and no 'postgres' user to run the server as"
    return None


class PostgresServer:
    """Start with :meth:`start`, stop with :meth:`stop`; :attr:`url` is a SQLAlchemy psycopg URL."""

    def __init__(self) -> None:
        self.bin = find_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="bspg-"))
        self.data = self.dir / "data"
        self.socket = self.dir
        self._user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self._user:
            cmd = ["runuser", "-u", self._user, "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> PostgresServer:
        if self._user:
            shutil.chown(self.dir, self._user, self._user)
            os.chmod(self.dir, 0o700)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C")
        opts = f"-k {self.socket} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")
        self._run("createdb", "-h", str(self.socket), "-U", "postgres", "backstop")
        return self

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@/backstop?host={self.socket}"

    def new_database(self, name: str) -> str:
        self._run("createdb", "-h", str(self.socket), "-U", "postgres", name)
        return f"postgresql+psycopg://postgres@/{name}?host={self.socket}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except Exception:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
