"""Checks for assignment 03, notebook ``mlp_gradients``: backprop by hand, vectorized.

The step functions take the error signal ``G = softmax(Z) - Y`` (N, K), the
hidden activations ``h`` (N, H) and the weights; ``compute_gradients`` takes
``(X, y, theta)``.
"""

import numpy as np

from course_checks import manifest
from course_checks.reference import reference
from course_checks.core import Case, check, fail, judge_outputs, select_part

ref = reference("mlp_gradients")

#: This notebook's graded functions: when one calls another, the judge sees the student's own result
#: for that call (see :mod:`course_checks.reference`), so that each bug costs points on its own exercise only.
HELPERS = manifest.helpers("mlp_gradients")


_SIZES = [(7, 2, 5, 3), (4, 4, 4, 4), (10, 3, 6, 2), (1, 2, 3, 4), (12, 5, 8, 6)]


def _network(rng, n, d, hidden, k):
    X = rng.standard_normal((n, d))
    theta = {"W1": rng.standard_normal((d, hidden)), "b1": rng.standard_normal(hidden),
             "W2": rng.standard_normal((hidden, k)), "b2": rng.standard_normal(k)}
    y = rng.integers(0, k, size=n)
    return X, y, theta


def network_cases(seed=0):
    """(X, y, theta) for compute_gradients: N != D != H != K, and all equal."""
    rng = np.random.default_rng(seed)
    cases = []
    for n, d, hidden, k in _SIZES:
        X, y, theta = _network(rng, n, d, hidden, k)
        cases.append(Case(f"X of shape ({n}, {d}), y of shape ({n},), W1 ({d}, {hidden}), W2 ({hidden}, {k})",
                          (X, y, theta)))
    return cases


def step_cases(seed=0):
    """Error signals G (N, K), hidden activations h (N, H, with zeros), and W2 / X for the step functions."""
    rng = np.random.default_rng(seed)
    cases = []
    for n, d, hidden, k in _SIZES:
        X, y, theta = _network(rng, n, d, hidden, k)
        h = np.maximum(0.0, rng.standard_normal((n, hidden)))  # ReLU outputs: about half the units off
        G = rng.dirichlet(np.ones(k), size=n)  # predicted probabilities, rows summing to 1
        G[np.arange(n), y] -= 1
        label = f"G of shape ({n}, {k}), h ({n}, {hidden}) with zeros where the ReLU is off, W2 ({hidden}, {k}), X ({n}, {d})"
        cases.append(Case(label, (X, G, h, theta["W2"])))
    return cases


_STEP_ARGS = {"grad_b2": lambda X, G, h, W2: (G,), "grad_W2": lambda X, G, h, W2: (h, G),
              "grad_b1": lambda X, G, h, W2: (G, h, W2), "grad_W1": lambda X, G, h, W2: (X, G, h, W2)}
_STEP_HINTS = {
    "grad_b2": "dJ/db2 averages the error signal G over the samples (axis 0)",
    "grad_W2": "the sum over samples of outer products h_i G_i^T is the matrix product h.T @ G; then divide by N",
    "grad_b1": "send G back through W2 (G @ W2.T, shape (N, H)), zero it where h == 0 (the ReLU was off), average over samples",
    "grad_W1": "the error at the hidden layer is (G @ W2.T) * (h > 0), shape (N, H); dJ/dW1 = X.T @ that / N",
}


def _check_step(func, function, part, seed):
    __tracebackhide__ = True  # noqa: F841
    select_part(func, function, part, ("values", "vectorized"), skip=HELPERS)
    cases = [Case(c.label, _STEP_ARGS[function](*c.args)) for c in step_cases(seed)]

    def judge(name, case, outcome):
        batch = case.args[0].shape[0]
        judge_outputs(name, case, outcome, getattr(ref, function)(*case.args), (function.replace("grad_", "dJ/d"),),
                      {function.replace("grad_", "dJ/d"): _STEP_HINTS[function]}, batch=batch)

    check(func, function, cases, judge, helpers=HELPERS)


def _step_entry_point(function, signature):
    """The hidden-test entry point ``check_<function>(func, part="values", seed=0)``."""
    def entry(func, part="values", seed=0):
        __tracebackhide__ = True  # noqa: F841
        _check_step(func, function, part, seed)

    entry.__name__ = entry.__qualname__ = f"check_{function}"
    entry.__doc__ = f"Hidden-test entry point for ``{signature}``: parts values, vectorized."
    return entry


check_grad_b2 = _step_entry_point("grad_b2", "grad_b2(G)")
check_grad_W2 = _step_entry_point("grad_W2", "grad_W2(h, G)")
check_grad_b1 = _step_entry_point("grad_b1", "grad_b1(G, h, W2)")
check_grad_W1 = _step_entry_point("grad_W1", "grad_W1(X, G, h, W2)")


def judge_compute_gradients(name, case, outcome):
    """Compare one ``compute_gradients`` outcome with the reference."""
    X, y, theta = case.args
    expected = ref.compute_gradients(X, y, theta)
    got = outcome.value
    if (outcome.error is None and isinstance(got, dict) and set(got) == set(expected)
            and all(isinstance(got[k], np.ndarray) and got[k].shape == expected[k].shape for k in expected)):
        ratios = [got[k][expected[k] != 0] / expected[k][expected[k] != 0] for k in expected]
        ratios = np.concatenate([r.ravel() for r in ratios])
        if ratios.size and np.allclose(ratios, ratios[0], rtol=1e-7) and not np.isclose(ratios[0], 1.0) \
                and not np.isclose(ratios[0], X.shape[0]) and ratios[0] > 0:
            fail(name, case, "every gradient is off by the same factor",
                 "divide by N = X.shape[0], the number of rows of this X, not by a size from elsewhere in the notebook")
    backprop_order = {k: expected[k] for k in ("b2", "W2", "b1", "W1")}
    judge_outputs(name, case, outcome, backprop_order, (), batch=X.shape[0], hints={
        "b2": "dJ/db2 is the mean over samples of G = softmax(Z) - Y (one-hot Y from y)",
        "W2": "dJ/dW2 = h.T @ G / N, with h the hidden activations after the ReLU",
        "b1": "the hidden error is (G @ W2.T) masked by h > 0 (where the ReLU was on, evaluated at the hidden layer)",
        "W1": "dJ/dW1 = X.T @ ((G @ W2.T) * (h > 0)) / N",
    })


def check_compute_gradients(func, part="values", seed=0):
    """Hidden-test entry point for ``compute_gradients(X, y, theta)``: parts values, vectorized."""
    __tracebackhide__ = True  # noqa: F841
    select_part(func, "compute_gradients", part, ("values", "vectorized"), skip=HELPERS)
    check(func, "compute_gradients", network_cases(seed), judge_compute_gradients, helpers=HELPERS)


__all__ = ["check_compute_gradients", "check_grad_W1", "check_grad_W2", "check_grad_b1", "check_grad_b2"]
