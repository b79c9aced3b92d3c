"""The LMS exports read back with the csv module, every column checked against the gradebook.

The gradebook is built with nbgrader's API from the course's own source notebooks (their grade cells and
points), with three students: one in the roster, one only in the gradebook, one who handed in one
assignment of two, late. ``nbgrader export --exporter ...`` itself runs in the pipeline tests.
"""

import csv
import shutil
import warnings
from datetime import datetime

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import is_grade
from sqlalchemy.exc import SAWarning
from traitlets.config import Config

from classroom.submissions import REPO
from course_checks import manifest
from course_grader.lms_export import CanvasExport, ExerciseExport, MoodleExport, read_roster

ASSIGNMENTS = {"01_one_hot": "one_hot", "02_softmax": "softmax"}
ROSTER = ("student_id,first_name,last_name,email,lms_id,sis_user_id,sis_login_id,section\n"
          "ada,Ada,Lovelace,ada@uni.example,1001,S-1,ada.l,Lab A\n"
          "cy,Cy,Young,cy@uni.example,1003,S-3,cy.y,Lab B\n")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("lms")
    (tmp_path / "roster.csv").write_text(ROSTER)
    scores = {}
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        for number, (assignment, notebook) in enumerate(ASSIGNMENTS.items()):
            shutil.copytree(REPO / "source" / assignment, tmp_path / "source" / assignment)
            gb.add_assignment(assignment, duedate=datetime(2027, 2, 1 + number, 17))
            gb.add_notebook(notebook, assignment)
            nb = nbformat.read(tmp_path / "source" / assignment / f"{notebook}.ipynb", as_version=4)
            for cell in nb.cells:
                if is_grade(cell):
                    meta = cell.metadata.nbgrader
                    gb.add_grade_cell(meta.grade_id, notebook, assignment, max_score=meta.points, cell_type="code")
        gb.add_student("ada", first_name="", last_name="", email="")
        gb.add_student("bo", first_name="Bo", last_name="Diddley", email="bo@uni.example")
        gb.add_student("cy")
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's own autoflush while it adds submissions
        for student, assignment, late in (("ada", "01_one_hot", 0), ("ada", "02_softmax", 0),
                                          ("bo", "01_one_hot", 0), ("cy", "01_one_hot", 1.0)):
            gb.add_submission(assignment, student)
            for k, grade in enumerate(gb.find_submission_notebook(ASSIGNMENTS[assignment], assignment, student).grades):
                grade.auto_score = float(grade.max_score) if (k + len(student)) % 3 else 0.0
            gb.find_submission_notebook(ASSIGNMENTS[assignment], assignment, student).late_submission_penalty = late
            gb.db.commit()
        for assignment in ASSIGNMENTS:
            for submission in gb.assignment_submissions(assignment):
                scores[(assignment, submission.student_id)] = submission.score - submission.late_submission_penalty
    return tmp_path, scores


def export(plugin_class, root, **settings):
    config = Config()
    config.CourseDirectory.root = str(root)
    for name, value in settings.items():
        setattr(config[plugin_class.__name__], name, value)
    plugin = plugin_class(config=config)
    plugin.to = str(root / f"{plugin_class.__name__}.csv")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        plugin.export(gb)
    with open(plugin.to, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_canvas_rows_are_keyed_by_canvas_ids_with_points_possible(course):
    root, scores = course
    rows = export(CanvasExport, root, assignment_ids={"02_softmax": 778})
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_one_hot", "02_softmax (778)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "13", "20"]
    by_name = {row[0]: row for row in rows[2:]}
    assert sorted(by_name) == ["Diddley, Bo", "Lovelace, Ada", "Young, Cy"]
    assert by_name["Lovelace, Ada"][1:5] == ["1001", "S-1", "ada.l", "Lab A"]
    assert by_name["Diddley, Bo"][1:5] == ["", "", "", ""]  # not in the roster: the LMS will not match it
    for name, student in (("Lovelace, Ada", "ada"), ("Diddley, Bo", "bo"), ("Young, Cy", "cy")):
        for column, assignment in ((5, "01_one_hot"), (6, "02_softmax")):
            assert float(by_name[name][column]) == pytest.approx(scores.get((assignment, student), 0.0))
    assert float(by_name["Young, Cy"][5]) == pytest.approx(scores[("01_one_hot", "cy")])  # after the penalty
    assert scores[("01_one_hot", "cy")] < 13


def test_moodle_rows_carry_email_and_id_number(course):
    root, scores = course
    rows = export(MoodleExport, root)
    assert rows[0] == ["First name", "Last name", "ID number", "Email address", "01_one_hot", "02_softmax"]
    by_email = {row[3]: row for row in rows[1:]}
    assert by_email["ada@uni.example"][:3] == ["Ada", "Lovelace", "S-1"]
    assert by_email["bo@uni.example"][:3] == ["Bo", "Diddley", ""]  # names from the gradebook
    for email, student in (("ada@uni.example", "ada"), ("bo@uni.example", "bo"), ("cy@uni.example", "cy")):
        assert [float(x) for x in by_email[email][4:]] == pytest.approx(
            [scores.get((a, student), 0.0) for a in ASSIGNMENTS])


def test_the_exercise_table_adds_up_each_exercises_cells(course):
    root, scores = course
    rows = export(ExerciseExport, root)
    header = rows[0]
    exercises = list(dict.fromkeys(e for e, _ in manifest.grade_cells("01_one_hot").values()))
    assert exercises == ["one_hot", "encode_labels", "one_hot_broadcast"]
    assert header[5:9] == [f"01_one_hot: {e}" for e in exercises] + ["01_one_hot: late penalty"]
    assert header[9] == "01_one_hot: score" and header[-1] == "02_softmax: score"
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for row in rows[1:]:
            student = row[0]
            for assignment in ASSIGNMENTS:
                for column, name in enumerate(header):
                    if not name.startswith(f"{assignment}: ") or name.endswith(("late penalty", "score")):
                        continue
                    exercise = name.split(": ", 1)[1]
                    try:
                        nb = gb.find_submission_notebook(ASSIGNMENTS[assignment], assignment, student)
                        expected = sum(g.score for g in nb.grades if manifest.exercise_of(g.name) == exercise)
                    except MissingEntry:  # not handed in
                        expected = 0.0
                    assert float(row[column]) == pytest.approx(expected), (student, name)
                assert float(row[header.index(f"{assignment}: score")]) == pytest.approx(
                    scores.get((assignment, student), 0.0))
    assert {row[0]: row[header.index("01_one_hot: late penalty")] for row in rows[1:]}["cy"] == "1"


def test_a_roster_with_unknown_columns_is_refused(tmp_path):
    (tmp_path / "roster.csv").write_text("student,email\nada,a@b\n")
    with pytest.raises(ValueError, match=r"roster .*got columns \['student', 'email'\], wanted student_id"):
        read_roster(tmp_path / "roster.csv")
    assert read_roster(tmp_path / "missing.csv") == {}
