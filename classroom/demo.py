"""The course demo: generate the release, grade a sample class with real nbgrader, print the grades.

Usage: ``python -m classroom.demo [--course-dir DIR]`` (the README's first
command runs it inside the project's virtual environment).
"""

import argparse
import csv
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from class_grader.coordinator import grade_class
from classroom import nbgrader_run as run
from classroom.catalogue import FUNCTIONS
from classroom.submissions import REPO, sample_class, write_submissions
from course_checks import manifest


def grade_table(students, assignment, scores, course_root):
    """Lines of the grade table of one assignment: points per function, total, and what went wrong."""
    functions = FUNCTIONS[assignment]
    widths = [max(len(f), 7) for f in functions]
    id_width = max(len("student"), *(len(s.id) for s in students)) + 2
    header = f"{'student':<{id_width}}" + "".join(f"{f:>{w + 2}}" for f, w in zip(functions, widths)) + "    total"
    lines = [header, "-" * len(header)]
    for student in students:
        cells = scores.get(student.id, {})
        row = f"{student.id:<{id_width}}"
        for function, width in zip(functions, widths):
            got = sum(s for c, (s, _) in cells.items() if manifest.exercise_of(c) == function)
            top = sum(m for c, (_, m) in cells.items() if manifest.exercise_of(c) == function)
            mark = " " if got == top else "*"
            row += f"{f'{got:g}/{top:g}{mark}':>{width + 2}}"
        total, top = sum(s for s, _ in cells.values()), sum(m for _, m in cells.values())
        lines.append(row + f"  {total:>4g}/{top:g}   {student.description}")
    lines.append("(* = points lost on that function)")
    details = []
    for student in students:
        messages = run.cell_messages(course_root, student.id, assignment)
        lost = [c for c, (s, m) in scores.get(student.id, {}).items() if s < m]
        if student.id in ("blank", "partial") or not lost:
            continue
        details.append(f"  {student.id}:")
        for cell in lost:
            first = messages.get(cell, "(no error output)").splitlines()
            details.append(f"    {cell}: {first[0][:150] if first else ''}")
            details += [f"      {line.strip()[:150]}" for line in first[1:3]]
    if details:
        lines += ["", "What the failing grade cells told each student (first lines):", *details]
    return lines


def write_roster(students, course_root):
    """A ``roster.csv`` as an LMS would give it: ids, names, emails and sections for every student."""
    with open(Path(course_root) / "roster.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "first_name", "last_name", "email", "lms_id", "sis_user_id", "sis_login_id",
                         "section"])
        for number, student in enumerate(students, start=1):
            writer.writerow([student.id, student.id.split("_")[0].capitalize(), "Demo", f"{student.id}@uni.example",
                             str(4000 + number), f"S{20260000 + number}", student.id, f"Lab {'AB'[number % 2]}"])


def exports(course_root):
    """Run ``nbgrader export`` with nbgrader's CSV exporter and the Canvas, Moodle and per-exercise plug-ins, two
    at a time (they only read the gradebook); return their paths."""
    plugins = {"grades.csv": None, "grades_canvas.csv": "CanvasExport", "grades_moodle.csv": "MoodleExport",
               "grades_exercises.csv": "ExerciseExport"}

    def export(name):
        exporter = ["--exporter", f"course_grader.lms_export.{plugins[name]}"] if plugins[name] else []
        run.nbgrader(course_root, "export", *exporter, "--to", name)
        return Path(course_root) / name

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(export, plugins))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course-dir", type=Path, default=REPO / "build" / "demo_course",
                        help="throwaway course directory (deleted and rebuilt)")
    parser.add_argument("--workers", type=int, default=None, help="grading worker processes (default: one per core)")
    parser.add_argument("--assignment", action="append", choices=list(FUNCTIONS),
                        help="grade only this assignment (repeatable); default: all")
    args = parser.parse_args(argv)
    assignments = args.assignment or list(FUNCTIONS)
    students = sample_class()
    start = time.perf_counter()

    print(f"[1/4] Course directory {args.course_dir}: copying source/ and generating the release ...", flush=True)
    course = run.make_course(args.course_dir, assignments)
    print(f"[2/4] Writing submissions of {len(students)} students for {', '.join(assignments)}", flush=True)
    write_submissions(students, course, assignments)
    write_roster(students, course)

    print(f"[3/4] Grading {len(students)} students x {len(assignments)} assignment(s) in parallel "
          "(class_grader.coordinator: Dask, real nbgrader autograde and generate_feedback per job):", flush=True)
    graded = grade_class(course, assignments, workers=args.workers, force=True)
    print("[4/4] nbgrader export (nbgrader's CSV, Canvas, Moodle, per exercise)", flush=True)
    tables = [(assignment, grade_table(students, assignment, run.cell_scores(course, assignment), course))
              for assignment in assignments]
    grades, canvas, moodle, exercises = exports(course)

    for assignment, lines in tables:
        print(f"\n=== {assignment} ===")
        print("\n".join(lines))
    jobs = len(graded.results)
    print(f"\nGrading took {graded.seconds:.1f} s for {jobs} submissions (student x assignment) on "
          f"{graded.workers} workers: {sum(r.seconds for r in graded.results) / max(jobs, 1):.1f} s per job, "
          f"{len(graded.problems)} timed out or failed; feedback made in the jobs, "
          f"{len(graded.course_feedback)} page(s) by the course's generate_feedback.")
    print(f"Class report:      {graded.report}")
    print(f"Feedback (HTML):   {course / 'feedback'}/<student>/<assignment>/<notebook>.html")
    print(f"  for example      {course / 'feedback' / 'global_max' / '02_softmax' / 'softmax.html'}")
    print(f"Grades (CSV):      {grades}")
    for label, path in (("Canvas import", canvas), ("Moodle import", moodle)):
        head = path.read_text().splitlines()[:3]
        print(f"{label + ':':<19}{path}\n" + "".join(f"                   {line}\n" for line in head), end="")
    print(f"Per exercise:      {exercises}")
    print(f"Gradebook:         {course / 'gradebook.db'}")
    print(f"Demo finished in {time.perf_counter() - start:.0f} s.")


if __name__ == "__main__":
    main()
