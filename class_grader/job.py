"""One grading job, as data: one student's submission of one assignment, and what came back.

A :class:`Job` carries everything as data: the course's configuration, a
gradebook holding only the assignment (:func:`~class_grader.gradebook_sync.assignment_gradebook`),
the assignment's ``source/`` and ``release/`` files and the student's
``submitted/`` files. :func:`~class_grader.worker.grade_job`, run by a Dask worker on any machine
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
from dataclasses import dataclass, field
from pathlib import Path

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
        :func:`job_digest` of the configuration and the files: what decides whether it needs grading again.
    """

    assignment: str
    student: str
    config: str
    gradebook: bytes
    files: dict
    timeout: float
    digest: str

    @property
    def key(self) -> tuple[str, str]:
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
    def key(self) -> tuple[str, str]:
        return (self.assignment, self.student)


def job_digest(config: str, files: dict[str, bytes]) -> str:
    """A SHA-256 of the configuration text and the files (paths and contents)."""
    h = hashlib.sha256(config.encode())
    for path in sorted(files):
        h.update(b"\0" + path.encode() + b"\0" + hashlib.sha256(files[path]).digest())
    return h.hexdigest()


def folder_files(root: str | Path, relative: str) -> dict[str, bytes]:
    """{``relative/<path>``: bytes} of every file under ``root/relative`` (no symbolic links followed)."""
    base = Path(root) / relative
    out = {}
    if base.is_dir():
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
                out[str(Path(relative) / path.relative_to(base))] = path.read_bytes()
    return out
