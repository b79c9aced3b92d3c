"""The machinery every check is built from.

A check has three separate parts, so that judging can run in another,
trusted process:

1. **generation** -- ``<exercise>_cases(seed, part)`` build :class:`Case`
   objects from a seed (pure data: arguments, a description, the error
   expected, what the judge knows);
2. **running** -- :func:`run` calls the student's function on deep copies of
   a case's arguments and records an :class:`Outcome` (value or exception,
   mutated arguments, warnings);
3. **judging** -- ``judge_<exercise>`` compares one outcome with the
   reference and raises :class:`AssertionError` with a message that says what
   is wrong and where to look, never the expected values.

:func:`exercise_check` makes every exercise's check from these, in one
shape; :func:`run_and_judge` ties the three together; :func:`ensure_student_code`
and :func:`ensure_no_loops` are the source rules.

Where the outcomes come from is the **run mode**, an object chosen once by
whoever calls a check and passed down: :class:`Local` (a notebook, the fast
tests) runs and judges here; :class:`Recording` (a graded kernel, through
:func:`entry_point`) runs every case with the grader's seed and records it;
:class:`Replaying` (the grader, see ``course_grader.judge``) hands the
recorded outcomes to the same check, whose judges decide with pristine code.
"""

import contextlib
import copy
import functools
import importlib.util
import inspect
import io
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from course_checks import loop_ban, manifest, records
from course_checks.reference import HelperRaised, decode_calls, judging_with, rebind, rebound_namespace

RTOL = 1e-7
ATOL = 1e-10

#: The most helper calls recorded for one case (a composite calls its helpers a few times).
MAX_TRACED_CALLS = 200


@dataclass(frozen=True)
class Case:
    """One input for a student function.

    Attributes
    ----------
    label : str
        What the student is told about the input (shapes, ranges), never the
        expected output.
    args : tuple
        Positional arguments.
    kwargs : dict
        Keyword arguments.
    raises : type or None
        The exception the function must raise on this input, if any.
    tags : frozenset of str
        Properties of the input that judges use to diagnose (``"square"``,
        ``"far_rows"``, ...).
    known : object
        What the judge knows about the input beyond its arguments (an exact
        gradient, ...); never shown to the student, not part of the record.
    """

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    raises: type | None = None
    tags: frozenset = frozenset()
    known: object = field(default=None, compare=False)


@dataclass
class Outcome:
    """What happened when a student function ran on one case."""

    value: object = None
    error: BaseException | None = None
    mutated: tuple = ()
    warnings: tuple = ()
    calls: list = field(default_factory=list)


def _same(a, b):
    """True if two argument values are equal (arrays compared exactly, nan == nan; containers recursively)."""
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) or isinstance(b, dict):
        return type(a) is type(b) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if a.dtype.kind in "fc":
            return bool(np.array_equal(a, b, equal_nan=True))
        return bool(np.array_equal(a, b))
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - incomparable objects count as changed
        return False


#: Environment variables through which the grader tells the kernel where to record, and its seed.
RECORDS_ENV, SEED_ENV = "NN_GRADER_RECORDS", "NN_GRADER_SEED"
class Local:
    """The run mode of a notebook and of the fast tests: call the student's function here, judge every outcome."""

    judges = True

    def outcome(self, func, case, helpers=(), call=None):
        """What ``func`` does on ``case`` (see :func:`run`)."""
        return _run_here(func, case, helpers, call)[0]

    def student_code(self, func, name):
        """The rule of :func:`ensure_student_code`, read from the running function."""
        _student_code_here(func, name)

    def no_loops(self, func, name, skip=()):
        """The loop ban of :func:`ensure_no_loops`, read from the running namespace."""
        _no_loops_here(func, name, skip)


#: The default run mode.
LOCAL = Local()


