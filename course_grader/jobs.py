"""One grading job: one student's submission of one assignment, graded by real ``nbgrader autograde``.

A :class:`Job` carries everything as data: the course's configuration, a
gradebook holding only the assignment (:func:`~course_grader.gradebook_sync.assignment_gradebook`),
the assignment's ``source/`` and ``release/`` files and the student's
``submitted/`` files. :func:`grade_job`, run by a Dask worker on any machine
with the course package installed, builds a course folder of its own from
them, runs ``nbgrader autograde <assignment> --student <student> --create
--force`` there (the course's own preprocessors and sandboxed kernel), and
then ``nbgrader generate_feedback <assignment> --student <student> --force``
on what autograde wrote (the course's feedback plug-ins, so the page is the
one the course's own ``generate_feedback`` makes from the same gradebook),
and returns a :class:`JobResult`: the marks as data, the ``autograded/`` and
the ``feedback/`` files. It never touches the course's gradebook; the
coordinating process does.
"""

import hashlib
import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from course_grader.gradebook_sync import read_submission

GRADED, TIMEOUT, FAILED = "graded", "timeout", "failed"


@dataclass(frozen=True)
class Job:
    """A student × assignment grading job, as data.

    Attributes
    ----------
    assignment, student : str
        The submission to grade.
    config : str
        The course's ``nbgrader_config.py``.
    gradebook : bytes
        A SQLite gradebook that holds the assignment.
    files : dict of str to bytes
        Course-relative path -> content: ``source/<assignment>/...``, ``release/<assignment>/...``
        and ``submitted/<student>/<assignment>/...``.
    timeout : float
        Seconds the job may take; then it is stopped and reported as a timeout.
    digest : str
        :func:`digest` of the configuration and the files: what decides whether it needs grading again.
    """

    assignment: str
    student: str
    config: str
    gradebook: bytes
    files: dict
    timeout: float
    digest: str

    @property
    def key(self):
        return (self.assignment, self.student)


@dataclass
class JobResult:
    """What came back from a job.

    Attributes
    ----------
    assignment, student, digest : str
        As in the :class:`Job`.
    status : str
        ``"graded"``, ``"timeout"`` or ``"failed"``.
    message : str
        Why it timed out or failed ('' when graded).
    seconds : float
        Wall-clock time of the job on its worker.
    marks : SubmissionMarks or None
        The marks (when graded).
    autograded : dict of str to bytes
        The files of ``autograded/<student>/<assignment>/`` by relative path (when graded).
    feedback : dict of str to bytes
        The files of ``feedback/<student>/<assignment>/`` by relative path (when graded and
        ``generate_feedback`` succeeded; empty otherwise, and the coordinator makes them).
    log : str
        nbgrader's log of the job.
    worker : str
        The host and process that ran it.
    phases : dict of str to float
        Seconds of the job's steps on the worker: ``files`` (writing its course folder), ``autograde``
        and ``feedback`` (the two nbgrader commands, start-up included), ``collect`` (reading back
        the marks and files).
    """

    assignment: str
    student: str
    digest: str
    status: str
    message: str = ""
    seconds: float = 0.0
    marks: object = None
    autograded: dict = field(default_factory=dict)
    feedback: dict = field(default_factory=dict)
    log: str = ""
    worker: str = ""
    phases: dict = field(default_factory=dict)

    @property
    def key(self):
        return (self.assignment, self.student)


def digest(config, files):
    """A SHA-256 of the configuration text and the files (paths and contents)."""
    h = hashlib.sha256(config.encode())
    for path in sorted(files):
        h.update(b"\0" + path.encode() + b"\0" + hashlib.sha256(files[path]).digest())
    return h.hexdigest()


def folder_files(root, relative):
    """{``relative/<path>``: bytes} of every file under ``root/relative`` (no symbolic links followed)."""
    base = Path(root) / relative
    out = {}
    if base.is_dir():
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
                out[str(Path(relative) / path.relative_to(base))] = path.read_bytes()
    return out


def nbgrader_env(extra=None):
    """The environment for nbgrader: this interpreter's bin/ first on PATH (nbgrader shells out to alembic)."""
    env = {**os.environ, **(extra or {})}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


# --- the worker side ------------------------------------------------------------------------------

class _Runner:
    """The worker's :mod:`course_grader.job_runner` process, started on first use and restarted if it died."""

    def __init__(self):
        self.proc, self.buffer, self.lock = None, b"", threading.Lock()

    def _start(self):
        # -I: nothing in the folder the worker was started from may shadow a module the jobs import
        self.proc = subprocess.Popen([sys.executable, "-I", "-m", "course_grader.job_runner"], stdin=subprocess.PIPE,
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


def grade_job(job):
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
