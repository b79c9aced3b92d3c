"""The grading service (grading_service) on a real nbgrader exchange, through real nbgrader.

Students submit with ``nbgrader submit`` and read what they get with ``nbgrader fetch_feedback``; the
service runs as ``python -m grading_service serve`` on a two-worker Dask cluster of the test's own.

- A term of four students under the ``immediate`` policy: the service is killed with SIGKILL while
  jobs run and started again; one hand-in takes its worker down every time it runs (the test kills
  the worker that runs it); a second submission within the hour waits for the limit.
- Beside it, on a second service: a student on the ``score`` and ``after_due`` policies, on a PostgreSQL
  gradebook: the score page at once and nothing for the other, then the full pages once the due date has
  passed.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from browser_support import chromium_fixture
from conftest import REPO
from nbgrader.api import Gradebook

from class_grader.cluster_security import CA_FILE, KEY_FILE, write_credentials
from class_grader.coordinator import SCHEDULER_SETTINGS
from classroom import nbgrader_run as run
from classroom.exchange_students import ExchangeStudent
from classroom.submissions import sample_class
from course_grader import extensions
from grading_service.service import SERVICE_FOLDER

pytestmark = pytest.mark.nbgrader

COURSE_ID = "nn-from-scratch"
STUDENTS = {s.id: s for s in sample_class()}
ARTIFACTS = REPO / "build" / "test-artifacts" / "grading_service"
chromium = chromium_fixture()

#: Who hands in as whom in the term: two right, one with a realistic bug, one whose job kills its worker.
TERM = {"alice": "perfect", "bob": "labels_from_1", "carol": "partial", "mallory": "perfect"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A two-worker LocalCluster over TLS whose credentials are in a folder, as a real cluster's would be; a job
    is failed after its second worker death (``allowed-failures`` 1)."""
    import dask
    from distributed import Client, LocalCluster
    from distributed.security import Security

    folder = tmp_path_factory.mktemp("credentials")
    write_credentials(folder)
    ca, key = str(folder / CA_FILE), str(folder / KEY_FILE)
    security = Security(require_encryption=True, tls_ca_file=ca, tls_client_cert=ca, tls_client_key=key,
                        tls_scheduler_cert=ca, tls_scheduler_key=key, tls_worker_cert=ca, tls_worker_key=key)
    with dask.config.set({"distributed.scheduler.allowed-failures": 1, **SCHEDULER_SETTINGS}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                         host="127.0.0.1", protocol="tls://", security=security) as local, \
            Client(local) as client:
        yield SimpleNamespace(address=local.scheduler_address, credentials=folder, client=client)


def exchange_course(base, assignments, settings=()):
    """A course whose exchange is ``base/exchange``, its assignments released there."""
    exchange = base / "exchange"
    exchange.mkdir(parents=True)
    exchange.chmod(0o777)
    course = run.make_course(base / "course", assignments, settings=[
        f"c.Exchange.root = {str(exchange)!r}", "c.GradingExecute.seed = 20261123",
        "c.GradingService.require_owner = False",  # every student here is the test's own account
        "c.GradingService.poll_seconds = 0.5", "c.GradingService.rescan_seconds = 2", *settings])
    for assignment in assignments:
        run.nbgrader(course, "release_assignment", assignment, "--force")
    return SimpleNamespace(root=course, exchange=exchange)


class Serving:
    """``python -m grading_service serve`` on ``course``, in a process group of its own."""

    def __init__(self, course, cluster):
        self.course, self.cluster = course, cluster
        self.log = course / "service-output.log"

    def start(self):
        with open(self.log, "a") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "grading_service", "serve", "--scheduler", self.cluster.address,
                 "--credentials", str(self.cluster.credentials)], cwd=self.course, env=run.nbgrader_env(),
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()

    def events(self):
        path = self.course / SERVICE_FOLDER / "events.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def wait_for(self, what, predicate, timeout=240):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.events()):
                return self.events()
            if self.proc.poll() is not None:
                break
            time.sleep(0.3)
        what = what() if callable(what) else what
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGUSR1)  # its threads' stacks, into the log
            time.sleep(1)
        raise AssertionError(f"waited in vain for {what}; the service said:\n{self.log.read_text()[-4000:]}")


def count(events, kind, student=None, **details):
    return sum(e["event"] == kind and (student is None or e["student"] == student)
               and all(e.get(k) == v for k, v in details.items()) for e in events)


