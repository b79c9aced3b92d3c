"""The grading kernel: an IPython kernel started under resource limits.

:class:`LimitedKernelManager` starts every grading kernel through this
module (``python -m course_grader.kernel --memory-mb N -- <kernel argv>``),
which, before the kernel runs:

- caps the kernel's address space (``RLIMIT_AS``), so a memory bomb raises
  ``MemoryError`` or kills only the kernel, never the grading machine;
- caps the size of files it writes (``RLIMIT_FSIZE``);
- makes any ``os.fork`` of the kernel end the child at once, so a fork bomb
  cannot multiply (``subprocess`` keeps working for the kernel's own needs),
  and lets the system reap ended children (``SIGCHLD`` ignored), so they
  leave no zombies behind;
- writes no core dumps.

The kernel runs in its own process group (jupyter_client starts it in a new
session); the grader kills the whole group when it restarts or shuts the
kernel down.
"""

import argparse
import os
import resource
import runpy
import signal
import sys

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer

#: Exit status of a forked child of the grading kernel.
FORK_EXIT = 70


class LimitedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels start under :mod:`course_grader.kernel`'s limits."""

    memory_limit_mb = Integer(4096, help="Address-space limit of a grading kernel, in MiB.").tag(config=True)
    file_size_limit_mb = Integer(256, help="Largest file a grading kernel may write, in MiB.").tag(config=True)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        return [sys.executable, "-m", "course_grader.kernel", "--memory-mb", str(self.memory_limit_mb),
                "--file-size-mb", str(self.file_size_limit_mb), "--", *cmd]


def _limit(kind, mib):
    limit = mib * 1024 * 1024
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(kind, (limit, hard if hard != resource.RLIM_INFINITY else limit))


def main(argv=None):
    """Apply the limits, then run the kernel command in this process (or exec it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--file-size-mb", type=int, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no kernel command given")
    _limit(resource.RLIMIT_AS, args.memory_mb)
    _limit(resource.RLIMIT_FSIZE, args.file_size_mb)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if len(command) >= 3 and command[1] == "-m" and os.path.realpath(command[0]) == os.path.realpath(sys.executable):
        os.register_at_fork(after_in_child=lambda: os._exit(FORK_EXIT))
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        sys.argv = [command[2], *command[3:]]
        runpy.run_module(command[2], run_name="__main__", alter_sys=True)
    else:  # another interpreter: the limits carry over, the fork guard cannot
        os.execvp(command[0], command)


if __name__ == "__main__":
    main()
