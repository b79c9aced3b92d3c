"""The course's nbgrader exchange, as the grading service uses it: what has arrived in the inbound,
nbgrader's own collect of it, and nbgrader's own release of feedback to one student.

Nothing here copies a submission or a page itself: collecting is the course's configured collect
(``ExchangeFactory.collect``, :class:`course_grader.handin_files.SafeCollect`, which follows no
link) with ``--update`` (a student's newest submission replaces an older one, timestamps kept);
releasing is nbgrader's ``release_feedback`` for one student, from the course's ``feedback/`` or
from a folder of the service's own pages, laid out the same way (the page of a notebook is found
by the student's ``Fetch Feedback`` through the submission's secret).
"""

from __future__ import annotations

import logging
import os
import pwd
import stat
from dataclasses import dataclass
from pathlib import Path

from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeFactory
from nbgrader.exchange.default.exchange import Exchange
from nbgrader.utils import parse_utc

from class_grader.course import Course


@dataclass(frozen=True)
class Arrival:
    """One submission folder in the inbound, ``<student>+<assignment>+<timestamp>[+<random>]``.

    Attributes
    ----------
    name : str
        The folder's name.
    student, assignment, timestamp : str
        As in the name.
    ready : bool
        Whether ``nbgrader submit`` has finished writing it (its last step makes the folder
        writable by all; the secret is written before).
    owner : str
        The Unix account the folder belongs to.
    """

    name: str
    student: str
    assignment: str
    timestamp: str
    ready: bool
    owner: str


def inbound_folder(course: Course) -> Path:
    """``<Exchange.root>/<course_id>/inbound`` of the course."""
    return Path(_exchange_root(course)) / course.course_id / "inbound"


def _exchange_root(course):
    return Exchange(config=course.config).root  # nbgrader's own default where the course sets none


def arrivals(course: Course) -> list[Arrival]:
    """Every submission folder in the course's inbound, sorted by name (none if there is no inbound)."""
    folder = inbound_folder(course)
    out = []
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except FileNotFoundError:
        return []
    for entry in entries:
        parts = entry.name.rsplit("+", 3)  # as nbgrader's collect reads it: a student id may hold a "+"
        if len(parts) < 3 or entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
            continue
        student, assignment, timestamp = parts[:3]
        try:
            parse_utc(timestamp)
            info = entry.stat(follow_symlinks=False)
        except (ValueError, OSError):
            continue
        ready = bool(info.st_mode & stat.S_IWOTH) and os.path.isfile(os.path.join(entry.path, "submission_secret.txt"))
        try:
            owner = pwd.getpwuid(info.st_uid).pw_name
        except KeyError:
            owner = str(info.st_uid)
        out.append(Arrival(entry.name, student, assignment, timestamp, ready, owner))
    return out


def _coursedir(course, assignment, student=None, feedback_directory=None):
    coursedir = CourseDirectory(config=course.config)
    coursedir.root = str(course.root)
    coursedir.assignment_id = assignment
    if student:
        coursedir.student_id = student
    if feedback_directory:
        coursedir.feedback_directory = feedback_directory
    return coursedir


def collect(course: Course, assignment: str, student: str, log: logging.Logger) -> None:
    """nbgrader's collect of ``student``'s newest submission of ``assignment`` into ``submitted/``, with
    ``--update``: an older or equal submission already there is kept. Raises ``ExchangeError`` if it fails."""
    exchange = ExchangeFactory(config=course.config)
    coursedir = _coursedir(course, assignment, student)
    collector = exchange.Collect(coursedir=coursedir, authenticator=Authenticator(config=course.config),
                                 config=course.config, log=log)
    collector.update = True
    collector.check_owner = False  # the service checks owners itself, and sets a forged folder aside
    collector.start()


def release(course: Course, assignment: str, student: str, folder: str, log: logging.Logger) -> None:
    """nbgrader's ``release_feedback`` of ``assignment`` to ``student`` from ``<root>/<folder>/<student>/<assignment>``
    (``folder`` is ``feedback`` for the course's own pages). Raises ``ExchangeError`` if it fails."""
    exchange = ExchangeFactory(config=course.config)
    coursedir = _coursedir(course, assignment, student, folder)
    releaser = exchange.ReleaseFeedback(coursedir=coursedir, authenticator=Authenticator(config=course.config),
                                        config=course.config, log=log)
    releaser.start()
