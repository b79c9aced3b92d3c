"""The unsandboxed grading kernel: an IPython kernel started under resource limits only.

Grading kernels run in the sandbox (:mod:`grading_sandbox.bubblewrap`). Where an
instructor turns it off (``c.SandboxedKernelManager.sandbox = False``), each
kernel starts through this module instead
(``python -m grading_sandbox.unsandboxed --memory-mb N -- <kernel argv>``), which,
before the kernel runs:

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
kernel down. Nothing else is isolated: the kernel runs with the grader's
rights.
"""

import argparse
import os
import runpy
import signal
import sys

from grading_sandbox import limits


def main(argv: list[str] | None = None) -> None:
    """Apply the limits, then run the kernel command in this process (or exec it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--file-size-mb", type=int, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no kernel command given")
    limits.apply(args.memory_mb, args.file_size_mb)
    if len(command) >= 3 and command[1] == "-m" and os.path.realpath(command[0]) == os.path.realpath(sys.executable):
        os.register_at_fork(after_in_child=lambda: os._exit(limits.FORK_EXIT))
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        sys.argv = [command[2], *command[3:]]
        runpy.run_module(command[2], run_name="__main__", alter_sys=True)
    else:  # another interpreter: the limits carry over, the fork guard cannot
        os.execvp(command[0], command)


if __name__ == "__main__":
    main()