def executing(student, dask_worker=None):
    """Run in a worker: its process id and the keys of the jobs of ``student`` it is executing (not the ones the
    scheduler has only queued there, which it may yet move elsewhere)."""
    return os.getpid(), [str(task.key) for task in dask_worker.state.executing if f"-{student}-" in str(task.key)]


def kill_workers_running(cluster, student, stop, killed):
    """Until ``stop`` is set, SIGKILL any worker that is executing a job of ``student`` (a hand-in that takes its
    worker down, every time it runs)."""
    while not stop.is_set():
        try:
            found = cluster.client.run(executing, student)
        except Exception:  # noqa: BLE001 - a worker died while answering; look again
            found = {}
        for pid, keys in found.values():
            if keys:
                os.kill(pid, signal.SIGKILL)
                killed.append(keys[0])
                time.sleep(1)  # the scheduler learns of the death before the next look
        time.sleep(0.2)


def now_utc():
    return datetime.now(timezone.utc).replace(tzinfo=None)


@pytest.fixture(scope="module")
def policies(tmp_path_factory, cluster, postgres):
    """dana hands in 01_one_hot (``score``) and 02_softmax (``after_due``), due 75 s ahead, on a PostgreSQL
    gradebook, to a second service on the same cluster; it runs beside the term (the due date is waited for
    while the term is graded). A thread fetches dana's feedback as soon as the score page is out."""
    base = tmp_path_factory.mktemp("service_policies")
    due = now_utc() + timedelta(seconds=75)
    course = exchange_course(base, ["01_one_hot", "02_softmax"], [
        f"c.CourseDirectory.db_url = {postgres!r}",
        'c.GradingService.feedback_policy = {"01_one_hot": "score", "02_softmax": "after_due"}'])
    with Gradebook(postgres) as gb:
        for assignment in ("01_one_hot", "02_softmax"):
            gb.update_or_create_assignment(assignment, duedate=due)
    dana = ExchangeStudent("dana", base / "dana", course.exchange, COURSE_ID)
    service = Serving(course.root, cluster).start()
    handed_in, seen = {}, {}
    for assignment in ("01_one_hot", "02_softmax"):
        dana.work(assignment, STUDENTS["labels_from_1"])
        handed_in[assignment] = dana.submit(assignment)

    def fetch_once_scored():
        try:
            seen["events"] = service.wait_for("both graded and the score page out", lambda events: count(
                events, "graded") == 2 and count(events, "released", level="score"))
            seen["before"] = {a: dana.fetch_feedback(a) for a in handed_in}
            seen["fetched at"] = now_utc()
        except AssertionError as problem:
            seen["problem"] = str(problem)

    early = threading.Thread(target=fetch_once_scored, daemon=True)
    early.start()
    yield SimpleNamespace(course=course.root, due=due, dana=dana, service=service, handed_in=handed_in,
                          seen=seen, early=early, postgres=postgres)
    service.stop()


@pytest.fixture(scope="module")
def term(tmp_path_factory, cluster, policies):
    """Four students submit 01_one_hot; the service is killed with SIGKILL once the first is graded, and started
    again; then alice submits a second time within the hour (``max_per_hour`` 1)."""
    base = tmp_path_factory.mktemp("service_term")
    course = exchange_course(base, ["01_one_hot"], ["c.GradingService.max_per_hour = 1"])
    students = {who: ExchangeStudent(who, base / who, course.exchange, COURSE_ID) for who in TERM}
    for who, answers in TERM.items():
        students[who].work("01_one_hot", STUDENTS[answers])
    service = Serving(course.root, cluster).start()
    stop, killed = threading.Event(), []
    killer = threading.Thread(target=kill_workers_running, args=(cluster, "mallory", stop, killed), daemon=True)
    killer.start()
    try:
        handed_in = {who: student.submit("01_one_hot") for who, student in students.items()}
        service.wait_for("a first graded submission", lambda events: count(events, "graded"))
        service.kill()
        at_kill = service.events()
        service.start()
        service.wait_for(lambda: f"every student's feedback (workers killed: {killed})", lambda events: all(
            count(events, "released", who) for who in TERM))
        second = students["alice"].submit("01_one_hot")
        service.wait_for("alice's second submission to wait", lambda events: count(events, "queued", "alice"))
        time.sleep(2)  # a grading that should not start would start within a few turns
    finally:
        stop.set()
        service.stop()
    fetched = {who: student.fetch_feedback("01_one_hot") for who, student in students.items()}
    return SimpleNamespace(course=course.root, handed_in=handed_in, second=second, at_kill=at_kill,
                           events=service.events(), fetched=fetched, killed=killed,
                           ledger=json.loads((course.root / "class_grading" / "ledger.json").read_text()))


