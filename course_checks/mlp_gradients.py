"""Checks for assignment 03, notebook ``mlp_gradients``: backprop by hand, vectorized.

The step functions take the error signal ``G = softmax(Z) - Y`` (N, K), the
hidden activations ``h`` (N, H) and the weights; ``compute_gradients`` takes
``(X, y, theta)``.
"""

import numpy as np

from course_checks.cases import Case, Outcome
from course_checks.judging import fail, judge_outputs
from course_checks.reference import reference

ref = reference("mlp_gradients")


_SIZES = [(7, 2, 5, 3), (4, 4, 4, 4), (10, 3, 6, 2), (1, 2, 3, 4), (12, 5, 8, 6)]


def _network(rng, n, d, hidden, k):
    X = rng.standard_normal((n, d))
    theta = {"W1": rng.standard_normal((d, hidden)), "b1": rng.standard_normal(hidden),
             "W2": rng.standard_normal((hidden, k)), "b2": rng.standard_normal(k)}
    y = rng.integers(0, k, size=n)
    return X, y, theta


def network_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """(X, y, theta) for compute_gradients: N != D != H != K, and all equal."""
    rng = np.random.default_rng(seed)
    cases = []
    for n, d, hidden, k in _SIZES:
        X, y, theta = _network(rng, n, d, hidden, k)
        cases.append(Case(f"X of shape ({n}, {d}), y of shape ({n},), W1 ({d}, {hidden}), W2 ({hidden}, {k})",
                          (X, y, theta)))
    return cases


def step_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Error signals G (N, K), hidden activations h (N, H, with zeros), and W2 / X for the step functions."""
    rng = np.random.default_rng(seed)
    cases = []
    for n, d, hidden, k in _SIZES:
        X, y, theta = _network(rng, n, d, hidden, k)
        h = np.maximum(0.0, rng.standard_normal((n, hidden)))  # ReLU outputs: about half the units off
        G = rng.dirichlet(np.ones(k), size=n)  # predicted probabilities, rows summing to 1
        G[np.arange(n), y] -= 1
        label = (f"G of shape ({n}, {k}), h ({n}, {hidden}) with zeros where the ReLU is off, "
                 f"W2 ({hidden}, {k}), X ({n}, {d})")
        cases.append(Case(label, (X, G, h, theta["W2"])))
    return cases


_STEP_ARGS = {"grad_b2": lambda X, G, h, W2: (G,), "grad_W2": lambda X, G, h, W2: (h, G),
              "grad_b1": lambda X, G, h, W2: (G, h, W2), "grad_W1": lambda X, G, h, W2: (X, G, h, W2)}
_STEP_HINTS = {
    "grad_b2": "dJ/db2 averages the error signal G over the samples (axis 0)",
    "grad_W2": "the sum over samples of outer products h_i G_i^T is the matrix product h.T @ G; then divide by N",
    "grad_b1": "send G back through W2 (G @ W2.T, shape (N, H)), zero it where h == 0 (the ReLU was off), "
               "average over samples",
    "grad_W1": "the error at the hidden layer is (G @ W2.T) * (h > 0), shape (N, H); dJ/dW1 = X.T @ that / N",
}


def _step_cases(function):
    """``<function>_cases(seed, part)``: the arguments of ``function`` taken from :func:`step_cases`."""
    def cases(seed=0, part="values"):
        return [Case(c.label, _STEP_ARGS[function](*c.args)) for c in step_cases(seed)]

    cases.__name__ = f"{function}_cases"
    return cases


grad_b2_cases, grad_W2_cases, grad_b1_cases, grad_W1_cases = (_step_cases(f) for f in _STEP_ARGS)


def judge_step(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one outcome of the step exercise ``name`` (``grad_b2``, ...) with the reference."""
    label = name.replace("grad_", "dJ/d")
    judge_outputs(name, case, outcome, getattr(ref, name)(*case.args), (label,), {label: _STEP_HINTS[name]},
                  batch=case.args[0].shape[0])


judge_grad_b2 = judge_grad_W2 = judge_grad_b1 = judge_grad_W1 = judge_step


def judge_compute_gradients(name: str, case: Case, outcome: Outcome) -> None:
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


compute_gradients_cases = network_cases
