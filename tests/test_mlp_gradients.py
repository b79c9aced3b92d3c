"""solutions_lib.mlp_gradients against numerical gradients and seed 000's printed values."""

import numpy as np
import pytest
from sklearn.datasets import load_iris

from solutions_lib.mlp_gradients import compute_gradients, forward
from solutions_lib.softmax_family import cross_entropy


def seed_000_setup():
    X, y = load_iris(return_X_y=True)
    X = X[:, :2] - X[:, :2].mean(axis=0)
    np.random.seed(0)
    theta = {"W1": np.random.randn(2, 10), "b1": np.random.randn(10),
             "W2": np.random.randn(10, 3), "b2": np.random.randn(3)}
    return X, y, theta


def test_reproduces_seed_000_printed_gradients():
    grads = compute_gradients(*seed_000_setup())
    np.testing.assert_allclose(grads["b2"], [-0.29643435, 0.59559785, -0.2991635], atol=1e-8)
    np.testing.assert_allclose(grads["W2"][:3], [[4.78180322e-11, 3.17365767e-02, -3.17365767e-02],
                                                 [-2.89296255e-01, 5.62840257e-01, -2.73544002e-01],
                                                 [-1.42266016e-01, 6.53427386e-01, -5.11161370e-01]], atol=1e-8)
    np.testing.assert_allclose(grads["b1"][[0, 4, 9]], [5.90775856e-02, 1.74727058e+00, -3.58945020e-01], atol=1e-8)
    np.testing.assert_allclose(grads["W1"][1, [1, 4]], [2.20529616e-01, 4.33449051e-01], atol=1e-8)


def loss(X, y, theta):
    return cross_entropy(forward(X, theta)[1], np.eye(theta["W2"].shape[1])[y])


@pytest.mark.parametrize("seed, n, d, hidden, k", [(0, 7, 2, 5, 3), (1, 4, 4, 4, 4), (2, 12, 3, 8, 2)])
def test_matches_central_differences(seed, n, d, hidden, k):
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((n, d)), rng.integers(0, k, size=n)
    theta = {"W1": rng.standard_normal((d, hidden)), "b1": rng.standard_normal(hidden),
             "W2": rng.standard_normal((hidden, k)), "b2": rng.standard_normal(k)}
    a = X @ theta["W1"] + theta["b1"]
    assert np.abs(a).min() > 1e-3, "test inputs must stay away from ReLU's kink"
    grads = compute_gradients(X, y, theta)
    h = 1e-5
    for key, value in theta.items():
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            plus = {k2: v.copy() for k2, v in theta.items()}
            minus = {k2: v.copy() for k2, v in theta.items()}
            plus[key][index] += h
            minus[key][index] -= h
            numeric[index] = (loss(X, y, plus) - loss(X, y, minus)) / (2 * h)
        rel = np.max(np.abs(numeric - grads[key]) / np.maximum(1e-8, np.abs(numeric) + np.abs(grads[key])))
        assert rel < 1e-6, (key, rel)


def test_bad_input_raises_value_error_naming_the_argument():
    X, y, theta = seed_000_setup()
    with pytest.raises(ValueError, match=r"theta\['W1'\] must have shape \(3, H\)"):
        compute_gradients(np.ones((5, 3)), y[:5], theta)
    with pytest.raises(ValueError, match=r"y must have shape \(150,\) with labels in \[0, 3\)"):
        compute_gradients(X, y[:10], theta)
    with pytest.raises(ValueError, match=r"theta must be a dict with keys"):
        compute_gradients(X, y, {"W1": theta["W1"]})
