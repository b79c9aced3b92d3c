"""The hostile corpus through real nbgrader: cheats earn nothing, crashes cost only their own cells,
and nothing a kernel does reaches the course, the environment, $HOME, classmates or the answers.

One course grades every submission of :mod:`classroom.hostile` with the class command
(:mod:`class_grader.coordinator`: real nbgrader autograde per job, two Dask worker processes; several
minutes: some submissions time out on purpose, with the per-cell timeout lowered to 10 s and the
notebook budget to 40 s for this course). Grading runs with a $HOME of its own, so that the test
can hash all of it. Then the hand-ins of the assignments with cells that only show are graded a second
time, in a course of their own, with those cells run (``GradingExecute.skip_shows = False``), save those
whose first grading the clock or a killed kernel decided: skipping them changes no verdict. No clock decides
those, so they are graded on one worker more than the cores, while nbgrader makes the first course's feedback.
"""

import hashlib
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from browser_support import chromium_fixture
from conftest import GRADING_WORKERS, REPO

from classroom import nbgrader_run as run
from classroom.catalogue import FUNCTIONS
from classroom.hostile import ESCAPE_CLASSES, corpus, expected_full, softmax_notebook
from course_checks import manifest
from course_grader import execute
from course_grader.page_policy import POLICY_META, active_content

pytestmark = pytest.mark.nbgrader

chromium = chromium_fixture()
ENTRIES = corpus()
ASSIGNMENTS = sorted({a for e in ENTRIES for a in e.assignments})
#: Seconds of grading time per notebook (the budget) in the corpus's course.
BUDGET = 40
#: The corpus's course: shorter limits, and one case seed for both gradings (so that with and without the cells
#: that only show, the checks meet the same cases).
SETTINGS = ["c.Execute.timeout = 10", f"c.GradingExecute.notebook_timeout = {BUDGET}",
            "c.GradingExecute.max_folder_mb = 16", "c.GradingExecute.seed = 20261203"]
#: The assignments with cells that only show, and the hand-ins graded a second time with those cells run.
SHOWING = sorted({a.name for a in manifest.COURSE if any(nb.shows for nb in a.notebooks)} & set(ASSIGNMENTS))
EVERY_CELL = [e for e in ENTRIES if set(e.assignments) & set(SHOWING)]


#: Strings that only the reference's source or the hidden tests contain.
REFERENCE_SOURCE = "from solutions_lib._validation import as_logits"
HIDDEN_TEST_SOURCE = 'check_softmax(softmax, part="values")'


class _Markup(HTMLParser):
    """Collects the text of every <script> element and every attribute value of a page."""

    def __init__(self):
        super().__init__()
        self.scripts, self.attributes, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        self.attributes += [f"{name}={value}" for name, value in attrs if value]

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def injected_markup(html):
    """Script text and attributes of a page that carry a hostile submission's marker (``nnmarker``)."""
    page = _Markup()
    page.feed(html)
    return [text for text in page.scripts + page.attributes if "nnmarker" in text]


def tree_digest(root, skip=()):
    """A digest of every file under ``root`` (path, size, content), leaving out the ``skip`` names."""
    digest = hashlib.sha256()
    root = Path(root)
    if not root.exists():
        return None
    for path in sorted(root.rglob("*")):
        if any(part in skip for part in path.relative_to(root).parts) or not path.is_file() or path.is_symlink():
            continue
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def environment_digest():
    """What a later grading run depends on: the installed packages and this checkout's code."""
    site = Path(sys.prefix) / "lib"
    listing = hashlib.sha256()
    for path in sorted(site.rglob("*")):
        if "__pycache__" not in path.parts and path.is_file():
            listing.update(f"{path}:{path.stat().st_size}:{path.stat().st_mtime_ns}".encode())
    return listing.hexdigest(), {pkg: tree_digest(REPO / pkg, skip={"__pycache__"})
                                 for pkg in ("solutions_lib", "course_checks", "course_grader", "classroom")}


