"""Grade a whole class in parallel on Dask: one job per student × assignment, one writer of the gradebook.

Usage (from the course root, the grading environment active)::

    python -m class_grader 01_one_hot 02_softmax          # a LocalCluster, one worker per core
    python -m class_grader 02_softmax --workers 8
    python -m class_grader 02_softmax --scheduler tls://host:8786 --credentials FOLDER  # other machines
    python -m class_grader 02_softmax --dry-run             # what would be graded, and why
    python -m class_grader 02_softmax --retry-failed        # also what timed out or failed before
    python -m class_grader 02_softmax --force               # also what is already graded

Each submission in ``submitted/<student>/<assignment>/`` becomes a
:class:`~class_grader.job.Job` that carries its files as data, so workers
need only the course package installed, no shared folder. Each job runs the
real ``nbgrader autograde`` with the course's configuration (the same
preprocessors, the same sandboxed kernel) in a folder of its own, then
``nbgrader generate_feedback`` for it (:func:`~class_grader.worker.grade_job`).
This process, the only writer, puts each result into the course's gradebook
(SQLite or PostgreSQL, through nbgrader's ``Gradebook`` API), into
``autograded/`` and ``feedback/`` (:mod:`class_grader.feedback`), and
records it in the ledger (:mod:`class_grader.ledger`). A job whose worker dies is retried on
another worker by Dask; a job that still fails, or runs past its budget, is
recorded all the same: a gradebook row with zero points that needs manual
grading, a comment and an ``autograded/`` notebook that say what happened,
so that the student gets feedback and the report counts them; it is tried
again only with ``--retry-failed`` or when one of its inputs changes.
A submission is graded when anything that decides its grade changed since
it was last graded (:mod:`class_grader.grading_inputs`: the hand-in, the
assignment's files or hidden tests or points, the grading code, the
configuration, the due date, the student's extension), and the summary says
why; ``--force`` grades everything again. A progress bar shows the jobs done,
failures and time left, and the term's class report
(:mod:`class_grader.report`) is written at the end.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
from nbgrader.api import Gradebook

from class_grader import grading_inputs
from class_grader.cluster_security import check_address, client_security, local_security
from class_grader.course import GRADING_FOLDER, Course
from class_grader.feedback import feedback_folder, generate_feedback, has_manual_marks, store_feedback
from class_grader.gradebook_sync import assignment_gradebook, write_failed_submission, write_submission
from class_grader.job import FAILED, GRADED, TIMEOUT, Job, JobResult, job_digest
from class_grader.ledger import Ledger
from class_grader.sole_writer import sole_writer
from class_grader.worker import grade_job, nbgrader_env

if TYPE_CHECKING:
    from distributed import Client
    from distributed.security import Security


@dataclass
class ClassRun:
    """The outcome of :func:`grade_class`.

    Attributes
    ----------
    results : list of JobResult
        The jobs that ran, in the order they finished (the files they brought back are dropped).
    planned : list of tuple
        ``(assignment, student, reasons)`` of every submission graded (or, in a dry run, to grade).
    skipped : list of tuple
        ``(assignment, student)`` already graded from the same inputs (or failed before, not retried).
    seconds : float
        Wall-clock time of the whole run.
    workers : int
        Worker threads the jobs ran on.
    report : Path or None
        The class report.
    course_feedback : list of tuple
        ``(assignment, student)`` whose feedback the course's ``generate_feedback`` made, not the job
        (:mod:`class_grader.feedback`: manual marks, a job that timed out or failed, feedback gone).
    feedback_problems : list of str
        Where that ``generate_feedback`` failed, and why.
    """

    results: list = field(default_factory=list)
    planned: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 0
    report: Path | None = None
    course_feedback: list = field(default_factory=list)
    feedback_problems: list = field(default_factory=list)

    @property
    def problems(self) -> list[JobResult]:
        return [r for r in self.results if r.status != GRADED]

    def reasons_summary(self) -> dict[str, int]:
        """``{reason: count}`` over the planned submissions, most frequent first."""
        counts = {}
        for _, _, reasons in self.planned:
            for reason in reasons:
                counts[reason] = counts.get(reason, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))


#: How a grading cluster's scheduler must hand out jobs: one at a time per worker thread. Dask's default
#: (1.1) gives each one-thread worker a second job that waits there; when a hand-in takes its worker down, the
#: job waiting behind it would count that death too and be failed for a classmate's code.
SCHEDULER_SETTINGS = {"distributed.scheduler.worker-saturation": 1.0}


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None,
                security: Security | None = None) -> Iterator[Client]:
    """A Dask client over mutual TLS (:mod:`class_grader.cluster_security`).

    Of the scheduler at ``scheduler`` (a ``tls://`` address; ``security`` its credentials, default: Dask's TLS
    configuration), or of a new LocalCluster of ``workers`` processes with credentials of its own.
    """
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(check_address(scheduler), security=security or client_security()) as client:
            saturation = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.WORKER_SATURATION)
            if saturation != SCHEDULER_SETTINGS["distributed.scheduler.worker-saturation"]:
                warnings.warn(f"the scheduler at {scheduler} gives a worker {saturation} jobs per thread: a hand-in "
                              "that takes its worker down will count against the job waiting behind it; start "
                              "it with DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION=1.0", stacklevel=3)
            yield client
        return
    # a job's worker thread mostly waits for nbgrader: Dask's statistical profiler would only cost CPU
    with dask.config.set({"distributed.worker.profile.enabled": False, **SCHEDULER_SETTINGS}), \
            LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                         dashboard_address=None, host="127.0.0.1", protocol="tls://",
                         security=local_security()) as cluster, Client(cluster) as client:
        yield client


def _progress(total, enabled):
    from tqdm import tqdm

    # on a terminal the bar redraws in place; in a log file, a line every 30 s is enough
    return tqdm(total=total, unit="job", desc="grading", disable=not enabled, dynamic_ncols=True,
                mininterval=0.1 if sys.stderr.isatty() else 30,
                bar_format="{desc}: {n_fmt}/{total_fmt} jobs |{bar}| [{elapsed}<{remaining}{postfix}]")


def plan(course: Course, ledger: Ledger, assignments: list[str], students: list[str] | None = None,
         force: bool = False, retry_failed: bool = False) -> tuple[list[tuple], list[tuple[str, str]]]:
    """What to grade and why: ``(pending, skipped)``.

    ``pending`` holds ``(assignment, student, inputs, reasons)`` for every submission whose inputs changed
    since it was last graded (:mod:`class_grader.grading_inputs`), whose ``autograded/`` folder is gone,
    or (with ``retry_failed``) whose last job timed out or failed; with ``force``, every submission.
    ``skipped`` holds ``(assignment, student)`` of the others.
    """
    pending, skipped = [], []
    code = grading_inputs.grading_code_digest()
    configuration = grading_inputs.files_digest({"nbgrader_config.py": course.config_text.encode()})
    with Gradebook(course.db_url, course.course_id) as gb:
        for assignment in assignments:
            files = course.assignment_files(assignment)
            shared = {"assignment": grading_inputs.assignment_digest(gb, assignment, files), "grading code": code,
                      "configuration": configuration, "due date": grading_inputs.due_date(gb, assignment)}
            for student in course.students(assignment):
                if students and student not in students:
                    continue
                inputs = {"hand-in": grading_inputs.files_digest(course.hand_in(assignment, student)), **shared,
                          "extension": grading_inputs.extension(course.root, assignment, student)}
                reasons = ledger.reasons(assignment, student, inputs, course.path("autograded", student, assignment),
                                         retry_failed)
                if force:
                    reasons = reasons or ["forced"]
                if reasons:
                    pending.append((assignment, student, inputs, reasons))
                else:
                    skipped.append((assignment, student))
    return pending, skipped


def grade_class(root: str | os.PathLike, assignments: list[str], *, scheduler: str | None = None,
                security: Security | None = None, workers: int | None = None, students: list[str] | None = None,
                force: bool = False, timeout: float | None = None, progress: bool = True, report: bool = True,
                on_result: Callable[[JobResult], None] | None = None, retry_failed: bool = False,
                dry_run: bool = False) -> ClassRun:
    """Grade every submission of ``assignments`` in parallel; write the gradebook, ``autograded/``, ``feedback/``
    and a report.

    Parameters
    ----------
    root : path
        The course root (holds ``nbgrader_config.py``); each assignment must have been generated.
    assignments : list of str
    scheduler : str, optional
        Address of a Dask scheduler (``tls://host:8786``); default: a LocalCluster on this machine.
    security : distributed.security.Security, optional
        The credentials for ``scheduler`` (:func:`~class_grader.cluster_security.client_security`);
        default: Dask's TLS configuration.
    workers : int, optional
        Worker processes of the LocalCluster (default: one per core).
    students : list of str, optional
        Grade only these students.
    force : bool
        Grade again what was already graded from the same inputs.
    retry_failed : bool
        Grade again what timed out or failed before, although nothing changed.
    dry_run : bool
        Only say what would be graded and why (:attr:`ClassRun.planned`); grade nothing.
    timeout : float, optional
        Seconds a job may take (default: from the course's notebook and cell budgets).
    progress : bool
        Show a progress bar on stderr.
    report : bool
        Write the term's class report, ``class_grading/report.html`` and ``report.json``.
    on_result : callable, optional
        Called with each :class:`~class_grader.job.JobResult` once it is stored.

    Returns
    -------
    ClassRun

    Raises
    ------
    class_grader.sole_writer.CourseBusy
        If the grading service or another class run is writing the course's grades.
    """
    if dry_run:
        return _grade_class(root, assignments, scheduler, security, workers, students, force, timeout, progress,
                            report, on_result, retry_failed, dry_run)
    with sole_writer(root, "the class command"):
        return _grade_class(root, assignments, scheduler, security, workers, students, force, timeout, progress,
                            report, on_result, retry_failed, dry_run)


def _grade_class(root, assignments, scheduler, security, workers, students, force, timeout, progress, report,
                 on_result, retry_failed, dry_run):
    start = time.perf_counter()
    course = Course(root)
    ledger = Ledger(course.root / GRADING_FOLDER / "ledger.json")
    run = ClassRun()
    pending, run.skipped = plan(course, ledger, assignments, students, force, retry_failed)
    run.planned = [(assignment, student, reasons) for assignment, student, _, reasons in pending]
    if dry_run:
        run.seconds = time.perf_counter() - start
        return run
    templates = {}
    if pending:
        from distributed import as_completed

        with dask_client(scheduler, workers, security) as client, _progress(len(pending), progress) as bar, \
                Gradebook(course.db_url, course.course_id) as gb:
            run.workers = sum(client.nthreads().values())
            queue, in_flight = list(pending), {}
            completed = as_completed()

            def submit_next():
                assignment, student, inputs, reasons = queue.pop(0)
                job = make_job(course, assignment, student, timeout, templates)
                future = client.submit(grade_job, job, pure=False, retries=1,
                                       key=f"grade-{assignment}-{student}-{uuid.uuid4().hex[:8]}")
                in_flight[future.key] = (assignment, student, job.digest, inputs, reasons)
                completed.add(future)

            for _ in range(min(len(queue), 2 * max(run.workers, 1))):
                submit_next()
            for future in completed:
                assignment, student, digest, inputs, reasons = in_flight.pop(future.key)
                result = job_result(future, assignment, student, digest)
                if not store_result(course, gb, ledger, result, inputs, reasons):
                    run.course_feedback.append((assignment, student))
                if result.status != GRADED:
                    bar.write(f"{result.status}: {student}/{assignment}: {result.message}")
                result.autograded, result.feedback, result.log = {}, {}, ""
                run.results.append(result)
                bar.set_postfix_str(f"failed {len(run.problems)}")
                bar.update(1)
                if on_result:
                    on_result(result)
                if queue:
                    submit_next()
    run.course_feedback += [(assignment, student) for assignment, student in run.skipped
                            if not feedback_folder(course.coursedir, student, assignment).is_dir()]
    run.feedback_problems = generate_feedback(course.root, nbgrader_env(), run.course_feedback)
    if report:
        from class_grader.report import write_report

        run.report = write_report(course, ledger, course.root / GRADING_FOLDER / "report.html")
    run.seconds = time.perf_counter() - start
    return run


def make_job(course: Course, assignment: str, student: str, timeout: float | None = None,
             templates: dict[str, bytes] | None = None) -> Job:
    """The :class:`~class_grader.job.Job` of one submission as it is in the course now.

    ``templates`` caches each assignment's job gradebook (:func:`~class_grader.gradebook_sync.assignment_gradebook`)
    across calls; ``timeout`` defaults to the course's budget for the assignment.
    """
    templates = {} if templates is None else templates
    if assignment not in templates:
        templates[assignment] = assignment_gradebook(course.db_url, course.course_id, assignment)
    files = course.job_files(assignment, student)
    return Job(assignment, student, course.config_text, templates[assignment], files,
               timeout or course.default_timeout(assignment), job_digest(course.config_text, files))


def job_result(future, assignment: str, student: str, digest: str) -> JobResult:
    """The :class:`~class_grader.job.JobResult` of a finished Dask future of :func:`~class_grader.worker.grade_job`;
    a job that could not run (its worker died too often, say) is a failed result that says why."""
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 - a job that could not run is recorded, not fatal
        return JobResult(assignment, student, digest, FAILED,
                         message=f"the job could not run: {type(error).__name__}: {error}")


def store_result(course: Course, gb: Gradebook, ledger: Ledger, result: JobResult, inputs: dict[str, str],
                 reasons: list[str]) -> bool:
    """Write one result: the gradebook and ``autograded/`` (for a job that timed out or failed, a row and
    notebooks that say so), the job's feedback, the job's nbgrader log
    (``class_grading/logs/<assignment>/<student>.log``), then the ledger (so a crash re-grades it).

    Returns whether the job's feedback was stored; if not, the course's ``generate_feedback`` must make it.
    """
    dest = course.path("autograded", result.student, result.assignment)
    if result.status == GRADED:
        write_submission(gb, result.assignment, result.student, result.marks)
        files = result.autograded
    else:
        write_failed_submission(gb, result.assignment, result.student, result.message)
        files = {**failed_notebooks(course, result), **submission_stamps(course, result)}
    if dest.exists():
        shutil.rmtree(dest)
    for relative, content in files.items():
        path = dest / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    stored = bool(result.status == GRADED and result.feedback
                  and not has_manual_marks(gb, result.assignment, result.student))
    if stored:
        store_feedback(course.coursedir, result.student, result.assignment, result.feedback)
    log = course.root / GRADING_FOLDER / "logs" / result.assignment / f"{result.student}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(result.log)
    ledger.record(result, inputs, reasons)
    return stored


def failed_notebooks(course: Course, result: JobResult) -> dict[str, bytes]:
    """``{name: bytes}``: the notebooks of a submission that could not be graded, for its feedback.

    Each is the student's notebook (the blank release notebook if it is missing, unreadable, or a link, which is
    never followed) with its outputs cleared and a first cell that says why it has no automatic grade.
    """
    submitted = course.path("submitted", result.student, result.assignment)
    out = {}
    for release in sorted((course.root / "release" / result.assignment).glob("*.ipynb")):
        handed_in = submitted / release.name
        try:
            if handed_in.is_symlink() or not handed_in.is_file():
                raise FileNotFoundError(handed_in)
            nb = nbformat.read(handed_in, as_version=4)
        except Exception:  # noqa: BLE001 - whatever was handed in, the student gets a page that says what happened
            nb = nbformat.read(release, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(
            f"**This notebook has no automatic grade yet.** {failure_in_words(result)} Your instructor has been "
            "told and will grade it by hand or grade it again.", metadata={"course_grader": {"failed": True}}))
        out[release.name] = nbformat.writes(nb).encode()
    return out


def submission_stamps(course: Course, result: JobResult) -> dict[str, bytes]:
    """``{name: bytes}``: the hand-in's ``timestamp.txt`` and ``submission_secret.txt`` (those it has), which
    ``autograde`` would have copied into ``autograded/``: ``generate_feedback`` passes them on, and
    ``release_feedback`` needs the secret to release the page to the student."""
    base = course.path("submitted", result.student, result.assignment).relative_to(course.root)
    hand_in = course.hand_in(result.assignment, result.student)
    return {name: hand_in[str(base / name)] for name in ("timestamp.txt", "submission_secret.txt")
            if str(base / name) in hand_in}


def failure_in_words(result: JobResult) -> str:
    """One sentence on why a job timed out or failed, for the student's feedback and the instructor's report."""
    if result.status == TIMEOUT:
        return "Grading it took longer than the time allowed for one hand-in, and it was stopped."
    return "The grader could not run it to the end."
