"""A throwaway PostgreSQL server for tests: Debian's binaries (``/usr/lib/postgresql/*/bin``),
a data directory of its own in a temporary folder, a free loopback port, trust authentication
on loopback only, stopped and deleted afterwards.

PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the
``postgres`` user (Debian's package creates it) through ``runuser``, in a folder given to it.
``postgres_skip_reason`` says why the tests that need it are skipped, when they are.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["postgres_skip_reason", "running_postgres", "free_port"]


def _bin_dir() -> Path | None:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def _run_as() -> list[str]:
    """The command prefix that runs the server as a user PostgreSQL accepts."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


def postgres_skip_reason() -> str | None:
    """Why a PostgreSQL test cannot run here, or None."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'reportqa[postgres]')"
    if _bin_dir() is None:
        return "PostgreSQL is not installed (apt-get install postgresql)"
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "running as root without runuser: PostgreSQL refuses to run as root"
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run PostgreSQL as"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_postgres() -> Iterator[str]:
    """A running server; yields the URL of its database ``reportqa`` (user ``reportqa``)."""
    bin_dir = _bin_dir()
    assert bin_dir is not None, postgres_skip_reason()
    as_user = _run_as()
    root = Path(tempfile.mkdtemp(prefix="reportqa-pg-"))
    data, log = root / "data", root / "server.log"
    if as_user:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    port = free_port()
    started = False
    try:
        subprocess.run(
            [*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "reportqa"]
            + ["-A", "trust", "--no-sync", "--no-instructions", "-E", "UTF8"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=on"
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options]
            + ["-w", "-t", "60", "start"],
            check=True,
            capture_output=True,
            timeout=90,
        )
        started = True
        subprocess.run(
            [*as_user, str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port)]
            + ["-U", "reportqa", "reportqa"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield f"postgresql://reportqa@127.0.0.1:{port}/reportqa"
    except subprocess.CalledProcessError as exc:
        server_log = log.read_text(errors="replace") if log.exists() else ""
        raise RuntimeError(
            f"{exc.cmd[len(as_user)]} failed: {exc.stderr.decode(errors='replace')}\n{server_log}"
        ) from None
    finally:
        if started:
            subprocess.run(
                [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(root, ignore_errors=True)
