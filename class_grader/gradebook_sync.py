"""The gradebook side of class grading, through nbgrader's own :class:`~nbgrader.api.Gradebook` API.

A grading job runs ``nbgrader autograde`` in a course folder of its own,
whose SQLite gradebook holds only the assignment being graded
(:func:`assignment_gradebook`). What autograde wrote there for the one
submission comes back as plain data (:func:`read_submission`), and the one
coordinating process writes it into the course's gradebook, SQLite or
PostgreSQL (:func:`write_submission`), the way nbgrader's ``SaveAutoGrades``
and ``AssignLatePenalties`` write it in a serial ``nbgrader autograde``.
"""

import sqlite3
import tempfile
import warnings
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from nbgrader.api import Gradebook
from sqlalchemy import text
from sqlalchemy.exc import SAWarning


@dataclass
class NotebookMarks:
    """What autograde decided for one submitted notebook.

    Attributes
    ----------
    grades : dict of str to float or None
        Grade cell (and task cell) name -> ``auto_score``.
    comments : dict of str to str or None
        Solution cell (and task cell) name -> ``auto_comment`` (``"No response."`` for an untouched cell).
    late_penalty : float or None
        ``late_submission_penalty`` of the notebook.
    """

    grades: dict = field(default_factory=dict)
    comments: dict = field(default_factory=dict)
    late_penalty: float | None = None


@dataclass
class SubmissionMarks:
    """What autograde decided for one student's submission of one assignment.

    Attributes
    ----------
    timestamp : datetime or None
        The submission time nbgrader read from ``timestamp.txt``.
    notebooks : dict of str to NotebookMarks
        Notebook name -> its marks.
    """

    timestamp: datetime | None
    notebooks: dict


def assignment_gradebook(db_url: str, course_id: str, assignment: str) -> bytes:
    """A SQLite gradebook, as bytes, that holds one assignment of the course and nothing else.

    It carries what ``autograde`` reads: the due date, the notebooks and their kernelspecs, and
    every grade, solution, task and source cell (the locked cells are restored from it).

    Parameters
    ----------
    db_url : str
        The course's gradebook (``CourseDirectory.db_url``).
    course_id : str
        ``CourseDirectory.course_id``.
    assignment : str
        The assignment's name; it must have been generated (``nbgrader generate_assignment``).
    """
    with tempfile.TemporaryDirectory(prefix="nn-gradebook-") as folder, Gradebook(db_url, course_id) as course:
        path = Path(folder) / "gradebook.db"
        # the course's schema version, written first, so that nbgrader need not ask alembic for it
        version = course.db.execute(text("SELECT version_num FROM alembic_version")).scalar()
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            db.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (version,))
        with Gradebook(f"sqlite:///{path}", course_id) as out:
            source = course.find_assignment(assignment)
            out.update_or_create_assignment(assignment, duedate=source.duedate)
            for notebook in source.notebooks:
                out.update_or_create_notebook(notebook.name, assignment, kernelspec=notebook.kernelspec)
                for cell in notebook.grade_cells:
                    out.update_or_create_grade_cell(cell.name, notebook.name, assignment,
                                                    max_score=cell.max_score, cell_type=cell.cell_type)
                for cell in notebook.solution_cells:
                    out.update_or_create_solution_cell(cell.name, notebook.name, assignment)
                for cell in notebook.task_cells:
                    out.update_or_create_task_cell(cell.name, notebook.name, assignment,
                                                   max_score=cell.max_score, cell_type=cell.cell_type)
                for cell in notebook.source_cells:
                    out.update_or_create_source_cell(cell.name, notebook.name, assignment, cell_type=cell.cell_type,
                                                     locked=cell.locked, source=cell.source, checksum=cell.checksum)
        return path.read_bytes()


def read_submission(db_url: str, assignment: str, student: str) -> SubmissionMarks:
    """The marks autograde wrote for one submission, as :class:`SubmissionMarks`."""
    with Gradebook(db_url) as gb:
        submission = gb.find_submission(assignment, student)
        notebooks = {
            notebook.name: NotebookMarks(grades={grade.name: grade.auto_score for grade in notebook.grades},
                                         comments={comment.name: comment.auto_comment for comment in notebook.comments},
                                         late_penalty=notebook.late_submission_penalty)
            for notebook in submission.notebooks}
        return SubmissionMarks(timestamp=submission.timestamp, notebooks=notebooks)


def write_submission(gb: Gradebook, assignment: str, student: str, marks: SubmissionMarks) -> None:
    """Write one submission's marks into the course's gradebook, in one transaction.

    As in a serial ``nbgrader autograde --create``: the student is created if unknown, the
    submission is created or its timestamp updated, each grade's ``auto_score`` is set and it needs
    manual grading if a manual score exists or no automatic one could be given; manual scores,
    manual comments and extra credit stay as they were.

    Parameters
    ----------
    gb : nbgrader.api.Gradebook
        The course's gradebook, open.
    assignment, student : str
        The submission's ids.
    marks : SubmissionMarks
        From :func:`read_submission` in the grading job.
    """
    _submission(gb, assignment, student, **({"timestamp": marks.timestamp} if marks.timestamp is not None else {}))
    for notebook, notebook_marks in marks.notebooks.items():
        for name, score in notebook_marks.grades.items():
            grade = gb.find_grade(name, notebook, assignment, student)
            grade.auto_score = score
            grade.needs_manual_grade = grade.manual_score is not None or score is None
        for name, comment in notebook_marks.comments.items():
            gb.find_comment(name, notebook, assignment, student).auto_comment = comment
        gb.find_submission_notebook(notebook, assignment, student).late_submission_penalty = notebook_marks.late_penalty
    gb.db.commit()


#: The comment on every solution cell of a submission that could not be graded automatically.
FAILED_COMMENT = "Not graded automatically: {message}"


def write_failed_submission(gb: Gradebook, assignment: str, student: str, message: str) -> None:
    """Record a submission whose grading job timed out or failed, in one transaction.

    As :func:`write_submission` (same parameters), but every grade gets ``auto_score`` 0 and needs manual
    grading (the formgrader lists it), every comment says why (:data:`FAILED_COMMENT` with ``message``),
    and the late penalty is cleared. Manual scores, manual comments and extra credit stay as they were.
    """
    for notebook in _submission(gb, assignment, student).notebooks:
        for grade in notebook.grades:
            grade.auto_score, grade.needs_manual_grade = 0.0, True
        for comment in notebook.comments:
            comment.auto_comment = FAILED_COMMENT.format(message=message)
        notebook.late_submission_penalty = None
    gb.db.commit()


def _submission(gb, assignment, student, **fields):
    """The submission's row (and the student's), created if unknown, ``fields`` (a timestamp) updated."""
    gb.update_or_create_student(student)
    with warnings.catch_warnings():
        # nbgrader's own autoflush while it builds a new submission's rows; harmless, and also so in autograde
        warnings.simplefilter("ignore", SAWarning)
        return gb.update_or_create_submission(assignment, student, **fields)
