"""Grades an LMS can import: nbgrader export plug-ins for Canvas, Moodle and a per-exercise table.

Each is an ``ExportPlugin`` for ``nbgrader export`` and writes one row per
student (every student in the gradebook), one column per assignment, the
score after the late penalty (0 for an assignment not handed in, as
nbgrader's own CSV)::

    nbgrader export --exporter course_grader.lms_export.CanvasExport --to grades_canvas.csv
    nbgrader export --exporter course_grader.lms_export.MoodleExport --to grades_moodle.csv
    nbgrader export --exporter course_grader.lms_export.ExerciseExport --to grades_exercises.csv

Students are keyed by the LMS's own ids from a roster (``roster.csv`` in the
course root; :data:`ROSTER_COLUMNS`), which maps each nbgrader student id
to the LMS's user id, SIS ids, section, name and email; names and emails
missing there come from the gradebook.

- **Canvas** (Grades > Import): ``Student, ID, SIS User ID, SIS Login ID,
  Section``, then one column per assignment, named ``<assignment>`` or, with
  ``CanvasExport.assignment_ids = {"01_one_hot": 1234}``, ``<assignment> (1234)``
  so that Canvas updates that assignment; a ``Points Possible`` row first.
- **Moodle** (Grades > Import > CSV file): ``First name, Last name, ID number,
  Email address``, then one column per assignment; map ``Email address``
  (or ``ID number``) to the user, and each assignment column to its grade item.
- **Exercises**, for the instructor: the student's ids, then per assignment
  one column per exercise (its grade cells added up), the late penalty and the
  score.
"""

import csv
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from nbgrader.api import Assignment, Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import ExportPlugin
from traitlets import Dict, Unicode

from course_checks import manifest

#: Columns of the roster file; only ``student_id`` is required.
ROSTER_COLUMNS = ("student_id", "first_name", "last_name", "email", "lms_id", "sis_user_id", "sis_login_id",
                  "section")


def by_due_date(assignments: Iterable) -> list:
    """nbgrader assignments sorted by due date (those without one last), then name."""
    return sorted(assignments, key=lambda a: (a.duedate is None, a.duedate or 0, a.name))


def read_roster(path: str | Path) -> dict:
    """``{student_id: {column: value}}`` from a roster CSV ({} if the file does not exist).

    Raises
    ------
    ValueError
        If the file has no ``student_id`` column or a column not in :data:`ROSTER_COLUMNS`.
    """
    path = Path(path)
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        unknown = [c for c in columns if c not in ROSTER_COLUMNS]
        if "student_id" not in columns or unknown:
            raise ValueError(f"roster {path}: got columns {columns}, wanted student_id and any of "
                             f"{', '.join(ROSTER_COLUMNS[1:])}")
        return {row["student_id"]: {c: (row.get(c) or "").strip() for c in ROSTER_COLUMNS} for row in reader}


def _fmt(number: float) -> str:
    return f"{number:g}"


