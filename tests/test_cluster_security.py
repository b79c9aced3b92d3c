"""The grading cluster takes no stranger: mutual TLS on the class command's Dask connections.

An attacker process, run as another local user (``nobody``) when the tests run as root, connects to the
scheduler and submits a task that reads a file only the grader may read. Against an open LocalCluster
(Dask's default) the task runs with the grader's rights; against the class command's cluster it is
refused, whether it comes in plain, with TLS but no certificate, or with a certificate of its own.
"""

import os
import stat
import subprocess
import sys
import textwrap
import warnings

import pytest

from class_grader.cluster_security import check_address, client_security, local_security, main, write_credentials
from class_grader.coordinator import dask_client

ATTACKER = textwrap.dedent("""
    import os, sys
    from distributed import Client
    from distributed.security import Security
    import cloudpickle, distributed.comm.tcp, distributed.protocol, ssl  # loaded before the rights are dropped
    address, secret, how = sys.argv[1:]
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    try:
        open(secret).read()
        print("READS-THE-FILE-ITSELF")
    except OSError:
        pass
    if how == "plain":
        address = address.replace("tls://", "tcp://")
    security = Security.temporary() if how == "own-certificate" else None
    try:
        with Client(address, timeout=10, security=security) as client:
            print("RAN-AS-GRADER:" + client.submit(lambda: open(secret).read(), pure=False).result())
    except Exception as error:
        print("REFUSED:" + type(error).__name__)
""")


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "solutions.txt"
    path.write_text("the solutions")
    path.chmod(0o600)
    tmp_path.chmod(0o755)
    return path


def attack(address, secret, how):
    done = subprocess.run([sys.executable, "-c", ATTACKER, address, str(secret), how], capture_output=True, text=True,
                          timeout=120)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]


def test_an_open_cluster_runs_a_strangers_task_with_the_graders_rights(secret):
    """Proves the attack: Dask's default LocalCluster, as the class command used to start it."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert attack(cluster.scheduler_address, secret, "no-certificate") == "RAN-AS-GRADER:the solutions"


@pytest.mark.parametrize("how", ["plain", "no-certificate", "own-certificate"])
def test_the_class_commands_cluster_refuses_a_stranger_and_serves_the_grader(secret, how):
    with dask_client(workers=1) as client:
        address = client.scheduler.address
        assert address.startswith("tls://127.0.0.1:")
        assert attack(address, secret, how).startswith("REFUSED:")
        assert client.submit(lambda: open(secret).read(), pure=False).result() == "the solutions"


def test_a_scheduler_of_ones_own_must_be_tls_and_needs_credentials(tmp_path):
    with pytest.raises(ValueError, match=r"scheduler: got 'tcp://host:8786', wanted a tls:// address"):
        check_address("tcp://host:8786")
    assert check_address("tls://host:8786") == "tls://host:8786"
    with pytest.raises(ValueError, match="credentials: .* has no ca.pem or key.pem"):
        client_security(tmp_path)
    with pytest.raises(ValueError, match="credentials: a scheduler of your own needs TLS credentials"):
        client_security()


def test_credentials_are_made_private_and_read_back(tmp_path, capsys):
    assert main([str(tmp_path / "creds")]) == 0
    folder = tmp_path / "creds"
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {"ca.pem": 0o600, "key.pem": 0o600}
    security = client_security(folder)
    assert security.require_encryption and security.tls_client_cert == str(folder / "ca.pem")
    out = capsys.readouterr().out
    assert "--scheduler tls://SCHEDULER:8786 --credentials" in out
    assert "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION=1.0 dask scheduler" in out
    assert write_credentials(tmp_path / "other")["ca"].read_text() != (folder / "ca.pem").read_text()


@pytest.mark.parametrize("saturation", [1.1, 1.0])
def test_a_scheduler_that_queues_a_second_job_on_a_worker_is_warned_of(saturation):
    """Dask's default (1.1) puts a second job on a one-thread worker, where a classmate's crash counts against it."""
    import dask
    from distributed import LocalCluster

    security = local_security()
    with dask.config.set({"distributed.scheduler.worker-saturation": saturation}), \
            LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                         host="127.0.0.1", protocol="tls://", security=security) as cluster, \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with dask_client(cluster.scheduler_address, security=security) as client:
            assert client.submit(lambda: 42, pure=False).result() == 42
    named = [w for w in caught if "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION=1.0" in str(w.message)]
    assert len(named) == (saturation != 1.0)
