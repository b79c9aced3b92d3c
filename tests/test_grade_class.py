"""Class grading on Dask (class_grader.coordinator) against serial ``nbgrader autograde``, through real nbgrader.

A small class (full marks, blank, partial and two bugs) on two assignments is graded
twice from the same submissions and the same case seed: once by serial ``nbgrader autograde``, once
by the class command on a two-process LocalCluster. The gradebooks must be identical, and the feedback
each job made must be the page ``nbgrader generate_feedback`` makes, byte for byte. Then: re-runs
grade only what changed, a job past its budget is recorded as a timeout, a worker killed with
SIGKILL mid-job has its job retried, a cluster of real ``dask scheduler`` / ``dask worker`` processes
grades through the command line, and the whole pipeline runs on a real PostgreSQL server.
"""

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from conftest import free_port
from nbgrader.api import Gradebook

from class_grader.cluster_security import client_security, local_security, write_credentials
from class_grader.coordinator import SCHEDULER_SETTINGS, grade_class
from class_grader.course import GRADING_FOLDER
from class_grader.job import GRADED, TIMEOUT
from classroom import nbgrader_run as run
from classroom.submissions import sample_class, write_submissions
from course_grader import extensions

pytestmark = pytest.mark.nbgrader

ASSIGNMENTS = ["01_one_hot", "02_softmax"]
SETTINGS = ["c.GradingExecute.seed = 20261123"]
STUDENTS = ["perfect", "blank", "partial", "global_max", "sum_not_mean"]
#: What the kill, cluster and PostgreSQL tests grade: one assignment of part of the same class.
ONE = ["02_softmax"]
ONE_STUDENTS = ["perfect", "blank", "global_max"]


def gradebook_snapshot(db_url):
    """Everything autograde writes, by (student, assignment, notebook): grades, comments, penalty, timestamp."""
    out = {}
    with Gradebook(db_url) as gb:
        for assignment in gb.assignments:
            for submission in gb.assignment_submissions(assignment.name):
                for notebook in submission.notebooks:
                    out[(submission.student_id, assignment.name, notebook.name)] = (
                        sorted((g.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade)
                               for g in notebook.grades),
                        sorted((c.name, c.auto_comment, c.manual_comment) for c in notebook.comments),
                        notebook.late_submission_penalty, submission.timestamp)
    return out


def only(assignments, snapshot, students=STUDENTS):
    """The part of a :func:`gradebook_snapshot` that belongs to ``assignments`` and ``students``."""
    return {key: value for key, value in snapshot.items() if key[1] in assignments and key[0] in students}


def submission_rows(db_url):
    """(assignment, student) of every submitted_assignment row, duplicates kept."""
    with Gradebook(db_url) as gb:
        return sorted((s.assignment.name, s.student.id) for a in gb.assignments for s in a.submissions)


def sqlite_url(course):
    return f"sqlite:///{Path(course) / 'gradebook.db'}"


def copy_course(course, to, assignments=ASSIGNMENTS, students=STUDENTS):
    """A second course with the same configuration and the hand-ins of ``students`` of ``assignments``, generated
    afresh."""
    to.mkdir(parents=True)
    shutil.copy(course / "nbgrader_config.py", to / "nbgrader_config.py")
    for assignment in assignments:
        shutil.copytree(course / "source" / assignment, to / "source" / assignment)
        for student in students:
            shutil.copytree(course / "submitted" / student / assignment, to / "submitted" / student / assignment)
    run.generate_all(to)
    return to