def course_digest(course, honest):
    return {"config": tree_digest(course, skip={"source", "release", "submitted", "autograded", "feedback",
                                                 "gradebook.db", "grades.csv", "downloaded", ".nbgrader.log",
                                                 "class_grading"}),
            "source": tree_digest(course / "source"), "release": tree_digest(course / "release"),
            **{f"submitted/{sid}": tree_digest(course / "submitted" / sid) for sid in honest}}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    import matplotlib

    base = tmp_path_factory.mktemp("hostile")
    home = base / "home"
    (home / ".jupyter").mkdir(parents=True)
    (home / ".jupyter" / "migrated").write_text("")  # else jupyter_core writes it at nbgrader's first start
    env = {"HOME": str(home), "MPLCONFIGDIR": matplotlib.get_cachedir()}
    with ThreadPoolExecutor(2) as pool:
        course, every_cell = pool.map(
            lambda args: run.make_course(base / args[0], args[1], settings=args[2]),
            [("course", ASSIGNMENTS, SETTINGS),
             ("every_cell", SHOWING, [*SETTINGS, "c.GradingExecute.skip_shows = False"])])
    for entry in ENTRIES:
        entry.build(course / "submitted" / entry.id)
    honest = [e.id for e in ENTRIES if e.id.endswith("_honest")]
    before = {"course": course_digest(course, honest), "environment": environment_digest(),
              "home": tree_digest(home)}
    def grade_class(*args, root=course, workers=2):
        """The class command on a LocalCluster of ``workers`` processes, with nbgrader's own $HOME."""
        out = subprocess.run([sys.executable, "-m", "class_grader", *args, "--workers", str(workers),
                              "--no-progress"], cwd=root, env=run.nbgrader_env(env), capture_output=True, text=True)
        return out.stdout + out.stderr

    def job_logs(assignment, students="*"):
        folder = course / "class_grading" / "logs" / assignment
        return "".join(p.read_text() for p in sorted(folder.glob(f"{students}.log")))

    summary = grade_class(*ASSIGNMENTS)
    # the same hand-ins again with the cells that only show run, save those whose grading the clock or a killed
    # kernel decided (the cells that only show would only take more of their time); no clock decides the others,
    # so they are graded on one worker more than the cores, beside the feedback below
    again = [e for e in EVERY_CELL if not any(by_the_clock(course, e.id, a) for a in e.assignments)]
    for entry in again:
        entry.build(every_cell / "submitted" / entry.id)
    with ThreadPoolExecutor(1) as beside:
        every_cell_grading = beside.submit(grade_class, *SHOWING, root=every_cell, workers=GRADING_WORKERS)
        logs, scores = {assignment: job_logs(assignment) for assignment in ASSIGNMENTS}, {}
        # the pages the jobs made (and the course, for what timed out or failed), before nbgrader makes them again
        job_feedback = run.feedback_files(course)
        # nbgrader's generate_feedback for the whole corpus, two processes: 02_softmax's hand-ins in two halves
        halves = [("02_softmax", "[a-l]*"), ("02_softmax", "[!a-l]*")]
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda part: run.nbgrader(course, "generate_feedback", part[0], "--student", part[1],
                                                    "--force"),
                          halves + [(a, "*") for a in ASSIGNMENTS if a != "02_softmax"]))
        every_cell_summary = every_cell_grading.result()
    for assignment in ASSIGNMENTS:
        scores[assignment] = run.cell_scores(course, assignment)
    course_feedback = run.feedback_files(course)
    survivors = subprocess.run(["pgrep", "-f", "nnmarker"], capture_output=True, text=True).stdout.split()
    after = {"course": course_digest(course, honest), "environment": environment_digest(),
             "home": tree_digest(home)}
    # a later batch: one more honest student, graded after everything above
    softmax_notebook()(course / "submitted" / "later_honest")
    summary += grade_class("02_softmax", "--student", "later_honest")
    logs["later"] = job_logs("02_softmax", "later_honest")
    later = run.cell_scores(course, "02_softmax")
    return SimpleNamespace(course=course, logs=logs, summary=summary, scores=scores, before=before, after=after,
                           later=later, survivors=survivors, job_feedback=job_feedback, course_feedback=course_feedback,
                           every_cell=SimpleNamespace(course=every_cell, summary=every_cell_summary, entries=again,
                                                      scores={a: run.cell_scores(every_cell, a) for a in SHOWING}))


