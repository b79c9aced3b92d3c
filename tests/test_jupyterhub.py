"""The course on a real JupyterHub: two students at once in Chromium, feedback from the grading service.

The deployment is ``deploy/hub/``: the environments ``install.sh`` builds (``scripts/test.sh`` runs it as
root), JupyterHub from PyPI with ``configurable-http-proxy`` from npm, and ``jupyterhub_config.py`` as an
instructor would use it. The test makes real Unix accounts (an instructor and two students, with
passwords: the Hub logs in through PAM) and a course folder owned by the instructor, whose grading
service the Hub starts as a managed service. Both students log in at once, fetch ``01_one_hot`` from the
Assignment List, type their answers (one right, one with a realistic bug), submit, and press Fetch
Feedback until their own page arrives, which they open in JupyterLab. The instructor then finds both in
the formgrader. Screenshots of every step go to ``build/test-artifacts/jupyterhub/``.

It needs root (accounts, and the Hub starts servers as them).
"""

import grp
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from browser_support import LabActions, chromium_fixture
from conftest import REPO, free_port

from classroom import nbgrader_run as run
from classroom.catalogue import BUGS
from classroom.submissions import reference_solutions

pytestmark = pytest.mark.nbgrader

PREFIX = Path(os.environ.get("NN_HUB_PREFIX", "/opt/nn-course-hub"))
CONFIG = REPO / "deploy" / "hub" / "jupyterhub_config.py"
ARTIFACTS = REPO / "build" / "test-artifacts" / "jupyterhub"
ASSIGNMENT = "01_one_hot"
#: The accounts the test makes (and removes): the instructor and two students.
TEACHER, ANN, BEN = "nnhub-teacher", "nnhub-ann", "nnhub-ben"
#: ben's one_hot: the labels shifted by one, a bug of the answer catalogue.
BEN_ONE_HOT = next(bug for bug in BUGS["one_hot"] if bug.label == "labels start at 1").source

browser = chromium_fixture()


def as_user(user, *command, cwd=None, **kwargs):
    """Run ``command`` as ``user`` (``runuser``, with a login environment)."""
    return subprocess.run(["runuser", "-u", user, "--", "env", f"HOME={pwd.getpwnam(user).pw_dir}", f"USER={user}",
                           f"PATH={PREFIX / 'course' / 'bin'}:/usr/bin:/bin", *command], cwd=cwd, check=True,
                          capture_output=True, text=True, timeout=300, **kwargs)


def make_account(name, password, groups=()):
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", *(["--groups", ",".join(groups)] if groups
                                                                          else []), name], check=True)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)


