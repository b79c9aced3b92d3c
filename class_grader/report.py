"""The term's class report: one HTML file that shows an instructor where the class stands and what it got wrong.

It covers every assignment in the gradebook, whichever run wrote it: a table
per student (the score of each assignment, with late, extension and
failed-grading marks and a link to each feedback page); then per assignment
the score histogram, the pass rate of every grade cell, and the most frequent
failure diagnoses per exercise (the verdicts judging wrote into the
autograded notebooks, grouped by their first line with the data values taken out, with
counts and one example student each), so that the misconception most of the
class shares is the first thing in the list. Jobs that timed out or failed
are listed with what to do about them. Figures are drawn with matplotlib and
embedded, so the file stands alone; ``report.json`` beside it holds the same
as data.
"""

import base64
import html
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.utils import is_grade

from class_grader.course import Course
from class_grader.ledger import Ledger
from course_checks import manifest
from course_grader import extensions
from course_grader.grading_state import verdict
from course_grader.lms_export import by_due_date
from course_grader.page_policy import POLICY_META

#: Data values in a message: quoted text, then numbers (signed, decimal, scientific).
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w.])", re.IGNORECASE)


def message_template(line: str) -> str:
    """A check's message with its data values replaced (``index 3 is out of bounds`` -> ``index N ...``)."""
    return _NUMBER.sub("N", _QUOTED.sub("'…'", line))


def first_line(message: str | None) -> str:
    """The first non-blank line of a grader's message, or a phrase saying there is none."""
    lines = [line for line in (message or "").strip().splitlines() if line.strip()]
    return lines[0].strip() if lines else "(no message: the cell did not run)"


def failed_grade_cells(folder: str | Path) -> dict[str, str]:
    """grade_id -> the message of each grade cell that the grader judged failed, in the autograded notebooks in
    ``folder`` (the verdicts :func:`course_grader.grading_state.set_verdict` wrote)."""
    out = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            found = verdict(cell) if is_grade(cell) else None
            if found and found[0] == "failed":
                out[cell.metadata.nbgrader.grade_id] = found[1]
    return out


def assignment_summary(course: Course, assignment: str) -> dict:
    """What the report shows of one assignment, as data.

    Returns
    -------
    dict
        ``totals``: {student: (score, max)}; ``late``: {student: late penalty in points} for late ones;
        ``cells``: {grade_id: (passed, graded, max_score)} in notebook order; ``diagnoses``:
        {exercise: [(first line as a template, students, example student), ...]}, the line most students'
        checks said first.
    """
    exercises = manifest.grade_cells(assignment)
    totals, late, cells, diagnoses = {}, {}, {}, defaultdict(lambda: defaultdict(set))
    with Gradebook(course.db_url, course.course_id) as gb:
        for submission in sorted(gb.assignment_submissions(assignment), key=lambda s: s.student_id):
            student = submission.student_id
            totals[student] = (float(submission.score), float(submission.max_score))
            if submission.late_submission_penalty:
                late[student] = float(submission.late_submission_penalty)
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
                    line = message_template(first_line(errors.get(grade_id, "")))
                    diagnoses[manifest.exercise_of(grade_id) or grade_id][line].add(student)
    ordered = [g for g in exercises if g in cells] + [g for g in cells if g not in exercises]
    return {"totals": totals, "late": late, "cells": {g: cells[g] for g in ordered},
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
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(6, 2.8))
    ax = fig.subplots()
    scores = [score for score, _ in totals.values()]
    top = max((m for _, m in totals.values()), default=1) or 1
    ax.hist(scores, bins=[x - 0.5 for x in range(int(top) + 2)], color="#4878a8", edgecolor="white")
    ax.set_xlabel(f"points (of {top:g})")
    ax.set_ylabel("students")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"{assignment}: scores of {len(scores)} students")
    return _figure_html(fig, f"histogram of the scores in {assignment}")


_RATE_BANDS = (("#59a14f", "80 % or more"), ("#edc948", "50 to 80 %"), ("#e15759", "under 50 %"))


def _rate_colour(rate):
    return _RATE_BANDS[0][0] if rate >= 80 else _RATE_BANDS[1][0] if rate >= 50 else _RATE_BANDS[2][0]


def _pass_rates(assignment, cells):
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    names = list(cells)
    rates = [100 * passed / graded if graded else 0 for passed, graded, _ in cells.values()]
    fig = Figure(figsize=(6, 0.3 * len(names) + 1.5))
    ax = fig.subplots()
    ax.barh(range(len(names)), rates, color=[_rate_colour(r) for r in rates])
    ax.legend(handles=[Patch(color=colour, label=label) for colour, label in _RATE_BANDS], fontsize=7,
              loc="upper left", bbox_to_anchor=(1.02, 1), title="students with\nfull marks", title_fontsize=7)
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


#: What an instructor can do about a job that timed out or failed, by its status.
ADVICE = {
    "timeout": "grading ran past the job's budget (a notebook that loops or waits); the student has a row with "
               "zero points marked for manual grading and feedback saying so. Grade it by hand in the formgrader, "
               "or run the class command again with --retry-failed (and a larger --timeout)",
    "failed": "nbgrader could not grade it (its log is in class_grading/logs/<assignment>/<student>.log); the "
              "student has a row with zero points marked for manual grading and feedback saying so. Grade it by "
              "hand, or fix the cause and run the class command again with --retry-failed",
}