@pytest.fixture(scope="module")
def cluster():
    """One two-process LocalCluster for the runs below (each run of the command would otherwise start its own),
    over TLS as the command's own: ``{"scheduler": address, "security": credentials}``."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(SCHEDULER_SETTINGS), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                         host="127.0.0.1", protocol="tls://", security=local_security()) as local:
        yield {"scheduler": local.scheduler_address, "security": local.security}


@pytest.fixture(scope="module")
def classes(tmp_path_factory, cluster):
    base = tmp_path_factory.mktemp("grade_class")
    students = [s for s in sample_class() if s.id in STUDENTS]
    course = run.make_course(base / "parallel", ASSIGNMENTS, settings=SETTINGS)
    write_submissions(students, course, ASSIGNMENTS)
    serial = copy_course(course, base / "serial")
    seen = []
    # serial nbgrader autograde keeps one core busy: the class command grades beside it, on the cluster's two
    with ThreadPoolExecutor(1) as pool:
        serially = pool.submit(lambda: [run.autograde(serial, assignment) for assignment in ASSIGNMENTS])
        first = grade_class(course, ASSIGNMENTS, **cluster, progress=False, on_result=seen.append)
        serially.result()
    return SimpleNamespace(base=base, course=course, serial=serial, first=first, seen=seen, cluster=cluster)


def test_parallel_gradebook_is_identical_to_serial_autograde(classes):
    parallel, serial = gradebook_snapshot(sqlite_url(classes.course)), gradebook_snapshot(sqlite_url(classes.serial))
    assert len(parallel) == len(STUDENTS) * 2  # one notebook per assignment
    assert parallel == serial
    # and someone lost points, someone did not: the comparison is not between two empty gradebooks
    scores = {key: sum(g[1] for g in grades) for key, (grades, *_) in parallel.items()}
    assert scores[("perfect", "02_softmax", "softmax")] == 20 and scores[("global_max", "02_softmax", "softmax")] < 20


def test_every_job_ran_once_on_two_workers_and_each_submission_has_one_row(classes):
    first = classes.first
    assert first.workers == 2 and not first.problems and not first.skipped
    assert sorted(r.key for r in classes.seen) == sorted((a, s) for a in ASSIGNMENTS for s in STUDENTS)
    assert len({r.worker for r in first.results}) == 2
    rows = submission_rows(sqlite_url(classes.course))
    assert rows == sorted(set(rows)) and len(rows) == len(ASSIGNMENTS) * len(STUDENTS)


def test_autograded_notebooks_match_serial_autograde(classes):
    """The same notebooks land in autograded/ (the grade cells' outputs are the verdicts)."""
    def verdicts(course, student, assignment):
        out = {}
        for path in sorted((course / "autograded" / student / assignment).glob("*.ipynb")):
            for cell in nbformat.read(path, as_version=4).cells:
                grade = cell.metadata.get("nbgrader", {}).get("grade_id")
                if grade and cell.metadata["nbgrader"].get("grade"):
                    out[grade] = [o.get("evalue", o.get("text", "")) for o in cell.get("outputs", [])]
        return out

    for student in STUDENTS:
        for assignment in ASSIGNMENTS:
            assert verdicts(classes.course, student, assignment) == verdicts(classes.serial, student, assignment)


def test_each_job_makes_the_feedback_nbgrader_generate_feedback_makes_byte_for_byte(classes):
    course = classes.course
    made = run.feedback_files(course)
    assert classes.first.course_feedback == [] and classes.first.feedback_problems == []
    assert sorted(p for p in made if p.endswith(".html")) == sorted(
        f"feedback/{s}/{a}/{'one_hot' if a == '01_one_hot' else 'softmax'}.html" for a in ASSIGNMENTS for s in STUDENTS)
    assert "subtract each row" in made["feedback/global_max/02_softmax/softmax.html"].decode()
    for assignment in ASSIGNMENTS:
        run.generate_feedback(course, assignment)
    assert run.feedback_files(course) == made
    assert all((course / path).stat().st_mode & 0o777 == 0o644 for path in made)
    rows = (run.export(course)).read_text().splitlines()
    assert len(rows) == 1 + len(ASSIGNMENTS) * len(STUDENTS)


def test_a_submission_with_manual_marks_gets_its_feedback_from_the_course_gradebook(classes):
    """The job's gradebook knows only what autograde wrote: a manual score or comment in the course's
    gradebook, kept across regrading, is on the page only if the course's generate_feedback makes it."""
    course, key = classes.course, ("global_max", "02_softmax", "softmax")
    with Gradebook(sqlite_url(course)) as gb:
        notebook = gb.find_submission_notebook(key[2], key[1], key[0])
        grade, comment = notebook.grades[0], notebook.comments[0]
        grade.manual_score, comment.manual_comment = grade.max_score, "A note from your instructor: well argued."
        gb.db.commit()
    try:
        done = grade_class(course, ONE, **classes.cluster, students=["global_max"], force=True, progress=False,
                           report=False)
        assert [r.status for r in done.results] == [GRADED]
        assert done.course_feedback == [("02_softmax", "global_max")] and done.feedback_problems == []
        page = course / "feedback" / "global_max" / "02_softmax" / "softmax.html"
        made = page.read_bytes()
        assert b"A note from your instructor: well argued." in made
        run.nbgrader(course, "generate_feedback", "02_softmax", "--student", "global_max", "--force")
        assert page.read_bytes() == made
    finally:
        with Gradebook(sqlite_url(course)) as gb:
            notebook = gb.find_submission_notebook(key[2], key[1], key[0])
            notebook.grades[0].manual_score, notebook.comments[0].manual_comment = None, None
            notebook.grades[0].needs_manual_grade = False
            gb.db.commit()


def test_class_report_shows_histograms_pass_rates_and_grouped_diagnoses(classes):
    report = classes.first.report.read_text()
    assert report.count("data:image/png;base64,") == 2 * len(ASSIGNMENTS)
    # global_max's diagnosis, grouped under its exercise with its count and the example student
    section = report[report.index("<h2>02_softmax</h2>"):]
    assert "<h4><code>softmax</code></h4>" in section
    assert "softmax: returned nan or inf probabilities" in section
    row = re.search(r"<td class='n'>(\d+)</td><td><code>softmax: returned nan or inf probabilities</code></td>"
                    r"<td>(\w+)</td>", section)
    assert row and row.groups() == ("1", "global_max")
    assert f"{len(STUDENTS)} students" in section
    assert "<h2>Students</h2>" in report and "<td>global_max</td>" in report
    data = json.loads(classes.first.report.with_name("report.json").read_text())
    assert sorted(data["assignments"]) == ASSIGNMENTS and sorted(data["students"]) == sorted(STUDENTS)
    assert data["students"]["perfect"]["02_softmax"]["score"] == 20


def test_a_second_run_grades_only_new_or_changed_submissions(classes):
    course = classes.course
    shutil.rmtree(course / "feedback" / "blank" / "01_one_hot")
    again = grade_class(course, ASSIGNMENTS, **classes.cluster, progress=False, report=False)
    assert again.results == [] and len(again.skipped) == len(ASSIGNMENTS) * len(STUDENTS)
    # a feedback folder that is gone is made again by the course's generate_feedback, without grading again
    assert again.course_feedback == [("01_one_hot", "blank")]
    assert (course / "feedback" / "blank" / "01_one_hot" / "one_hot.html").is_file()
    # partial hands in softmax again, now right everywhere: only that job runs, and its score changes
    perfect = course / "submitted" / "perfect" / "02_softmax" / "softmax.ipynb"
    shutil.copy(perfect, course / "submitted" / "partial" / "02_softmax" / "softmax.ipynb")
    before = gradebook_snapshot(sqlite_url(course))
    changed = grade_class(course, ASSIGNMENTS, **classes.cluster, progress=False, report=False)
    assert [r.key for r in changed.results] == [("02_softmax", "partial")]
    assert changed.planned == [("02_softmax", "partial", ["hand-in changed"])]
    after = gradebook_snapshot(sqlite_url(course))
    assert sum(g[1] for g in after[("partial", "02_softmax", "softmax")][0]) == 20
    def others(snapshot):
        return {key: value for key, value in snapshot.items() if key[0] != "partial"}

    assert others(after) == others(before)
    forced = grade_class(course, ["01_one_hot"], **classes.cluster, students=["perfect"], force=True,
                         progress=False, report=False)
    assert [r.key for r in forced.results] == [("01_one_hot", "perfect")]
    assert forced.planned == [("01_one_hot", "perfect", ["forced"])]
    assert submission_rows(sqlite_url(course)) == sorted(set(submission_rows(sqlite_url(course))))


def test_a_job_past_its_budget_gets_a_row_and_feedback_and_is_retried_only_when_asked_or_changed(classes):
    course = classes.course
    folder = course / "submitted" / "sleeper" / "01_one_hot"
    shutil.copytree(course / "submitted" / "perfect" / "01_one_hot", folder)
    nb = nbformat.read(folder / "one_hot.ipynb", as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell("import time\ntime.sleep(100)"))
    nbformat.write(nb, folder / "one_hot.ipynb")
    start = time.monotonic()
    result = grade_class(course, ["01_one_hot"], **classes.cluster, students=["sleeper"], timeout=12,
                         progress=False)
    assert time.monotonic() - start < 60
    [job] = result.problems
    assert job.status == TIMEOUT and "longer than its budget of 12 s" in job.message
    ledger = json.loads((course / GRADING_FOLDER / "ledger.json").read_text())
    assert ledger["01_one_hot/sleeper"]["status"] == TIMEOUT
    assert not subprocess.run(["pgrep", "-f", "time.sleep.100"], capture_output=True).stdout
    # a row: zero points, every grade marked for manual grading, comments that say why
    with Gradebook(sqlite_url(course)) as gb:
        submission = gb.find_submission("01_one_hot", "sleeper")
        grades = [g for nb_ in submission.notebooks for g in nb_.grades]
        comments = [c for nb_ in submission.notebooks for c in nb_.comments]
        assert grades and all(g.auto_score == 0 and g.needs_manual_grade for g in grades)
        assert comments and all("Not graded automatically" in c.auto_comment for c in comments)
    # the student's notebook in autograded/, outputs cleared, and feedback that says what happened
    autograded = nbformat.read(course / "autograded" / "sleeper" / "01_one_hot" / "one_hot.ipynb", as_version=4)
    assert "no automatic grade yet" in autograded.cells[0].source
    assert all(not c.get("outputs") for c in autograded.cells if c.cell_type == "code")
    assert result.course_feedback == [("01_one_hot", "sleeper")] and result.feedback_problems == []
    feedback = (course / "feedback" / "sleeper" / "01_one_hot" / "one_hot.html").read_text()
    assert "no automatic grade yet" in feedback and "took longer than the time allowed" in feedback
    report = result.report.read_text()
    assert "longer than its budget" in report and "--retry-failed" in report
    # a run of one student of one assignment still reports the whole term
    assert "<h2>01_one_hot</h2>" in report and "<h2>02_softmax</h2>" in report
    assert "softmax: returned nan or inf probabilities" in report
    data = json.loads(result.report.with_name("report.json").read_text())
    assert data["failed"][0]["student"] == "sleeper" and sorted(data["students"]["global_max"]) == ASSIGNMENTS
    # not tried again on every run; tried again when asked, or when the hand-in changes
    again = grade_class(course, ["01_one_hot"], **classes.cluster, students=["sleeper"], progress=False,
                        report=False, dry_run=True)
    assert again.planned == [] and again.skipped == [("01_one_hot", "sleeper")]
    asked = grade_class(course, ["01_one_hot"], **classes.cluster, students=["sleeper"], progress=False,
                        report=False, dry_run=True, retry_failed=True)
    assert asked.planned == [("01_one_hot", "sleeper", ["retrying: the last job timed out"])]
    nb.cells.pop(1)
    nbformat.write(nb, folder / "one_hot.ipynb")
    retry = grade_class(course, ["01_one_hot"], **classes.cluster, students=["sleeper"], progress=False,
                        report=False)
    assert [r.status for r in retry.results] == [GRADED]
    assert retry.planned == [("01_one_hot", "sleeper", ["hand-in changed"])]
    with Gradebook(sqlite_url(course)) as gb:
        assert gb.find_submission("01_one_hot", "sleeper").score == 13


def _plan(classes):
    """What the class command would grade now, as {(assignment, student): reasons}."""
    dry = grade_class(classes.course, ASSIGNMENTS, **classes.cluster, progress=False, report=False,
                      dry_run=True)
    return {(assignment, student): reasons for assignment, student, reasons in dry.planned}


def test_every_input_that_decides_a_grade_regrades_exactly_what_it_touches(classes):
    course = classes.course
    everyone = {(a, s) for a in ASSIGNMENTS for s in course_students(course, a)}
    softmax = {(a, s) for a, s in everyone if a == "02_softmax"}
    assert _plan(classes) == {}
    with Gradebook(sqlite_url(course)) as gb:  # an instructor moves a due date
        gb.update_or_create_assignment("02_softmax", duedate=datetime(2030, 1, 1, 17))
    assert _plan(classes) == {key: ["due date changed"] for key in softmax}
    with Gradebook(sqlite_url(course)) as gb:
        gb.update_or_create_assignment("02_softmax", duedate=None)
    assert _plan(classes) == {}
    with Gradebook(sqlite_url(course)) as gb:  # a hidden test's points, as a regenerated assignment records them
        cell = gb.find_grade_cell("test_softmax_stable", "softmax", "02_softmax")
        cell.max_score, old = 3, cell.max_score
        gb.db.commit()
    assert _plan(classes) == {key: ["hidden tests or points changed"] for key in softmax}
    with Gradebook(sqlite_url(course)) as gb:
        gb.find_grade_cell("test_softmax_stable", "softmax", "02_softmax").max_score = old
        gb.db.commit()
    assert _plan(classes) == {}
    extensions.grant(course, "01_one_hot", "perfect", 48)
    assert _plan(classes) == {("01_one_hot", "perfect"): ["extension changed"]}
    extensions.grant(course, "01_one_hot", "perfect", 0)
    assert _plan(classes) == {}
    config = course / "nbgrader_config.py"
    text = config.read_text()
    config.write_text(text + "c.Execute.timeout = 121\n")
    assert _plan(classes) == {key: ["course configuration changed"] for key in everyone}
    config.write_text(text)
    assert _plan(classes) == {}
    # graded by an older engine (what the ledger recorded), graded now by this one
    ledger_path = course / GRADING_FOLDER / "ledger.json"
    ledger = json.loads(ledger_path.read_text())
    saved = json.dumps(ledger)
    for key in ("02_softmax/perfect", "02_softmax/blank"):
        ledger[key]["inputs"]["grading code"] = "an older engine"
    ledger_path.write_text(json.dumps(ledger))
    assert _plan(classes) == {("02_softmax", "perfect"): ["grading code changed"],
                              ("02_softmax", "blank"): ["grading code changed"]}
    ledger_path.write_text(saved)
    assert _plan(classes) == {}


def course_students(course, assignment):
    return sorted(p.parent.name for p in (course / "submitted").glob(f"*/{assignment}"))


def test_late_hand_ins_lose_points_by_the_hour_after_their_extension_and_regrade_when_the_due_date_moves(classes):
    course = classes.course
    due = datetime(2027, 2, 1, 17, 0)
    with Gradebook(sqlite_url(course)) as gb:
        gb.update_or_create_assignment("02_softmax", duedate=due)
    for student, late in (("perfect", timedelta(minutes=90)), ("sum_not_mean", timedelta(minutes=90))):
        (course / "submitted" / student / "02_softmax" / "timestamp.txt").write_text(
            f"{due + late:%Y-%m-%d %H:%M:%S}.000000 UTC")
    extensions.grant(course, "02_softmax", "sum_not_mean", 2)
    done = grade_class(course, ["02_softmax"], **classes.cluster, progress=False, report=False,
                       students=["perfect", "sum_not_mean", "blank"])
    assert {(s, tuple(r)) for _, s, r in done.planned} == {
        ("perfect", ("hand-in changed", "due date changed")),
        ("sum_not_mean", ("hand-in changed", "due date changed", "extension changed")),
        ("blank", ("due date changed",))}
    with Gradebook(sqlite_url(course)) as gb:
        perfect = gb.find_submission("02_softmax", "perfect")
        assert perfect.score == 20 and perfect.late_submission_penalty == pytest.approx(2.0)  # 2 started hours, 10 %
        assert not gb.find_submission("02_softmax", "sum_not_mean").late_submission_penalty  # on time: +2 h
        assert not gb.find_submission("02_softmax", "blank").late_submission_penalty  # no timestamp
    # the pages the jobs made
    page = (course / "feedback" / "perfect" / "02_softmax" / "softmax.html").read_text()
    assert "submitted 1 h 30 min late: −10 %" in page and "due 2027-02-01 17:00 UTC" in page
    page = (course / "feedback" / "sum_not_mean" / "02_softmax" / "softmax.html").read_text()
    assert "submitted on time (with an extension of 2 h)" in page
    run.nbgrader(course, "export", "--exporter", "course_grader.lms_export.MoodleExport", "--to", "moodle.csv")
    with open(course / "moodle.csv", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    # assignments by due date, those without one last
    assert header == ["First name", "Last name", "ID number", "Email address", "02_softmax", "01_one_hot"]
    with Gradebook(sqlite_url(course)) as gb:
        students = sorted(s.id for s in gb.students)
    assert len(rows) == len(students)
    assert ["", "", "", "", "18", "13"] in rows  # perfect: 20 points, 2 lost for 90 minutes late
    # the due date moves past the hand-in: regraded because of that alone, and the penalty is gone
    with Gradebook(sqlite_url(course)) as gb:
        gb.update_or_create_assignment("02_softmax", duedate=due + timedelta(hours=3))
    moved = grade_class(course, ["02_softmax"], **classes.cluster, progress=False, report=False,
                        students=["perfect"])
    assert moved.planned == [("02_softmax", "perfect", ["due date changed"])]
    with Gradebook(sqlite_url(course)) as gb:
        assert not gb.find_submission("02_softmax", "perfect").late_submission_penalty


def test_a_worker_killed_mid_job_has_its_job_retried_elsewhere(classes, tmp_path):
    import dask
    from distributed import Client, LocalCluster

    course = copy_course(classes.serial, tmp_path / "course", ONE, ONE_STUDENTS)
    killed = []
    with dask.config.set(SCHEDULER_SETTINGS), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                         host="127.0.0.1", protocol="tls://", security=local_security()) as cluster, \
            Client(cluster) as client:
        def kill_a_busy_worker(result):
            if killed:
                return
            pids = client.run(os.getpid)
            busy = [address for address, tasks in client.processing().items() if tasks]
            if busy:
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(busy[0])

        done = grade_class(course, ONE, scheduler=cluster.scheduler_address, security=cluster.security, progress=False,
                           on_result=kill_a_busy_worker)
    assert killed
    assert not done.problems
    assert sorted(r.key for r in done.results) == sorted((a, s) for a in ONE for s in ONE_STUDENTS)
    serial = gradebook_snapshot(sqlite_url(classes.serial))
    assert gradebook_snapshot(sqlite_url(course)) == only(ONE, serial, ONE_STUDENTS)


def test_a_cluster_of_dask_scheduler_and_two_dask_workers_grades_through_the_command_line(classes, tmp_path):
    """Real ``dask scheduler`` and ``dask worker`` processes, started elsewhere (their own folder and
    HOME); the jobs carry the files, so the workers never read the course folder."""
    course = copy_course(classes.serial, tmp_path / "course", ONE, ONE_STUDENTS)
    elsewhere = tmp_path / "workers"
    elsewhere.mkdir()
    port = free_port()
    address = f"tls://127.0.0.1:{port}"
    credentials = tmp_path / "credentials"
    paths = write_credentials(credentials)
    tls = ["--tls-ca-file", str(paths["ca"]), "--tls-cert", str(paths["ca"]), "--tls-key", str(paths["key"])]
    env = {**os.environ, "HOME": str(elsewhere), "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    dask = str(Path(sys.executable).parent / "dask")
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard",
                               "--protocol", "tls", *tls], cwd=elsewhere,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        time.sleep(2)
        for name in ("w1", "w2"):
            procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--name", name,
                                           "--no-dashboard", *tls], cwd=elsewhere, env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout=60, security=client_security(credentials)) as client:
            client.wait_for_workers(2, timeout=60)
        with pytest.raises(Exception):  # noqa: B017 - whatever Dask raises, a client without the credentials is out
            Client(address, timeout=5).close()
        plain = subprocess.run([sys.executable, "-m", "class_grader", *ONE, "--scheduler",
                                address.replace("tls://", "tcp://"), "--no-progress"], cwd=course,
                               env=run.nbgrader_env(), capture_output=True, text=True, timeout=60)
        out = subprocess.run([sys.executable, "-m", "class_grader", *ONE, "--scheduler", address,
                              "--credentials", str(credentials), "--no-progress"], cwd=course, env=run.nbgrader_env(),
                             capture_output=True, text=True, timeout=600)
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
    assert plain.returncode == 2 and "wanted a tls:// address" in plain.stderr
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"graded {len(ONE_STUDENTS)} submission(s)" in out.stdout and "on 2 worker(s)" in out.stdout
    ledger = json.loads((course / GRADING_FOLDER / "ledger.json").read_text())
    assert len({entry["worker"] for entry in ledger.values()}) == 2
    serial = gradebook_snapshot(sqlite_url(classes.serial))
    assert gradebook_snapshot(sqlite_url(course)) == only(ONE, serial, ONE_STUDENTS)


