"""``python -m grading_service serve``: the grading service of a course (see :mod:`grading_service.service`).

Usage (from the course root, the grading environment active)::

    python -m grading_service serve                          # a LocalCluster, one worker per core
    python -m grading_service serve --course /srv/course --workers 4
    python -m grading_service serve --scheduler tls://host:8786 --credentials FOLDER

It runs until it gets SIGTERM or SIGINT; its log is ``class_grading/service/service.log`` in the course root.
SIGUSR1 prints every thread's stack to stderr (what is it doing?).
"""

from __future__ import annotations

import argparse
import faulthandler
import signal
import sys
from contextlib import ExitStack

from class_grader.cluster_security import check_address, client_security


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading_service", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="watch the exchange, grade each submission, release its feedback")
    serve.add_argument("--course", default=".", help="the course root (default: the current folder)")
    serve.add_argument("--scheduler", help="a Dask scheduler's tls:// address (default: a local cluster)")
    serve.add_argument("--credentials", help="the TLS credentials for --scheduler (python -m "
                                             "class_grader.cluster_security)")
    serve.add_argument("--workers", type=int, help="worker processes of the local cluster (default: one per core)")
    args = parser.parse_args(argv)
    try:
        security = client_security(args.credentials) if args.scheduler and check_address(args.scheduler) else None
    except ValueError as problem:
        parser.error(str(problem))

    import dask

    from class_grader.coordinator import dask_client
    from class_grader.sole_writer import CourseBusy, sole_writer
    from grading_service.service import SERVICE_FOLDER, Service, log_to, run_forever
    from grading_service.settings import GradingService

    stopping = []
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # kill -USR1: every thread's stack to stderr
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))
    service = Service(args.course, client=None)
    log = log_to(service.course.root / SERVICE_FOLDER)
    service.log = log
    settings: GradingService = service.settings
    with ExitStack() as stack:
        try:
            stack.enter_context(sole_writer(service.course.root, "the grading service"))
        except CourseBusy as busy:
            log.error("not started: %s", busy)
            return 1
        stack.enter_context(dask.config.set({"distributed.scheduler.allowed-failures": settings.worker_deaths}))
        client = stack.enter_context(dask_client(args.scheduler, args.workers, security))
        service.client = client
        log.info("serving %s: exchange inbound %s, %d worker(s), policies %s (default %s), at most %s per hour",
                 service.course.course_id, service.inbound(), sum(client.nthreads().values()),
                 settings.feedback_policy, settings.default_policy, settings.max_per_hour or "any number")
        run_forever(service, lambda: bool(stopping))
        log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