class LmsExport(ExportPlugin):
    """The common part: the roster, the selected assignments and students, and the scores."""

    roster = Unicode("roster.csv", help="The roster CSV (columns: " + ", ".join(ROSTER_COLUMNS) + "), relative "
                                        "to the course root; maps nbgrader student ids to the LMS's ids.").tag(
        config=True)
    default_to = "grades_lms.csv"

    def people(self, gradebook: Gradebook) -> list[dict]:
        """Every student to export, sorted by id: the roster's columns, names and emails filled from the gradebook."""
        root = CourseDirectory(config=self.config).root
        roster = read_roster(Path(root) / self.roster)
        wanted = {str(s) for s in self.student}
        out = []
        for student in sorted(gradebook.students, key=lambda s: s.id):
            if wanted and student.id not in wanted:
                continue
            row = dict(roster.get(student.id) or {c: "" for c in ROSTER_COLUMNS})
            row["student_id"] = student.id
            for column in ("first_name", "last_name", "email"):
                row[column] = row[column] or getattr(student, column) or ""
            if student.id not in roster:
                self.log.warning("Student %s is not in the roster %s: the LMS may not match this row",
                                 student.id, self.roster)
            out.append(row)
        return out

    def assignments(self, gradebook: Gradebook) -> list:
        """The assignments to export, by due date then name."""
        wanted = {str(a) for a in self.assignment}
        chosen = [a for a in gradebook.assignments if not wanted or a.name in wanted]
        return by_due_date(chosen)

    @staticmethod
    def score(gradebook: Gradebook, assignment: str, student: str) -> float:
        """The submission's score after its late penalty (0 if not handed in)."""
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return 0.0
        return float(submission.score) - float(submission.late_submission_penalty or 0)

    def rows(self, gradebook: Gradebook) -> list[list[str]]:
        raise NotImplementedError

    def export(self, gradebook: Gradebook) -> None:
        dest = self.to or self.default_to
        self.log.info("Exporting grades for the LMS to %s", dest)
        with open(dest, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(self.rows(gradebook))


class CanvasExport(LmsExport):
    """Canvas's gradebook import: one row per student, keyed by Canvas's user and SIS ids."""

    assignment_ids = Dict({}, help="Canvas assignment id per assignment ({'01_one_hot': 1234}): the column is "
                                   "then named '01_one_hot (1234)' and Canvas updates that assignment.").tag(
        config=True)
    default_to = "grades_canvas.csv"

    def rows(self, gradebook: Gradebook) -> list[list[str]]:
        assignments = self.assignments(gradebook)
        names = [f"{a.name} ({self.assignment_ids[a.name]})" if a.name in self.assignment_ids else a.name
                 for a in assignments]
        out = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *names],
               ["Points Possible", "", "", "", "", *(_fmt(a.max_score) for a in assignments)]]
        for person in self.people(gradebook):
            name = ", ".join(p for p in (person["last_name"], person["first_name"]) if p) or person["student_id"]
            out.append([name, person["lms_id"], person["sis_user_id"], person["sis_login_id"], person["section"],
                        *(_fmt(self.score(gradebook, a.name, person["student_id"])) for a in assignments)])
        return out


class MoodleExport(LmsExport):
    """Moodle's grade import from a CSV file: one row per student, keyed by email or ID number."""

    default_to = "grades_moodle.csv"

    def rows(self, gradebook: Gradebook) -> list[list[str]]:
        assignments = self.assignments(gradebook)
        out = [["First name", "Last name", "ID number", "Email address", *(a.name for a in assignments)]]
        for person in self.people(gradebook):
            out.append([person["first_name"], person["last_name"], person["sis_user_id"], person["email"],
                        *(_fmt(self.score(gradebook, a.name, person["student_id"])) for a in assignments)])
        return out


class ExerciseExport(LmsExport):
    """For the instructor: per assignment, the points of every exercise, the late penalty and the score."""

    default_to = "grades_exercises.csv"

    def exercise_columns(self, gradebook: Gradebook, assignment: Assignment) -> dict:
        """``{exercise: [(notebook, grade cell name)]}`` of one assignment, in course order (the manifest's
        :func:`~course_checks.manifest.grade_cells`); a grade cell the manifest does not know is its own column."""
        mapping = {cell: exercise for cell, (exercise, _) in manifest.grade_cells(assignment.name).items()}
        columns = defaultdict(list)
        for notebook in assignment.notebooks:
            for cell in notebook.grade_cells:
                columns[mapping.get(cell.name, cell.name)].append((notebook.name, cell.name))
        ordered = [e for e in dict.fromkeys(mapping.values()) if e in columns]
        return {e: columns[e] for e in ordered + [e for e in columns if e not in ordered]}

    def rows(self, gradebook: Gradebook) -> list[list[str]]:
        assignments = self.assignments(gradebook)
        layout = {a.name: self.exercise_columns(gradebook, a) for a in assignments}
        header = ["student_id", "first_name", "last_name", "email", "lms_id"]
        for a in assignments:
            header += [f"{a.name}: {exercise}" for exercise in layout[a.name]]
            header += [f"{a.name}: late penalty", f"{a.name}: score"]
        out = [header]
        for person in self.people(gradebook):
            row = [person[c] for c in header[:5]]
            for a in assignments:
                try:
                    submission = gradebook.find_submission(a.name, person["student_id"])
                except MissingEntry:
                    row += ["0"] * (len(layout[a.name]) + 1) + ["0"]
                    continue
                for cells in layout[a.name].values():
                    row.append(_fmt(sum(float(gradebook.find_grade(cell, notebook, a.name,
                                                                   person["student_id"]).score)
                                        for notebook, cell in cells)))
                row += [_fmt(float(submission.late_submission_penalty or 0)),
                        _fmt(self.score(gradebook, a.name, person["student_id"]))]
            out.append(row)
        return out
