"""Grade a whole class in parallel on Dask: one job per student × assignment, one writer of the gradebook.

Usage (from the course root, the grading environment active)::

    python -m course_grader.grade_class 01_one_hot 02_softmax          # a LocalCluster, one worker per core
    python -m course_grader.grade_class 02_softmax --workers 8
    python -m course_grader.grade_class 02_softmax --scheduler tcp://host:8786   # workers on other machines
    python -m course_grader.grade_class 02_softmax --force               # also what is already graded

Each submission in ``submitted/<student>/<assignment>/`` becomes a
:class:`~course_grader.jobs.Job` that carries its files as data, so workers
need only the course package installed, no shared folder. Each job runs the
real ``nbgrader autograde`` with the course's configuration (the same
preprocessors, the same sandboxed kernel) in a folder of its own
(:func:`~course_grader.jobs.grade_job`). This process, the only writer,
puts each result into the course's gradebook (SQLite or PostgreSQL, through
nbgrader's ``Gradebook`` API) and into ``autograded/``, and records it in the
ledger (:mod:`course_grader.ledger`). A job whose worker dies is retried on
another worker by Dask; a job that runs past its budget is recorded as a
timeout. Submissions already graded from the same files are skipped unless
``--force``. A progress bar shows the jobs done, failures and time left, and
a class report (:mod:`course_grader.class_report`) is written at the end.
"""

import argparse
import os
import shutil
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from course_grader.gradebook_sync import assignment_gradebook, write_submission
from course_grader.jobs import FAILED, GRADED, Job, JobResult, digest, folder_files, grade_job
from course_grader.ledger import Ledger

#: Where the ledger and the class report live, in the course root.
GRADING_FOLDER = "class_grading"


class Course:
    """A course root as nbgrader sees it: its ``nbgrader_config.py`` loaded into a ``CourseDirectory``."""

    def __init__(self, root):
        self.root = Path(root).resolve()
        config_file = self.root / "nbgrader_config.py"
        if not config_file.is_file():
            raise ValueError(f"course root: {self.root} has no nbgrader_config.py")
        self.config_text = config_file.read_text()
        self.config = PyFileConfigLoader(config_file.name, path=str(self.root)).load_config()
        self.coursedir = CourseDirectory(config=self.config)
        self.coursedir.root = str(self.root)

    @property
    def db_url(self):
        return self.coursedir.db_url

    @property
    def course_id(self):
        return self.coursedir.course_id

    def path(self, kind, student, assignment):
        """``<root>/<kind>/<student>/<assignment>`` laid out as the course configures it."""
        directory = getattr(self.coursedir, f"{kind}_directory")
        return Path(self.coursedir.format_path(directory, student, assignment))

    def students(self, assignment):
        """Ids of the students who handed in ``assignment``, sorted."""
        submitted = Path(self.coursedir.format_path(self.coursedir.submitted_directory, ".", "."))
        return sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir()) if submitted.is_dir() else []

    def job_files(self, assignment, student):
        """What a job needs of the course, by course-relative path: the assignment's ``source/`` and
        ``release/`` files and the student's ``submitted/`` files."""
        submitted = self.path("submitted", student, assignment).relative_to(self.root)
        return {**folder_files(self.root, f"source/{assignment}"), **folder_files(self.root, f"release/{assignment}"),
                **folder_files(self.root, submitted)}

    def default_timeout(self, assignment):
        """A job's budget: each notebook's own budget and one more cell, plus a minute for nbgrader itself."""
        grading = self.config.get("GradingExecute", {})
        execute = self.config.get("Execute", {})
        per_notebook = grading.get("notebook_timeout", 900) + (execute.get("timeout") or 30) + 60
        notebooks = len(list((self.root / "source" / assignment).glob("*.ipynb"))) or 1
        return notebooks * per_notebook + 60


@dataclass
class ClassRun:
    """The outcome of :func:`grade_class`.

    Attributes
    ----------
    results : list of JobResult
        The jobs that ran, in the order they finished (the files they brought back are dropped).
    skipped : list of tuple
        ``(assignment, student)`` already graded from the same files.
    seconds : float
        Wall-clock time of the whole run.
    workers : int
        Worker threads the jobs ran on.
    report : Path or None
        The class report.
    """

    results: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 0
    report: Path | None = None

    @property
    def problems(self):
        return [r for r in self.results if r.status != GRADED]