#: What the grader writes into a notebook where a timeout, the notebook's time budget or a killed kernel
#: stopped a cell.
CLOCK_MARKS = ("CellTimeoutError", execute.KERNEL_DIED, execute.KERNEL_RESTARTED, execute.out_of_time(BUDGET),
               execute.GAVE_UP)


def by_the_clock(course, student, assignment):
    """True if a timeout, the notebook's time budget or a killed kernel stopped a cell of this graded hand-in."""
    text = "".join(p.read_text() for p in (course / "autograded" / student / assignment).glob("*.ipynb"))
    return any(mark in text for mark in CLOCK_MARKS)


def per_function(cells, assignment):
    out = {}
    for cell, (score, top) in cells.items():
        f = manifest.exercise_of(cell)
        got, most = out.get(f, (0, 0))
        out[f] = (got + score, most + top)
    return out


def feedback_text(graded, entry, assignment):
    return "".join(p.read_text() for p in (graded.course / "feedback" / entry.id / assignment).glob("*.html"))


def test_the_corpus_covers_the_attacks():
    assert len(ENTRIES) >= 25 and len({e.id for e in ENTRIES}) == len(ENTRIES)
    prefixes = {"gradebook": "gradebook:", "poison": "poison:", "classmates": "classmates:", "reference": "reference:",
                "handed_in": "handed in:", "grader_process": "grader:", "script": "script:", "loops": "loops:"}
    assert set(prefixes) == set(ESCAPE_CLASSES)
    for name, prefix in prefixes.items():
        assert sum(e.attack.startswith(prefix) for e in ENTRIES) >= 3, name
    for word in ("reference", "numpy", "builtins", "sys_modules", "visible", "seed", "loop", "tests", "exits",
                 "segfault", "recursion", "interrupt", "memory", "fork", "print", "corrupt", "missing", "extra",
                 "renamed", "some_cells"):
        assert any(word in e.id for e in ENTRIES), word
    assert set(ASSIGNMENTS) == set(FUNCTIONS), "every assignment has at least one hostile submission"


def test_every_submission_gets_a_row_and_feedback_and_the_batch_goes_on(graded):
    assert "0 timed out or failed" in graded.summary and "failed:" not in graded.summary, graded.summary
    for assignment in ASSIGNMENTS:
        assert "There was an error processing" not in graded.logs[assignment], graded.logs[assignment][-3000:]
        for entry in [e for e in ENTRIES if assignment in e.assignments]:
            assert graded.scores[assignment].get(entry.id), entry.id
            assert feedback_text(graded, entry, assignment), entry.id


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_no_cheat_earns_a_point_and_honest_cells_keep_theirs(graded, entry):
    for assignment in entry.assignments:
        cells = graded.scores[assignment][entry.id]
        functions = per_function(cells, assignment)
        for function in entry.zero:
            assert functions[function][0] == 0, (function, functions[function])
        for cell in entry.zero_cells:
            assert cells[cell][0] == 0, cell
        partly = {manifest.exercise_of(c) for c in entry.zero_cells}
        for function in expected_full(entry, FUNCTIONS[assignment]):
            score, top = functions[function]
            if function in partly:
                assert score == top - sum(cells[c][1] for c in entry.zero_cells), function
            else:
                assert score == top, (function, score, top, run.cell_messages(graded.course, entry.id, assignment))


def test_skipping_the_cells_that_only_show_changes_no_verdict(graded):
    """Every grade cell of every hostile hand-in with cells that only show scores the same when they run.

    Left out: the hand-ins whose grading the clock or a killed kernel decided, and in the run with every
    cell, a grade cell that the notebook's time budget stopped after the cells that only show had used it up
    (a quadratic "vectorized" softmax on their large input): the one way in which skipping them changes a
    verdict, in the student's favour.
    """
    every_cell = graded.every_cell
    assert "0 timed out or failed" in every_cell.summary, every_cell.summary
    assert len(every_cell.entries) >= 0.8 * len(EVERY_CELL), [e.id for e in every_cell.entries]
    budget = execute.out_of_time(BUDGET)
    compared = 0
    for assignment in SHOWING:
        scores, skipped = every_cell.scores[assignment], graded.scores[assignment]
        assert set(scores) == {e.id for e in every_cell.entries if assignment in e.assignments}
        for student, cells in scores.items():
            said = run.cell_messages(every_cell.course, student, assignment)
            stopped = {cell for cell, message in said.items() if budget in message}
            assert set(cells) == set(skipped[student])
            for cell, verdict in cells.items():
                if cell in stopped:
                    assert verdict[0] <= skipped[student][cell][0], (student, cell)
                else:
                    assert verdict == skipped[student][cell], (student, cell, verdict, skipped[student][cell])
                    compared += 1
    assert compared >= 0.8 * sum(len(cells) for a in SHOWING for cells in every_cell.scores[a].values())


