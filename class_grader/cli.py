"""The class command: ``python -m class_grader ASSIGNMENT ...`` (see :mod:`class_grader.coordinator`)."""

import argparse
import sys

from class_grader.cluster_security import check_address, client_security
from class_grader.coordinator import __doc__ as USAGE
from class_grader.coordinator import grade_class
from class_grader.job import GRADED
from class_grader.sole_writer import CourseBusy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m class_grader",
                                     description=USAGE.splitlines()[0])
    parser.add_argument("assignments", nargs="+", help="assignments to grade")
    parser.add_argument("--course", default=".", help="the course root (default: the current folder)")
    parser.add_argument("--scheduler", help="a Dask scheduler's tls:// address, e.g. tls://host:8786 (default: a local "
                                            "cluster)")
    parser.add_argument("--credentials", help="the TLS credentials for --scheduler, a folder made by python -m "
                                              "class_grader.cluster_security (default: Dask's TLS configuration)")
    parser.add_argument("--workers", type=int, help="worker processes of the local cluster (default: one per core)")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--dry-run", action="store_true", help="say what would be graded and why; grade nothing")
    parser.add_argument("--retry-failed", action="store_true",
                        help="also grade again what timed out or failed before, although nothing changed")
    parser.add_argument("--force", action="store_true", help="grade again what is already graded from the same inputs")
    parser.add_argument("--timeout", type=float, help="seconds a job may take (default: from the course's budgets)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--no-report", action="store_true", help="do not write the class report")
    args = parser.parse_args(argv)
    try:
        security = client_security(args.credentials) if args.scheduler and check_address(args.scheduler) else None
    except ValueError as problem:
        parser.error(str(problem))
    try:
        run = grade_class(args.course, args.assignments, scheduler=args.scheduler, security=security,
                          workers=args.workers, students=args.student, force=args.force, timeout=args.timeout,
                          progress=not args.no_progress, report=not args.no_report, retry_failed=args.retry_failed,
                          dry_run=args.dry_run)
    except CourseBusy as busy:
        print(f"not graded: {busy}", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"would grade {len(run.planned)} submission(s), skip {len(run.skipped)} up to date")
        for assignment, student, reasons in run.planned:
            print(f"  {student}/{assignment}: {', '.join(reasons)}")
        return 0
    graded = sum(r.status == GRADED for r in run.results)
    why = "; ".join(f"{reason}: {count}" for reason, count in run.reasons_summary().items())
    print(f"graded {graded} submission(s){f' ({why})' if why else ''}, skipped {len(run.skipped)} up to date, "
          f"{len(run.problems)} timed out or failed, in {run.seconds:.1f} s on {run.workers} worker(s)")
    for result in run.problems:
        print(f"  {result.status}: {result.student}/{result.assignment}: {result.message}")
    if run.problems:
        print("  (each has a gradebook row with zero points that needs manual grading, and feedback that says so; "
              "--retry-failed grades them again)")
    for problem in run.feedback_problems:
        print(f"  no feedback: {problem}")
    if run.report:
        print(f"class report: {run.report}")
    return 1 if run.problems or run.feedback_problems else 0


if __name__ == "__main__":
    sys.exit(main())