@contextmanager
def dask_client(scheduler=None, workers=None):
    """A Dask client: of the scheduler at ``scheduler``, or of a new LocalCluster of ``workers`` processes."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    # a job's worker thread mostly waits for nbgrader: Dask's statistical profiler would only cost CPU
    with dask.config.set({"distributed.worker.profile.enabled": False}), \
            LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                         dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def _progress(total, enabled):
    from tqdm import tqdm

    # on a terminal the bar redraws in place; in a log file, a line every 30 s is enough
    return tqdm(total=total, unit="job", desc="grading", disable=not enabled, dynamic_ncols=True,
                mininterval=0.1 if sys.stderr.isatty() else 30,
                bar_format="{desc}: {n_fmt}/{total_fmt} jobs |{bar}| [{elapsed}<{remaining}{postfix}]")


def grade_class(root, assignments, *, scheduler=None, workers=None, students=None, force=False, timeout=None,
                progress=True, report=True, on_result=None):
    """Grade every submission of ``assignments`` in parallel; write the gradebook, ``autograded/`` and a report.

    Parameters
    ----------
    root : path
        The course root (holds ``nbgrader_config.py``); each assignment must have been generated.
    assignments : list of str
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:8786``); default: a LocalCluster on this machine.
    workers : int, optional
        Worker processes of the LocalCluster (default: one per core).
    students : list of str, optional
        Grade only these students.
    force : bool
        Grade again what was already graded from the same files.
    timeout : float, optional
        Seconds a job may take (default: from the course's notebook and cell budgets).
    progress : bool
        Show a progress bar on stderr.
    report : bool
        Write ``class_grading/report.html``.
    on_result : callable, optional
        Called with each :class:`~course_grader.jobs.JobResult` once it is stored.

    Returns
    -------
    ClassRun
    """
    start = time.perf_counter()
    course = Course(root)
    ledger = Ledger(course.root / GRADING_FOLDER / "ledger.json")
    run = ClassRun()
    pending = []
    for assignment in assignments:
        for student in course.students(assignment):
            if students and student not in students:
                continue
            job_digest = digest(course.config_text, course.job_files(assignment, student))
            if not force and ledger.is_current(assignment, student, job_digest,
                                               course.path("autograded", student, assignment)):
                run.skipped.append((assignment, student))
            else:
                pending.append((assignment, student, job_digest))
    templates = {}

    def make_job(assignment, student, job_digest):
        if assignment not in templates:
            templates[assignment] = assignment_gradebook(course.db_url, course.course_id, assignment)
        return Job(assignment, student, course.config_text, templates[assignment], course.job_files(assignment, student),
                   timeout or course.default_timeout(assignment), job_digest)

    if pending:
        from distributed import as_completed

        with dask_client(scheduler, workers) as client, _progress(len(pending), progress) as bar, \
                Gradebook(course.db_url, course.course_id) as gb:
            run.workers = sum(client.nthreads().values())
            queue, in_flight = list(pending), {}
            completed = as_completed()

            def submit_next():
                assignment, student, job_digest = queue.pop(0)
                future = client.submit(grade_job, make_job(assignment, student, job_digest), pure=False, retries=1,
                                       key=f"grade-{assignment}-{student}-{uuid.uuid4().hex[:8]}")
                in_flight[future.key] = (assignment, student, job_digest)
                completed.add(future)

            for _ in range(min(len(queue), 2 * max(run.workers, 1))):
                submit_next()
            for future in completed:
                assignment, student, job_digest = in_flight.pop(future.key)
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 - a job that could not run is recorded, not fatal
                    result = JobResult(assignment, student, job_digest, FAILED,
                                       message=f"the job could not run: {type(error).__name__}: {error}")
                _store(course, gb, ledger, result)
                if result.status != GRADED:
                    bar.write(f"{result.status}: {student}/{assignment}: {result.message}")
                result.autograded, result.log = {}, ""
                run.results.append(result)
                bar.set_postfix_str(f"failed {len(run.problems)}")
                bar.update(1)
                if on_result:
                    on_result(result)
                if queue:
                    submit_next()
    if report:
        from course_grader.class_report import write_report

        run.report = write_report(course, assignments, ledger, course.root / GRADING_FOLDER / "report.html")
    run.seconds = time.perf_counter() - start
    return run


def _store(course, gb, ledger, result):
    """Write one result: the gradebook, ``autograded/``, the job's nbgrader log
    (``class_grading/logs/<assignment>/<student>.log``), then the ledger (so a crash re-grades it)."""
    if result.status == GRADED:
        write_submission(gb, result.assignment, result.student, result.marks)
        dest = course.path("autograded", result.student, result.assignment)
        if dest.exists():
            shutil.rmtree(dest)
        for relative, content in result.autograded.items():
            path = dest / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    log = course.root / GRADING_FOLDER / "logs" / result.assignment / f"{result.student}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(result.log)
    ledger.record(result)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_grader.grade_class",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="+", help="assignments to grade")
    parser.add_argument("--course", default=".", help="the course root (default: the current folder)")
    parser.add_argument("--scheduler", help="a Dask scheduler's address, e.g. tcp://host:8786 (default: a local cluster)")
    parser.add_argument("--workers", type=int, help="worker processes of the local cluster (default: one per core)")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--force", action="store_true", help="grade again what is already graded from the same files")
    parser.add_argument("--timeout", type=float, help="seconds a job may take (default: from the course's budgets)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--no-report", action="store_true", help="do not write the class report")
    args = parser.parse_args(argv)
    run = grade_class(args.course, args.assignments, scheduler=args.scheduler, workers=args.workers,
                      students=args.student, force=args.force, timeout=args.timeout,
                      progress=not args.no_progress, report=not args.no_report)
    graded = sum(r.status == GRADED for r in run.results)
    print(f"graded {graded} submission(s), skipped {len(run.skipped)} already graded from the same files, "
          f"{len(run.problems)} timed out or failed, in {run.seconds:.1f} s on {run.workers} worker(s)")
    for result in run.problems:
        print(f"  {result.status}: {result.student}/{result.assignment}: {result.message}")
    if run.report:
        print(f"class report: {run.report}")
    return 1 if run.problems else 0


if __name__ == "__main__":
    sys.exit(main())
