"""Cases for assignment 05, ``gradient_check``: numerical gradients, relative error, sparse checks, bug finding.

The test functions (:mod:`course_checks.smooth_functions`) have exact gradients.

They run in the grading kernel, which holds no judge; the judges are in
:mod:`course_checks.judges.gradient_check`, in the grader's process.
"""

import copy
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from course_checks.cases import Case
from course_checks.smooth_functions import ClosureLoss, draw, quadratic_gradient, scalar_functions


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


def call_sparse_gradient_check(func: Callable) -> Callable:
    """Call ``func`` twice, with two copies of the case's generator: the same seed must choose the same indices."""
    def twice(f, x, analytic_grad, num_checks, rng):
        twin = copy.deepcopy(rng)
        return tuple(func(f, x, analytic_grad, num_checks, generator) for generator in (rng, twin))
    return twice


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
