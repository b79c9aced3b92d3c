"""The worker side of a grading job: a course folder of its own, real ``nbgrader autograde`` and
``generate_feedback`` in it, and a :class:`~class_grader.job.JobResult` back.

:func:`grade_job` runs on a Dask worker, on any machine with the course package
installed. The nbgrader commands run in processes forked from the worker's
fork server (:mod:`.fork_server`), which has imported nbgrader once.
"""

import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from class_grader.gradebook_sync import read_submission
from class_grader.job import FAILED, GRADED, TIMEOUT, Job, JobResult, folder_files


def nbgrader_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for nbgrader: this interpreter's bin/ first on PATH (nbgrader shells out to alembic)."""
    env = {**os.environ, **(extra or {})}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


class _Runner:
    """The worker's :mod:`class_grader.fork_server` process, started on first use and restarted if it died."""

    def __init__(self):
        self.proc, self.buffer, self.lock = None, b"", threading.Lock()

    def _start(self):
        # -I: nothing in the folder the worker was started from may shadow a module the jobs import
        self.proc = subprocess.Popen([sys.executable, "-I", "-m", "class_grader.fork_server"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=nbgrader_env())
        self.buffer = b""

    def _line(self, deadline):
        """The runner's next answer, or None at the deadline (or if the runner is gone)."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            while b"\n" not in self.buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    return None
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    return None
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return int(line)

    def run(self, folder, timeout):
        """Run the job in ``folder``; its exit code, or None if it ran out of ``timeout`` seconds."""
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self._start()
            self.proc.stdin.write(f"{folder}\n".encode())
            self.proc.stdin.flush()
            pid = self._line(time.monotonic() + 120)  # the first job waits for the imports
            if pid is None:
                self.proc.kill()
                raise RuntimeError("the grading job runner did not start a job")
            code = self._line(time.monotonic() + timeout)
            if code is None:
                try:
                    os.killpg(pid, 9)
                except ProcessLookupError:
                    pass
                if self._line(time.monotonic() + 30) is None:
                    self.proc.kill()
            return code


_RUNNER = _Runner()


def _scratch_parent():
    """The Dask worker's own local folder (Dask removes those of dead workers), else the system's temp."""
    try:
        from distributed import get_worker

        return get_worker().local_directory
    except (ImportError, ValueError):
        return None


def _write_course(root, job):
    for relative, content in job.files.items():
        path = root / relative
        if ".." in Path(relative).parts or Path(relative).is_absolute():
            raise ValueError(f"files: {relative!r} is not a path inside the course")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (root / "gradebook.db").write_bytes(job.gradebook)
    (root / "nbgrader_config.py").write_text(
        job.config + "\n# set by the grading job: this folder is the course, with a gradebook of its own\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        f"c.CourseDirectory.db_url = {'sqlite:///' + str(root / 'gradebook.db')!r}\n")


class _Laps:
    """Adds the seconds since the last call to ``phases[name]`` at each call ``lap(name)``."""

    def __init__(self, phases):
        self.phases, self.mark = phases, time.perf_counter()

    def __call__(self, name):
        now = time.perf_counter()
        self.phases[name] = self.phases.get(name, 0.0) + now - self.mark
        self.mark = now


def _nbgrader(folder, args, timeout):
    """Run ``nbgrader <args>`` in the job's folder through the worker's runner: (exit code or None, log)."""
    (folder / "args.json").write_text(json.dumps(args))
    code = _RUNNER.run(str(folder), timeout)
    log = folder / "log"
    return code, (log.read_text(errors="replace") if log.exists() else "")


def grade_job(job: Job) -> JobResult:
    """Grade one submission with ``nbgrader autograde``, then make its feedback, in a course folder of its own.

    Parameters
    ----------
    job : Job

    Returns
    -------
    JobResult
        ``status`` is ``"graded"`` with the marks, the autograded files and the feedback files,
        ``"timeout"`` if the job ran past ``job.timeout`` (the job's processes are killed), or
        ``"failed"`` if nbgrader could not grade it (the message gives the end of nbgrader's log).
        A graded job whose ``generate_feedback`` failed or ran out of time has no feedback files.
    """
    start = time.perf_counter()
    worker = f"{os.uname().nodename}:{os.getpid()}"
    result = JobResult(job.assignment, job.student, job.digest, FAILED, worker=worker)
    folder = Path(tempfile.mkdtemp(prefix="nn-grading-job-", dir=_scratch_parent()))
    try:
        course = folder / "course"
        _write_course(course, job)
        lap = _Laps(result.phases)
        lap("files")
        deadline = time.monotonic() + job.timeout
        code, result.log = _nbgrader(folder, ["autograde", job.assignment, "--student", job.student, "--create",
                                              "--force"], job.timeout)
        lap("autograde")
        autograded = course / "autograded" / job.student / job.assignment
        if code is None:
            result.status = TIMEOUT
            result.message = (f"grading {job.student}/{job.assignment} took longer than its budget of "
                              f"{job.timeout:g} s and was stopped; nothing was recorded for it")
        elif code != 0 or not autograded.is_dir():
            errors = [line for line in result.log.splitlines() if "[ERROR]" in line or "Error" in line]
            result.message = (f"nbgrader autograde exited with {code}: "
                              + ("; ".join(errors[-3:]) if errors else result.log.strip()[-500:]))
        else:
            result.marks = read_submission(f"sqlite:///{course / 'gradebook.db'}", job.assignment, job.student)
            result.autograded = folder_files(autograded, ".")
            result.status = GRADED
            lap("collect")
            code, log = _nbgrader(folder, ["generate_feedback", job.assignment, "--student", job.student, "--force"],
                                  max(deadline - time.monotonic(), 1.0))
            result.log += log
            lap("feedback")
            if code == 0:
                result.feedback = folder_files(course / "feedback" / job.student / job.assignment, ".")
            lap("collect")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        result.seconds = time.perf_counter() - start
    return result
