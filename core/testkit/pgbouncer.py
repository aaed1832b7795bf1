"""A private PgBouncer in transaction mode for tests (Debian's `pgbouncer` package).

Its own ini, log and pid in a temporary folder, a free port on 127.0.0.1, `pool_mode = transaction`,
`auth_type = any`, every database forwarded to the PostgreSQL of the given URL. Never the system's
PgBouncer service.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from .server import free_port


def pgbouncer_binary() -> str | None:
    """The pgbouncer executable (Debian installs it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("pgbouncer") or next(
        (p for p in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.access(p, os.X_OK)), None)


@contextmanager
def running_pgbouncer(upstream_url: str, *, pool_size: int = 2, startup_seconds: float = 20) -> Iterator[int]:
    """Start PgBouncer in front of `upstream_url`'s server; yield its port; stop it afterwards.

    `pool_size` server connections per database and user: small, so that client connections
    share server connections as they do in production."""
    binary = pgbouncer_binary()
    if binary is None:
        raise FileNotFoundError("pgbouncer is not installed (apt-get install -y pgbouncer)")
    upstream = make_url(upstream_url)
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="yibao-pgbouncer-"))
    folder.chmod(0o755)  # run as root, PgBouncer drops to the postgres user (-u) and must read its ini
    ini = folder / "pgbouncer.ini"
    login = f"user={upstream.username or 'postgres'}" + (f" password={upstream.password}" if upstream.password else "")
    ini.write_text(f"""[databases]
* = host={upstream.host or '127.0.0.1'} port={upstream.port or 5432} {login}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 200
server_round_robin = 0
ignore_startup_parameters = extra_float_digits
""", encoding="utf-8")
    ini.chmod(0o640 if upstream.password else 0o644)
    if upstream.password and os.geteuid() == 0:
        shutil.chown(ini, group="postgres")  # readable by the user PgBouncer runs as, no one else
    command = [binary, str(ini)]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "postgres"]  # PgBouncer refuses to run as root
    log = (folder / "pgbouncer.log").open("w")  # a file, not a pipe: its log never blocks it
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + startup_seconds  # a bound on waiting, not a measurement
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"pgbouncer exited with {proc.returncode}: "
                                   f"{(folder / 'pgbouncer.log').read_text(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("pgbouncer did not start listening") from None
                time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def through(url: str, port: int) -> str:
    """`url` with its host and port replaced by the local PgBouncer's."""
    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
