"""Building every exercise's check, and the entry point the hidden grade cells call.

A check has three separate parts, so that judging can run in another,
trusted process:

1. **generation** -- ``<exercise>_cases(seed, part)`` build
   :class:`~course_checks.cases.Case` objects from a seed (pure data:
   arguments, a description, the error expected, what the judge knows);
2. **running** -- :func:`run` calls the student's function on deep copies of
   a case's arguments and records an :class:`~course_checks.cases.Outcome`
   (value or exception, mutated arguments, warnings);
3. **judging** -- ``judge_<exercise>`` compares one outcome with the
   reference and raises :class:`AssertionError` with a message that says what
   is wrong and where to look, never the expected values
   (:mod:`course_checks.judges`, which the grading kernel does not have).

:func:`exercise_check` makes every exercise's check from these, in one
shape; :func:`run_and_judge` ties the three together; :func:`ensure_student_code`
and :func:`ensure_no_loops` are the source rules. Where the outcomes come from
is the run mode (:mod:`.modes`).
"""

import functools
import importlib
import inspect
import os
from collections.abc import Callable, Iterable

from course_checks import manifest, protocol
from course_checks.cases import Case, Outcome
from course_checks.modes import LOCAL, Local, Recording, Replaying


def entry_point(check_fn: Callable, exercise: str) -> Callable:
    """The hidden-test entry point for ``check_fn``: records outcomes when the grader asks for it.

    Outside grading (no ``NN_GRADER_RECORDS`` in the environment) it is
    ``check_fn`` itself. While grading, the check runs with the grader's seed
    and every outcome is written to ``<records>/<exercise>.<part>.json``
    (:func:`.protocol.write`), for the grader to judge (see :class:`~.modes.Recording`).
    """
    signature = inspect.signature(check_fn)

    @functools.wraps(check_fn)
    def entry(func, *args, **kwargs):
        __tracebackhide__ = True  # noqa: F841
        folder, seed = os.environ.get(protocol.RECORDS_ENV), os.environ.get(protocol.SEED_ENV)
        if not folder or seed is None:
            return check_fn(func, *args, **kwargs)
        bound = signature.bind(func, *args, **kwargs)
        bound.apply_defaults()
        bound.arguments["seed"] = int(seed)
        mode = bound.arguments["mode"] = Recording(exercise, bound.arguments["part"], int(seed))
        try:
            check_fn(*bound.args, **bound.kwargs)
        finally:
            protocol.write(folder, mode.record)

    return entry


def run(func: Callable | None, case: Case, helpers: Iterable[str] = (), call: Callable | None = None,
        mode: Local | Replaying = LOCAL) -> Outcome:
    """Call ``func`` on copies of the case's arguments and record the outcome.

    Floating-point overflow, division by zero and invalid operations become
    warnings (underflow to 0 is harmless and ignored); warnings are recorded,
    not printed, so a grade cell never writes to stderr. An argument that differs from the
    original afterwards is reported as mutated.

    Parameters
    ----------
    func : callable
        The student's function.
    case : Case
    helpers : iterable of str
        Other graded exercises that ``func`` may call: each call it makes to the
        student's own solution of one of them is recorded in
        :attr:`Outcome.calls` (see :mod:`course_checks.judges.reference`).
    call : callable, optional
        ``call(func)`` is what runs on the case's arguments, when the check
        calls the student's function in its own way (twice with one seed, ...).
    mode : Local, Recording or Replaying
        Where the outcome comes from: a call here (:class:`~.modes.Local`), a call
        here that is also recorded (:class:`~.modes.Recording`), or the kernel's
        record, without calling ``func`` (:class:`~.modes.Replaying`).

    Returns
    -------
    Outcome
    """
    return mode.outcome(func, case, helpers, call)


