"""Checks for assignment 05, ``gradient_check``: numerical gradients, relative error, sparse checks, bug finding.

A student's numerical gradient is judged against the *analytic* gradient of
test functions chosen so that central differences in float64 with h = 1e-5
reach a relative error below 1e-9; the course's threshold, 1e-7, then
separates correct code from one-sided differences, float32 arithmetic or a
wrong step.
"""

import copy
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from course_checks.cases import Case, Outcome
from course_checks.judging import fail, judge_error, judge_float, judge_hygiene, judge_outputs, judge_pair
from course_checks.reference import reference
from course_checks.smooth_functions import ClosureLoss, draw, quadratic_gradient, scalar_functions

ref = reference("gradient_check")
layers = reference("layers")


THRESHOLD = 1e-7
#: How closely a returned relative error must match: it is a formula of a and b, not an approximation, and the
#: values it is told apart from (the mean, |a + b| in the denominator) can be close to it.
ERROR_RTOL = 1e-9


def numerical_gradient_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Scalar functions of their argument (``"values"``), or functions that read x through a closure (``"in_place"``).

    Each case knows its exact gradient (:attr:`Case.known`).
    """
    rng = np.random.default_rng(seed)
    if part == "values":
        return [Case(label, (f, x), tags=frozenset({"smooth"}), known=grad)
                for label, f, x, grad in scalar_functions(rng)]
    cases = []
    for shape in [(3, 4), (5,)]:
        size = int(np.prod(shape))
        x, A = draw(rng, lambda r, shape=shape, size=size: (r.standard_normal(shape),
                                                             0.3 * r.standard_normal((size, size))),
                     lambda x, A: 0.5 * np.exp(0.5 * x.ravel()) + quadratic_gradient(A, x.ravel()))
        loss = ClosureLoss(x, A)
        cases.append(Case(f"f ignores its argument and reads x (shape {shape}) itself, like lambda _: net.loss()",
                          (loss, loss.x), tags=frozenset({"closure"}), known=loss.gradient()))
    return cases


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


# --- numerical_gradient_array ---------------------------------------------------------------------

def _array_cases(seed, part):
    """[(Case, exact gradient of sum(f(x) * dout))]: new arrays (``"values"``) or views of x (``"views"``)."""
    rng = np.random.default_rng(seed)
    if part == "values":
        W, x1, d1 = draw(rng, lambda r: (r.standard_normal((4, 3)), r.standard_normal((5, 4)),
                                          r.standard_normal((5, 3))),
                          lambda W, x, d: (d[:, None, :] * W[None, :, :]).sum(axis=2))
        x2, d2 = draw(rng, lambda r: (r.standard_normal((3, 4)), r.standard_normal((3, 4))),
                       lambda x, d: d * (1 - np.tanh(x) ** 2))
        x3, d3 = draw(rng, lambda r: (r.standard_normal((4, 6)), r.standard_normal(6)), lambda x, d: d)
        x4, d4 = draw(rng, lambda r: (r.standard_normal((2, 3, 2)), r.standard_normal((2, 3, 2))),
                       lambda x, d: 2 * x * d)
        return [
            (Case("f(x) = x @ W with x (5, 4), W (4, 3), dout (5, 3)", (lambda v: v @ W, x1, d1)), d1 @ W.T),
            (Case("f(x) = tanh(x) elementwise, x and dout of shape (3, 4)", (np.tanh, x2, d2)),
             d2 * (1 - np.tanh(x2) ** 2)),
            (Case("f(x) = x.sum(axis=0), x (4, 6), dout (6,)", (lambda v: v.sum(axis=0), x3, d3)),
             np.broadcast_to(d3, x3.shape).copy()),
            (Case("f(x) = x**2 elementwise, x and dout of shape (2, 3, 2)", (lambda v: v ** 2, x4, d4)), 2 * x4 * d4),
        ]
    x1, d1 = rng.standard_normal((3, 4)), rng.standard_normal((4, 3))
    x2, d2 = rng.standard_normal((4, 5)), rng.standard_normal((2, 5))
    x3, d3 = rng.standard_normal(6), rng.standard_normal(6)
    rows = np.zeros(x2.shape)
    rows[1:3] = d2
    return [
        (Case("f(x) = x.T, a view of x that changes when x does; x (3, 4), dout (4, 3)", (lambda v: v.T, x1, d1)),
         d1.T),
        (Case("f(x) = x[1:3], a view of x; x (4, 5), dout (2, 5)", (lambda v: v[1:3], x2, d2)), rows),
        (Case("f(x) = x, the array itself; x and dout of shape (6,)", (lambda v: v, x3, d3)), d3.copy()),
    ]


def numerical_gradient_array_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """(f, x, dout) cases tagged with the part, each knowing its exact gradient; see :func:`_array_cases`."""
    return [replace(case, tags=frozenset({part}), known=grad) for case, grad in _array_cases(seed, part)]


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


# --- relative_error -------------------------------------------------------------------------------

def relative_error_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Arrays of several shapes (``"values"``), or zeros and tiny values (``"zeros"``)."""
    rng = np.random.default_rng(seed)
    if part == "values":
        cases = []
        for shape in [(4, 3), (6,), (2, 3, 2)]:
            a = rng.standard_normal(shape)
            b = a * (1 + 10.0 ** rng.uniform(-9, -2, shape))
            flip = rng.random(shape) < 0.25
            b[flip] = -a[flip] * rng.uniform(0.5, 2.0, flip.sum())
            cases.append(Case(f"a and b of shape {shape}, mostly close, some entries of opposite sign", (a, b)))
        cases.append(Case("a = [0.001, 10] and b = [0.002, 10.001]: the worst entry is the small one",
                          (np.array([1e-3, 10.0]), np.array([2e-3, 10.001]))))
        cases.append(Case("two Python floats, 1.0 and 1.001", (1.0, 1.001)))
        return cases
    return [Case("a and b both all zeros, shape (3, 2)", (np.zeros((3, 2)), np.zeros((3, 2)))),
            Case("a has zeros where b has 0 too, shape (4,)", (np.array([0.0, 1.0, -2.0, 0.0]),
                                                                   np.array([0.0, 1.0 + 1e-8, -2.0, 0.0]))),
            Case("a = 0 and b = 1e-12 at one entry, shape (2,)", (np.array([0.0, 3.0]), np.array([1e-12, 3.0])))]


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


