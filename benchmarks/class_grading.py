"""Class grading throughput: the class command on Dask against serial nbgrader commands, from one run.

Usage: ``python benchmarks/class_grading.py [--assignment A ...] [--all] [--students N]`` (in the
project's environment; several minutes). One course with the demo's class is graded three times from
the same hand-ins: by serial ``nbgrader autograde`` and ``generate_feedback`` (one process each per
assignment, as an instructor runs them), by the class command on one worker per core, and by the class
command on one worker (its jobs make the same feedback pages). It prints

- the throughput ratio, serial time / parallel time (the target: 1.8x on 2 cores, 0.8 x cores beyond);
- the job machinery's overhead per submission: the one-worker run against the serial commands, both
  doing one submission at a time, cluster start-up included (the target: at most 10%);
- where a job's time goes, per assignment (from the one-worker run: the job's own steps, the
  grading kernel's start and the judging as the job's nbgrader log gives them), and the perfect
  student's job against a plain execution of the same notebooks in an ordinary kernel (nbclient, no
  nbgrader; the median of three, since one execution varies by up to 2x; the goal: at most 0.8x for the
  heavy assignments, 1.3x for the light ones);
- the mean cost of one job and, from it, the projected wall time of 1,000 students x 5 assignments.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grading_cost import execute_once  # noqa: E402 - benchmarks/grading_cost.py, beside this script
from timing import machine_line  # noqa: E402 - benchmarks/timing.py, beside this script

from class_grader.coordinator import grade_class  # noqa: E402
from class_grader.course import GRADING_FOLDER  # noqa: E402
from classroom import nbgrader_run as run  # noqa: E402
from classroom.catalogue import FUNCTIONS  # noqa: E402
from classroom.submissions import sample_class, write_submissions  # noqa: E402

#: What the grading executor and the judge log about each notebook of a job.
RAN = re.compile(r"Ran the notebook in ([\d.]+) s, of which ([\d.]+) s starting the kernel")
JUDGED = re.compile(r"Judged \d+ hidden check\(s\) in ([\d.]+) s")

#: Plain executions of the perfect student's notebooks per assignment (their median is compared).
PLAIN_RUNS = 3
#: The columns of the table of where a job's time goes.
PHASES = ["files", "nbgrader", "kernel", "cells", "judging", "feedback", "collect", "job"]


def job_phases(course, result):
    """Seconds of one job's steps: its own ``phases``, split further with what its nbgrader log says."""
    log = (course / GRADING_FOLDER / "logs" / result.assignment / f"{result.student}.log").read_text()
    ran = [tuple(map(float, m.groups())) for m in RAN.finditer(log)]
    judged = sum(float(m.group(1)) for m in JUDGED.finditer(log))
    executed, kernel = sum(r for r, _ in ran), sum(k for _, k in ran)
    phases = result.phases
    return {"files": phases.get("files", 0.0),
            "nbgrader": phases.get("autograde", 0.0) - executed - judged,  # start-up, gradebook, sanitizing, saving
            "kernel": kernel, "cells": executed - kernel, "judging": judged,
            "feedback": phases.get("feedback", 0.0), "collect": phases.get("collect", 0.0),
            "job": result.seconds}


