"""What grading costs: autograde time of one full-series submission, against running its notebooks.

Builds four throwaway courses from this repository: one with the course's
``nbgrader_config.py`` (sandboxed kernels, GradingExecute, JudgeChecks,
RestoreCells, the intake hook, the cells that only show skipped), the same
with every cell run (``GradingExecute.skip_shows = False``), the same with the
sandbox turned off (``SandboxedKernelManager.sandbox = False``), and one with
nbgrader's own preprocessors, so that the hidden checks judge inside an
ordinary kernel. The same perfect submission of every assignment is autograded
in each, and its solved notebooks are also simply executed in an ordinary
kernel (nbclient, no nbgrader). Times are printed as ratios from one run
(``--rounds`` runs alternate the configurations and report the medians):
*vs run* is the course's autograde against that plain execution, *skip* the
course's configuration against the same with every cell run, *trusted* the
course's configuration with every cell run against plain nbgrader, *sandbox*
it against the same without the sandbox.

Run with the course's environment: ``.venv/bin/python benchmarks/grading_cost.py``.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from timing import machine_line  # noqa: E402 - benchmarks/timing.py, beside this script

from classroom import nbgrader_run as run  # noqa: E402
from classroom.catalogue import FUNCTIONS  # noqa: E402
from classroom.submissions import Student, write_submissions  # noqa: E402

#: Lines that turn the course back into plain nbgrader (judging in the student's kernel).
PLAIN = [
    "from nbgrader.preprocessors import Execute, OverwriteCells",
    "c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, "
    "CheckCellMetadata]",
    "c.Autograde.autograde_preprocessors = [Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, "
    "SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]",
    "c.Autograde.pre_convert_hook = None",
]


def grade_once(course, assignments):
    """Seconds that ``nbgrader autograde`` takes per assignment for the course's one student."""
    times = {}
    for assignment in assignments:
        start = time.perf_counter()
        run.nbgrader(course, "autograde", assignment, "--create", "--force")
        times[assignment] = time.perf_counter() - start
    return times


def execute_once(course, assignments):
    """Seconds that executing the student's notebooks of each assignment takes in an ordinary kernel."""
    times = {}
    for assignment in assignments:
        folder = course / "submitted" / "perfect" / assignment
        start = time.perf_counter()
        for path in sorted(folder.glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(folder)}}).execute()
        times[assignment] = time.perf_counter() - start
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="alternating runs of each configuration")
    args = parser.parse_args(argv)
    assignments = list(FUNCTIONS)
    student = Student("perfect", "the reference solutions")
    with tempfile.TemporaryDirectory() as tmp:
        every = "c.GradingExecute.skip_shows = False"
        courses = {"course": run.make_course(Path(tmp) / "course", assignments),
                   "sandboxed": run.make_course(Path(tmp) / "sandboxed", assignments, settings=[every]),
                   "unsandboxed": run.make_course(Path(tmp) / "unsandboxed", assignments,
                                                  settings=[every, "c.SandboxedKernelManager.sandbox = False"]),
                   "in-kernel": run.make_course(Path(tmp) / "plain", assignments, settings=PLAIN)}
        for course in courses.values():
            write_submissions([student], course, assignments)
        results = {name: [] for name in [*courses, "run"]}
        for _ in range(args.rounds):
            results["run"].append(execute_once(courses["course"], assignments))
            for name, course in courses.items():
                results[name].append(grade_once(course, assignments))
        for name, course in courses.items():
            scores = run.cell_scores(course, assignments[0])["perfect"]
            assert all(s == m for s, m in scores.values()), f"{name}: the perfect submission lost points"
    median = {name: {a: statistics.median(r[a] for r in rounds) for a in assignments}
              for name, rounds in results.items()}
    print(machine_line())
    print(f"autograde of one perfect submission, median of {args.rounds} run(s), seconds")
    print(f"{'assignment':<20}{'run':>7}{'in-kernel':>11}{'unsandboxed':>13}{'sandboxed':>11}{'course':>8}"
          f"{'vs run':>8}{'skip':>7}{'trusted':>9}{'sandbox':>9}")
    rows = [(a, {name: median[name][a] for name in median}) for a in assignments]
    rows.append(("all five", {name: sum(m.values()) for name, m in median.items()}))
    for label, t in rows:
        print(f"{label:<20}{t['run']:>7.1f}{t['in-kernel']:>11.1f}{t['unsandboxed']:>13.1f}{t['sandboxed']:>11.1f}"
              f"{t['course']:>8.1f}{t['course'] / t['run']:>8.2f}{t['course'] / t['sandboxed']:>7.2f}"
              f"{t['sandboxed'] / t['in-kernel']:>9.2f}{t['sandboxed'] / t['unsandboxed']:>9.2f}")
    print("run = the notebooks executed in an ordinary kernel; course = the course's autograde (shows skipped);")
    print("vs run = course / run; skip = course / sandboxed (every cell run); "
          "trusted = sandboxed / in-kernel (plain nbgrader); sandbox = sandboxed / unsandboxed")


if __name__ == "__main__":
    main()
