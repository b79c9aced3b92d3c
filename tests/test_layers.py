"""solutions_lib.layers against numerical gradients, scikit-learn and statistical properties."""

import numpy as np
import pytest
from conftest import no_warnings
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from solutions_lib import layers as L


def numerical_gradient_array(f, x, dout, h=1e-5):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = f(x).copy()
        x[index] = old - h
        minus = f(x).copy()
        x[index] = old
        grad[index] = np.sum((plus - minus) * dout) / (2 * h)
    return grad


def rel_error(a, b):
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))


@pytest.mark.parametrize("n, d, m", [(5, 3, 4), (4, 4, 4), (1, 6, 2)])
def test_affine_backward_matches_central_differences(n, d, m):
    rng = np.random.default_rng(n * 100 + d)
    x, W = rng.standard_normal((n, d)), rng.standard_normal((d, m))
    b, dout = rng.standard_normal(m), rng.standard_normal((n, m))
    out, cache = L.affine_forward(x, W, b)
    assert cache[0] is x and cache[1] is W and cache[2] is b
    dx, dW, db = L.affine_backward(dout, cache)
    assert rel_error(dx, numerical_gradient_array(lambda v: L.affine_forward(v, W, b)[0], x.copy(), dout)) < 1e-7
    assert rel_error(dW, numerical_gradient_array(lambda v: L.affine_forward(x, v, b)[0], W.copy(), dout)) < 1e-7
    assert rel_error(db, numerical_gradient_array(lambda v: L.affine_forward(x, W, v)[0], b.copy(), dout)) < 1e-7


@pytest.mark.parametrize("layer", ["relu", "sigmoid", "tanh"])
def test_activation_backward_matches_central_differences(layer):
    forward, backward = getattr(L, f"{layer}_forward"), getattr(L, f"{layer}_backward")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 5, 2))
    x += 0.05 * np.sign(x)  # away from ReLU's kink
    dout = rng.standard_normal(x.shape)
    dx = backward(dout, forward(x)[1])
    assert rel_error(dx, numerical_gradient_array(lambda v: forward(v)[0], x.copy(), dout)) < 1e-7


def test_caches_are_pinned():
    x = np.array([[-1.0, 2.0]])
    assert L.relu_forward(x)[1] is x
    out, cache = L.sigmoid_forward(x)
    assert np.array_equal(cache, out)


def test_sigmoid_is_stable_and_matches_the_formula():
    x = np.array([-1000.0, -745.0, -30.0, 0.0, 30.0, 745.0, 1000.0])
    with no_warnings():
        out, _ = L.sigmoid_forward(x)
    moderate = np.abs(x) < 700
    np.testing.assert_allclose(out[moderate], 1 / (1 + np.exp(-x[moderate])), rtol=1e-12)
    assert out[0] == 0.0 and out[-1] == 1.0 and np.all(np.diff(out) >= 0)


def test_softmax_cross_entropy_gradient_matches_central_differences():
    rng = np.random.default_rng(3)
    logits, Y = rng.standard_normal((6, 4)), np.eye(4)[rng.integers(0, 4, size=6)]
    numeric = numerical_gradient_array(lambda v: np.array(L.softmax_cross_entropy(v, Y)[0]), logits.copy(),
                                       np.array(1.0))
    assert rel_error(L.softmax_cross_entropy(logits, Y)[1], numeric) < 1e-7


def test_xavier_uniform_bounds_variance_and_reproducibility():
    W = L.xavier_uniform(300, 200, np.random.default_rng(0))
    a = np.sqrt(6 / 500)
    assert W.shape == (300, 200) and np.abs(W).max() <= a
    assert abs(W.var() / (a * a / 3) - 1) < 0.05 and abs(W.mean()) < 0.01 * a
    assert np.array_equal(W, L.xavier_uniform(300, 200, np.random.default_rng(0)))


def test_minibatches_cover_every_row_once_paired_and_reshuffle():
    X, Y = np.arange(23.0)[:, None], np.arange(23)[:, None] % 3
    rng = np.random.default_rng(0)
    orders = []
    for _ in range(2):
        batches = list(L.iterate_minibatches(X, Y, 5, rng))
        assert [len(b[0]) for b in batches] == [5, 5, 5, 5, 3]
        rows = np.concatenate([b[0][:, 0] for b in batches]).astype(int)
        assert sorted(rows) == list(range(23))
        assert all(np.array_equal(yb[:, 0], xb[:, 0].astype(int) % 3) for xb, yb in batches)
        orders.append(rows)
    assert not np.array_equal(orders[0], orders[1]) and not np.array_equal(orders[0], np.arange(23))


def test_sgd_step_does_not_modify_params_and_lowers_the_loss():
    rng = np.random.default_rng(0)
    params = L.init_two_layer(4, 8, 3, rng)
    before = {k: v.copy() for k, v in params.items()}
    X, Y = rng.standard_normal((20, 4)), np.eye(3)[rng.integers(0, 3, size=20)]
    loss0, new = L.sgd_step(params, X, Y, 0.1)
    assert all(np.array_equal(params[k], before[k]) for k in params)
    assert L.sgd_step(new, X, Y, 0.1)[0] < loss0


def test_trained_models_reach_the_stated_accuracy_near_sklearn():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    Y_train = np.eye(10)[y_train]
    rng = np.random.default_rng(0)
    params = L.init_two_layer(64, 64, 10, rng)
    W, b = np.zeros((64, 10)), np.zeros(10)
    for _ in range(30):
        for Xb, Yb in L.iterate_minibatches(X_train, Y_train, 32, rng):
            _, params = L.sgd_step(params, Xb, Yb, 0.5)
            logits, cache = L.affine_forward(Xb, W, b)
            _, d = L.softmax_cross_entropy(logits, Yb)
            _, dW, db = L.affine_backward(d, cache)
            W, b = W - 0.5 * dW, b - 0.5 * db
    logistic = np.mean((X_test @ W + b).argmax(axis=1) == y_test)
    two_layer = np.mean(L.predict(params, X_test) == y_test)
    anchor = LogisticRegression(max_iter=2000).fit(X_train, y_train).score(X_test, y_test)
    assert logistic >= 0.95 and two_layer >= 0.97
    assert abs(logistic - anchor) < 0.03


@pytest.mark.parametrize("call, match", [
    (lambda: L.affine_forward(np.ones((2, 3)), np.ones((4, 5)), np.ones(5)),
     r"x must be \(N, D\) and W \(D, M\) with matching D, got \(2, 3\) and \(4, 5\)"),
    (lambda: L.affine_forward(np.ones((2, 3)), np.ones((3, 5)), np.ones(4)), r"b must have shape \(5,\), got \(4,\)"),
    (lambda: list(L.iterate_minibatches(np.ones((3, 1)), np.ones((4, 1)), 2, np.random.default_rng())),
     r"X and Y must have the same number of rows, got 3 and 4"),
    (lambda: list(L.iterate_minibatches(np.ones((3, 1)), np.ones((3, 1)), 0, np.random.default_rng())),
     r"batch_size must be a positive integer, got 0"),
])
def test_bad_input_raises_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
