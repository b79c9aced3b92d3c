"""Only the grader's own processes on the grading cluster: mutual TLS for every Dask connection.

A Dask scheduler runs whatever task a connected client submits, and its
workers run it with the grader's rights (which read the solutions and write
the gradebook). On a shared server (JupyterHub) every student is a local
user who can reach a port on ``127.0.0.1``, so an open scheduler is a way to
run code as the grader. The class command therefore never talks to a
cluster without TLS in both directions (each side presents a certificate
signed by the course's authority):

- its LocalCluster gets fresh credentials that live only in memory
  (:func:`local_security`);
- a scheduler of its own (``--scheduler tls://host:8786``) needs credential
  files that the instructor makes once with ``python -m
  class_grader.cluster_security FOLDER`` (:func:`write_credentials`) and
  hands to the scheduler, the workers and the class command
  (``--credentials FOLDER``), or Dask's own TLS configuration; a plain
  ``tcp://`` address is refused.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from distributed.security import Security

#: The files :func:`write_credentials` makes: the authority (also the certificate) and the private key.
CA_FILE, KEY_FILE = "ca.pem", "key.pem"


def local_security() -> Security:
    """Credentials for a LocalCluster: a new self-signed certificate, in memory only, encryption required."""
    from distributed.security import Security

    return Security.temporary()


def write_credentials(folder: os.PathLike | str) -> dict[str, Path]:
    """Make credentials for a cluster in ``folder`` (created, readable by its owner only).

    Returns
    -------
    dict
        ``{"ca": path, "key": path}``: the certificate (also the authority that signs it) and its key.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    security = local_security()
    paths = {"ca": folder / CA_FILE, "key": folder / KEY_FILE}
    for path, text in ((paths["ca"], security.tls_ca_file), (paths["key"], security.tls_client_key)):
        path.touch(mode=0o600)
        os.chmod(path, 0o600)
        path.write_text(text)
    return paths


def client_security(credentials: os.PathLike | str | None = None) -> Security:
    """The class command's credentials for a scheduler of its own.

    Parameters
    ----------
    credentials : path, optional
        A folder made by :func:`write_credentials`; without it, Dask's TLS
        configuration (``distributed.comm.tls.*``).

    Raises
    ------
    ValueError
        If neither gives a client certificate.
    """
    from distributed.security import Security

    if credentials is not None:
        folder = Path(credentials)
        missing = [name for name in (CA_FILE, KEY_FILE) if not (folder / name).is_file()]
        if missing:
            raise ValueError(f"credentials: {folder} has no {' or '.join(missing)}; make them with "
                             f"python -m class_grader.cluster_security {folder}")
        ca, key = str(folder / CA_FILE), str(folder / KEY_FILE)
        return Security(require_encryption=True, tls_ca_file=ca, tls_client_cert=ca, tls_client_key=key)
    security = Security()
    if not (security.tls_ca_file and security.tls_client_cert):
        raise ValueError("credentials: a scheduler of your own needs TLS credentials: --credentials FOLDER (made "
                         "with python -m class_grader.cluster_security FOLDER) or Dask's distributed.comm.tls "
                         "configuration; see the README's 'Many machines'")
    security.require_encryption = True
    return security


def check_address(scheduler: str) -> str:
    """``scheduler`` if it is a ``tls://`` address.

    Raises
    ------
    ValueError
        For any other address (``tcp://`` would let anyone who reaches the port run code as the grader).
    """
    if not scheduler.startswith("tls://"):
        raise ValueError(f"scheduler: got {scheduler!r}, wanted a tls:// address: the class command does not "
                         "connect to a cluster that anyone who can reach its port may use")
    return scheduler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m class_grader.cluster_security",
                                     description="Make TLS credentials for a grading cluster of your own.")
    parser.add_argument("folder", help="where to write ca.pem and key.pem (readable by you only)")
    args = parser.parse_args(argv)
    paths = write_credentials(args.folder)
    tls = f"--tls-ca-file {paths['ca']} --tls-cert {paths['ca']} --tls-key {paths['key']}"
    print(f"wrote {paths['ca']} and {paths['key']}; copy the folder, privately, to each machine of the cluster:")
    print(f"  DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION=1.0 dask scheduler --protocol tls {tls}")
    print(f"  dask worker tls://SCHEDULER:8786 --nthreads 1 {tls}")
    print(f"  python -m class_grader ASSIGNMENT --scheduler tls://SCHEDULER:8786 "
          f"--credentials {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
