"""The judges' library: the verdict on one outcome, with a message that says what is wrong and where to look.

Each topic module's ``judge_<exercise>(name, case, outcome)`` is built from
these. They raise :class:`AssertionError` with the student's message, never the
expected values, and depend on nothing but :mod:`.cases`.
"""

from collections.abc import Callable
from typing import NoReturn

import numpy as np

from course_checks.cases import Case, Outcome, close


def fail(name: str, case: Case, problem: str, hint: str | None = None) -> NoReturn:
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


def judge_error(name: str, case: Case, outcome: Outcome, hints: dict[str, str] | None = None) -> None:
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


def judge_hygiene(name: str, case: Case, outcome: Outcome) -> None:
    """Fail if the function modified its inputs or emitted warnings."""
    if outcome.mutated:
        fail(name, case, f"modified its input ({', '.join(outcome.mutated)})",
             "work on new arrays (x = x - m, or x.copy()); in-place operators such as -= change the caller's array")
    if outcome.warnings:
        fail(name, case, f"emitted a warning ({outcome.warnings[0]})",
             "a warning means something overflowed or divided by zero; grade cells must run without warnings")


def judge_overflow(name: str, case: Case, outcome: Outcome) -> None:
    """Fail if a floating-point overflow warning was recorded."""
    if any("overflow" in w for w in outcome.warnings):
        fail(name, case, "np.exp overflowed (it returns inf above about 709)",
             "subtract each row's max before exponentiating, so the largest exponent is 0")


def judge_array(name: str, case: Case, got: object, shape: tuple, dtype: type | None = np.float64) -> None:
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


def judge_float(name: str, case: Case, got: object, expected: str = "a float", array_hint: str | None = None,
                nan_hint: str | None = None) -> float:
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


def judge_outputs(name: str, case: Case, outcome: Outcome, expected: np.ndarray | tuple | dict, labels: tuple,
                  hints: dict[str, str] | None = None, batch: int | None = None) -> None:
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


def judge_pair(name: str, case: Case, got: object, names: tuple[str, str] = ("out", "cache"),
               hint: str = "return out, cache  (the backward pass gets the cache)") -> tuple | list:
    """Fail unless ``got`` is a pair (a tuple or list of two), whose items ``names`` name; return it."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        fail(name, case, f"returned {type(got).__name__}, expected a pair ({names[0]}, {names[1]})", hint)
    return got


def _same_item(got, expected):
    """One cache item: an array like the reference's (shape, values), or the very scalar."""
    if isinstance(expected, np.ndarray):
        return isinstance(got, np.ndarray) and got.shape == expected.shape and close(got, expected)
    return not isinstance(got, np.ndarray) and got == expected


def judge_forward(name: str, case: Case, outcome: Outcome, expected_out: np.ndarray, expected_cache: object,
                  cache_desc: str, hint: str | None = None, error_hints: dict[str, str] | None = None,
                  judge_shape: Callable | None = None,
                  nonfinite_hint: str = "an exp overflowed: keep every exponent <= 0", diagnose: Callable | None = None,
                  cache_hint: str = "the cache contents are fixed so that any backward pass can use any forward pass",
                  ) -> None:
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


def judge_helper_errors(name: str, case: Case, calls: list) -> None:
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
