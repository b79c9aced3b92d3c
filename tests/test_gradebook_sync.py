"""The gradebook side of class grading: an assignment copied into a job's gradebook, marks back into the course's."""

from datetime import datetime

import pytest
from nbgrader.api import Gradebook

from class_grader.gradebook_sync import (
    NotebookMarks,
    SubmissionMarks,
    assignment_gradebook,
    read_submission,
    write_failed_submission,
    write_submission,
)


@pytest.fixture
def course_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'course.db'}"
    with Gradebook(url, "nn") as gb:
        gb.add_assignment("02_softmax", duedate=datetime(2026, 11, 1, 12))
        gb.add_notebook("softmax", "02_softmax")
        gb.add_grade_cell("test_softmax_values", "softmax", "02_softmax", max_score=4, cell_type="code")
        gb.add_grade_cell("test_softmax_stable", "softmax", "02_softmax", max_score=2, cell_type="code")
        gb.add_solution_cell("softmax", "softmax", "02_softmax")
        gb.add_source_cell("test_softmax_values", "softmax", "02_softmax", cell_type="code", locked=True,
                           source="check_softmax(softmax)", checksum="abc")
        gb.add_source_cell("softmax", "softmax", "02_softmax", cell_type="code", source="# YOUR CODE HERE")
        gb.add_assignment("01_one_hot")
    return url


def test_a_jobs_gradebook_holds_the_assignment_and_nothing_else(course_db, tmp_path):
    path = tmp_path / "job.db"
    path.write_bytes(assignment_gradebook(course_db, "nn", "02_softmax"))
    with Gradebook(f"sqlite:///{path}", "nn") as gb:
        assert [a.name for a in gb.assignments] == ["02_softmax"]
        assignment = gb.find_assignment("02_softmax")
        assert assignment.duedate == datetime(2026, 11, 1, 12)
        [notebook] = assignment.notebooks
        assert sorted((c.name, c.max_score) for c in notebook.grade_cells) == [("test_softmax_stable", 2),
                                                                                ("test_softmax_values", 4)]
        assert [c.name for c in notebook.solution_cells] == ["softmax"]
        source = gb.find_source_cell("test_softmax_values", "softmax", "02_softmax")
        assert (source.locked, source.source, source.checksum) == (True, "check_softmax(softmax)", "abc")
        assert gb.students == []


def test_marks_travel_from_a_jobs_gradebook_into_the_course_gradebook(course_db, tmp_path):
    job = tmp_path / "job.db"
    job.write_bytes(assignment_gradebook(course_db, "nn", "02_softmax"))
    job_url = f"sqlite:///{job}"
    with Gradebook(job_url, "nn") as gb:  # what autograde writes in the job
        gb.add_student("ada")
        gb.add_submission("02_softmax", "ada", timestamp=datetime(2026, 11, 2, 9))
        gb.find_grade("test_softmax_values", "softmax", "02_softmax", "ada").auto_score = 4
        gb.find_grade("test_softmax_stable", "softmax", "02_softmax", "ada").auto_score = 0
        gb.find_comment("softmax", "softmax", "02_softmax", "ada").auto_comment = None
        gb.find_submission_notebook("softmax", "02_softmax", "ada").late_submission_penalty = 1.5
        gb.db.commit()
    marks = read_submission(job_url, "02_softmax", "ada")
    assert marks == SubmissionMarks(datetime(2026, 11, 2, 9), {"softmax": NotebookMarks(
        {"test_softmax_values": 4, "test_softmax_stable": 0}, {"softmax": None}, 1.5)})
    with Gradebook(course_db, "nn") as gb:
        write_submission(gb, "02_softmax", "ada", marks)
        write_submission(gb, "02_softmax", "ada", marks)  # twice: still one submission
        submission = gb.find_submission("02_softmax", "ada")
        assert (submission.score, submission.timestamp) == (4, datetime(2026, 11, 2, 9))
        assert gb.find_submission_notebook("softmax", "02_softmax", "ada").late_submission_penalty == 1.5
        assert len(gb.find_assignment("02_softmax").submissions) == 1
        values = gb.find_grade("test_softmax_values", "softmax", "02_softmax", "ada")
        assert (values.auto_score, values.needs_manual_grade) == (4, False)


def test_a_manual_score_is_kept_and_flags_the_cell_for_review(course_db, tmp_path):
    marks = SubmissionMarks(None, {"softmax": NotebookMarks({"test_softmax_values": 0, "test_softmax_stable": None},
                                                            {"softmax": "No response."})})
    with Gradebook(course_db, "nn") as gb:
        gb.add_student("bo")
        gb.add_submission("02_softmax", "bo")
        gb.find_grade("test_softmax_values", "softmax", "02_softmax", "bo").manual_score = 3
        gb.db.commit()
        write_submission(gb, "02_softmax", "bo", marks)
        values = gb.find_grade("test_softmax_values", "softmax", "02_softmax", "bo")
        stable = gb.find_grade("test_softmax_stable", "softmax", "02_softmax", "bo")
        assert (values.auto_score, values.manual_score, values.needs_manual_grade) == (0, 3, True)
        assert (stable.auto_score, stable.needs_manual_grade) == (None, True)
        assert gb.find_comment("softmax", "softmax", "02_softmax", "bo").auto_comment == "No response."


def test_a_failed_job_leaves_a_row_for_manual_grading_that_says_why_and_keeps_manual_scores(course_db):
    marks = SubmissionMarks(datetime(2026, 11, 2, 9), {"softmax": NotebookMarks(
        {"test_softmax_values": 4, "test_softmax_stable": 2}, {"softmax": None}, 1.0)})
    with Gradebook(course_db, "nn") as gb:
        write_failed_submission(gb, "02_softmax", "cy", "took longer than its budget of 12 s")  # never graded
        for name in ("test_softmax_values", "test_softmax_stable"):
            grade = gb.find_grade(name, "softmax", "02_softmax", "cy")
            assert (grade.auto_score, grade.needs_manual_grade) == (0, True)
        assert gb.find_comment("softmax", "softmax", "02_softmax", "cy").auto_comment == \
            "Not graded automatically: took longer than its budget of 12 s"
        write_submission(gb, "02_softmax", "ada", marks)  # graded once, then a new hand-in fails
        gb.find_grade("test_softmax_stable", "softmax", "02_softmax", "ada").manual_score = 1
        gb.db.commit()
        write_failed_submission(gb, "02_softmax", "ada", "nbgrader autograde exited with 1")
        stable = gb.find_grade("test_softmax_stable", "softmax", "02_softmax", "ada")
        assert (stable.auto_score, stable.manual_score, stable.needs_manual_grade) == (0, 1, True)
        assert gb.find_submission_notebook("softmax", "02_softmax", "ada").late_submission_penalty is None
        assert gb.find_submission("02_softmax", "ada").score == 1
        assert len(gb.find_assignment("02_softmax").submissions) == 2