# --- PostgreSQL ----------------------------------------------------------------------------------

def test_the_whole_pipeline_runs_on_a_postgresql_gradebook(classes, postgres, tmp_path):
    course = run.make_course(tmp_path / "course", ONE, settings=[*SETTINGS, f"c.CourseDirectory.db_url = {postgres!r}"])
    for student in ONE_STUDENTS:
        shutil.copytree(classes.serial / "submitted" / student / ONE[0], course / "submitted" / student / ONE[0])
    assert not (course / "gradebook.db").exists()
    done = grade_class(course, ONE, **classes.cluster, progress=False)
    assert not done.problems and not (course / "gradebook.db").exists()
    assert gradebook_snapshot(postgres) == only(ONE, gradebook_snapshot(sqlite_url(classes.serial)), ONE_STUDENTS)
    assert submission_rows(postgres) == sorted(set(submission_rows(postgres)))
    made = run.feedback_files(course)
    assert "subtract each row" in made["feedback/global_max/02_softmax/softmax.html"].decode()
    run.generate_feedback(course, ONE[0])
    assert run.feedback_files(course) == made
    rows = run.export(course).read_text().splitlines()
    assert len(rows) == 1 + len(ONE_STUDENTS)
    assert "softmax: returned nan or inf probabilities" in done.report.read_text()  # read from PostgreSQL