def remove_account(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return
    subprocess.run(["pkill", "-KILL", "-u", name], check=False)
    time.sleep(0.5)
    subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


def wait_for_url(url, proc, log, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer:\n{Path(log).read_text()[-4000:]}") from None
            time.sleep(0.5)


@pytest.fixture(scope="module")
def hub():
    """The accounts, the course and its exchange, and the Hub started with the course's configuration."""
    if os.geteuid() != 0:
        pytest.skip("the JupyterHub test makes Unix accounts and starts servers as them: it runs as root")
    missing = [str(p) for p in (PREFIX / "students" / "bin" / "jupyterhub-singleuser",
                                PREFIX / "course" / "bin" / "jupyterhub") if not p.exists()]
    if missing or not shutil.which("configurable-http-proxy"):
        pytest.fail(f"the deployment is not installed ({missing or 'configurable-http-proxy'}): "
                    f"run deploy/hub/install.sh {PREFIX} as root")
    for name in (TEACHER, ANN, BEN):
        remove_account(name)
    passwords = {name: secrets.token_urlsafe(12) for name in (TEACHER, ANN, BEN)}
    make_account(TEACHER, passwords[TEACHER], groups=["nn-instructors"])
    make_account(ANN, passwords[ANN])
    make_account(BEN, passwords[BEN])
    base = Path(tempfile.mkdtemp(prefix="nn-hub-"))
    base.chmod(0o755)
    exchange = base / "exchange"
    exchange.mkdir(mode=0o777)
    exchange.chmod(0o777)
    course = run.make_course(base / "course", [ASSIGNMENT], settings=[
        f"c.Exchange.root = {str(exchange)!r}", "c.GradingService.poll_seconds = 0.5"])
    subprocess.run(["chown", "-R", f"{TEACHER}:{TEACHER}", str(course)], check=True)
    course.chmod(0o700)
    as_user(TEACHER, "nbgrader", "release_assignment", ASSIGNMENT, cwd=course)
    ports = {name: str(free_port()) for name in ("NN_HUB_PORT", "NN_HUB_API_PORT", "NN_HUB_PROXY_API_PORT")}
    env = {**os.environ, "PATH": f"{PREFIX / 'course' / 'bin'}:{os.environ['PATH']}",
           "NN_HUB_PREFIX": str(PREFIX), "NN_HUB_COURSE": str(course), "NN_HUB_INSTRUCTOR": TEACHER,
           "NN_HUB_STUDENTS": f"{ANN} {BEN}", "NN_HUB_STATE": str(base / "hub"),
           "NN_HUB_URL": f"http://127.0.0.1:{ports['NN_HUB_PORT']}",
           "NN_HUB_API_PORT": ports["NN_HUB_API_PORT"], "NN_HUB_PROXY_API_PORT": ports["NN_HUB_PROXY_API_PORT"]}
    log = base / "jupyterhub.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([str(PREFIX / "course" / "bin" / "jupyterhub"), "-f", str(CONFIG)], cwd=base,
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{ports['NN_HUB_PORT']}"
    try:
        wait_for_url(f"{url}/hub/health", proc, log)
        if ARTIFACTS.exists():
            shutil.rmtree(ARTIFACTS)
        ARTIFACTS.mkdir(parents=True)
        yield SimpleNamespace(url=url, course=course, exchange=exchange, passwords=passwords, log=log, base=base)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
        for name in (TEACHER, ANN, BEN):
            remove_account(name)
        shutil.rmtree(base, ignore_errors=True)


class HubUser(LabActions):
    """One person's browser session on the Hub, with a screenshot after each step."""

    def __init__(self, browser, hub, name):
        self.hub, self.name = hub, name
        self.context = browser.new_context(viewport={"width": 1300, "height": 900})
        self.page = self.context.new_page()
        self.step = 0

    def shot(self, what):
        self.step += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}_{self.step:02d}_{what}.png"))

    def log_in(self):
        self.page.goto(f"{self.hub.url}/hub/login")
        self.page.fill("#username_input", self.name)
        self.page.fill("#password_input", self.hub.passwords[self.name])
        self.page.click("#login_submit")

    def wait_for_lab(self):
        self.page.wait_for_selector("#jp-main-dock-panel", timeout=180_000)

    def open(self, path):
        self.page.goto(f"{self.hub.url}/user/{self.name}/lab/tree/{path}")
        self.wait_for_lab()


def fetched_pages(name):
    """{path under the student's assignment folder: text} of the feedback the student has fetched."""
    folder = Path(pwd.getpwnam(name).pw_dir) / ASSIGNMENT / "feedback"
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*.html"))}


def test_two_students_at_once_submit_and_each_fetches_only_their_own_feedback(hub, browser):
    students = {ANN: HubUser(browser, hub, ANN), BEN: HubUser(browser, hub, BEN)}
    for student in students.values():
        student.log_in()
    for name, student in students.items():
        student.wait_for_lab()
        student.shot("lab")
        # a student's JupyterLab has no instructor's tools
        assert student.page.locator(".lm-TabBar-tab", has_text="Create Assignment").count() == 0
        assert student.page.request.get(f"{hub.url}/user/{name}/formgrader").status == 404
        student.assignment_list()
        student.page.locator("#released_assignments_list button", has_text="Fetch").click()
    for student in students.values():
        student.page.wait_for_selector("#fetched_assignments_list .list_item button:has-text('Submit')",
                                       timeout=60_000)
        student.shot("fetched")

    answers = reference_solutions(ASSIGNMENT)
    for name, student in students.items():
        student.open(f"{ASSIGNMENT}/one_hot.ipynb")
        student.wait_idle()
        for function, source in answers.items():
            student.type_into(function, BEN_ONE_HOT if (name, function) == (BEN, "one_hot") else source)
        student.save()
        student.shot("answered")
    for student in students.values():
        student.assignment_list()
        student.page.locator("#fetched_assignments_list button", has_text="Submit").click()
    for student in students.values():
        student.page.wait_for_selector("#submitted_assignments_list .list_item", timeout=60_000)
        student.shot("submitted")

    # Fetch Feedback until the service has graded the hand-in and released its page.
    deadline = time.monotonic() + 240
    waiting = dict(students)
    while waiting and time.monotonic() < deadline:
        for name, student in list(waiting.items()):
            student.page.locator("#submitted_assignments_list button", has_text="Fetch Feedback").first.click()
            student.page.wait_for_timeout(1500)
            if fetched_pages(name):
                waiting.pop(name)
    service_log = hub.course / "class_grading" / "service" / "service.log"
    assert not waiting, (f"no feedback for {sorted(waiting)}:\n"
                         f"{service_log.read_text()[-3000:] if service_log.exists() else hub.log.read_text()[-3000:]}")

    pages = {name: fetched_pages(name) for name in students}
    assert len(pages[ANN]) == 1 and len(pages[BEN]) == 1, pages.keys()
    (ann_page,), (ben_page,) = pages[ANN].values(), pages[BEN].values()
    assert "(Score: 13.0 / 13.0)" in ann_page
    assert "(Score: 13.0 / 13.0)" not in ben_page and "column" in ben_page.lower()
    for name, other in ((ANN, BEN), (BEN, ANN)):
        theirs = Path(pwd.getpwnam(name).pw_dir)
        assert not [p for p in theirs.rglob("*") if other in p.name], (name, other)
    # the pages are the course's own feedback, made by the service's jobs
    for name, page in ((ANN, ann_page), (BEN, ben_page)):
        assert page == (hub.course / "feedback" / name / ASSIGNMENT / "one_hot.html").read_text()

    # Each reads their own page in JupyterLab.
    for name, student in students.items():
        (relative,) = pages[name]
        student.open(f"{ASSIGNMENT}/feedback/{relative}")
        frame = student.page.frame_locator("iframe").first
        frame.locator("text=Score").first.wait_for(timeout=60_000)
        student.shot("feedback")

    # The instructor finds both in the formgrader, graded.
    teacher = HubUser(browser, hub, TEACHER)
    teacher.log_in()
    teacher.wait_for_lab()
    teacher.page.goto(f"{hub.url}/user/{TEACHER}/formgrader/manage_submissions/{ASSIGNMENT}")
    for name in (ANN, BEN):
        teacher.page.wait_for_selector(f"td:has-text('{name}')", timeout=60_000)
    teacher.shot("formgrader_submissions")
    rows = teacher.page.locator("tbody tr").all_inner_texts()
    assert any(ANN in row and "13" in row for row in rows) and any(BEN in row and "8" in row for row in rows), rows
    for context in [s.context for s in students.values()] + [teacher.context]:
        context.close()


def test_no_student_can_read_the_course_or_import_the_reference(hub):
    for name in (ANN, BEN):
        home = pwd.getpwnam(name).pw_dir
        probe = subprocess.run(["runuser", "-u", name, "--", str(PREFIX / "students" / "bin" / "python"), "-c",
                                "import solutions_lib"], cwd=home, capture_output=True, text=True)
        assert probe.returncode != 0 and "No module named 'solutions_lib'" in probe.stderr
        for secret in (hub.course / "source", PREFIX / "course" / "lib"):
            listing = subprocess.run(["runuser", "-u", name, "--", "ls", str(secret)], cwd=home, capture_output=True,
                                     text=True)
            assert listing.returncode != 0 and "Permission denied" in listing.stderr, secret
    groups = [g.gr_name for g in grp.getgrall() if TEACHER in g.gr_mem]
    assert groups == ["nn-instructors"]
    teacher_home = pwd.getpwnam(TEACHER).pw_dir
    assert as_user(TEACHER, "python", "-c", "import solutions_lib; print(solutions_lib.__file__)",
                   cwd=teacher_home).stdout.startswith(str(PREFIX / "course" / "lib"))