class Recording(Local):
    """The run mode of a graded kernel: run every case and record what happened for the grader; judge nothing.

    The kernel's verdict would be replaced by the grader's anyway, and running every case means a kernel whose
    NumPy a student broke still records all it can. What :func:`ensure_student_code` objects to becomes a flag in
    the record; the loop ban is left to the grader, which reads it from the submitted cells.

    Attributes
    ----------
    record : dict
        ``{"exercise", "part", "seed", "outcomes", "flags"}``, plain data (see :mod:`course_checks.records`).
    """

    judges = False

    def __init__(self, exercise, part, seed):
        self.record = {"exercise": exercise, "part": part, "seed": seed, "outcomes": [], "flags": []}

    def outcome(self, func, case, helpers=(), call=None):
        outcome, args, kwargs = _run_here(func, case, helpers, call)
        self.record["outcomes"].append({
            "label": case.label, "digest": records.digest(case), "value": records.encode(outcome.value),
            "error": records.encode_error(outcome.error), "mutated": list(outcome.mutated),
            "warnings": list(outcome.warnings), "after": [records.encode(a) for a in [*args, *kwargs.values()]],
            "calls": outcome.calls})
        return outcome

    def student_code(self, func, name):
        try:
            _student_code_here(func, name)
        except AssertionError as failure:
            self.record["flags"].append(str(failure))

    def no_loops(self, func, name, skip=()):
        pass


class Replaying:
    """The run mode of the grader: the kernel's recorded outcomes, handed out in order to the check it re-runs;
    the source rules are the grader's own, read from the submitted cells.

    Parameters
    ----------
    entries : list of dict
        The record's ``"outcomes"``: each has the case's ``label``, its
        ``digest`` and the encoded outcome.
    student_code : callable, optional
        ``student_code(name)``, the grader's stand-in for
        :func:`ensure_student_code`; raises AssertionError.
    no_loops : callable, optional
        ``no_loops(name, skip)``, the grader's stand-in for :func:`ensure_no_loops`.
    flags : list of str, optional
        What the kernel's own :func:`ensure_student_code` objected to; any
        flag fails the check (a kernel can hide a flag, never invent a pass).
    """

    judges = True

    def __init__(self, entries, student_code=None, no_loops=None, flags=()):
        if not isinstance(entries, list) or not all(isinstance(f, str) for f in flags):
            raise records.RecordError("malformed record")
        self.entries, self.used = entries, 0
        self._student_code, self._no_loops, self.flags = student_code, no_loops, list(flags)

    def outcome(self, func, case, helpers=(), call=None):
        """The recorded outcome for ``case``; ``func`` is not called (see :meth:`next`)."""
        return self.next(case)

    def student_code(self, func, name):
        """A kernel's flag fails the check (a kernel can hide a flag, never invent a pass); then the grader's rule."""
        if self.flags:
            raise AssertionError(self.flags[0])
        if self._student_code:
            self._student_code(name)

    def no_loops(self, func, name, skip=()):
        if self._no_loops:
            self._no_loops(name, tuple(skip))

    def next(self, case):
        """The recorded outcome for ``case``; :class:`~records.RecordError` if missing or for other inputs.

        Whether the function modified its arguments is decided here, by
        comparing the arguments as the kernel recorded them after the call
        with the grader's own copy of the case; only arguments that are not
        plain data (callables, generators) rely on the kernel's word.
        """
        if self.used >= len(self.entries):
            raise records.RecordError(f"no outcome was recorded for the input: {case.label}")
        entry = self.entries[self.used]
        self.used += 1
        if not isinstance(entry, dict) or entry.get("digest") != records.digest(case):
            raise records.RecordError(f"the recorded outcome is for other inputs than: {case.label}")
        claimed, caught, after = entry.get("mutated"), entry.get("warnings"), entry.get("after")
        originals = list(case.args) + [case.kwargs[k] for k in case.kwargs]
        if not isinstance(claimed, list) or not all(isinstance(m, str) for m in claimed) \
                or not isinstance(caught, list) or not all(isinstance(w, str) for w in caught) \
                or not isinstance(after, list) or len(after) != len(originals):
            raise records.RecordError("malformed outcome")
        names = [f"argument {i + 1}" for i in range(len(case.args))] + [f"argument {k!r}" for k in case.kwargs]
        mutated = []
        for name, original, item in zip(names, originals, after):
            value = records.decode(item)
            if records.has_opaque(value) or records.has_opaque(records.decode(records.encode(original))):
                changed = name in claimed
            else:
                changed = not _same(value, original)
            if changed:
                mutated.append(name)
        calls = entry.get("calls", [])
        if not isinstance(calls, list) or len(calls) > MAX_TRACED_CALLS:
            raise records.RecordError("malformed helper calls")
        return Outcome(value=records.decode(entry.get("value")), error=records.decode_error(entry.get("error")),
                       mutated=tuple(mutated), warnings=tuple(caught), calls=calls)


