"""Cases for assignment 03, notebook ``mlp_gradients``: backprop by hand, vectorized.

The step functions take the error signal ``G = softmax(Z) - Y`` (N, K), the
hidden activations ``h`` (N, H) and the weights; ``compute_gradients`` takes
``(X, y, theta)``.

They run in the grading kernel, which holds no judge; the judges are in
:mod:`course_checks.judges.mlp_gradients`, in the grader's process.
"""

import numpy as np

from course_checks.cases import Case

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


def _step_cases(function):
    """``<function>_cases(seed, part)``: the arguments of ``function`` taken from :func:`step_cases`."""
    def cases(seed=0, part="values"):
        return [Case(c.label, _STEP_ARGS[function](*c.args)) for c in step_cases(seed)]

    cases.__name__ = f"{function}_cases"
    return cases


grad_b2_cases, grad_W2_cases, grad_b1_cases, grad_W1_cases = (_step_cases(f) for f in _STEP_ARGS)


compute_gradients_cases = network_cases
