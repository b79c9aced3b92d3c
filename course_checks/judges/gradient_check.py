"""Judges for assignment 05, ``gradient_check``: numerical gradients, relative error, sparse checks, bug finding.

A student's numerical gradient is judged against the *analytic* gradient of
test functions chosen so that central differences in float64 with h = 1e-5
reach a relative error below 1e-9; the course's threshold, 1e-7, then
separates correct code from one-sided differences, float32 arithmetic or a
wrong step.

They run in the grader's process (or a notebook's, outside grading), never in the grading kernel; the cases
are in :mod:`course_checks.gradient_check`.
"""


import numpy as np

from course_checks.cases import Case, Outcome
from course_checks.judges.common import fail, judge_error, judge_float, judge_hygiene, judge_outputs, judge_pair
from course_checks.judges.reference import reference

ref = reference("gradient_check")
layers = reference("layers")


THRESHOLD = 1e-7
#: How closely a returned relative error must match: it is a formula of a and b, not an approximation, and the
#: values it is told apart from (the mean, |a + b| in the denominator) can be close to it.
ERROR_RTOL = 1e-9


def _judge_gradient(name, case, outcome, expected, shape, hint_dout=None):
    """Judge a numerical gradient against the analytic one."""
    judge_error(name, case, outcome)
    got = outcome.value
    if not isinstance(got, np.ndarray):
        fail(name, case, f"returned {type(got).__name__}, expected a NumPy array of x's shape {shape}")
    if got.shape != shape:
        fail(name, case, f"returned shape {got.shape}, expected x's shape {shape}",
             "the gradient has one entry per entry of x")
    if got.dtype != np.float64:
        fail(name, case, f"returned dtype {got.dtype}, expected float64",
             "a gradient is real-valued: build it with np.zeros(x.shape), which is float64"
             if np.issubdtype(got.dtype, np.integer) else
             "work in float64: in float32, f(x + h) - f(x - h) loses most of its digits")
    if outcome.mutated:
        fail(name, case, "x is not the same afterwards",
             "save the entry before perturbing it and put the saved value back (x[i] = old); x[i] += h followed "
             "by x[i] -= h does not always give back x[i] exactly in floating point")
    judge_hygiene(name, case, outcome)
    if not np.all(np.isfinite(got)):
        fail(name, case, "the gradient contains nan or inf")
    error = ref.relative_error(got, expected)
    if error < THRESHOLD:
        return
    if not np.any(got):
        fail(name, case, "the gradient is 0 everywhere: f never saw the perturbation",
             "perturb x itself, in place (x[i] = old + h), then call f(x): f may read x directly, so a perturbed "
             "copy is invisible to it")
    if ref.relative_error(-got, expected) < THRESHOLD:
        fail(name, case, "the gradient has the wrong sign: f(x + h) and f(x - h) are swapped",
             "the central difference is (f(x + h) - f(x - h)) / (2h)")
    if ref.relative_error(got / 2, expected) < THRESHOLD:
        fail(name, case, "the gradient is 2 times too large", "divide the central difference by 2h, not h")
    if ref.relative_error(got * 2, expected) < THRESHOLD:
        fail(name, case, "the gradient is 2 times too small", "divide the central difference by 2h")
    if hint_dout is not None and ref.relative_error(got, hint_dout) < THRESHOLD:
        fail(name, case, "the gradient ignores dout",
             "each entry is sum((f(x + h) - f(x - h)) * dout) / (2h): the upstream gradient weights every output")
    if 1e-7 <= error < 1e-2:
        fail(name, case, f"the gradient is inaccurate: relative error {error:.1e}, central differences in "
             f"float64 with h = 1e-5 give below 1e-9",
             "use the central difference (f(x + h) - f(x - h)) / (2h), not a one-sided one (error O(h)), "
             "and keep everything in float64 (float32 keeps only about 7 digits)")
    fail(name, case, f"the gradient is wrong: relative error {error:.1e}",
         "perturb one entry at a time, restore it before the next, and fill the same entry of the gradient")


