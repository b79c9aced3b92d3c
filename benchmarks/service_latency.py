"""The grading service's latency: from a submission landing in the inbound to its feedback in the outbound.

Usage: ``python benchmarks/service_latency.py [--burst N] [--within S]`` (in the project's environment;
a few minutes). Every submission is made by the real ``nbgrader submit`` into a second exchange of the
same course, then moved into the course's inbound in one ``rename`` (so the moment it lands is known to
the microsecond, and the submitting commands do not compete with grading). The service runs as
``python -m grading_service serve`` with its own local cluster (one worker per core) and its default
settings (one look at the inbound per second). It prints

- one submission alone (after one warm-up submission per worker): the time to its page in the outbound, the job's own
  time on its worker, and the service's overhead (the goal: at most +2 s or +20 % of the job, whichever is
  larger);
- a burst of ``--burst`` submissions (20) landing evenly within ``--within`` seconds (10): each one's time to
  its page, and the rate at which the burst drains against what the workers can do, workers / mean job
  time (the goal: at least 0.9 of it).
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nbgrader.utils import notebook_hash  # noqa: E402
from timing import machine_line  # noqa: E402 - benchmarks/timing.py, beside this script

from classroom import nbgrader_run as run  # noqa: E402
from classroom.exchange_students import ExchangeStudent  # noqa: E402
from classroom.submissions import sample_class  # noqa: E402
from grading_service.service import SERVICE_FOLDER  # noqa: E402

ASSIGNMENT, NOTEBOOK, COURSE_ID = "01_one_hot", "one_hot", "nn-from-scratch"


def exchange(root):
    """An nbgrader exchange for the course at ``root``, its inbound open to students as nbgrader makes it."""
    inbound = root / COURSE_ID / "inbound"
    inbound.mkdir(parents=True)
    root.chmod(0o777)
    inbound.chmod(0o733 | 0o1000)
    return inbound


def submit_all(base, staging, students):
    """Each student's submission, made by ``nbgrader submit`` into the staging exchange: ``{student: folder}``."""
    made = {}
    answers = sample_class()
    for k, student in enumerate(students):
        person = ExchangeStudent(student, base / "students" / student, staging, COURSE_ID)
        person.work(ASSIGNMENT, answers[k % len(answers)])
        person.submit(ASSIGNMENT)
        made[student] = next((staging / COURSE_ID / "inbound").glob(f"{student}+{ASSIGNMENT}+*"))
    return made


def land(folder, inbound):
    """Move one submission into the course's inbound; when it landed, and where its page will be released."""
    secret = (folder / "submission_secret.txt").read_text()
    page = inbound.parent / "feedback" / f"{notebook_hash(secret=secret, notebook_id=NOTEBOOK)}.html"
    landed = time.perf_counter()
    os.rename(folder, inbound / folder.name)
    return landed, page


def wait_for_pages(pages, timeout=900):
    """``{student: perf_counter time}`` at which each page appeared (polled every 50 ms)."""
    seen, deadline = {}, time.perf_counter() + timeout
    while len(seen) < len(pages) and time.perf_counter() < deadline:
        for student, page in pages.items():
            if student not in seen and page.exists():
                seen[student] = time.perf_counter()
        time.sleep(0.05)
    missing = set(pages) - set(seen)
    if missing:
        raise RuntimeError(f"no feedback for {sorted(missing)} within {timeout} s")
    return seen


def job_seconds(course):
    """``{student: seconds}`` of each graded job on its worker, from the service's events."""
    events = (course / SERVICE_FOLDER / "events.jsonl").read_text().splitlines()
    return {e["student"]: e["seconds"] for e in map(json.loads, events) if e["event"] == "graded"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=20, help="submissions in the burst")
    parser.add_argument("--within", type=float, default=10.0, help="seconds over which the burst lands")
    args = parser.parse_args(argv)
    workers = os.cpu_count() or 1
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="nn-service-bench-") as folder:
        base = Path(folder)
        inbound = exchange(base / "exchange")
        staging = base / "staging"
        exchange(staging)
        course = run.make_course(base / "course", [ASSIGNMENT], settings=[
            f"c.Exchange.root = {str(base / 'exchange')!r}", "c.GradingService.require_owner = False"])
        for root in (base / "exchange", staging):
            run.nbgrader(course, "release_assignment", ASSIGNMENT, "--force", f"--Exchange.root={root}")
        burst = [f"burst_{k:02d}" for k in range(args.burst)]
        warm = [f"warm_{k}" for k in range(workers)]
        made = submit_all(base, staging, [*warm, "alone", *burst])
        log = open(base / "service.log", "w")
        service = subprocess.Popen([sys.executable, "-m", "grading_service", "serve", "--workers", str(workers)],
                                   cwd=course, env=run.nbgrader_env(), stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            while "serving" not in (base / "service.log").read_text():
                time.sleep(0.2)
            wait_for_pages({student: land(made[student], inbound)[1] for student in warm})  # every worker warm
            landed, page = land(made["alone"], inbound)
            alone = wait_for_pages({"alone": page})["alone"] - landed
            landed, pages = {}, {}
            start = time.perf_counter()
            for k, student in enumerate(burst):
                time.sleep(max(0.0, start + k * args.within / max(len(burst) - 1, 1) - time.perf_counter()))
                landed[student], pages[student] = land(made[student], inbound)
            out = wait_for_pages(pages)
        finally:
            os.killpg(service.pid, signal.SIGTERM)
            service.wait(timeout=120)
            log.close()
        jobs = job_seconds(course)
        shutil.rmtree(course / "class_grading" / "logs", ignore_errors=True)
    job = jobs["alone"]
    overhead = alone - job
    print(f"\none submission alone (1 s between looks at the inbound, {workers} workers):")
    print(f"  landing -> page in the outbound {alone:6.2f} s")
    print(f"  the job on its worker           {job:6.2f} s")
    print(f"  service overhead                {overhead:+6.2f} s = {100 * overhead / job:+.0f} % of the job "
          f"(goal: at most +{max(2.0, 0.2 * job):.2f} s)")
    latencies = sorted(out[s] - landed[s] for s in burst)
    drain = max(out.values()) - min(landed.values())
    mean_job = statistics.mean(jobs[s] for s in burst)
    rate, capacity = len(burst) / drain, workers / mean_job
    print(f"\na burst of {len(burst)} submissions landing within {args.within:g} s:")
    print(f"  landing -> page: median {statistics.median(latencies):.1f} s, slowest {latencies[-1]:.1f} s, "
          f"fastest {latencies[0]:.1f} s")
    print(f"  drained in {drain:.1f} s: {rate:.3f} submissions/s; {workers} workers / mean job "
          f"{mean_job:.2f} s = {capacity:.3f}/s; ratio {rate / capacity:.2f} (goal: at least 0.90)")


if __name__ == "__main__":
    main()
