"""The grading service's loop: collect what arrived, grade it on Dask, store it, release its feedback.

Each turn of :meth:`Service.tick`:

1. **Collect.** Every submission folder that ``nbgrader submit`` has finished writing in the inbound
   (:mod:`grading_service.exchange`) is collected with nbgrader's collect, ``--update``: the
   student's newest submission replaces an older one in ``submitted/``, timestamps kept. With
   ``require_owner``, a folder that names another account than its owner's is set aside, unread.
2. **Grade.** The submissions whose inputs changed since the ledger last saw them
   (:func:`class_grader.coordinator.plan`: the hand-in, the hidden tests, the grading code, the due
   date, the extension) become jobs on the Dask cluster, exactly as the class command makes them,
   unless a job of the same submission is running (the newest hand-in is graded after it) or the
   student has used up the hourly limit (the submission waits, and the student is told until when).
3. **Store.** A finished job is stored by this process alone, the gradebook's one writer
   (:func:`class_grader.coordinator.store_result`: the gradebook row, ``autograded/``, ``feedback/``, then
   the ledger). A job that failed or whose worker died too often is stored as failed, with a row and a
   page that say so, and is not tried again until one of its inputs changes.
4. **Release.** Each graded submission's feedback goes to its student through the exchange at the
   level its assignment's policy allows now (:mod:`grading_service.settings`): the full page, the
   score page, or nothing yet. A submission is released only from the ledger, which is written after
   the gradebook, so nothing is released that the gradebook does not hold.

Everything the loop decides is read back from files (the inbound, ``submitted/``, the ledger, the
service's journal), so the process can be killed at any moment: the next one collects again (a
no-op for what is there), grades what the ledger does not hold, and releases what was not released.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from class_grader.coordinator import job_result, make_job, plan, store_result
from class_grader.course import GRADING_FOLDER, Course
from class_grader.feedback import feedback_folder, generate_feedback
from class_grader.job import GRADED
from class_grader.ledger import Ledger
from class_grader.worker import grade_job, nbgrader_env
from course_grader import extensions
from grading_service import exchange
from grading_service.journal import Journal, utcnow
from grading_service.pages import queued_page, score_page, write_pages
from grading_service.settings import GradingService

#: The service's folder in the course root: its journal, log and pages.
SERVICE_FOLDER = f"{GRADING_FOLDER}/service"


class Service:
    """The grading service of one course, on a Dask ``client``.

    Parameters
    ----------
    root : path
        The course root (holds ``nbgrader_config.py``; ``c.Exchange.root`` names the exchange).
    client : distributed.Client
        Where the jobs run.
    log : logging.Logger, optional
    """

    def __init__(self, root: str | os.PathLike, client, log: logging.Logger | None = None):
        self.course = Course(root)
        self.settings = GradingService(config=self.course.config)
        self.client = client
        self.log = log or logging.getLogger("grading_service")
        self.ledger = Ledger(self.course.root / GRADING_FOLDER / "ledger.json")
        self.journal = Journal(self.course.root / SERVICE_FOLDER)
        self.in_flight = {}
        self.templates = {}
        self.seen = set()
        self.dirty = None  # None: compare every submission with the ledger
        self.held = set()
        self.due_dates = {}
        self.last_rescan = float("-inf")

    # -- 1. collect ---------------------------------------------------------------------------------------------
    def collect(self) -> None:
        """Collect every finished submission folder not collected yet (see the module's step 1)."""
        assignments = self.assignments()
        pairs = {}
        for arrival in exchange.arrivals(self.course):
            pairs.setdefault((arrival.assignment, arrival.student), []).append(arrival)
        for (assignment, student), arrivals in sorted(pairs.items()):
            if all(a.name in self.seen for a in arrivals) or not all(a.ready for a in arrivals):
                continue
            if assignment not in assignments:
                self.log.warning("inbound: %s is not an assignment of this course; left alone", arrivals[0].name)
                self.seen.update(a.name for a in arrivals)
                continue
            if self.settings.require_owner and self._refuse_forged(arrivals, student):
                continue
            try:
                exchange.collect(self.course, assignment, student, self.log)
            except Exception as problem:  # noqa: BLE001 - one bad hand-in must not stop the service
                self.log.error("collecting %s/%s failed: %s", student, assignment, problem)
            self.seen.update(a.name for a in arrivals)
            self._mark(assignment, student)

    def _refuse_forged(self, arrivals, student):
        forged = [a for a in arrivals if a.owner != student]
        for arrival in forged:
            folder = exchange.inbound_folder(self.course)
            os.rename(folder / arrival.name, folder / f".refused-{arrival.name}")
            self.log.warning("inbound: %s names %s but belongs to %s: set aside as .refused-%s, not graded",
                             arrival.name, student, arrival.owner, arrival.name)
        return bool(forged)

    # -- 2. grade -----------------------------------------------------------------------------------------------
    def submit(self, now: datetime) -> None:
        """Send to Dask every submission whose inputs changed (see the module's step 2)."""
        busy = {(a, s) for _, a, s, *_ in self.in_flight.values()}
        for assignment in sorted(self.assignments()):
            students = None if self.dirty is None else sorted(s for a, s in self.dirty | self.held if a == assignment)
            if students == []:
                continue
            pending, _ = plan(self.course, self.ledger, [assignment], students)
            for _, student, inputs, reasons in pending:
                if (assignment, student) in busy:
                    continue
                if self._over_limit(assignment, student, inputs["hand-in"], now):
                    self.held.add((assignment, student))
                    continue
                self.held.discard((assignment, student))
                templates = self.templates.setdefault(inputs["assignment"], {})
                job = make_job(self.course, assignment, student, None, templates)
                future = self.client.submit(grade_job, job, pure=False, retries=0,
                                            key=f"grade-{assignment}-{student}-{uuid.uuid4().hex[:8]}")
                self.in_flight[future.key] = (future, assignment, student, job.digest, inputs, reasons)
                self.journal.start(assignment, student, inputs["hand-in"], now)
                self.journal.event("started", assignment, student, hand_in=inputs["hand-in"], reasons=reasons)
                self.log.info("grading %s/%s (%s) as %s", student, assignment, ", ".join(reasons), future.key)
        self.dirty = set()

    def _over_limit(self, assignment, student, hand_in, now):
        limit = self.settings.max_per_hour
        recent = self.journal.graded_hand_ins(assignment, student, now, but=hand_in) if limit else []
        if len(recent) < limit or not limit:
            return False
        submitted = self.course.path("submitted", student, assignment)
        if not (submitted / "submission_secret.txt").is_file():  # not from the exchange: nobody to tell
            return True
        handed_in = (submitted / "timestamp.txt").read_text().strip()
        if self.journal.hold(assignment, student, handed_in):
            next_slot = recent[-limit] + timedelta(hours=1)
            pages = {nb.stem: queued_page(assignment, nb.stem, handed_in, len(recent), limit, next_slot)
                     for nb in self._notebooks(assignment)}
            self._release_pages(assignment, student, "queued", submitted, pages)
            self.journal.event("queued", assignment, student, handed_in=handed_in, until=next_slot.isoformat())
            self.log.info("%s/%s waits for the hourly limit until %s", student, assignment, next_slot)
        return True

    # -- 3. store -----------------------------------------------------------------------------------------------
    def store(self, now: datetime) -> int:
        """Store every finished job and release its feedback (steps 3 and 4); the number stored."""
        done = [key for key, (future, *_) in self.in_flight.items() if future.done()]
        for key in done:
            future, assignment, student, digest, inputs, reasons = self.in_flight.pop(key)
            result = job_result(future, assignment, student, digest)
            with Gradebook(self.course.db_url, self.course.course_id) as gb:
                stored = store_result(self.course, gb, self.ledger, result, inputs, reasons)
            if not stored:
                for problem in generate_feedback(self.course.root, nbgrader_env(), [(assignment, student)]):
                    self.log.error("no feedback: %s", problem)
            self.journal.event("graded", assignment, student, status=result.status, hand_in=inputs["hand-in"],
                               seconds=round(result.seconds, 3), message=result.message)
            self.log.info("%s %s/%s in %.1f s%s", result.status, student, assignment, result.seconds,
                          f": {result.message}" if result.message else "")
            self._mark(assignment, student)
            self.release(assignment, student, now)
        return len(done)

    # -- 4. release ---------------------------------------------------------------------------------------------
    def due(self, assignment: str, student: str) -> datetime | None:
        """The student's due date of ``assignment`` (naive UTC, extension included), or None if it has none."""
        due = self.due_dates.get(assignment)
        return due + timedelta(hours=extensions.hours(self.course.root, assignment, student)) if due else None

    def level(self, assignment: str, student: str, now: datetime) -> str | None:
        """What of a graded submission its student may see ``now``: ``"full"``, ``"score"`` or None."""
        policy = self.settings.policy(assignment)
        due = self.due(assignment, student)
        if policy == "immediate" or (due is not None and now >= due):
            return "full"
        return "score" if policy == "score" else None

    def release(self, assignment: str, student: str, now: datetime) -> None:
        """Release the submission's feedback at the level allowed ``now``, unless that went out already."""
        entry = self.ledger.entry(assignment, student)
        if entry is None:
            return
        level = self.level(assignment, student, now)
        if level == "score" and entry["status"] != GRADED:
            level = "full"  # the page of a job that failed says only that; nothing to hold back
        if level is None or self.journal.released_level(assignment, student, entry["finished"]) == level:
            return
        feedback = feedback_folder(self.course.coursedir, student, assignment)
        if not (feedback / "submission_secret.txt").is_file():
            return
        if level == "score":
            with Gradebook(self.course.db_url, self.course.course_id) as gb:
                pages = {nb.stem: score_page(gb, assignment, student, nb.stem, self.due(assignment, student))
                         for nb in self._notebooks(assignment)}
            self._release_pages(assignment, student, "score", feedback, pages)
        else:
            exchange.release(self.course, assignment, student, self.course.coursedir.feedback_directory, self.log)
        self.journal.release(assignment, student, entry["finished"], level)
        self.journal.event("released", assignment, student, level=level, hand_in=entry["inputs"].get("hand-in"))
        self.log.info("released %s feedback of %s/%s", level, student, assignment)

    def release_all(self, now: datetime) -> None:
        """:meth:`release` every submission in the ledger (what a due date or a restart now allows)."""
        busy = {(a, s) for _, a, s, *_ in self.in_flight.values()}
        for entry in list(self.ledger.entries.values()):
            if (entry["assignment"], entry["student"]) not in busy:
                self.release(entry["assignment"], entry["student"], now)

    def _release_pages(self, assignment, student, kind, submission, pages):
        folder = f"{SERVICE_FOLDER}/{kind}"
        write_pages(self.course.root / folder / student / assignment, submission, pages)
        exchange.release(self.course, assignment, student, folder, self.log)

    # -- the loop -----------------------------------------------------------------------------------------------
    def tick(self, now: datetime | None = None) -> None:
        """One turn: collect, (every ``rescan_seconds``) re-read due dates and compare everything, grade, store,
        release."""
        now = now or utcnow()
        if time.monotonic() - self.last_rescan >= self.settings.rescan_seconds:
            self.last_rescan, self.dirty = time.monotonic(), None
            self._read_due_dates()
        self.collect()
        self.submit(now)
        self.store(now)
        self.release_all(now)

    def inbound(self) -> Path:
        """The exchange's inbound folder of the course."""
        return exchange.inbound_folder(self.course)

    def assignments(self) -> set[str]:
        """The assignments generated in ``release/``."""
        release = self.course.root / "release"
        return {p.name for p in release.iterdir() if p.is_dir()} if release.is_dir() else set()

    def _notebooks(self, assignment):
        return sorted((self.course.root / "release" / assignment).glob("*.ipynb"))

    def _mark(self, assignment, student):
        if self.dirty is not None:
            self.dirty.add((assignment, student))

    def _read_due_dates(self):
        with Gradebook(self.course.db_url, self.course.course_id) as gb:
            for assignment in self.assignments():
                try:
                    self.due_dates[assignment] = gb.find_assignment(assignment).duedate
                except MissingEntry:
                    self.due_dates[assignment] = None


def run_forever(service: Service, stop) -> None:
    """Tick every ``poll_seconds`` until ``stop()`` is true.

    A turn that fails (the gradebook's server away, a full disk) is logged with its traceback, and the next
    turn compares every submission with the ledger again: what that turn did not finish is done then.
    """
    while not stop():
        started = time.monotonic()
        try:
            service.tick()
        except Exception:  # noqa: BLE001 - the service outlives one bad turn; everything is read back from files
            service.log.exception("this turn failed; the next one starts over from the files")
            service.dirty = None
        time.sleep(max(0.0, service.settings.poll_seconds - (time.monotonic() - started)))


def log_to(folder: Path) -> logging.Logger:
    """The service's logger: ``<folder>/service.log`` and stderr, one line per event."""
    log = logging.getLogger("grading_service")
    log.setLevel(logging.INFO)
    folder.mkdir(parents=True, exist_ok=True)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    for handler in (logging.FileHandler(folder / "service.log"), logging.StreamHandler()):
        handler.setFormatter(formatter)
        log.addHandler(handler)
    return log