def judge_numerical_gradient(name: str, case: Case, outcome: Outcome) -> None:
    """Judge a numerical gradient against the case's exact one."""
    _judge_gradient(name, case, outcome, case.known, case.args[1].shape)


def judge_numerical_gradient_array(name: str, case: Case, outcome: Outcome) -> None:
    """Judge a numerical gradient of sum(f(x) * dout) against the exact one; for views, say why it is 0."""
    f, x, dout = case.args
    if "views" in case.tags:
        judge_error(name, case, outcome)
        got = outcome.value
        if isinstance(got, np.ndarray) and got.shape == x.shape and not np.any(got):
            fail(name, case, "the gradient is 0 everywhere, but f's output depends on x",
                 "f returns a view of x: f(x) evaluated at x + h changes when you then set x - h, so plus and "
                 "minus end up equal; copy each output (f(x).copy())")
    ones = ref.numerical_gradient_array(f, x.copy(), np.ones_like(dout))
    _judge_gradient(name, case, outcome, case.known, x.shape, hint_dout=ones)


def judge_relative_error(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``relative_error`` outcome with the reference."""
    judge_error(name, case, outcome, {"only integer": "np.max(a, b) reads b as an axis; the elementwise "
                                      "maximum of two arrays is np.maximum(1e-8, ...)"})
    a, b = case.args
    expected = ref.relative_error(a, b)
    value = judge_float(name, case, outcome.value, "one number",
                        array_hint="take the largest entry (np.max) of the elementwise relative errors",
                        nan_hint="where a and b are both 0, |a| + |b| is 0: divide by "
                        "np.maximum(1e-8, |a| + |b|) instead")
    judge_hygiene(name, case, outcome)
    if np.isclose(value, expected, rtol=ERROR_RTOL, atol=1e-15):
        return
    a, b = np.asarray(a, float), np.asarray(b, float)
    diffs = np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
    if np.isclose(value, diffs.mean(), rtol=ERROR_RTOL, atol=0):
        fail(name, case, "returned the mean relative error", "return the largest one: one bad entry is a bug")
    if np.isclose(value, np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a + b))), rtol=ERROR_RTOL, atol=0):
        fail(name, case, "is wrong where a and b have opposite signs", "the denominator is |a| + |b|, not |a + b|")
    if np.isclose(value, np.max(np.abs(a - b)), rtol=ERROR_RTOL, atol=0):
        fail(name, case, "returned the absolute difference", "divide by max(1e-8, |a| + |b|)")
    fail(name, case, f"returned {value:.6g}, which is not max |a - b| / max(1e-8, |a| + |b|)")


def _error_window(true, analytic, spread=1e-6):
    """The relative errors a correct check can report when its central difference lands within ``spread`` of
    ``true`` (round-off in f is about 1e-8 here); near a zero gradient that is a range, not a number."""
    ends = [ref.relative_error(true + d, analytic) for d in (-spread, 0.0, spread)]
    low = 0.0 if abs(analytic - true) <= spread else min(ends)
    return low, max(ends)


def _judge_sparse_result(name, case, outcome, got):
    """Judge one call's ``(indices, errors)``; return the indices."""
    f, x, grad, num_checks, _ = case.args
    judge_pair(name, case, got, ("indices", "errors"), None)
    indices, errors = (np.asarray(v) for v in got)
    if indices.shape != (num_checks, x.ndim) or not np.issubdtype(indices.dtype, np.integer):
        fail(name, case, f"indices has shape {indices.shape} and dtype {indices.dtype}, expected integers of "
             f"shape ({num_checks}, {x.ndim})",
             "one row per check, one column per axis of x: np.stack(np.unravel_index(flat, x.shape), axis=1)")
    if errors.shape != (num_checks,):
        fail(name, case, f"errors has shape {errors.shape}, expected ({num_checks},)")
    if np.any(indices < 0) or np.any(indices >= np.array(x.shape)):
        fail(name, case, "an index is out of range", "draw each coordinate below x.shape along its axis")
    if "argument 2" in outcome.mutated:
        fail(name, case, "x is not the same afterwards", "put every perturbed entry back (x[i] = old)")
    if "argument 3" in outcome.mutated:
        fail(name, case, "modified analytic_grad", "read analytic_grad, don't write to it")
    if outcome.warnings:
        fail(name, case, f"emitted a warning ({outcome.warnings[0]})")
    distinct = len({tuple(i) for i in indices})
    if distinct == 1:
        fail(name, case, f"all {num_checks} checks use the same index",
             "draw a new random index for every check (inside the loop, or num_checks of them at once)")
    true_grad = x + f.__defaults__[0]
    for index, error in zip(map(tuple, indices), errors):
        low, high = _error_window(true_grad[index], grad[index])
        if not low - 1e-6 - 1e-3 * high <= error <= high + 1e-6 + 1e-3 * high:
            fail(name, case, f"the error reported for index {index} is not the error at that entry",
                 "perturb x at the index you report and compare with analytic_grad at the same index")
    if "sampling" in case.tags and distinct < num_checks // 2:
        fail(name, case, f"only {distinct} different indices in {num_checks} checks of a 400-entry array",
             "draw each index uniformly at random")
    return indices


def judge_sparse_gradient_check(name: str, case: Case, outcome: Outcome) -> None:
    """Judge both calls (see :func:`call_sparse_gradient_check`): each reported error is the error at its index,
    and, for ``"sampling"``, identically seeded generators choose the same indices."""
    judge_error(name, case, outcome)
    first, second = (_judge_sparse_result(name, case, outcome, got) for got in outcome.value)
    if "sampling" in case.tags and not np.array_equal(first, second):
        fail(name, case, "two calls with identically seeded rng chose different indices",
             "draw the indices with the rng argument (rng.integers), not np.random")


def judge_find_buggy_layers(name: str, case: Case, outcome: Outcome) -> None:
    """Compare the set of layers flagged with the planted bugs; say when the student's own helpers ran."""
    judge_error(name, case, outcome)
    got = outcome.value
    if isinstance(got, str) or not hasattr(got, "__iter__"):
        fail(name, case, f"returned {type(got).__name__}, expected a set of layer names")
    got = set(got)
    truth = set(case.tags)
    unknown = got - set(case.args[0])
    if unknown:
        fail(name, case, f"returned names that are not layers: {sorted(unknown)[:3]}")
    if got == set(case.args[0]) - truth and truth != got:
        fail(name, case, "returned the correct layers instead of the buggy ones",
             "a layer is buggy when the relative error is *above* the threshold")
    missed, flagged = truth - got, got - truth
    used = sorted({call["name"] for call in outcome.calls if isinstance(call, dict) and "name" in call})
    relies = (f"; find_buggy_layers ran your own {' and '.join(used)}: if a check of those fails, fix it first"
              if used else "")
    if flagged:
        fail(name, case, f"flagged {len(flagged)} correct layer(s) as buggy, e.g. {sorted(flagged)[0]}",
             "compare the backward pass with numerical_gradient_array(lambda v: forward(v)[0], x, dout) for the "
             "same dout, and use the course's threshold (1e-6 near kinks), not a tighter one" + relies)
    if missed:
        fail(name, case, f"missed {len(missed)} buggy layer(s), e.g. {sorted(missed)[0]}",
             "use a random dout (not ones) and flag any relative error above 1e-6" + relies)


def judge_softplus_backward(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``softplus_backward`` outcome with the reference; an overflow is named first."""
    if any("overflow" in w for w in outcome.warnings):
        fail(name, case, "np.exp overflowed (it returns inf above about 709)",
             "exp(-x) overflows for x below about -709: use e = exp(-|x|), which is at most 1, as in the "
             "stable sigmoid")
    judge_outputs(name, case, outcome, layers.softplus_backward(*case.args), ("dx",), {
        "dx": "softplus'(x) = exp(x) / (1 + exp(x)) = sigmoid(x); compute it without a positive exponent"})