def entry_point(check_fn, exercise):
    """The hidden-test entry point for ``check_fn``: records outcomes when the grader asks for it.

    Outside grading (no ``NN_GRADER_RECORDS`` in the environment) it is
    ``check_fn`` itself. While grading, the check runs with the grader's seed
    and every outcome is written to ``<records>/<exercise>.<part>.json``
    (:func:`records.write`), for the grader to judge (see :class:`Recording`).
    """
    signature = inspect.signature(check_fn)

    @functools.wraps(check_fn)
    def entry(func, *args, **kwargs):
        __tracebackhide__ = True  # noqa: F841
        folder, seed = os.environ.get(RECORDS_ENV), os.environ.get(SEED_ENV)
        if not folder or seed is None:
            return check_fn(func, *args, **kwargs)
        bound = signature.bind(func, *args, **kwargs)
        bound.apply_defaults()
        bound.arguments["seed"] = int(seed)
        mode = bound.arguments["mode"] = Recording(exercise, bound.arguments["part"], int(seed))
        try:
            check_fn(*bound.args, **bound.kwargs)
        finally:
            records.write(folder, mode.record)

    return entry


def run(func, case, helpers=(), call=None, mode=LOCAL):
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
        :attr:`Outcome.calls` (see :mod:`course_checks.reference`).
    call : callable, optional
        ``call(func)`` is what runs on the case's arguments, when the check
        calls the student's function in its own way (twice with one seed, ...).
    mode : Local, Recording or Replaying
        Where the outcome comes from: a call here (:class:`Local`), a call
        here that is also recorded (:class:`Recording`), or the kernel's
        record, without calling ``func`` (:class:`Replaying`).

    Returns
    -------
    Outcome
    """
    return mode.outcome(func, case, helpers, call)


def _run_here(func, case, helpers, call):
    """:func:`run` in this process: the outcome, and the arguments as the call left them."""
    calls = []
    traced = tracing_helpers(func, helpers, calls)
    outcome, args, kwargs = _call(traced if call is None else call(traced), case)
    outcome.calls = calls
    return outcome, args, kwargs


def _call(func, case):
    """:func:`run` proper: call ``func`` on copies of the case's arguments; also return the copies."""
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
    outcome.mutated = tuple(n for n, (new, old) in zip(names, pairs) if not _same(new, old))
    return outcome, args, kwargs


def fail(name, case, problem, hint=None):
    """Raise the AssertionError a student sees for a failed case."""
    message = f"{name}: {problem}\n  input: {case.label}"
    if hint:
        message += f"\n  hint: {hint}"
    raise AssertionError(message)


#: Hints for exceptions a student function raises, by a fragment of the message.
ERROR_HINTS = {
    "could not be broadcast": "a reduction such as .max(axis=1) or .sum(axis=1) returns shape (N,); "
    "keep the axis with keepdims=True so it broadcasts as (N, 1)",
    "out of bounds": "an index is out of range: check which axis you index and the width of the result",
    "mismatch in its core dimension": "the inner sizes of a matrix product must match, (N, K) @ (K, H): "
    "check which operand needs a transpose (.T)",
}


def judge_error(name, case, outcome, hints=None):
    """Judge the exception part of an outcome.

    Fails when the function raised unexpectedly, or did not raise the
    expected exception; returns normally otherwise.
    """
    error = outcome.error
    if case.raises is not None:
        if error is None:
            fail(name, case, f"returned normally, but this input must raise {case.raises.__name__}",
                 "check the inputs at the start of the function and raise a ValueError that names the bad value")
        if not isinstance(error, case.raises):
            fail(name, case, f"raised {type(error).__name__} ({error}), expected {case.raises.__name__}",
                 "check the labels yourself and raise ValueError before indexing")
        return
    if error is None:
        return
    if isinstance(error, NotImplementedError):
        fail(name, case, "raised NotImplementedError", "the function is not written yet")
    text = f"{type(error).__name__}: {error}"
    hint = None
    for fragment, candidate in [*(hints or {}).items(), *ERROR_HINTS.items()]:  # specific hints first
        if fragment.lower() in text.lower():
            hint = candidate
            break
    fail(name, case, f"raised {text}", hint)