def test_each_student_fetches_their_own_feedback_which_is_the_courses_page(term):
    for who in ("alice", "bob", "carol"):
        page = term.fetched[who][f"{term.handed_in[who]}/one_hot.html"]
        assert page == (term.course / "feedback" / who / "01_one_hot" / "one_hot.html").read_text()
        assert [name for name in term.fetched[who] if name.startswith(term.handed_in[who])] == \
            [f"{term.handed_in[who]}/one_hot.html"]
        for other in set(TERM) - {who}:
            assert term.handed_in[other] not in "".join(term.fetched[who])
    assert "(Score: 13.0 / 13.0)" in term.fetched["alice"][f"{term.handed_in['alice']}/one_hot.html"]
    bob = term.fetched["bob"][f"{term.handed_in['bob']}/one_hot.html"]
    assert "(Score: 8.0 / 13.0)" in bob and "np.unique" in bob
    with Gradebook(f"sqlite:///{term.course / 'gradebook.db'}") as gb:
        rows = sorted((s.student.id, s.score) for s in gb.assignment_submissions("01_one_hot"))
    assert rows == [("alice", 13.0), ("bob", 8.0), ("carol", rows[2][1]), ("mallory", 0.0)]
    assert 0 < rows[2][1] < 13


def test_killed_with_sigkill_mid_term_the_service_grades_each_hand_in_exactly_once(term):
    assert count(term.at_kill, "graded") < len(TERM)  # jobs were still running when it was killed
    for who in TERM:
        hand_in = term.ledger[f"01_one_hot/{who}"]["inputs"]["hand-in"]
        assert count(term.events, "graded", who, hand_in=hand_in) == 1, who
        assert count(term.events, "started", who) >= 1
    assert len(term.ledger) == len(TERM)
    released = [e for e in term.events if e["event"] == "released"]
    graded_before = {(e["student"], e["hand_in"]) for e in term.events if e["event"] == "graded"}
    assert all((e["student"], e["hand_in"]) in graded_before for e in released)


def test_a_hand_in_that_kills_its_worker_every_time_is_failed_and_told_so(term):
    # allowed-failures 1: a job's second worker death fails it; the job the service stored is the last one tried
    last = term.killed[-1]
    assert term.killed.count(last) == 2 and all(term.killed.count(key) <= 2 for key in term.killed)
    entry = term.ledger["01_one_hot/mallory"]
    assert last in entry["message"]
    assert entry["status"] == "failed" and "KilledWorker" in entry["message"]
    page = term.fetched["mallory"][f"{term.handed_in['mallory']}/one_hot.html"]
    assert "This notebook has no automatic grade yet." in page
    assert all(term.ledger[f"01_one_hot/{who}"]["status"] == "graded" for who in ("alice", "bob", "carol"))


def test_a_second_submission_within_the_hour_waits_and_the_student_is_told_until_when(term):
    assert count(term.events, "queued", "alice", handed_in=term.second) == 1
    first = term.ledger["01_one_hot/alice"]["inputs"]["hand-in"]
    assert {e["hand_in"] for e in term.events if e["event"] == "started" and e["student"] == "alice"} == {first}
    note = term.fetched["alice"][f"{term.second}/one_hot.html"]
    assert "waiting to be graded" in note and "at most 1 per hour are graded" in note
    assert "only your newest submission is graded" in note
    assert "Content-Security-Policy" in note


