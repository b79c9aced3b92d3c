"""The grading engine: the checks that the hidden nbgrader tests call.

Each ``check_<exercise>(func, part=..., seed=0)`` runs the student's function on
seeded cases and raises ``AssertionError`` with a helpful message on the first
failure. The exercises, their parts and the modules that hold them are
declared once, in :mod:`.manifest`; the topic modules mirror
:mod:`solutions_lib`. The shared machinery, in the order it depends on itself:
:mod:`.cases` (inputs and outcomes), :mod:`.judging` (the judges' library),
:mod:`.records` (values as plain data), :mod:`.protocol` (the record contract
between kernel and grader), :mod:`.reference` (the reference as the judges
see it), :mod:`.running` and :mod:`.student_code` (in the student's process),
:mod:`.modes` (local, recording, replaying), and :mod:`.checks` (every
exercise's check and its entry point).

This package is separate from :mod:`solutions_lib` and never imports it
while a grading kernel records outcomes: the kernel's sandbox holds this
package but not the reference, which only the judges, in the grader's own
process, import.
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
