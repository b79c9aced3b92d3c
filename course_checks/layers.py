"""Cases for assignment 03, notebook ``layers``: modular layers, initialisation, minibatches, SGD.

For each exercise, ``<exercise>_cases(seed, part)`` and, where the student's function is called in its own
way, ``call_<exercise>``. They run in the grading kernel, which holds no judge; the judges are in
:mod:`course_checks.judges.layers`, in the grader's process.
"""

from collections.abc import Callable

import numpy as np

from course_checks.cases import Case
from course_checks.softmax_family import cross_entropy_cases


def _away_from_kink(rng, shape):
    """Standard normal entries pushed at least 0.05 away from 0 (ReLU's kink)."""
    x = rng.standard_normal(shape)
    return x + 0.05 * np.sign(x)


# --- affine ---------------------------------------------------------------------------------------

def affine_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """(x, W, b) with N, D, M all different, and a square case."""
    rng = np.random.default_rng(seed)
    out = []
    for n, d, m in [(5, 3, 4), (4, 4, 4), (2, 6, 3), (1, 3, 2), (8, 2, 5)]:
        out.append(Case(f"x of shape ({n}, {d}), W ({d}, {m}), b ({m},)",
                        (rng.standard_normal((n, d)), rng.standard_normal((d, m)), rng.standard_normal(m))))
    return out


affine_forward_cases = affine_cases


def affine_backward_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """(dout, cache) pairs for ``affine_backward``."""
    rng = np.random.default_rng(seed)
    return [Case(c.label + f", dout of shape ({c.args[0].shape[0]}, {c.args[1].shape[1]})",
                 (rng.standard_normal((c.args[0].shape[0], c.args[1].shape[1])), c.args))
            for c in affine_cases(seed + 1000)]


# --- ReLU -----------------------------------------------------------------------------------------

def relu_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Inputs of several shapes (2-D and 3-D), kept away from 0."""
    rng = np.random.default_rng(seed)
    return [Case(f"x of shape {s}, entries at least 0.05 away from 0", (_away_from_kink(rng, s),))
            for s in [(5, 3), (4, 4), (2, 3, 4), (1, 7)]]


relu_forward_cases = relu_cases


def relu_backward_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """(dout, x) pairs, with dout's signs independent of x's."""
    rng = np.random.default_rng(seed)
    return [Case(c.label + ", dout of the same shape with independent signs",
                 (rng.standard_normal(c.args[0].shape), c.args[0])) for c in relu_cases(seed + 1000)]


# --- sigmoid --------------------------------------------------------------------------------------

def sigmoid_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Ordinary inputs, or inputs near +/-1000 (part ``"stable"``)."""
    rng = np.random.default_rng(seed)
    if part == "values":
        return [Case(f"x of shape {s}, standard normal entries times 3", (3 * rng.standard_normal(s),))
                for s in [(5, 3), (4, 4), (2, 3, 2)]]
    x = np.array([[-1000.0, -710.0, -50.0, 0.0], [50.0, 710.0, 1000.0, -745.5]])
    return [Case("x with entries from -1000 to 1000", (x,)),
            Case("x of shape (3, 3), entries near -1000", (-1000 + rng.standard_normal((3, 3)),))]


sigmoid_forward_cases = sigmoid_cases


def sigmoid_backward_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """(dout, out) pairs, ``out`` a sigmoid's output strictly inside (0, 1)."""
    rng = np.random.default_rng(seed)
    cases = []
    for c in sigmoid_cases(seed + 1000):
        out = np.exp(-np.logaddexp(0.0, -c.args[0]))
        cases.append(Case(c.label.replace("x of", "cache (the sigmoid's output, in (0, 1)) of") + ", dout alike",
                          (rng.standard_normal(out.shape), out)))
    return cases


softmax_cross_entropy_cases = cross_entropy_cases

def xavier_uniform_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Fan sizes, square and not, small and large; the generator's seed comes with them."""
    return [Case(f"fan_in={fan_in}, fan_out={fan_out}, rng=np.random.default_rng(...)", (fan_in, fan_out, seed))
            for fan_in, fan_out in [(64, 100), (100, 64), (10, 3), (300, 200)]]


def call_xavier_uniform(func: Callable) -> Callable:
    """Call ``func`` twice, each time with a new generator of the case's seed."""
    return lambda fan_in, fan_out, seed: tuple(func(fan_in, fan_out, np.random.default_rng(seed)) for _ in range(2))

def call_iterate_minibatches(func: Callable) -> Callable:
    """Three passes, every batch materialised: two calls with one generator, then one with a new one of the same
    seed."""
    def passes(X, Y, batch_size, seed):
        rng = np.random.default_rng(seed)
        calls = [(func, rng), (func, rng), (func, np.random.default_rng(seed))]
        return [[(np.asarray(b[0]), np.asarray(b[1])) for b in f(X, Y, batch_size, r)] for f, r in calls]
    return passes


def iterate_minibatches_cases(seed: int = 0, part: str = "coverage") -> list[Case]:
    """Data with identifiable rows: X[i, 0] == i; Y one-hot of i % K; tagged with the part."""
    cases = []
    for n, d, k, batch in [(23, 3, 4, 5), (20, 2, 3, 4), (7, 4, 2, 10), (9, 1, 3, 1)]:
        X = np.arange(n * d, dtype=np.float64).reshape(n, d) / d
        Y = np.eye(k)[np.arange(n) % k]
        label = f"X of shape ({n}, {d}), Y ({n}, {k}), batch_size={batch}"
        cases.append(Case(label, (X, Y, batch, seed + n), tags=frozenset({part})))
    return cases


# --- one SGD step -----------------------------------------------------------------------------------

def sgd_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """(params, X, Y, learning_rate) for the two-layer ReLU net."""
    rng = np.random.default_rng(seed)
    cases = []
    for n, d, hidden, k, lr in [(6, 4, 5, 3, 0.5), (4, 3, 3, 3, 0.1), (10, 2, 7, 4, 1.0)]:
        params = {"W1": rng.standard_normal((d, hidden)), "b1": 0.1 * rng.standard_normal(hidden),
                  "W2": rng.standard_normal((hidden, k)), "b2": 0.1 * rng.standard_normal(k)}
        X, Y = rng.standard_normal((n, d)), np.eye(k)[rng.integers(0, k, size=n)]
        cases.append(Case(f"X of shape ({n}, {d}), Y ({n}, {k}), W1 ({d}, {hidden}), W2 ({hidden}, {k}), "
                          f"learning_rate={lr}", (params, X, Y, lr)))
    return cases


sgd_step_cases = sgd_cases
