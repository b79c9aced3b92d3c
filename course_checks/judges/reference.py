"""The reference solutions as the judges see them: imported late, and replayed through a helper trace.

The checks never import :mod:`solutions_lib` when they are imported: a
grading kernel runs in a sandbox where the reference does not exist, and
only the judges, in the grader's own process, need it. ``reference("layers")``
is a stand-in for ``solutions_lib.layers`` that imports it on first use.

Each exercise is graded on its own. When a student's function calls their
own solution of another graded exercise (``sgd_step`` calling
``affine_backward``), the kernel records each such call, arguments and
result (see :func:`course_checks.running.tracing_helpers`). While a judge decides that
outcome (:func:`judging_with`), a reference function reached through this
stand-in answers each call it makes to a graded helper with the student's
own recorded result for the same arguments, and computes it with the
reference only when the student made no such call. So the expected value
carries the student's helper bugs, if any, and only the exercise's own
logic is judged: a bug costs points where it is, and only there. The one
exception is a helper that raised: there is no result to hand on, and the
check fails with a message that names the helper
(:func:`course_checks.judges.common.judge_helper_errors`).
"""

import contextlib
import copy
import importlib
import inspect
import types
from collections.abc import Iterable, Iterator

import numpy as np

from course_checks import protocol, records
from course_checks.running import rebind, rebound_namespace

#: The traced helper calls of the outcome being judged: a list of decoded calls, or None.
_active = {"calls": None, "helpers": frozenset()}

#: How close recorded arguments must be to count as the same call (round-off of another spelling).
_ARG_RTOL, _ARG_ATOL = 1e-9, 1e-12


class Reference:
    """A stand-in for ``solutions_lib.<topic>``, imported on first attribute access.

    Parameters
    ----------
    topic : str
        The module of :mod:`solutions_lib` (``"layers"``, ``"softmax_family"``, ...).
    """

    def __init__(self, topic):
        self._topic = topic

    def __getattr__(self, name):
        module = importlib.import_module(f"solutions_lib.{self._topic}")
        value = getattr(module, name)
        if _active["calls"] and isinstance(value, types.FunctionType):
            return _answering_from_trace(value, _active["calls"], _active["helpers"])
        return value

    def __repr__(self):
        return f"<reference solutions_lib.{self._topic}>"


def reference(topic: str) -> Reference:
    """The reference module ``solutions_lib.<topic>``, imported when first used."""
    return Reference(topic)


class HelperRaised(Exception):
    """A reference function asked for the result of a helper call that raised in the student's kernel."""

    def __init__(self, call):
        super().__init__(call[0])
        self.call = call


def decode_calls(calls: object) -> list[tuple]:
    """Traced calls as recorded (plain data) -> ``[(name, args, kwargs, result, error)]``; RecordError if malformed.

    ``error`` is the exception the student's helper raised on that call, or None.
    """
    out = []
    for call in protocol.parse_calls(calls):
        args = [records.decode(a) for a in call["args"]]
        kwargs = {str(k): records.decode(v) for k, v in call["kwargs"].items()}
        out.append((call["name"], args, kwargs, records.decode(call.get("result")),
                    records.decode_error(call.get("error"))))
    return out


@contextlib.contextmanager
def judging_with(calls: list[tuple], helpers: Iterable[str]) -> Iterator[None]:
    """Within this block, reference functions answer calls to ``helpers`` from the decoded ``calls``."""
    saved = dict(_active)
    _active.update(calls=calls, helpers=frozenset(helpers))
    try:
        yield
    finally:
        _active.update(saved)


def _alike(a, b):
    """True if two arguments are the same input, up to round-off."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_alike(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_alike(a[k], b[k]) for k in a)
    if isinstance(a, (np.ndarray, np.generic, int, float)) and isinstance(b, (np.ndarray, np.generic, int, float)):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype.kind not in "biuf" or b.dtype.kind not in "biuf":
            return False
        return bool(np.allclose(a, b, rtol=_ARG_RTOL, atol=_ARG_ATOL, equal_nan=True))
    if isinstance(a, records.Opaque) or isinstance(b, records.Opaque) or callable(a) or callable(b):
        return False  # functions and other opaque values cannot be compared across processes
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - incomparable values are different inputs
        return False


def _answering_from_trace(func, calls, helpers):
    """A copy of reference ``func`` whose calls to graded ``helpers`` are answered from ``calls``."""
    original = func.__globals__
    namespace = rebound_namespace(original)
    rebound = {k: v for k, v in namespace.items() if v is not original.get(k)}

    def stand_in(name, helper):
        signature = inspect.signature(helper)

        def answer(*args, **kwargs):
            try:
                wanted = signature.bind(*args, **kwargs)
            except TypeError:
                return rebound[name](*args, **kwargs)
            wanted.apply_defaults()
            for call in calls:
                called, c_args, c_kwargs, result, error = call
                if called != name:
                    continue
                try:
                    got = signature.bind(*c_args, **c_kwargs)
                except TypeError:
                    continue
                got.apply_defaults()
                if _alike(list(got.arguments.values()), list(wanted.arguments.values())):
                    if error is not None:
                        raise HelperRaised(call)
                    return copy.deepcopy(result)
            return rebound[name](*args, **kwargs)

        return answer

    for name in helpers:
        if name in rebound and name != func.__name__:
            namespace[name] = stand_in(name, original[name])
    return rebind(func, namespace)
