"""Class grading throughput: the class command on Dask against serial ``nbgrader autograde``, from one run.

Usage: ``python benchmarks/class_grading.py [--assignment A ...] [--students N]`` (in the project's
environment; several minutes). One course with the demo's class is graded three times from the same
hand-ins: by serial ``nbgrader autograde`` (one process per assignment, as an instructor runs it),
by the class command on one worker per core, and by the class command on one worker. It prints

- the throughput ratio, serial time / parallel time (the target: 1.7x on 2 cores, 0.8 x cores beyond);
- the job machinery's overhead per submission: the one-worker run against serial autograde, both
  doing one submission at a time, cluster start-up included (the target: at most 10%);
- the mean cost of one job and, from it, the projected wall time of 1,000 students x 5 assignments.
"""

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from classroom import nbgrader_run as run  # noqa: E402
from timing import machine_line  # noqa: E402 - benchmarks/timing.py, beside this script
from classroom.submissions import sample_class, write_submissions  # noqa: E402
from course_grader.grade_class import grade_class  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", action="append", help="assignments to grade (default: 01_one_hot, 02_softmax)")
    parser.add_argument("--students", type=int, default=28, help="students in the class (the demo's, repeated)")
    args = parser.parse_args(argv)
    assignments = args.assignment or ["01_one_hot", "02_softmax"]
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
        serial = time.perf_counter() - start
        print(f"  serial nbgrader autograde:        {serial:7.1f} s  ({serial / jobs:.2f} s per submission)")

        parallel = grade_class(course, assignments, force=True, progress=False, report=False)
        assert not parallel.problems, parallel.problems
        print(f"  class command, {parallel.workers} workers:        {parallel.seconds:7.1f} s  "
              f"({parallel.seconds / jobs:.2f} s per submission)")

        single = grade_class(course, assignments, workers=1, force=True, progress=False, report=False)
        assert not single.problems, single.problems
        per_job = sum(r.seconds for r in single.results) / jobs
        print(f"  class command, 1 worker:          {single.seconds:7.1f} s  ({single.seconds / jobs:.2f} s per "
              f"submission; a job itself {per_job:.2f} s)")

    throughput = serial / parallel.seconds
    overhead = single.seconds / serial - 1
    print(f"\nthroughput, class command on {parallel.workers} workers / serial autograde: {throughput:.2f}x "
          f"(target {max(1.7, 0.8 * cores):.1f}x on {cores} cores)")
    print(f"overhead of the job machinery per submission (1 worker vs serial): {100 * overhead:+.1f}% (target <= +10%)")
    print(f"\nprojection for 1,000 students x 5 assignments = 5,000 jobs at {per_job:.2f} s per job "
          "(this run's assignments; heavier ones cost more):")
    for workers in (2, 8, 32, 128):
        print(f"  {workers:>4} workers: {5000 * per_job / workers / 60:7.1f} min")


if __name__ == "__main__":
    main()
