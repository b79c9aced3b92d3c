"""Shared fixtures and helpers for the test suite."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
#: Grading workers for a test course whose verdicts no clock decides: one more than the cores, since a job
#: spends part of its time waiting (for its kernel, on files) and the extra worker fills that time (on two
#: cores the pipeline's course was graded in 247 s instead of 314 s; courses that run the heavy cells that
#: only show gained little). A course with hand-ins that time out on purpose is graded on one worker per core.
GRADING_WORKERS = (os.cpu_count() or 2) + 1


@contextmanager
def no_warnings():
    """Turn every warning and floating-point error inside the block into an exception."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        yield


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_bin(name):
    found = shutil.which(name) or sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql)")
    return str(found if isinstance(found, str) else found[-1])


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server in a temporary folder, on a free port, with trust authentication; a function
    that makes a database on it and gives its SQLAlchemy URL."""
    folder = Path(tempfile.mkdtemp(prefix="nn-postgres-"))  # outside pytest's folder, which only root may enter
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    as_user = []
    if os.geteuid() == 0:  # the server refuses to run as root: run it as the postgres account
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run([*as_user, _postgres_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                    "-E", "UTF8"], check=True, capture_output=True)
    subprocess.run([*as_user, _postgres_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                    f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1", "start"], check=True, capture_output=True)

    def database(name):
        subprocess.run([_postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", name],
                       check=True, capture_output=True)
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{name}"

    try:
        yield database
    finally:
        subprocess.run([*as_user, _postgres_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres(postgres_server, request):
    """The URL of an empty gradebook database of this test module's own, on :func:`postgres_server`."""
    return postgres_server(re.sub(r"\W", "_", request.module.__name__.rsplit(".", 1)[-1]))
