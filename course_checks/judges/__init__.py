"""The judges: the verdict on each outcome, in the grader's process only.

A judge compares one recorded outcome with the reference and raises
:class:`AssertionError` with the student's message. This subpackage holds
everything that decides or explains a verdict: the judges' library
(:mod:`.common`), the reference as the judges see it (:mod:`.reference`),
one module of ``judge_<exercise>`` per topic (mirroring the cases in
:mod:`course_checks`), and the bounds on chance verdicts
(:mod:`.false_failures`).

The grading kernel's sandbox holds the rest of :mod:`course_checks` (case
generation, running, recording) but not this subpackage: a student's code
cannot read the judges, their hints or the reference they call. A check
imports it only when its run mode judges (:func:`course_checks.checks.run_and_judge`).
"""

import importlib
from collections.abc import Callable, Iterable

from course_checks import manifest
from course_checks.cases import Case, Outcome
from course_checks.judges.common import judge_helper_errors
from course_checks.judges.reference import HelperRaised, decode_calls, judging_with


def judge_of(exercise: str) -> Callable:
    """``judge_<exercise>(name, case, outcome)`` from the exercise's topic module of judges."""
    topic = importlib.import_module(f"course_checks.judges.{manifest.topic(exercise)}")
    return getattr(topic, f"judge_{exercise}")


def decide(name: str, case: Case, outcome: Outcome, judge: Callable, helpers: Iterable[str] = ()) -> None:
    """The verdict on one outcome: ``judge`` with the student's own helper results (see :mod:`.reference`).

    Raises
    ------
    AssertionError
        The student's message, when the outcome is wrong, when a helper it
        called raised, or when the reference cannot go on with what the
        student's helpers returned.
    """
    __tracebackhide__ = True  # noqa: F841 - IPython shows students the message, not our frames
    calls = decode_calls(outcome.calls)
    try:
        if outcome.error is not None:
            judge_helper_errors(name, case, calls)
        with judging_with(calls, tuple(helpers)):
            judge(name, case, outcome)
    except HelperRaised as raised:
        judge_helper_errors(name, case, [raised.call])
    except AssertionError as failure:
        raise AssertionError(str(failure)) from None
    except Exception as problem:  # noqa: BLE001 - the reference could not go on with the student's helpers
        if not calls:
            raise
        used = sorted({call[0] for call in calls})
        raise AssertionError(
            f"{name}: could not be checked on this input, because what your {' and '.join(used)} returned "
            f"cannot be used the way {name} uses it ({type(problem).__name__}: {str(problem)[:200]})\n"
            f"  input: {case.label}\n  hint: if a check of {' or '.join(used)} fails, fix it first") from None
