"""The real nbgrader pipeline on a simulated class: generate, autograde (in parallel), feedback, export.

One course is built and graded per test session (a few minutes, on a Dask cluster of one worker process more
than the cores, :data:`conftest.GRADING_WORKERS`); the tests then read the gradebook, the autograded
notebooks, the feedback and the export. The class is the demo's and the whole answer catalogue, with the
reference solutions handed in once: a student hands in the assignments where their answers differ from the
reference solutions (``distinct_hand_ins``).
"""

import csv
from types import SimpleNamespace

import nbformat
import pytest
from conftest import GRADING_WORKERS

from class_grader.coordinator import grade_class
from class_grader.course import GRADING_FOLDER
from classroom import nbgrader_run as run
from classroom.catalogue import ALTERNATIVES, BUGS, FUNCTIONS, Answer
from classroom.submissions import BLANK, REFERENCE, catalogue_class, distinct_hand_ins, sample_class, write_submissions
from course_checks import manifest
from course_grader.execute import SHOWS_ONLY

pytestmark = pytest.mark.nbgrader

FUNCTIONS_FLAT = [f for fs in FUNCTIONS.values() for f in fs]
CLASS = sample_class() + catalogue_class()
#: One case seed for both courses, so that grading with and without the cells that only show meets the same cases
#: (a chance verdict of a buggy answer, such as two 10-unit masks that happen to coincide, then happens in both).
SEED = "c.GradingExecute.seed = 20261123"
HAND_INS = distinct_hand_ins(CLASS)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    students = CLASS
    course = run.make_course(tmp_path_factory.mktemp("nbgrader") / "course", list(FUNCTIONS), settings=[SEED])
    for assignment, handing_in in HAND_INS.items():
        write_submissions(handing_in, course, assignments=[assignment])
    progress = []
    grade_class(course, list(FUNCTIONS), workers=GRADING_WORKERS, progress=False, on_result=progress.append)
    scores = {assignment: run.cell_scores(course, assignment) for assignment in FUNCTIONS}
    # each job's log holds its autograde and its generate_feedback, which made the pages
    logs = course / GRADING_FOLDER / "logs"
    feedback_logs = {assignment: "".join(p.read_text() for p in sorted((logs / assignment).glob("*.log")))
                     for assignment in FUNCTIONS}
    run.export(course)
    return SimpleNamespace(course=course, students={s.id: s for s in students}, scores=scores, progress=progress,
                           feedback_logs=feedback_logs,
                           hand_ins={a: {s.id: s for s in handing_in} for a, handing_in in HAND_INS.items()})


#: The assignments with cells that only show, which grading skips.
SHOWING = [a.name for a in manifest.COURSE if any(nb.shows for nb in a.notebooks)]


@pytest.fixture(scope="module")
def graded_with_every_cell(tmp_path_factory):
    """The assignments with cells that only show, graded again with those cells run: the reference solutions
    and every hand-in of the catalogue's students."""
    course = run.make_course(tmp_path_factory.mktemp("every_cell") / "course", SHOWING,
                             settings=[SEED, "c.GradingExecute.skip_shows = False"])
    for assignment in SHOWING:
        write_submissions(every_cell_hand_ins(assignment), course, assignments=[assignment])
    grade_class(course, SHOWING, workers=GRADING_WORKERS, progress=False)
    return SimpleNamespace(course=course, scores={a: run.cell_scores(course, a) for a in SHOWING})


def every_cell_hand_ins(assignment):
    catalogue = {s.id for s in catalogue_class()} | {"perfect"}
    return [s for s in HAND_INS[assignment] if s.id in catalogue]


def points(scores, assignment, student, function):
    """(score, max) of one function's grade cells."""
    cells = [v for c, v in scores[assignment][student].items() if manifest.exercise_of(c) == function]
    assert cells, f"no grade cells for {function}"
    return sum(s for s, _ in cells), sum(m for _, m in cells)


def all_functions():
    return [(a, f) for a, fs in FUNCTIONS.items() for f in fs]


def test_every_submission_is_graded_with_feedback_and_exported(graded):
    course, students, scores = graded.course, graded.students, graded.scores
    rows = list(csv.DictReader((course / "grades.csv").open()))
    for assignment in FUNCTIONS:
        assert set(scores[assignment]) == set(graded.hand_ins[assignment])
        for student in graded.hand_ins[assignment]:
            assert list((course / "feedback" / student / assignment).glob("*.html")), (student, assignment)
        # the export has a row for everyone in the gradebook, whether they handed this one in or not
        assert {r["student_id"] for r in rows if r["assignment"] == assignment} == set(students)


def test_feedback_draws_maths_offline_wraps_long_lines_and_warns_about_nothing_of_ours(graded):
    for assignment, log in graded.feedback_logs.items():
        assert log.count("[GenerateFeedbackApp | INFO] Writing") >= len(graded.hand_ins[assignment]), assignment
        assert "not recognized" not in log, (assignment, log)
    page = (graded.course / "feedback" / "blank" / "02_softmax" / "softmax.html").read_text()
    assert page.count("<math") > 20, "formulas are MathML, drawn by the browser without script"
    assert "$(N, K)$" not in page and "shape $(N, K)$" not in page
    assert "white-space: pre-wrap" in page
    assert "<script" not in page and "cdnjs" not in page, "the page loads nothing and runs nothing"
    assert "softmax: raised NotImplementedError" in page