def judge_hygiene(name, case, outcome):
    """Fail if the function modified its inputs or emitted warnings."""
    if outcome.mutated:
        fail(name, case, f"modified its input ({', '.join(outcome.mutated)})",
             "work on new arrays (x = x - m, or x.copy()); in-place operators such as -= change the caller's array")
    if outcome.warnings:
        fail(name, case, f"emitted a warning ({outcome.warnings[0]})",
             "a warning means something overflowed or divided by zero; grade cells must run without warnings")


def judge_overflow(name, case, outcome):
    """Fail if a floating-point overflow warning was recorded."""
    if any("overflow" in w for w in outcome.warnings):
        fail(name, case, "np.exp overflowed (it returns inf above about 709)",
             "subtract each row's max before exponentiating, so the largest exponent is 0")


def judge_array(name, case, got, shape, dtype=np.float64):
    """Fail unless ``got`` is an ndarray of the given shape and dtype."""
    if not isinstance(got, np.ndarray):
        fail(name, case, f"returned {type(got).__name__}, expected a NumPy array of shape {shape}")
    if got.shape != tuple(shape):
        if len(shape) == 2 and got.shape == tuple(shape)[::-1] and shape[0] != shape[1]:
            fail(name, case, f"returned shape {got.shape}, expected {tuple(shape)}: rows and columns are swapped",
                 "rows are samples (N) and columns are classes (K)")
        fail(name, case, f"returned shape {got.shape}, expected {tuple(shape)}")
    if dtype is not None and got.dtype != dtype:
        fail(name, case, f"returned dtype {got.dtype}, expected {np.dtype(dtype)}",
             "build the result with float arithmetic (np.zeros(...) is float64), or convert with .astype(float)")



def judge_float(name, case, got, expected="a float", array_hint=None, nan_hint=None):
    """Return ``got`` as a float, or fail: an array with axes, something not a number, or nan.

    ``expected`` says what one number the function should return; the hints
    say how an array or a nan usually comes about for this function.
    """
    if isinstance(got, np.ndarray) and got.ndim > 0:
        fail(name, case, f"returned an array of shape {got.shape}, expected {expected}", array_hint)
    try:
        value = float(got)
    except (TypeError, ValueError):
        fail(name, case, f"returned {type(got).__name__}, expected a float")
    if np.isnan(value):
        fail(name, case, "returned nan", nan_hint)
    return value

def _judge_shape(name, case, label, got, expected):
    """Fail with a diagnosis when an output array has the wrong type or shape."""
    if not isinstance(got, np.ndarray):
        fail(name, case, f"{label} is a {type(got).__name__}, expected a NumPy array of shape {expected.shape}")
    if got.shape == expected.shape:
        return
    problem = f"{label} has shape {got.shape}, expected {expected.shape}"
    if expected.ndim == 1 and got.shape == (1, expected.shape[0]):
        fail(name, case, problem, "sum (or average) over the batch axis 0 without keepdims=True, so a bias gradient "
             "has the bias's shape (M,), not (1, M)")
    if expected.ndim == 1 and got.ndim == 2 and got.shape[1] == expected.shape[0]:
        fail(name, case, problem,
             "a bias is shared by every sample, so its gradient sums the rows over the batch (axis 0)")
    if got.ndim == 2 and got.shape == expected.shape[::-1]:
        fail(name, case, problem + " (transposed)", "a gradient has the shape of what it differentiates; "
             "check the order and transposes of the matrix product")
    fail(name, case, problem, "a gradient has the shape of what it differentiates")


