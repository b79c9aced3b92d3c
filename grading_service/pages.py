"""The pages the grading service releases besides nbgrader's own feedback: the score page and the queued note.

Both are laid out like nbgrader's ``feedback/`` folder (``<folder>/<student>/<assignment>/<notebook>.html``
beside the submission's ``timestamp.txt`` and ``submission_secret.txt``), so that nbgrader's
``release_feedback`` releases them and the student's **Fetch Feedback** finds them for the
submission they belong to. They carry the course's page policy (no script, nothing fetched).
"""

from __future__ import annotations

import html
import shutil
from datetime import datetime
from pathlib import Path

from nbgrader.api import Gradebook

from course_checks.manifest import exercise_of
from course_grader.page_policy import POLICY_META

STYLE = ("body{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.45}"
         "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.3em .7em;text-align:left}"
         "td.points{text-align:right}.note{background:#f4f4f4;padding:.6em 1em;border-left:4px solid #888}")


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html><head>{POLICY_META}<meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>\n<h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n")


def when(moment: datetime | None) -> str:
    """A naive UTC time as a student reads it: ``2027-02-01 17:00 UTC``."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "not set yet"


def exercise_points(gb: Gradebook, assignment: str, student: str, notebook: str) -> list[tuple[str, float, float]]:
    """``(exercise, points, out of)`` of each exercise graded in one notebook of a submission, in the
    notebook's order (its grade cells summed by :func:`course_checks.manifest.exercise_of`; a grade cell
    that is not an exercise's counts under its own name)."""
    graded = gb.find_submission_notebook(notebook, assignment, student)
    order, totals = [], {}
    for cell in graded.notebook.grade_cells:
        grade = gb.find_grade(cell.name, notebook, assignment, student)
        name = exercise_of(cell.name) or cell.name
        if name not in totals:
            order.append(name)
            totals[name] = [0.0, 0.0]
        totals[name][0] += grade.score or 0.0
        totals[name][1] += cell.max_score or 0.0
    return [(name, *totals[name]) for name in order]


def score_page(gb: Gradebook, assignment: str, student: str, notebook: str, due: datetime | None,
               rate_note: str = "") -> str:
    """The ``score`` policy's page of one notebook: points per exercise, the notebook's total and late penalty,
    and when the full feedback comes."""
    rows = exercise_points(gb, assignment, student, notebook)
    graded = gb.find_submission_notebook(notebook, assignment, student)
    table = "".join(f"<tr><td><code>{html.escape(name)}</code></td><td class=\"points\">{points:g}</td>"
                    f"<td class=\"points\">{out_of:g}</td></tr>" for name, points, out_of in rows)
    penalty = graded.late_submission_penalty or 0.0
    late = f"<p>Late penalty: −{penalty:g} points.</p>" if penalty else ""
    body = (f"<p>Your submission of <b>{html.escape(assignment)}</b> handed in at "
            f"{when(graded.assignment.timestamp)} has been graded.</p>\n"
            f"<table><tr><th>Exercise</th><th>Points</th><th>Out of</th></tr>{table}"
            f"<tr><th>Total</th><th class=\"points\">{graded.score:g}</th>"
            f"<th class=\"points\">{graded.max_score:g}</th></tr></table>\n{late}"
            f"<p class=\"note\">This assignment shows scores only until it is due ({when(due)}). After that, "
            f"Fetch Feedback again for every test's message.</p>\n{rate_note}")
    return _page(f"{assignment}/{notebook}: score", body)


def queued_page(assignment: str, notebook: str, handed_in: str, graded: int, limit: int,
                next_slot: datetime) -> str:
    """The note of a submission held back by the hourly limit."""
    body = (f"<p>Your submission of <b>{html.escape(assignment)}</b> handed in at {html.escape(handed_in)} is "
            f"<b>waiting to be graded</b>.</p>\n<p class=\"note\">{graded} of your submissions of this assignment "
            f"were graded in the last hour, and at most {limit} per hour are graded. This one will be graded at "
            f"about {when(next_slot)}. If you submit again before then, only your newest submission is graded.</p>")
    return _page(f"{assignment}/{notebook}: waiting", body)


def write_pages(folder: Path, submission: Path, pages: dict[str, str]) -> None:
    """Replace ``folder`` with ``pages`` ({notebook name: HTML}) beside the ``timestamp.txt`` and
    ``submission_secret.txt`` of the submission folder ``submission``, as nbgrader's ``release_feedback`` wants."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in ("timestamp.txt", "submission_secret.txt"):
        shutil.copyfile(submission / name, folder / name)
    for notebook, page in pages.items():
        (folder / f"{notebook}.html").write_text(page)
