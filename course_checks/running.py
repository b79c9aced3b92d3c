"""Running a student's function on one case, here: on copies, warnings caught, helper calls traced.

:func:`run_here` is what the :class:`~course_checks.modes.Local` and
:class:`~course_checks.modes.Recording` modes do; the grader's
:class:`~course_checks.modes.Replaying` mode reads the same outcome from the
kernel's record instead.
"""

import contextlib
import copy
import io
import types
import warnings
from collections.abc import Callable, Iterable

import numpy as np

from course_checks import protocol, records
from course_checks.cases import Case, Outcome, same


def run_here(func: Callable, case: Case, helpers: Iterable[str], call: Callable | None) -> tuple[Outcome, tuple, dict]:
    """What a check's ``run`` does in this process: the outcome, and the arguments as the call left them."""
    calls = []
    traced = tracing_helpers(func, helpers, calls)
    outcome, args, kwargs = _call(traced if call is None else call(traced), case)
    outcome.calls = calls
    return outcome, args, kwargs


def _call(func, case):
    """The call proper: call ``func`` on copies of the case's arguments; also return the copies."""
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(case.kwargs)
    outcome = Outcome()
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"), \
            contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("always")
        try:
            outcome.value = func(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any student error is judged
            outcome.error = exc
    outcome.warnings = tuple(f"{w.category.__name__}: {w.message}" for w in caught)
    names = [f"argument {i + 1}" for i in range(len(args))] + [f"argument {k!r}" for k in kwargs]
    pairs = list(zip(args, case.args)) + [(kwargs[k], case.kwargs[k]) for k in kwargs]
    outcome.mutated = tuple(n for n, (new, old) in zip(names, pairs) if not same(new, old))
    return outcome, args, kwargs


def tracing_helpers(func: Callable, helpers: Iterable[str], calls: list) -> Callable:
    """A copy of ``func`` whose calls to the student's own graded ``helpers`` are appended to ``calls``.

    The copy runs in a copied namespace, so the student's kernel is left as it
    was; notebook functions that are not graded are rebound into the copy, so
    that the calls they make are traced too. Each call is recorded as plain
    data (see :func:`course_checks.protocol.new_call`).

    Parameters
    ----------
    func : function
        The student's function.
    helpers : iterable of str
        Names of the other graded exercises.
    calls : list
        Where the calls are appended.
    """
    original = getattr(func, "__globals__", None)
    names = [n for n in helpers if n != getattr(func, "__name__", None)]
    if original is None or not names:
        return func
    namespace = rebound_namespace(original)
    for name in names:
        if callable(original.get(name)):
            namespace[name] = _tracer(name, original[name], calls)
    return rebind(func, namespace)


def _tracer(name, helper, calls):
    """``helper``, recording each call's arguments (as passed) and result into ``calls``."""
    def traced(*args, **kwargs):
        encoded = [records.encode(a) for a in args], {k: records.encode(v) for k, v in kwargs.items()}
        try:
            result = helper(*args, **kwargs)
        except Exception as error:
            if len(calls) < protocol.MAX_TRACED_CALLS:
                calls.append(protocol.new_call(name, *encoded, records.encode(None), records.encode_error(error)))
            raise
        if len(calls) < protocol.MAX_TRACED_CALLS:
            calls.append(protocol.new_call(name, *encoded, records.encode(result)))
        return result

    traced.__name__ = getattr(helper, "__name__", name)
    return traced


def rebound_namespace(original: dict) -> dict:
    """A copy of a module or notebook namespace whose functions look their global names up in the copy."""
    namespace = dict(original)
    for key, value in original.items():
        if isinstance(value, types.FunctionType) and value.__globals__ is original:
            namespace[key] = rebind(value, namespace)
    return namespace


def rebind(func: types.FunctionType, namespace: dict) -> types.FunctionType:
    """``func`` with its global names looked up in ``namespace``."""
    clone = types.FunctionType(func.__code__, namespace, func.__name__, func.__defaults__, func.__closure__)
    clone.__kwdefaults__ = func.__kwdefaults__
    clone.__doc__ = func.__doc__
    return clone
