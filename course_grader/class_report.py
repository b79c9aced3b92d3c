"""The class report: one HTML file that shows an instructor where the class stands and what it got wrong.

For each assignment: the score histogram, the pass rate of every grade cell,
and the most frequent failure diagnoses per exercise (the checks' messages in
the autograded notebooks, grouped by their first line, with counts and one
example student each), so that the misconception most of the class shares is
the first thing in the list. Jobs that timed out or failed are listed too.
Figures are drawn with matplotlib and embedded, so the file stands alone.
"""

import base64
import html
import io
import re
from collections import defaultdict
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.utils import is_grade

_CHECK_CALL = re.compile(r"\bcheck_(\w+)\(")


def _exercise_of_cells(course, assignment):
    """grade_id -> the exercise its hidden check grades (``check_<exercise>(...)``), read from ``source/``."""
    out = {}
    for path in sorted((course.root / "source" / assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if is_grade(cell):
                match = _CHECK_CALL.search(cell.source)
                out[cell.metadata.nbgrader.grade_id] = match.group(1) if match else cell.metadata.nbgrader.grade_id
    return out


def failed_grade_cells(folder):
    """grade_id -> ``(ename, evalue)`` of the first error output of each grade cell that failed, in the
    autograded notebooks in ``folder``."""
    out = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if is_grade(cell) and errors:
                out[cell.metadata.nbgrader.grade_id] = (errors[0].get("ename", ""), errors[0].get("evalue", ""))
    return out


def assignment_summary(course, assignment):
    """What the report shows of one assignment, as data.

    Returns
    -------
    dict
        ``totals``: {student: (score, max)}; ``cells``: {grade_id: (passed, graded, max_score)} in
        notebook order; ``diagnoses``: {exercise: [(first line, students, example student), ...]},
        the line most students' checks said first.
    """
    exercises = _exercise_of_cells(course, assignment)
    totals, cells, diagnoses = {}, {}, defaultdict(lambda: defaultdict(set))
    with Gradebook(course.db_url, course.course_id) as gb:
        for submission in sorted(gb.assignment_submissions(assignment), key=lambda s: s.student_id):
            student = submission.student_id
            totals[student] = (float(submission.score), float(submission.max_score))
            failed = {}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    passed, graded, top = cells.get(grade.name, (0, 0, float(grade.max_score)))
                    full = float(grade.score) >= float(grade.max_score)
                    cells[grade.name] = (passed + full, graded + 1, top)
                    if not full:
                        failed[grade.name] = True
            if failed:
                errors = failed_grade_cells(course.path("autograded", student, assignment))
                for grade_id in failed:
                    ename, evalue = errors.get(grade_id, ("", ""))
                    first = (evalue or ename or "(no message: the cell did not run)").strip().splitlines()[0]
                    exercise = exercises.get(grade_id, grade_id)
                    diagnoses[exercise][first].add(student)
    ordered = [g for g in exercises if g in cells] + [g for g in cells if g not in exercises]
    return {"totals": totals, "cells": {g: cells[g] for g in ordered},
            "diagnoses": {exercise: sorted(((line, len(who), min(who)) for line, who in lines.items()),
                                           key=lambda row: (-row[1], row[0]))
                          for exercise, lines in diagnoses.items()}}


def _figure_html(fig, alt):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _histogram(assignment, totals):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 2.8))
    ax = fig.subplots()
    scores = [score for score, _ in totals.values()]
    top = max((m for _, m in totals.values()), default=1) or 1
    ax.hist(scores, bins=[x - 0.5 for x in range(int(top) + 2)], color="#4878a8", edgecolor="white")
    ax.set_xlabel(f"points (of {top:g})")
    ax.set_ylabel("students")
    ax.set_title(f"{assignment}: scores of {len(scores)} students")
    return _figure_html(fig, f"histogram of the scores in {assignment}")


def _pass_rates(assignment, cells):
    from matplotlib.figure import Figure

    names = list(cells)
    rates = [100 * passed / graded if graded else 0 for passed, graded, _ in cells.values()]
    fig = Figure(figsize=(6, 0.3 * len(names) + 1))
    ax = fig.subplots()
    ax.barh(range(len(names)), rates, color=["#59a14f" if r >= 80 else "#edc948" if r >= 50 else "#e15759"
                                             for r in rates])
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of students with full marks")
    ax.set_title(f"{assignment}: pass rate of every grade cell")
    return _figure_html(fig, f"pass rate of every grade cell in {assignment}")


_STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
td.n { text-align: right; }
code { white-space: pre-wrap; word-break: break-word; }
"""


def render_report(course_name, summaries, problems):
    """The report's HTML from :func:`assignment_summary` of each assignment and the ledger's problems."""
    e = html.escape
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Class report: {e(course_name)}</title>"
             f"<style>{_STYLE}</style></head><body><h1>Class report: {e(course_name)}</h1>"]
    if problems:
        parts.append("<h2>Jobs that timed out or failed</h2><table><tr><th>assignment</th><th>student</th>"
                     "<th>status</th><th>message</th></tr>")
        parts += [f"<tr><td>{e(p['assignment'])}</td><td>{e(p['student'])}</td><td>{e(p['status'])}</td>"
                  f"<td><code>{e(p['message'])}</code></td></tr>" for p in problems]
        parts.append("</table>")
    for assignment, summary in summaries.items():
        totals = summary["totals"]
        parts.append(f"<h2>{e(assignment)}</h2>")
        if not totals:
            parts.append("<p>No graded submissions.</p>")
            continue
        scores = sorted(s for s, _ in totals.values())
        top = max(m for _, m in totals.values())
        full = sum(s >= m for s, m in totals.values())
        parts.append(f"<p>{len(scores)} students; mean {sum(scores) / len(scores):.1f} / {top:g}, "
                     f"median {scores[len(scores) // 2]:g}; {full} with full marks.</p>")
        parts.append(_histogram(assignment, totals))
        parts.append(_pass_rates(assignment, summary["cells"]))
        parts.append("<h3>Most frequent failure diagnoses, per exercise</h3>")
        if not summary["diagnoses"]:
            parts.append("<p>Every grade cell passed for every student.</p>")
        for exercise, rows in sorted(summary["diagnoses"].items(), key=lambda item: -sum(r[1] for r in item[1])):
            parts.append(f"<h4><code>{e(exercise)}</code></h4>"
                         "<table><tr><th>students</th><th>what the check said (first line)</th>"
                         "<th>for example</th></tr>")
            parts += [f"<tr><td class='n'>{count}</td><td><code>{e(line)}</code></td><td>{e(student)}</td></tr>"
                      for line, count, student in rows]
            parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def write_report(course, assignments, ledger, path):
    """Write the class report of ``assignments`` to ``path`` and return it.

    Parameters
    ----------
    course : course_grader.grade_class.Course
    assignments : list of str
    ledger : course_grader.ledger.Ledger
    path : path
    """
    summaries = {assignment: assignment_summary(course, assignment) for assignment in assignments}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(course.course_id, summaries, ledger.problems(assignments)))
    return path
