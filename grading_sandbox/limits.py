"""The limits of a grading kernel, set by its launcher before the kernel starts.

- **Resource limits** (:func:`apply`): address space, size of the files it
  writes, open files, no core dumps; soft and hard alike (:func:`cap`), so
  the kernel cannot raise them.
- **Processes**: a control group of its own with ``pids.max``
  (:func:`join_pids_cgroup`, removed by :func:`remove_pids_cgroup` when the
  kernel ends) where the grader may create one; otherwise ``RLIMIT_NPROC``,
  which counts every process of the user (:func:`own_processes`).
- **Forks**: :data:`FORK_EXIT` is the exit status of a child the kernel
  forks; the launchers end such a child at once, so a fork bomb cannot multiply.
"""

import contextlib
import os
import resource
import time

#: Exit status of a forked child of the grading kernel.
FORK_EXIT = 70


def cap(kind: int, value: int) -> None:
    """Set the resource limit ``kind`` (a ``resource.RLIMIT_*``) to ``value``, soft and hard alike, so the
    kernel cannot raise it again; never above a hard limit already set."""
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value))


def apply(memory_mb: int, file_size_mb: int, open_files: int | None = None) -> None:
    """The limits of every grading kernel: address space and file size (MiB), open files, no core dumps."""
    cap(resource.RLIMIT_AS, memory_mb * 2**20)
    cap(resource.RLIMIT_FSIZE, file_size_mb * 2**20)
    if open_files is not None:
        cap(resource.RLIMIT_NOFILE, open_files)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def join_pids_cgroup(name: str, max_processes: int) -> bool:
    """Put this process in a new control group of at most ``max_processes`` tasks; False if not allowed."""
    for root in ("/sys/fs/cgroup/pids", "/sys/fs/cgroup"):
        if not os.path.exists(os.path.join(root, "cgroup.procs")):
            continue
        if root == "/sys/fs/cgroup":  # cgroup v2: only where the pids controller is handed down
            with contextlib.suppress(OSError), open(os.path.join(root, "cgroup.subtree_control")) as handle:
                if "pids" not in handle.read().split():
                    continue
        group = os.path.join(root, "nn-grading", name)
        _sweep_empty_groups(os.path.dirname(group))
        try:
            os.makedirs(group, exist_ok=True)
            with open(os.path.join(group, "pids.max"), "w") as handle:
                handle.write(str(max_processes))
            with open(os.path.join(group, "cgroup.procs"), "w") as handle:
                handle.write(str(os.getpid()))
        except OSError:
            with contextlib.suppress(OSError):
                os.rmdir(group)
            continue
        return True
    return False


def remove_pids_cgroup(name: str, wait: float = 2.0) -> None:
    """Remove the control group of a kernel that has ended (nothing if it never had one).

    Its processes may still be exiting: the removal is retried for up to ``wait`` seconds.
    """
    for root in ("/sys/fs/cgroup/pids", "/sys/fs/cgroup"):
        group = os.path.join(root, "nn-grading", name)
        deadline = time.monotonic() + wait
        while os.path.isdir(group):
            try:
                os.rmdir(group)
            except OSError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)


def _sweep_empty_groups(parent, age=60):
    """Remove the empty control groups of kernels that ended more than ``age`` seconds ago."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            if entry.is_dir() and time.time() - entry.stat().st_mtime > age:
                with contextlib.suppress(OSError):
                    os.rmdir(entry.path)  # fails while any process is in it



def own_processes() -> int:
    """Processes and threads this user runs now (RLIMIT_NPROC counts them all)."""
    uid, count = os.getuid(), 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
    return count