def test_score_at_once_then_full_after_the_due_date_and_after_due_nothing_before_it_on_postgresql(policies):
    policies.early.join(timeout=300)
    assert "problem" not in policies.seen, policies.seen.get("problem")
    assert policies.seen["fetched at"] < policies.due, "graded too slowly to see the score page before it was due"
    events = policies.service.wait_for("the full pages after the due date", lambda events: count(
        events, "released", level="full") == 2, timeout=240)
    policies.service.stop()
    before, handed_in = policies.seen["before"], policies.handed_in
    after = {a: policies.dana.fetch_feedback(a) for a in handed_in}
    assert not (policies.course / "gradebook.db").exists()  # the gradebook is PostgreSQL's
    with Gradebook(policies.postgres) as gb:
        assert [s.student.id for s in gb.assignment_submissions("02_softmax")] == ["dana"]
    assert count(policies.seen["events"], "released", "dana", assignment="02_softmax") == 0
    assert before["02_softmax"] == {}
    score = before["01_one_hot"][f"{handed_in['01_one_hot']}/one_hot.html"]
    assert "<code>one_hot</code></td><td class=\"points\">0</td><td class=\"points\">5</td>" in score
    assert "np.unique" not in score and "shows scores only until it is due" in score
    for assignment, notebook in (("01_one_hot", "one_hot"), ("02_softmax", "softmax")):
        page = after[assignment][f"{handed_in[assignment]}/{notebook}.html"]
        assert page == (policies.course / "feedback" / "dana" / assignment / f"{notebook}.html").read_text()
    assert "np.unique" in after["01_one_hot"][f"{handed_in['01_one_hot']}/one_hot.html"]
    assert count(events, "graded") == 2  # the due date passing releases; it grades nothing again


def test_what_a_student_sees_at_each_policy_is_drawn_in_chromium(policies, term, chromium):
    """The pages as the student's browser draws them, saved under ``build/test-artifacts/grading_service/``:
    ``score`` before the due date, the full page (``immediate``, or any policy after the due date), the note of
    a submission over the hourly limit. (``after_due`` before the due date: no page at all.)"""
    policies.early.join(timeout=300)
    handed_in = policies.handed_in
    pages = {
        "score_before_the_due_date": policies.seen["before"]["01_one_hot"][f"{handed_in['01_one_hot']}/one_hot.html"],
        "full_immediate_or_after_the_due_date": term.fetched["bob"][f"{term.handed_in['bob']}/one_hot.html"],
        "over_the_hourly_limit": term.fetched["alice"][f"{term.second}/one_hot.html"],
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = chromium.new_page(viewport={"width": 1100, "height": 800})
    for name, html in pages.items():
        page.set_content(html, wait_until="load")
        assert page.locator("body").inner_text().strip(), name
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.close()


def test_late_hand_ins_lose_points_unless_an_extension_covers_them(policies):
    """After the due date, erin hands in with no extension and fay with one of two hours: the service grades
    both with the course's late policy (5 % a started hour). erin's full page is out at once and says she was
    late; fay's due date is two hours later, so under ``score`` she sees her scores only, and the course's page
    (released at her due date) says she was on time."""
    time.sleep(max(0.0, (policies.due - now_utc()).total_seconds() + 1))
    extensions.grant(policies.course, "01_one_hot", "fay", 2)
    late = {who: ExchangeStudent(who, policies.dana.home.parent / who, policies.dana.exchange, COURSE_ID)
            for who in ("erin", "fay")}
    for student in late.values():
        student.work("01_one_hot", STUDENTS["perfect"])
    policies.service.stop()  # (the test above stops it; run alone, this one does)
    policies.service.start()
    try:
        handed_in = {who: student.submit("01_one_hot") for who, student in late.items()}
        policies.service.wait_for("erin's full page and fay's score page", lambda events: count(
            events, "released", "erin", level="full") and count(events, "released", "fay", level="score"))
    finally:
        policies.service.stop()
    pages = {who: student.fetch_feedback("01_one_hot")[f"{handed_in[who]}/one_hot.html"]
             for who, student in late.items()}
    with Gradebook(policies.postgres) as gb:
        erin, fay = (gb.find_submission("01_one_hot", who) for who in ("erin", "fay"))
        assert erin.score == 13 and erin.late_submission_penalty == pytest.approx(0.65)  # 5 % of 13: one hour
        assert not fay.late_submission_penalty
    assert "late: −5 %" in pages["erin"]
    assert "shows scores only until it is due" in pages["fay"] and "(Score: " not in pages["fay"]
    assert "(Score: " in pages["erin"]  # nbgrader's full page
    course_page = (policies.course / "feedback" / "fay" / "01_one_hot" / "one_hot.html").read_text()
    assert "submitted on time (with an extension of 2 h)" in course_page