def judge_outputs(name, case, outcome, expected, labels, hints=None, batch=None):
    """Judge an output that is an array, a tuple of arrays, or a dict of arrays.

    Parameters
    ----------
    name : str
    case : Case
    outcome : Outcome
    expected : ndarray, tuple of ndarray, or dict of ndarray
        The reference output.
    labels : tuple of str
        Names of the outputs in messages (``("dx", "dW", "db")``); for a dict,
        its keys are used.
    hints : dict, optional
        Hint per output label for a wrong value that no generic diagnosis explains.
    batch : int, optional
        N, to diagnose outputs that are N times too large or too small.
    """
    hints = hints or {}
    judge_error(name, case, outcome)
    judge_overflow(name, case, outcome)
    got = outcome.value
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            keys = sorted(got) if isinstance(got, dict) else type(got).__name__
            fail(name, case, f"returned {keys}, expected a dict with keys {sorted(expected)}")
        labels = tuple(expected)
        pairs = [(got[k], expected[k]) for k in labels]
    elif isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            fail(name, case, f"returned {type(got).__name__}, expected a tuple ({', '.join(labels)})")
        pairs = list(zip(got, expected))
    else:
        pairs = [(got, expected)]
    for label, (g, e) in zip(labels, pairs):
        _judge_shape(name, case, label, g, e)
        if not np.all(np.isfinite(g)):
            fail(name, case, f"{label} contains nan or inf", "look for an exp that overflows or a division by zero")
    judge_hygiene(name, case, outcome)
    for label, (g, e) in zip(labels, pairs):
        if close(g, e):
            continue
        if close(-g, e):
            fail(name, case, f"{label} has the wrong sign", "a gradient points uphill: check each minus sign")
        if batch and batch > 1 and close(g, batch * e):
            fail(name, case, f"{label} is N times too large",
                 "the loss is a mean over the N samples, so its gradients carry a factor 1/N")
        if batch and batch > 1 and close(batch * g, e):
            fail(name, case, f"{label} is N times too small",
                 "the 1/N of the mean is already in the upstream gradient: don't divide again")
        fail(name, case, f"{label} is wrong", hints.get(label))


def judge_pair(name, case, got, names=("out", "cache"), hint="return out, cache  (the backward pass gets the cache)"):
    """Fail unless ``got`` is a pair (a tuple or list of two), whose items ``names`` name; return it."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        fail(name, case, f"returned {type(got).__name__}, expected a pair ({names[0]}, {names[1]})", hint)
    return got


def _same_item(got, expected):
    """One cache item: an array like the reference's (shape, values), or the very scalar."""
    if isinstance(expected, np.ndarray):
        return isinstance(got, np.ndarray) and got.shape == expected.shape and close(got, expected)
    return not isinstance(got, np.ndarray) and got == expected


def judge_forward(name, case, outcome, expected_out, expected_cache, cache_desc, hint=None, error_hints=None,
                  judge_shape=None, nonfinite_hint="an exp overflowed: keep every exponent <= 0", diagnose=None,
                  cache_hint="the cache contents are fixed so that any backward pass can use any forward pass"):
    """Judge a forward pass's ``(out, cache)``: out against the reference, cache against the pinned contents.

    Parameters
    ----------
    expected_out : ndarray
        The reference output.
    expected_cache : ndarray, scalar or tuple of them
        The pinned cache contents.
    cache_desc : str
        The cache as the message names it (``"(x, W, b), the three inputs in this order"``).
    hint : str, optional
        For a wrong ``out`` that ``diagnose`` does not explain.
    error_hints : dict, optional
        For exceptions (see :func:`judge_error`).
    judge_shape : callable, optional
        ``judge_shape(name, case, out, expected_out)`` diagnoses a wrong type or shape of ``out``;
        :func:`judge_array` by default.
    nonfinite_hint, cache_hint : str
        Hints for an ``out`` with nan or inf, and for a wrong cache.
    diagnose : callable, optional
        ``diagnose(name, case, out, expected_out)`` names the likeliest mistake behind a wrong ``out``.
    """
    judge_error(name, case, outcome, error_hints)
    judge_overflow(name, case, outcome)
    out, cache = judge_pair(name, case, outcome.value)
    if judge_shape is None:
        judge_array(name, case, out, expected_out.shape, dtype=None)
    else:
        judge_shape(name, case, out, expected_out)
    if not np.all(np.isfinite(out)):
        fail(name, case, "out contains nan or inf", nonfinite_hint)
    judge_hygiene(name, case, outcome)
    if not close(out, expected_out):
        if diagnose is not None:
            diagnose(name, case, out, expected_out)
        fail(name, case, "out is wrong", hint)
    expected_items = expected_cache if isinstance(expected_cache, tuple) else (expected_cache,)
    got_items = tuple(cache) if isinstance(expected_cache, tuple) and isinstance(cache, (tuple, list)) else (cache,)
    if len(got_items) != len(expected_items) or not all(_same_item(g, e) for g, e in zip(got_items, expected_items)):
        fail(name, case, f"the cache is not {cache_desc}", cache_hint)