def test_class_grading_reports_each_submission_once_as_it_goes(graded):
    assert sorted(r.key for r in graded.progress) == sorted((a, s) for a in FUNCTIONS for s in graded.hand_ins[a])
    assert all(r.status == "graded" for r in graded.progress)


def test_perfect_submission_scores_full_marks(graded):
    scores = graded.scores
    for assignment in FUNCTIONS:
        cells = scores[assignment]["perfect"]
        assert cells and all(score == top for score, top in cells.values()), cells


def test_blank_submission_scores_zero(graded):
    scores = graded.scores
    for assignment in FUNCTIONS:
        cells = scores[assignment]["blank"]
        assert cells and sum(s for s, _ in cells.values()) == 0 and sum(m for _, m in cells.values()) > 0


@pytest.mark.parametrize("assignment, function", all_functions())
def test_each_student_loses_points_exactly_where_their_answer_is_wrong(graded, assignment, function):
    """A right answer keeps its points, unless it ran the student's own wrong helper where no result can be
    judged apart from it (a helper that raised, a verdict such as find_buggy_layers'): then every cell it
    loses says which helper to fix first."""
    scores = graded.scores
    for student in graded.hand_ins[assignment].values():
        score, top = points(scores, assignment, student.id, function)
        if function in student.wrong_functions():
            assert score < top, f"{student.id} kept all points on {function}"
        elif score < top:
            wrong_helpers = student.wrong_functions() & (set(FUNCTIONS[assignment]) - {function})
            messages = run.cell_messages(graded.course, student.id, assignment)
            lost = [c for c, (s, m) in scores[assignment][student.id].items()
                    if s < m and manifest.exercise_of(c) == function]
            assert wrong_helpers and all("fix it first" in messages.get(c, "") or
                                         any(f"fix {h} first" in messages.get(c, "") for h in wrong_helpers)
                                         for c in lost), f"{student.id} lost points on {function} ({score}/{top})"


@pytest.mark.parametrize("assignment, function", all_functions())
def test_bug_messages_in_autograded_notebooks_name_the_problem(graded, assignment, function):
    course, scores = graded.course, graded.scores
    for student in graded.hand_ins[assignment].values():
        answer = student.answer(function)
        if not (isinstance(answer, Answer) and answer.expect):
            continue
        messages = run.cell_messages(course, student.id, assignment)
        lost = [c for c, (s, m) in scores[assignment][student.id].items()
                if s < m and manifest.exercise_of(c) == function]
        assert any(answer.expect.lower() in messages.get(c, "").lower() for c in lost), (student.id, messages)


def test_catalogue_students_cover_every_alternative_and_bug(graded):
    given = {(f, s.answer(f).label) for a, handing_in in graded.hand_ins.items() for s in handing_in.values()
             for f in FUNCTIONS[a] if isinstance(s.answer(f), Answer)}
    for function in FUNCTIONS_FLAT:
        for answer in ALTERNATIVES[function] + BUGS[function]:
            assert (function, answer.label) in given



def test_partial_submission_keeps_points_for_what_it_did(graded):
    students, scores = graded.students, graded.scores
    partial = students["partial"]
    assert partial.answer("softmax") is REFERENCE and partial.answer("logsumexp") is BLANK
    assert points(scores, "02_softmax", "partial", "softmax") == (6, 6)
    assert points(scores, "02_softmax", "partial", "logsumexp")[0] == 0


def test_nbgrader_loads_the_course_config_without_warnings(graded):
    course = graded.course
    log = run.nbgrader(course, "db", "assignment", "list")
    assert "01_one_hot" in log and "02_softmax" in log
    assert not [line for line in log.splitlines() if "WARNING" in line or "deprecated" in line.lower()], log


def shown(course, student, assignment, notebook):
    """{grade id: output text} of the cells of one autograded notebook that only show."""
    path = course / "autograded" / student / assignment / f"{notebook}.ipynb"
    cells = nbformat.read(path, as_version=4).cells
    ids = manifest.shows(assignment, notebook)
    return {c.metadata["nbgrader"]["grade_id"]: "".join(o.get("text", "") for o in c.outputs)
            for c in cells if c.metadata.get("nbgrader", {}).get("grade_id") in ids}


def test_skipping_the_cells_that_only_show_changes_no_verdict(graded, graded_with_every_cell):
    """Every grade cell of every catalogue answer scores the same whether the cells that only show run or not."""
    assert SHOWING
    for assignment in SHOWING:
        every_cell = graded_with_every_cell.scores[assignment]
        assert set(every_cell) == {s.id for s in every_cell_hand_ins(assignment)}
        for student, cells in every_cell.items():
            assert graded.scores[assignment][student] == cells, (assignment, student)
    skipped = shown(graded.course, "alt_1", "03_gradients", "layers")
    ran = shown(graded_with_every_cell.course, "alt_1", "03_gradients", "layers")
    assert skipped and all(text == SHOWS_ONLY for text in skipped.values())
    assert "test accuracy: logistic regression" in ran["show_training"] and SHOWS_ONLY not in "".join(ran.values())