# --- sparse_gradient_check ------------------------------------------------------------------------

def sparse_gradient_check_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """(f, x, analytic_grad, num_checks, rng) with some analytic entries planted wrong."""
    rng = np.random.default_rng(seed)
    cases = []
    shapes = [(20, 30), (50,), (6, 7, 8)] if part == "values" else [(20, 20), (20, 20)]
    for k, shape in enumerate(shapes):
        c = rng.standard_normal(shape)
        x = rng.standard_normal(shape)
        grad = x + c
        wrong = rng.random(shape) < 0.3
        grad[wrong] += rng.choice([-1.0, 1.0], wrong.sum()) * rng.uniform(0.2, 1.0, wrong.sum())
        num = 30 if part == "values" else 50
        generator = np.random.default_rng(1234 if part == "sampling" else seed + k)
        label = (f"f(x) = sum(x**2 / 2 + c * x), x of shape {shape}, an analytic gradient with about 30% of its "
                 f"entries wrong, num_checks={num}")
        if part == "sampling":
            label += ", rng = np.random.default_rng(1234), called twice with identically seeded generators"
        cases.append(Case(label, (lambda v, c=c: float(np.sum(v ** 2 / 2 + c * v)), x, grad, num, generator),
                          tags=frozenset({part})))
    return cases


def _error_window(true, analytic, spread=1e-6):
    """The relative errors a correct check can report when its central difference lands within ``spread`` of
    ``true`` (round-off in f is about 1e-8 here); near a zero gradient that is a range, not a number."""
    ends = [ref.relative_error(true + d, analytic) for d in (-spread, 0.0, spread)]
    low = 0.0 if abs(analytic - true) <= spread else min(ends)
    return low, max(ends)


def call_sparse_gradient_check(func: Callable) -> Callable:
    """Call ``func`` twice, with two copies of the case's generator: the same seed must choose the same indices."""
    def twice(f, x, analytic_grad, num_checks, rng):
        twin = copy.deepcopy(rng)
        return tuple(func(f, x, analytic_grad, num_checks, generator) for generator in (rng, twin))
    return twice


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


# --- find_buggy_layers ----------------------------------------------------------------------------

def _sigmoid(x):
    """The stable sigmoid, for the layers handed to the student's function: they run in the grading kernel,
    where the reference (``solutions_lib.layers.sigmoid_forward``) is not available."""
    return np.exp(-np.logaddexp(0.0, -x))