def close(got, expected):
    """The course's comparison: ``rtol=1e-7, atol=1e-10``, same nan/inf pattern."""
    return bool(np.allclose(got, expected, rtol=RTOL, atol=ATOL))


def tracing_helpers(func, helpers, calls):
    """A copy of ``func`` whose calls to the student's own graded ``helpers`` are appended to ``calls``.

    The copy runs in a copied namespace, so the student's kernel is left as it
    was; notebook functions that are not graded are rebound into the copy, so
    that the calls they make are traced too. Each call is recorded as plain
    data: ``{"name", "args", "kwargs", "result"}`` (see :mod:`course_checks.records`).

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
        entry = {"name": name, "args": [records.encode(a) for a in args],
                 "kwargs": {k: records.encode(v) for k, v in kwargs.items()}}
        try:
            result = helper(*args, **kwargs)
        except Exception as error:
            if len(calls) < MAX_TRACED_CALLS:
                calls.append({**entry, "result": records.encode(None), "error": records.encode_error(error)})
            raise
        if len(calls) < MAX_TRACED_CALLS:
            calls.append({**entry, "result": records.encode(result)})
        return result

    traced.__name__ = getattr(helper, "__name__", name)
    return traced


def exercise_check(name):
    """The check of exercise ``name``, in the shape every check has: ``check_<name>(func, part, seed=0)``.

    The exercise's topic module (:mod:`course_checks.<topic>`) provides

    - ``<name>_cases(seed, part)``: the cases of a part, a list of :class:`Case`;
    - ``judge_<name>(name, case, outcome)``: the verdict on one outcome (raises AssertionError);
    - optionally ``call_<name>(func)``: how to call the student's function on a case (see :func:`run`).

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
        run_and_judge(func, name, cases, getattr(topic, f"judge_{name}"),
                      helpers=manifest.helpers(manifest.topic(name)), call=getattr(topic, f"call_{name}", None),
                      mode=mode)

    check_fn.__name__ = check_fn.__qualname__ = f"check_{name}"
    check_fn.__doc__ = f"Hidden-test check of ``{exercise.signature}``: parts {', '.join(exercise.part_names)}."
    return check_fn


def run_and_judge(func, name, cases, judge, helpers=None, call=None, mode=LOCAL):
    """Run ``func`` on every case and judge each outcome in turn.

    Parameters
    ----------
    func : callable
        The student's function.
    name : str
        The exercise name, used in messages.
    cases : list of Case
    judge : callable
        ``judge(name, case, outcome)``; raises AssertionError on failure.
    helpers : iterable of str, optional
        The other graded exercises that ``func`` may call: the judge sees the
        student's own results for them (see :mod:`course_checks.reference`).
    call : callable, optional
        How to call ``func`` on a case (see :func:`run`).
    mode : Local, Recording or Replaying
        The run mode (see :func:`run`); a :class:`Recording` judges nothing.
    """
    __tracebackhide__ = True  # noqa: F841 - IPython shows students the message, not our frames
    mode.student_code(func, name)
    helpers = tuple(helpers or ())
    for case in cases:
        outcome = mode.outcome(func, case, helpers, call)
        if not mode.judges:
            continue
        calls = decode_calls(outcome.calls)
        try:
            if outcome.error is not None:
                _judge_helper_errors(name, case, calls)
            with judging_with(calls, helpers):
                judge(name, case, outcome)
        except HelperRaised as raised:
            _judge_helper_errors(name, case, [raised.call])
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


