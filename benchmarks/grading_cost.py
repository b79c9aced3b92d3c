"""What trusted judging and the sandbox cost: autograde time of one full-series submission, with and without.

Builds three throwaway courses from this repository: one with the course's
``nbgrader_config.py`` (sandboxed kernels, GradingExecute, JudgeChecks,
RestoreCells, the intake hook), the same with the sandbox turned off
(``SandboxedKernelManager.sandbox = False``), and one with nbgrader's own
preprocessors, so that the hidden checks judge inside an ordinary kernel. The
same perfect submission of every assignment is autograded in each, and the
times are printed as ratios from one run (``--rounds`` runs alternate the
configurations and report the medians): *trusted* is the course's
configuration against plain nbgrader, *sandbox* the course's configuration
against the same without the sandbox.

Run with the course's environment: ``.venv/bin/python benchmarks/grading_cost.py``.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="alternating runs of each configuration")
    args = parser.parse_args(argv)
    assignments = list(FUNCTIONS)
    student = Student("perfect", "the reference solutions")
    with tempfile.TemporaryDirectory() as tmp:
        courses = {"sandboxed": run.make_course(Path(tmp) / "sandboxed", assignments),
                   "unsandboxed": run.make_course(Path(tmp) / "unsandboxed", assignments,
                                                  settings=["c.SandboxedKernelManager.sandbox = False"]),
                   "in-kernel": run.make_course(Path(tmp) / "plain", assignments, settings=PLAIN)}
        for course in courses.values():
            write_submissions([student], course, assignments)
        results = {name: [] for name in courses}
        for _ in range(args.rounds):
            for name, course in courses.items():
                results[name].append(grade_once(course, assignments))
        for name, course in courses.items():
            scores = run.cell_scores(course, assignments[0])["perfect"]
            assert all(s == m for s, m in scores.values()), f"{name}: the perfect submission lost points"
    median = {name: {a: statistics.median(r[a] for r in rounds) for a in assignments}
              for name, rounds in results.items()}
    print(f"autograde of one perfect submission, median of {args.rounds} run(s), seconds")
    print(f"{'assignment':<20}{'in-kernel':>11}{'unsandboxed':>13}{'sandboxed':>11}{'trusted':>9}{'sandbox':>9}")
    rows = [(a, {name: median[name][a] for name in median}) for a in assignments]
    rows.append(("all five", {name: sum(m.values()) for name, m in median.items()}))
    for label, t in rows:
        print(f"{label:<20}{t['in-kernel']:>11.1f}{t['unsandboxed']:>13.1f}{t['sandboxed']:>11.1f}"
              f"{t['sandboxed'] / t['in-kernel']:>9.2f}{t['sandboxed'] / t['unsandboxed']:>9.2f}")
    print("trusted = sandboxed / in-kernel (plain nbgrader); sandbox = sandboxed / unsandboxed")


if __name__ == "__main__":
    main()