def student_rows(course: Course, summaries: dict, ledger: Ledger) -> list:
    """Per student, per assignment: ``{student: {assignment: {...}}}`` with the score, the maximum, the late
    penalty in points, the extension in hours, the grading status and the feedback pages (course-relative)."""
    extra = extensions.load(course.root)
    rows = defaultdict(dict)
    for assignment, summary in summaries.items():
        for student, (score, top) in summary["totals"].items():
            entry = ledger.entry(assignment, student) or {}
            # the pages generate_feedback makes (or made) of the autograded notebooks
            feedback = course.path("feedback", student, assignment).relative_to(course.root)
            pages = sorted(str(feedback / f"{p.stem}.html")
                           for p in course.path("autograded", student, assignment).glob("*.ipynb"))
            rows[student][assignment] = {
                "score": score, "max": top, "late_penalty": summary["late"].get(student, 0.0),
                "extension_hours": extra.get(assignment, {}).get(student, 0.0),
                "status": entry.get("status", "graded"), "feedback": pages}
    return dict(sorted(rows.items()))


def _cell_html(mark):
    e = html.escape
    text = f"{mark['score']:g} / {mark['max']:g}"
    notes = []
    if mark["status"] != "graded":
        notes.append(f"<b>{e(mark['status'])}</b>")
    if mark["late_penalty"]:
        notes.append(f"late −{mark['late_penalty']:g}")
    if mark["extension_hours"]:
        notes.append(f"ext. +{e(extensions.format_hours(mark['extension_hours']))}")
    links = " ".join(f"<a href='../{e(page)}'>{e(Path(page).stem)}</a>" for page in mark["feedback"])
    return f"<td class='n'>{text}{'<br>' + ', '.join(notes) if notes else ''}{'<br>' + links if links else ''}</td>"


def render_report(course_name: str, summaries: dict, problems: list, students: list | None = None) -> str:
    """The report's HTML from :func:`assignment_summary` of each assignment, the ledger's problems and
    :func:`student_rows`."""
    e = html.escape
    parts = [f"<!DOCTYPE html><html><head>{POLICY_META}<meta charset='utf-8'>"
             f"<title>Class report: {e(course_name)}</title>"
             f"<style>{_STYLE}</style></head><body><h1>Class report: {e(course_name)}</h1>"
             f"<p>Every assignment in the gradebook: {e(', '.join(summaries)) or 'none yet'}.</p>"]
    if problems:
        parts.append("<h2>Jobs that timed out or failed</h2><table><tr><th>assignment</th><th>student</th>"
                     "<th>what happened</th><th>what to do</th></tr>")
        parts += [f"<tr><td>{e(p['assignment'])}</td><td>{e(p['student'])}</td><td>{e(p['status'])}: "
                  f"<code>{e(p['message'][:300])}</code></td><td>{e(ADVICE.get(p['status'], ''))}</td></tr>"
                  for p in problems]
        parts.append("</table>")
    if students:
        parts.append("<h2>Students</h2><p>Each assignment's score, marked late, extended or not graded "
                     "automatically, with links to its feedback pages.</p><table><tr><th>student</th>"
                     + "".join(f"<th>{e(a)}</th>" for a in summaries) + "<th>total</th></tr>")
        for student, marks in students.items():
            total = sum(m["score"] for m in marks.values())
            top = sum(m["max"] for m in marks.values())
            parts.append(f"<tr><td>{e(student)}</td>"
                         + "".join(_cell_html(marks[a]) if a in marks else "<td>–</td>" for a in summaries)
                         + f"<td class='n'>{total:g} / {top:g}</td></tr>")
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
                     f"median {scores[len(scores) // 2]:g}; {full} with full marks; "
                     f"{len(summary['late'])} late.</p>")
        parts.append(_histogram(assignment, totals))
        parts.append(_pass_rates(assignment, summary["cells"]))
        parts.append("<h3>Most frequent failure diagnoses, per exercise</h3>"
                     "<p>Messages are grouped with their data values replaced: N for a number, '…' for quoted "
                     "text.</p>")
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


def gradebook_assignments(course: Course) -> list[str]:
    """Names of every assignment in the course's gradebook, by due date then name."""
    with Gradebook(course.db_url, course.course_id) as gb:
        return [a.name for a in by_due_date(gb.assignments)]


def write_report(course: Course, ledger: Ledger, path: Path) -> Path:
    """Write the term's report (HTML at ``path``, ``report.json`` beside it) and return the HTML's path.

    Parameters
    ----------
    course : class_grader.course.Course
    ledger : class_grader.ledger.Ledger
    path : path
    """
    assignments = gradebook_assignments(course)
    summaries = {assignment: assignment_summary(course, assignment) for assignment in assignments}
    students = student_rows(course, summaries, ledger)
    problems = ledger.problems(assignments)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(course.course_id, summaries, problems, students))
    data = {"course": course.course_id, "students": students, "failed": problems,
            "assignments": {a: {"totals": {s: list(t) for s, t in summary["totals"].items()}, "late": summary["late"],
                                "cells": {g: dict(zip(("passed", "graded", "max_score"), v))
                                          for g, v in summary["cells"].items()},
                                "diagnoses": {x: [dict(zip(("message", "students", "example"), r)) for r in rows]
                                              for x, rows in summary["diagnoses"].items()}}
                            for a, summary in summaries.items()}}
    path.with_name("report.json").write_text(json.dumps(data, indent=1, sort_keys=True))
    return path