def _judge_helper_errors(name, case, calls):
    """Fail, naming the helper, if one of the student's own graded helpers raised while ``name`` ran.

    Such a case cannot be judged on the exercise's own logic: there is no result of the student's helper to
    hand to the reference, and a helper that fails must not earn the exercise that calls it its points.
    """
    for called, _, _, _, error in calls:
        if error is not None:
            raise AssertionError(
                f"{name}: could not be checked on this input, because your {called} raised "
                f"{type(error).__name__} ({str(error)[:200]}) when {name} called it\n  input: {case.label}\n"
                f"  hint: fix {called} first: its own check shows where it goes wrong") from None


def _reference_dir():
    """Where ``solutions_lib`` is installed, or None (as in a grading kernel, which does not have it)."""
    try:
        spec = importlib.util.find_spec("solutions_lib")
    except (ImportError, ValueError):
        return None
    return Path(spec.origin).resolve().parent if spec and spec.origin else None


def _is_reference(obj):
    """True if ``obj`` is ``solutions_lib`` or something from it."""
    if inspect.ismodule(obj):
        module = obj.__name__
    else:
        module = getattr(obj, "__module__", None)
        code = getattr(obj, "__code__", None)
        folder = _reference_dir() if code is not None else None
        if folder is not None and Path(code.co_filename).resolve().is_relative_to(folder):
            return True
    return isinstance(module, str) and module.split(".")[0] == "solutions_lib"


def _referenced_names(func):
    """The global names that ``func``'s code (nested code included) uses, sorted."""
    code = getattr(func, "__code__", None)
    if code is None:
        return []
    stack, names = [code], set()
    while stack:
        c = stack.pop()
        names.update(c.co_names)
        stack.extend(k for k in c.co_consts if inspect.iscode(k))
    return sorted(names)


def _referenced_globals(func):
    """The global values that ``func``'s code (nested code included) names."""
    namespace = getattr(func, "__globals__", {})
    return [namespace[n] for n in _referenced_names(func) if n in namespace]


def ensure_student_code(func, name, mode=LOCAL):
    """Fail if ``func`` is, wraps or reaches the reference solution.

    A function defined in ``solutions_lib``, a function whose code refers to
    the package or to an object imported from it, and a notebook that has
    ``solutions_lib`` (or anything from it but the checks) among its globals
    all fail. In the grader (:class:`Replaying`) the rule is read from the
    submitted cells instead.
    """
    __tracebackhide__ = True  # noqa: F841
    mode.student_code(func, name)


def _student_code_here(func, name):
    """:func:`ensure_student_code` on the running function."""
    if not callable(func):
        raise AssertionError(f"{name}: expected a function, got {type(func).__name__}")
    target = inspect.unwrap(func)
    while isinstance(target, functools.partial):
        target = target.func
    if _is_reference(target) or any(_is_reference(v) for v in _referenced_globals(target)):
        raise AssertionError(f"{name}: this function uses the course's reference solution, which scores zero")
    namespace = getattr(target, "__globals__", {})
    if any(_is_reference(v) for v in list(namespace.values())):
        raise AssertionError(f"{name}: this notebook imports the course's reference solution, which scores zero")


def ensure_no_loops(func, name, skip=(), mode=LOCAL):
    """Fail if ``func``, or anything of the student's it reaches, has a Python loop (see :mod:`.loop_ban`).

    Outside grading the code is read back from the running namespace
    (:func:`~course_checks.loop_ban.namespace_sources`). Helpers named in
    ``skip`` (other graded exercises) are judged by their own checks.
    """
    __tracebackhide__ = True  # noqa: F841
    mode.no_loops(func, name, skip)


def _no_loops_here(func, name, skip=()):
    """:func:`ensure_no_loops` on the running namespace."""
    sources = loop_ban.namespace_sources(func)
    if not sources:
        raise AssertionError(f"{name}: could not read the source of the function to check it has no loops; "
                             "define it with def in a notebook cell")
    message = loop_ban.loop_ban_failure(sources, getattr(func, "__name__", name), skip=skip)
    if message:
        raise AssertionError(message.replace(f"{getattr(func, '__name__', name)}: ", f"{name}: ", 1))
