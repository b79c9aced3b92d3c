"""The grading engine: the checks that the hidden nbgrader tests call.

Each ``check_<exercise>(func, part=..., seed=0)`` runs the student's function on
seeded cases and raises ``AssertionError`` with a helpful message on the first
failure. The exercises, their parts and the modules that hold them are
declared once, in :mod:`.manifest`; the topic modules (the cases) mirror
:mod:`solutions_lib`. The shared machinery, in the order it depends on itself:
:mod:`.cases` (inputs and outcomes), :mod:`.records` (values as plain data),
:mod:`.protocol` (the record contract between kernel and grader),
:mod:`.running` and :mod:`.student_code` (in the student's process),
:mod:`.modes` (local, recording, replaying), and :mod:`.checks` (every
exercise's check and its entry point).

The package is cut in two along the trust boundary. Everything above runs in
the grading kernel, where it makes the cases and records what the student's
code does with them. The judges, their hints and the reference as they see
it are the subpackage :mod:`.judges`, which only a judging run mode imports:
the grader's process (and a notebook outside grading). The kernel's sandbox
holds the first half only, and never :mod:`solutions_lib`.
"""

import importlib

from course_checks import manifest
from course_checks.checks import entry_point, exercise_check

for _topic in manifest.topics():  # the topic modules: <exercise>_cases, judge_<exercise>, call_<exercise>
    importlib.import_module(f"course_checks.{_topic}")
del _topic
#: Every check and its parts, one hidden grade cell per part, in course order: ``{exercise: (check, parts)}``.
CHECKS = {name: (exercise_check(name), found.part_names) for name, (_, _, found) in manifest.exercises().items()}

# The names the hidden grade cells import record outcomes for the grader while grading;
# CHECKS keeps the checks themselves, which the grader re-runs on those records.
globals().update({f"check_{name}": entry_point(check, name) for name, (check, _) in CHECKS.items()})
__all__ = ["CHECKS", *sorted(f"check_{name}" for name in CHECKS)]
