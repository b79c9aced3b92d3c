"""A student's path through the course in a real browser: JupyterLab, nbgrader's extension, Chromium.

The local trial (``classroom.trial``) is started on ``01_one_hot`` and driven
with Playwright in Debian's Chromium, as a student would use it: fetch the
assignment, open the notebook, Validate it blank, type a wrong answer, run
it, Validate, submit, type the right answers, Validate; then the instructor's
commands collect, autograde and release feedback, and the student fetches the
feedback and reads it in JupyterLab's (sandboxed, offline) HTML viewer.
Screenshots of every step go to ``build/test-artifacts/browser/``.
"""

import contextlib
import http.server
import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from types import SimpleNamespace

import pytest
from browser_support import LabActions, chromium_fixture
from nbgrader.api import Gradebook

from class_grader.report import failed_grade_cells
from classroom import nbgrader_run as run
from classroom.submissions import REPO, reference_solutions
from classroom.trial import prepare
from course_grader.formgrader_policy import FORMGRADER_POLICY

pytestmark = pytest.mark.nbgrader

ARTIFACTS = REPO / "build" / "test-artifacts" / "browser"
TOKEN = "course-browser-test"
ASSIGNMENT = "01_one_hot"
WRONG_ONE_HOT = "def one_hot(y, num_classes=None):\n    return np.eye(y.max() + 1)[y].astype(int)\n"

browser = chromium_fixture()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The trial's JupyterLab on 01_one_hot, released through the local exchange: (trial, base URL)."""
    trial = prepare(tmp_path_factory.mktemp("browser") / "trial", [ASSIGNMENT])
    env = {"JUPYTER_CONFIG_DIR": str(trial.jupyter_config)}
    run.nbgrader(trial.course, "release_assignment", ASSIGNMENT, env=env)
    port = free_port()
    log = (trial.root / "lab.log").open("w")
    server = subprocess.Popen(trial.lab_command(port, [f"--IdentityProvider.token={TOKEN}"]), cwd=trial.course,
                              env=trial.env(), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=5)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log = (trial.root / "lab.log").read_text()[-3000:]
                raise RuntimeError(f"JupyterLab did not start:\n{log}") from None
            time.sleep(0.5)
    yield trial, base
    server.terminate()
    server.wait(timeout=30)
    log.close()


class Student(LabActions):
    """The student's browser tab, with a screenshot after each step."""

    def __init__(self, page, base):
        self.page, self.base, self.step = page, base, 0
        if ARTIFACTS.exists():
            shutil.rmtree(ARTIFACTS)
        ARTIFACTS.mkdir(parents=True)

    def shot(self, name):
        self.step += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.step:02d}_{name}.png"))

    def open(self, path):
        self.page.goto(f"{self.base}/lab/tree/{path}?token={TOKEN}")
        self.page.wait_for_selector("#jp-main-dock-panel", timeout=120_000)

    def dirty(self):
        tab = self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
        return "jp-mod-dirty" in (tab.get_attribute("class") or "")

    def validate(self, name):
        """Click Validate; return the dialog's message element's class and text."""
        self.page.locator(".jp-NotebookPanel-toolbar:visible").get_by_text("Validate", exact=True).click()
        message = self.page.locator("#validation-message")
        message.wait_for(timeout=300_000)
        result = (message.get_attribute("class"), message.inner_text())
        self.shot(f"validate_{name}")
        self.page.locator(".jp-Dialog").get_by_role("button", name="Ok").click()
        message.wait_for(state="detached")
        return result


#: What an injected script would do to call out: an image, a script and a request to another server.
CALL_OUT = """url => {
    new Image().src = url + '/image';
    const script = document.createElement('script');
    script.src = url + '/script';
    document.head.appendChild(script);
    fetch(url + '/fetch', {mode: 'no-cors'}).catch(() => null);
}"""


@contextlib.contextmanager
def outside_server():
    """Another server on this machine (another origin): records the path of every request it gets."""
    paths = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            paths.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_address[1]}", paths=paths)
    finally:
        server.shutdown()
        server.server_close()