def test_the_jobs_feedback_is_what_nbgrader_generate_feedback_makes_byte_for_byte(graded):
    pages = [path for path in graded.job_feedback if path.endswith(".html")]
    assert len(pages) >= sum(len(entry.assignments) for entry in ENTRIES)
    assert graded.job_feedback == graded.course_feedback


def test_feedback_shows_verdicts_and_never_the_hidden_tests(graded):
    for entry in ENTRIES:
        for assignment in entry.assignments:
            html = feedback_text(graded, entry, assignment)
            for secret in ("BEGIN HIDDEN TESTS", HIDDEN_TEST_SOURCE, REFERENCE_SOURCE):
                assert secret not in html, (entry.id, secret)
            assert injected_markup(html) == [], entry.id
    pages = sorted((graded.course / "feedback").rglob("*.html"))
    assert len(pages) >= len(ENTRIES)
    for path in [*pages, graded.course / "class_grading" / "report.html"]:
        assert active_content(path.read_text()) == [], path.relative_to(graded.course)


def _open_offline(chromium, path):
    """Open the file ``path`` in Chromium with the network off.

    Returns the URLs the page asked for besides itself (a request the page's policy stopped, reported by
    Chromium with the failure ``csp``, never leaves the browser and is not counted), and the page's title.
    """
    context = chromium.new_context(offline=True)
    page, requests, stopped = context.new_page(), [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: request.failure == "csp" and stopped.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    title = page.title()
    context.close()
    return [url for url in requests if url != path.as_uri() and url not in stopped], title


def test_hostile_markdown_in_feedback_neither_calls_out_nor_runs_in_chromium(graded, chromium, tmp_path):
    (page,) = (graded.course / "feedback" / "markdown_script" / "02_softmax").glob("*.html")
    html = page.read_text()
    assert "styled" in html and "x<sup>2</sup>" not in html  # the hostile cells are on the page
    assert _open_offline(chromium, page) == ([], "softmax")
    # What the sanitizers removed would be stopped by the page's policy too: put it back, and nothing runs or
    # loads; the same page without the policy does both, so the check can fail.
    active = ('<script>document.title = "nnmarker-ran"</script>'
              '<img src="https://nnmarker.invalid/beacon.png">')
    with_active = tmp_path / "with_policy.html"
    with_active.write_text(html.replace("<body>", "<body>" + active, 1))
    assert _open_offline(chromium, with_active) == ([], "softmax")
    without_policy = tmp_path / "without_policy.html"
    without_policy.write_text(with_active.read_text().replace(POLICY_META, "", 1))
    requests, title = _open_offline(chromium, without_policy)
    assert title == "nnmarker-ran" and requests == ["https://nnmarker.invalid/beacon.png"]
    honest = feedback_text(graded, next(e for e in ENTRIES if e.id == "stderr_noise"), "02_softmax")
    assert "passed: softmax (values)" in honest and "hidden test: softmax, part" in honest


def messages(graded, student, assignment="02_softmax"):
    return run.cell_messages(graded.course, student, assignment)


def test_messages_say_what_happened(graded):
    assert "reference solution" in messages(graded, "imports_reference")["test_softmax_values"]
    assert "getattr" in messages(graded, "getattr_sys_modules")["test_softmax_values"]
    assert "has a for loop" in messages(graded, "loop_in_vectorized")["test_softmax_vectorized"]
    # the function's own visible test already killed or hung the kernel: its hidden tests say so, and are not run
    for student, cell in (("exits_in_function", "test_logsumexp_values"), ("segfaults", "test_log_softmax_values"),
                          ("c_stack_recursion", "test_log_softmax_values"),
                          ("ignores_interrupt", "test_softmax_values"),
                          ("blocks_interrupt", "test_cross_entropy_values"),
                          ("deep_recursion", "test_logsumexp_values")):
        assert "killed the kernel or would not stop when interrupted" in messages(graded, student)[cell], student
    visible = {"exits_in_function": ("test_logsumexp", "KernelDied"), "segfaults": ("test_log_softmax", "KernelDied"),
               "ignores_interrupt": ("test_softmax", "would not stop when interrupted"),
               "blocks_interrupt": ("test_cross_entropy", "would not stop when interrupted")}
    for student, (cell, said) in visible.items():
        assert said in visible_output(graded, student, cell), student
    assert "did not finish: CellTimeoutError" in messages(graded, "infinite_loop")["test_softmax_values"]
    assert "killed the kernel or timed out" in messages(graded, "infinite_loop")["test_softmax_stable"]
    assert "MemoryError" in messages(graded, "memory_bomb")["test_cross_entropy_values"]
    assert "oracle library (sklearn)" in messages(graded, "sklearn_one_hot", "01_one_hot")["test_one_hot_values"]
    for cell in ("test_conv_forward_fast_values", "test_conv_forward_fast_vectorized"):
        assert "oracle library (scipy)" in messages(graded, "scipy_fast_conv", "04_convolution")[cell]
    assert "missed" in messages(graded, "hardcodes_buggy_layers", "05_gradient_check")["test_find_buggy_layers_values"]
    assert "cannot be trusted" in messages(graded, "forges_records")["test_softmax_values"] \
        or "wrong" in messages(graded, "forges_records")["test_softmax_values"]


def text_of_fill_cell(graded, student):
    (path,) = (graded.course / "autograded" / student / "02_softmax").glob("*.ipynb")
    (cell,) = [c for c in nbformat.read(path, as_version=4).cells if "nnmarker-fill" in c.source]
    return " ".join(f"{o.get('ename')}: {o.get('evalue')} {o.get('text', '')}" for o in cell.outputs)


def test_a_kernel_that_fills_the_graders_folders_is_stopped_and_the_rest_keeps_its_points(graded):
    for student in ("fills_records_folder", "fills_connection_folder"):
        text = text_of_fill_cell(graded, student)
        assert "the kernel was stopped: it kept more than allowed in the grader's folders" in text, (student, text)
        assert "(the cap is 16 MiB or 1000 files)" in text, (student, text)
    assert "nnmarker-fill wrote" not in text_of_fill_cell(graded, "fills_records_folder")  # stopped mid-cell


def visible_output(graded, student, grade_id, assignment="02_softmax"):
    """The text of every error output of one (visible test) cell of an autograded notebook."""
    for path in (graded.course / "autograded" / student / assignment).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                return " ".join(f"{o.get('ename')}: {o.get('evalue')}" for o in cell.get("outputs", [])
                                if o.get("output_type") == "error")
    return ""


def test_output_floods_are_cut(graded):
    path = graded.course / "autograded" / "huge_print" / "02_softmax" / "softmax.ipynb"
    assert path.stat().st_size < 1_000_000
    text = "".join(o.get("text", "") for c in nbformat.read(path, as_version=4).cells for o in c.get("outputs", []))
    assert "output truncated" in text.lower()


def test_odd_hand_ins_are_graded_and_explained(graded):
    # the class command leaves the hand-in as it was and keeps the unreadable file beside the graded notebook
    assert sorted(p.name for p in (graded.course / "submitted" / "corrupt_json" / "02_softmax").iterdir()) == [
        "softmax.ipynb"]
    assert (graded.course / "autograded" / "corrupt_json" / "02_softmax" / "softmax.ipynb.unreadable").exists()
    corrupt = next(e for e in ENTRIES if e.id == "corrupt_json")
    assert "could not be read" in feedback_text(graded, corrupt, "02_softmax")
    renamed = feedback_text(graded, next(e for e in ENTRIES if e.id == "renamed_notebook"), "02_softmax")
    assert "softmax-final.ipynb" in renamed
    missing = graded.course / "feedback" / "missing_notebook" / "03_gradients"
    assert sorted(p.name for p in missing.glob("*.html")) == ["layers.html", "mlp_gradients.html"]
    assert re.search(r"was not handed in", (missing / "mlp_gradients.html").read_text())


def test_links_are_never_followed_and_the_student_is_told(graded):
    for student, kind in (("links_source_notebook", "a symbolic link"), ("links_classmate_folder", "a symbolic link"),
                          ("hard_links_source", "a hard link")):
        page = feedback_text(graded, next(e for e in ENTRIES if e.id == student), "02_softmax")
        assert f"was handed in as {kind}" in page and "grading never follows links" in page, student
    # the hand-ins stay as they were; the classmate and the instructor's notebook are untouched
    assert (graded.course / "submitted" / "links_classmate_folder" / "02_softmax").is_symlink()
    # the link (data.csv) is gone; the assignment's own data file is the instructor's copy, as nbgrader puts it
    autograded = graded.course / "autograded" / "links_system_file" / "02_softmax"
    assert sorted(p.name for p in autograded.iterdir()) == ["iris.csv", "softmax.ipynb"]
    assert (autograded / "iris.csv").read_bytes() == (graded.course / "source" / "02_softmax" / "iris.csv").read_bytes()


def test_the_kernel_holds_no_judge_and_names_no_path_of_the_grader(graded):
    """What a student can print in the kernel: the engine's recording half only, and neutral paths."""
    (path,) = (graded.course / "autograded" / "reads_engine_and_mounts" / "02_softmax").glob("*.ipynb")
    (cell,) = [c for c in nbformat.read(path, as_version=4).cells if "nnmarker-engine" in c.source]
    text = "".join(o.get("text", "") for o in cell.outputs)
    modules = next(line for line in text.splitlines() if line.startswith("engine modules:"))
    assert "course_checks.protocol" in modules and "course_checks.softmax_family" in modules
    assert "judg" not in modules and "reference" not in modules, modules
    assert "judges: ModuleNotFoundError" in text
    assert "interpreter: /opt/kernel/bin/python" in text and "nn-kernel-env-" in text  # the mount table was read
    for host in {str(REPO), sys.prefix, str(graded.course)}:
        assert host not in text, host
    assert str(REPO) not in feedback_text(graded, next(e for e in ENTRIES if e.id == "reads_engine_and_mounts"),
                                          "02_softmax")


def test_nothing_a_kernel_does_outlives_it_or_changes_the_course_the_environment_or_home(graded):
    assert graded.survivors == [], "a process started by a kernel outlived the batch"
    assert graded.after == graded.before


def test_honest_classmates_keep_their_grades_in_this_batch_and_the_next(graded):
    scores = graded.scores["02_softmax"]
    for student in ("aaa_first_honest", "zzz_last_honest"):
        assert scores[student] and all(got == top for got, top in scores[student].values()), student
    later = graded.later
    assert later["later_honest"] and all(got == top for got, top in later["later_honest"].values())
    assert {s: c for s, c in later.items() if s != "later_honest"} == scores
    assert "There was an error processing" not in graded.logs["later"], graded.logs["later"][-3000:]


def test_escapes_are_told_what_happened(graded):
    assert execute.out_of_time(BUDGET) in messages(graded, "sleeps_every_cell")["test_softmax_values"]
    assert "is not defined" in messages(graded, "pickle_reference")["test_softmax_values"]  # its cell failed
    assert "MemoryError" in messages(graded, "hands_in_launcher")["test_cross_entropy_values"]
    for label in ("recursion", "reduce_alias", "decoy_rebinding", "helper_class_method"):
        assert "must be vectorized" in messages(graded, f"loop_{label}")["test_softmax_vectorized"], label


def test_the_markup_check_sees_script_and_event_attributes():
    """Proves the feedback check above can fail: markers in script or attributes count, in text they do not."""
    assert injected_markup('<script>document.title = "nnmarker-js"</script>') != []
    assert injected_markup('<img src="x" onerror="alert(\'nnmarker-img\')">') != []
    assert injected_markup('<span class="s1">\'document.title = "nnmarker-js"\'</span>') == []