def exercise_check(name: str) -> Callable:
    """The check of exercise ``name``, in the shape every check has: ``check_<name>(func, part, seed=0)``.

    The exercise's topic module (:mod:`course_checks.<topic>`) provides

    - ``<name>_cases(seed, part)``: the cases of a part, a list of :class:`Case`;
    - optionally ``call_<name>(func)``: how to call the student's function on a case (see :func:`run`);

    and its module of judges (:mod:`course_checks.judges.<topic>`) ``judge_<name>(name, case, outcome)``,
    the verdict on one outcome (raises AssertionError).

    The part comes from :mod:`.manifest`: a loop-ban part first applies the
    loop ban (:func:`ensure_no_loops`), then runs the cases of the part it names.
    ``mode`` is the run mode, chosen once by the caller (see :func:`run`).
    """
    exercise = manifest.exercise(name)

    def check_fn(func, part=exercise.parts[0].name, seed=0, mode=LOCAL):
        __tracebackhide__ = True  # noqa: F841 - IPython shows students the message, not our frames
        chosen = exercise.part(part)
        topic = importlib.import_module(f"course_checks.{manifest.topic(name)}")
        if chosen.loop_ban:
            mode.no_loops(func, name, manifest.loops_allowed_in(name))
        cases = getattr(topic, f"{name}_cases")(seed, chosen.cases or chosen.name)
        run_and_judge(func, name, cases, None,
                      helpers=manifest.helpers(manifest.topic(name)), call=getattr(topic, f"call_{name}", None),
                      mode=mode)

    check_fn.__name__ = check_fn.__qualname__ = f"check_{name}"
    check_fn.__doc__ = f"Hidden-test check of ``{exercise.signature}``: parts {', '.join(exercise.part_names)}."
    return check_fn


def run_and_judge(func: Callable | None, name: str, cases: list[Case], judge: Callable | None,
                  helpers: Iterable[str] | None = None, call: Callable | None = None,
                  mode: Local | Replaying = LOCAL) -> None:
    """Run ``func`` on every case and judge each outcome in turn.

    Parameters
    ----------
    func : callable
        The student's function.
    name : str
        The exercise name, used in messages.
    cases : list of Case
    judge : callable or None
        ``judge(name, case, outcome)``; raises AssertionError on failure.
        None: the exercise's own judge (:func:`course_checks.judges.judge_of`).
    helpers : iterable of str, optional
        The other graded exercises that ``func`` may call: the judge sees the
        student's own results for them (see :mod:`course_checks.judges.reference`).
    call : callable, optional
        How to call ``func`` on a case (see :func:`run`).
    mode : Local, Recording or Replaying
        The run mode (see :func:`run`); a :class:`~.modes.Recording` judges nothing.
    """
    __tracebackhide__ = True  # noqa: F841 - IPython shows students the message, not our frames
    mode.student_code(func, name)
    helpers = tuple(helpers or ())
    if mode.judges:
        # imported here, not above: the grading kernel records and never judges, and its sandbox has no judges
        from course_checks.judges import decide, judge_of
        judge = judge or judge_of(name)
    for case in cases:
        outcome = mode.outcome(func, case, helpers, call)
        if mode.judges:
            decide(name, case, outcome, judge, helpers)


def ensure_student_code(func: Callable, name: str, mode: Local | Replaying = LOCAL) -> None:
    """Fail if ``func`` is, wraps or reaches the reference solution.

    A function defined in ``solutions_lib``, a function whose code refers to
    the package or to an object imported from it, and a notebook that has
    ``solutions_lib`` (or anything from it but the checks) among its globals
    all fail. In the grader (:class:`~.modes.Replaying`) the rule is read from the
    submitted cells instead.
    """
    __tracebackhide__ = True  # noqa: F841
    mode.student_code(func, name)


def ensure_no_loops(func: Callable, name: str, skip: Iterable[str] = (), mode: Local | Replaying = LOCAL) -> None:
    """Fail if ``func``, or anything of the student's it reaches, has a Python loop (see :mod:`.loop_ban`).

    Outside grading the code is read back from the running namespace
    (:func:`~course_checks.loop_ban.namespace_sources`). Helpers named in
    ``skip`` (other graded exercises) are judged by their own checks.
    """
    __tracebackhide__ = True  # noqa: F841
    mode.no_loops(func, name, skip)