def _layer_zoo(rng):
    """name -> (forward, backward, x, buggy) for correct layers and layers with planted bugs."""
    W = rng.standard_normal((4, 4))
    x = rng.standard_normal((3, 4))
    x = x + 0.1 * np.sign(x)                              # away from kinks
    zoo = {
        "sigmoid": (lambda v: (_sigmoid(v), _sigmoid(v)), lambda d, out: d * out * (1 - out), False),
        "sigmoid, cache read as the input": (lambda v: (_sigmoid(v), _sigmoid(v)),
                                             lambda d, out: d * _sigmoid(out) * (1 - _sigmoid(out)), True),
        "tanh": (lambda v: (np.tanh(v), np.tanh(v)), lambda d, out: d * (1 - out ** 2), False),
        "tanh, derivative 1 - out": (lambda v: (np.tanh(v), np.tanh(v)), lambda d, out: d * (1 - out), True),
        "softplus": (lambda v: (np.logaddexp(0, v), v), lambda d, v: d * _sigmoid(v), False),
        "softplus, derivative exp(x)": (lambda v: (np.logaddexp(0, v), v), lambda d, v: d * np.exp(v), True),
        "leaky ReLU": (lambda v: (np.where(v > 0, v, 0.1 * v), v), lambda d, v: d * np.where(v > 0, 1, 0.1), False),
        "leaky ReLU, slope 0.01 backward": (lambda v: (np.where(v > 0, v, 0.1 * v), v),
                                            lambda d, v: d * np.where(v > 0, 1, 0.01), True),
        "affine x @ W": (lambda v: (v @ W, v), lambda d, v: d @ W.T, False),
        "affine x @ W, W not transposed": (lambda v: (v @ W, v), lambda d, v: d @ W, True),
        "square": (lambda v: (v ** 2, v), lambda d, v: 2 * v * d, False),
        "square, missing factor 2": (lambda v: (v ** 2, v), lambda d, v: v * d, True),
    }
    return {name: (f, b, x.copy(), buggy) for name, (f, b, buggy) in zoo.items()}


def find_buggy_layers_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Two sets of layers the student has never seen, named layer_A0, ...; the buggy ones are the tags."""
    rng = np.random.default_rng(seed)
    zoo = _layer_zoo(rng)
    names = list(zoo)
    cases = []
    for k, chosen in enumerate([names, [names[i] for i in rng.permutation(len(names))[:6]]]):
        letters = {name: f"layer_{chr(ord('A') + i)}{k}" for i, name in enumerate(chosen)}
        layers = {letters[n]: zoo[n][:3] for n in chosen}
        truth = {letters[n] for n in chosen if zoo[n][3]}
        cases.append(Case(f"{len(layers)} layers named layer_A{k}, layer_B{k}, ..., of which {len(truth)} have a "
                          "wrong backward", (layers,), tags=frozenset(truth)))
    return cases


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


# --- softplus_backward ----------------------------------------------------------------------------

def softplus_backward_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """(dout, x) with x of several shapes (``"values"``) or near +/-1000 (``"stable"``)."""
    rng = np.random.default_rng(seed)
    if part == "values":
        xs = [("x of shape (4, 3), standard normal times 3", 3 * rng.standard_normal((4, 3))),
              ("x of shape (2, 3, 2)", rng.standard_normal((2, 3, 2)))]
    else:
        xs = [("x with entries from -1000 to 1000",
               np.array([[-1000.0, -710.0, -40.0, 0.0], [40.0, 710.0, 1000.0, -745.5]])),
              ("x of shape (3, 3), entries near -1000", -1000 + rng.standard_normal((3, 3)))]
    return [Case(label + ", dout of the same shape", (rng.standard_normal(x.shape), x)) for label, x in xs]


def judge_softplus_backward(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``softplus_backward`` outcome with the reference; an overflow is named first."""
    if any("overflow" in w for w in outcome.warnings):
        fail(name, case, "np.exp overflowed (it returns inf above about 709)",
             "exp(-x) overflows for x below about -709: use e = exp(-|x|), which is at most 1, as in the "
             "stable sigmoid")
    judge_outputs(name, case, outcome, layers.softplus_backward(*case.args), ("dx",), {
        "dx": "softplus'(x) = exp(x) / (1 + exp(x)) = sigmoid(x); compute it without a positive exponent"})