def kernel_language_info():
    from jupyter_client.manager import start_new_kernel
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        return client.kernel_info(reply=True)["content"]["language_info"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_student_validates_submits_and_reads_feedback_in_the_browser(lab, browser):
    trial, base = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    student = Student(page, base)

    # Fetch the released assignment from the Assignment List.
    student.open("student")
    student.assignment_list()
    page.locator("#released_assignments_list button", has_text="Fetch").click()
    page.wait_for_selector("#fetched_assignments_list .list_item button:has-text('Submit')", timeout=60_000)
    student.shot("fetched")
    assert (trial.student / ASSIGNMENT / "one_hot.ipynb").exists()

    # Open it: once the kernel is up, the notebook is as fetched (its language_info is the kernel's).
    student.open(f"student/{ASSIGNMENT}/one_hot.ipynb")
    student.wait_idle()
    page.wait_for_timeout(1500)
    student.shot("opened")
    release = json.loads((trial.student / ASSIGNMENT / "one_hot.ipynb").read_text())
    assert student.dirty() == (release["metadata"]["language_info"] != kernel_language_info())

    # Blank: Validate fails, naming the visible tests.
    kind, text = student.validate("blank")
    assert "validation-failed" in kind
    assert "The following cell failed" in text and "# Visible test: the worked example" in text
    assert "# Visible test: strings." in text

    # A wrong one_hot, typed in and run: its visible test fails, and so does Validate.
    student.type_into("one_hot", WRONG_ONE_HOT)
    student.shot("typed_wrong")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
    visible_test = page.locator(".jp-CodeCell", has_text="# Visible test: the worked example")
    visible_test.locator(".jp-OutputArea-output", has_text="AssertionError").wait_for(timeout=120_000)
    student.shot("ran_wrong")
    student.save()
    kind, text = student.validate("wrong")
    assert "validation-failed" in kind and "expected dtype float64" in text
    assert "# Visible test: the worked example" in text and "# Visible test: strings." in text

    # Submitted as it is (validation is advice, not a gate).
    student.assignment_list()
    page.locator("#fetched_assignments_list button", has_text="Submit").click()
    page.wait_for_selector("#submitted_assignments_list .list_item", timeout=60_000)
    student.shot("submitted")

    # The right answers: Validate succeeds.
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="one_hot.ipynb").click()
    for function, source in reference_solutions(ASSIGNMENT).items():
        student.type_into(function, source)
    student.save()
    kind, text = student.validate("right")
    assert "validation-success" in kind and "Success! Your notebook passes all the tests." in text

    # The instructor collects, autogrades and releases feedback.
    env = {"JUPYTER_CONFIG_DIR": str(trial.jupyter_config)}
    for command in (["collect", ASSIGNMENT], ["autograde", ASSIGNMENT, "--create"],
                    ["generate_feedback", ASSIGNMENT], ["release_feedback", ASSIGNMENT]):
        run.nbgrader(trial.course, *command, env=env)
    (student_id,) = [p.name for p in (trial.course / "autograded").iterdir()]
    messages = failed_grade_cells(trial.course / "autograded" / student_id / ASSIGNMENT)
    failing = next(message for cell, message in messages.items() if cell.startswith("test_one_hot"))
    first_line = failing.strip().splitlines()[0]

    # The student fetches the feedback and reads it in JupyterLab.
    student.open("student")
    student.assignment_list()
    page.locator("#submitted_assignments_list button", has_text="Fetch Feedback").click()
    page.wait_for_function("() => document.querySelector('#submitted_assignments_list').innerText"
                           ".toLowerCase().includes('view feedback')",
                           timeout=60_000)
    (feedback,) = (trial.student / ASSIGNMENT / "feedback").glob("*/one_hot.html")
    student.open(str(feedback.relative_to(trial.root)))
    frame = page.frame_locator("iframe").first
    message = frame.locator("pre", has_text=first_line).first
    message.wait_for(timeout=60_000)
    message.scroll_into_view_if_needed()
    student.shot("feedback")
    assert message.is_visible()
    # Long lines wrap: the message's box is no wider than its container.
    assert message.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    # Maths is drawn offline: MathML elements with a size, and no raw TeX left on the page.
    formula = frame.locator("math").first
    formula.scroll_into_view_if_needed()
    box = formula.bounding_box()
    assert box and box["width"] > 5 and box["height"] > 5
    body = frame.locator("body").inner_text()
    assert "$(N, K)$" not in body and "\\in \\{0" not in body
    student.shot("feedback_maths")

    # The formgrader, on the same server, lists the assignment; its pages carry the course's policy.
    response = page.goto(f"{base}/formgrader/manage_assignments?token={TOKEN}")
    page.wait_for_selector(f"text={ASSIGNMENT}", timeout=60_000)
    student.shot("formgrader")
    assert response.headers.get("content-security-policy") == FORMGRADER_POLICY

    # The graded notebook in the formgrader works under it, offline: its scripts show the automatic scores
    # from the API, and a manual score typed in is saved to the gradebook.
    gradebook_url = f"sqlite:///{trial.course / 'gradebook.db'}"
    with Gradebook(gradebook_url) as gradebook:
        submission = gradebook.find_submission_notebook("one_hot", ASSIGNMENT, student_id).id
    page.goto(f"{base}/formgrader/submissions/{submission}/?index=0&token={TOKEN}")
    page.wait_for_function("() => [...document.querySelectorAll('input.score')].every(e => e.placeholder !== '')",
                           timeout=60_000)
    score = page.locator("input#test_encode_labels_ints")
    score.fill("1")
    score.press("Tab")
    page.wait_for_timeout(2000)
    student.shot("formgrader_submission")
    with Gradebook(gradebook_url) as gradebook:
        assert gradebook.find_grade("test_encode_labels_ints", "one_hot", ASSIGNMENT, student_id).manual_score == 1

    # ... and a script that got past the sanitizers could send nothing out: no image, script or request
    # reaches another server from a formgrader page, while from a JupyterLab page (no such policy) they do.
    with outside_server() as reached:
        page.evaluate(CALL_OUT, reached.url)
        page.wait_for_timeout(1500)
        from_formgrader = list(reached.paths)
        page.goto(f"{base}/lab?token={TOKEN}")
        page.wait_for_selector("#jp-main-dock-panel", timeout=120_000)
        page.evaluate(CALL_OUT, reached.url)
        page.wait_for_timeout(1500)
        from_lab = list(reached.paths)[len(from_formgrader):]
    assert from_formgrader == [] and sorted(from_lab) == ["/fetch", "/image", "/script"], (from_formgrader, from_lab)