def phase_table(course, single, assignments, plain):
    """Lines of the table of where a job's time goes, per assignment (mean seconds per job)."""
    lines = ["where a job's time goes (1 worker, mean seconds per job):",
             f"{'assignment':<18}" + "".join(f"{p:>9}" for p in PHASES) + f"{'run':>8}{'job/run':>9}"]
    for assignment in assignments:
        results = [r for r in single.results if r.assignment == assignment]
        rows = [job_phases(course, r) for r in results]
        mean = {p: statistics.mean(row[p] for row in rows) for p in PHASES}
        perfect = statistics.median(r.seconds for r in results if r.student.startswith("perfect"))
        lines.append(f"{assignment:<18}" + "".join(f"{mean[p]:>9.2f}" for p in PHASES)
                     + f"{plain[assignment]:>8.2f}{perfect / plain[assignment]:>9.2f}")
    outside = (single.seconds - sum(r.seconds for r in single.results)) / max(len(single.results), 1)
    lines += ["files = the job's course folder written; nbgrader = autograde's start-up, gradebook, sanitizing "
              "and saving; kernel = starting the sandboxed kernel until it is ready; cells = "
              "running the notebook's cells; judging = the verdicts in the grader; feedback = the whole "
              "generate_feedback command; collect = reading back the marks and files",
              f"run = the perfect student's notebooks executed in an ordinary kernel (nbclient, no nbgrader; median of "
              f"{PLAIN_RUNS}); "
              "job/run = the perfect student's job / run",
              f"outside the jobs (cluster start, planning, the coordinator's writes), per job: {outside:.2f} s"]
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", action="append", help="assignments to grade (default: 01_one_hot, 02_softmax)")
    parser.add_argument("--all", action="store_true", help="grade all five assignments")
    parser.add_argument("--students", type=int, default=28, help="students in the class (the demo's, repeated)")
    args = parser.parse_args(argv)
    assignments = list(FUNCTIONS) if args.all else args.assignment or ["01_one_hot", "02_softmax"]
    cores = os.cpu_count() or 1
    base = sample_class()
    students = [replace(base[k % len(base)], id=f"{base[k % len(base)].id}_{k // len(base)}") if k >= len(base)
                else base[k] for k in range(args.students)]
    with tempfile.TemporaryDirectory(prefix="nn-class-bench-") as folder:
        course = run.make_course(Path(folder) / "course", assignments)
        write_submissions(students, course, assignments)
        jobs = len(students) * len(assignments)
        print(machine_line())
        print(f"{jobs} submissions ({len(students)} students x {', '.join(assignments)}) on {cores} cores")

        start = time.perf_counter()
        for assignment in assignments:
            run.autograde(course, assignment)
            run.generate_feedback(course, assignment)
        serial = time.perf_counter() - start
        print(f"  serial autograde + feedback:      {serial:7.1f} s  ({serial / jobs:.2f} s per submission)")

        parallel = grade_class(course, assignments, force=True, progress=False, report=False)
        assert not parallel.problems, parallel.problems
        print(f"  class command, {parallel.workers} workers:        {parallel.seconds:7.1f} s  "
              f"({parallel.seconds / jobs:.2f} s per submission)")

        single = grade_class(course, assignments, workers=1, force=True, progress=False, report=False)
        assert not single.problems, single.problems
        per_job = sum(r.seconds for r in single.results) / jobs
        print(f"  class command, 1 worker:          {single.seconds:7.1f} s  ({single.seconds / jobs:.2f} s per "
              f"submission; a job itself {per_job:.2f} s)")
        print("  (serial: nbgrader autograde then nbgrader generate_feedback, one process each per assignment, as "
              "an instructor runs them; the class command's jobs make the same pages)\n")
        runs = [execute_once(course, assignments) for _ in range(PLAIN_RUNS)]
        plain = {assignment: statistics.median(times[assignment] for times in runs) for assignment in assignments}
        print("\n".join(phase_table(course, single, assignments, plain)))

    throughput = serial / parallel.seconds
    overhead = single.seconds / serial - 1
    print(f"\nthroughput, class command on {parallel.workers} workers / serial: {throughput:.2f}x "
          f"(target {max(1.8, 0.8 * cores):.1f}x on {cores} cores)")
    print(f"overhead of the job machinery per submission (1 worker vs serial): {100 * overhead:+.1f}% (target <= +10%)")
    print(f"\nprojection for 1,000 students x 5 assignments = 5,000 jobs at {per_job:.2f} s per job "
          "(this run's assignments; heavier ones cost more):")
    for workers in (2, 8, 32, 128):
        print(f"  {workers:>4} workers: {5000 * per_job / workers / 60:7.1f} min")


if __name__ == "__main__":
    main()
