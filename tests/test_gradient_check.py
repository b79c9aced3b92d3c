"""solutions_lib.gradient_check against analytic gradients, scipy.differentiate and every layer of the course."""

import numpy as np
import pytest
from scipy.differentiate import jacobian

from solutions_lib import convolution, layers
from solutions_lib.gradient_check import (
    numerical_gradient,
    numerical_gradient_array,
    relative_error,
    sparse_gradient_check,
)


def test_numerical_gradient_of_a_quadratic_form_is_exact_up_to_rounding():
    rng = np.random.default_rng(0)
    A, x = rng.standard_normal((4, 4)), rng.standard_normal(4)
    f = lambda v: float(v @ A @ v)  # noqa: E731
    assert relative_error(numerical_gradient(f, x), (A + A.T) @ x) < 1e-9


def test_numerical_gradient_matches_scipy_differentiate():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 2))
    f = lambda v: np.sum(np.sin(v) * np.exp(v / 3)) + np.prod(v[:, 0])  # noqa: E731

    def batched(flat):  # scipy evaluates many points at once: (6, ...) -> (...)
        columns = flat.reshape(6, -1)
        return np.array([f(columns[:, k].reshape(3, 2)) for k in range(columns.shape[1])]).reshape(flat.shape[1:])

    oracle = jacobian(batched, x.ravel()).df
    assert relative_error(numerical_gradient(f, x.copy()), oracle.reshape(3, 2)) < 1e-8


def test_x_is_perturbed_in_place_and_restored_exactly():
    x = np.array([[0.1, -2.0], [3.3, 0.5]])
    before = x.copy()
    grad = numerical_gradient(lambda _: float(np.sum(x ** 3)), x)     # f reads x through a closure
    assert np.array_equal(x, before)
    assert relative_error(grad, 3 * before ** 2) < 1e-8


def test_integer_and_float32_inputs_are_differentiated_in_float64():
    for x in (np.array([1, 2, -3]), np.array([1.0, 2.0, -3.0], dtype=np.float32)):
        grad = numerical_gradient(lambda v: float(np.sum(v.astype(np.float64) ** 2)), x)
        assert grad.dtype == np.float64
        assert relative_error(grad, 2.0 * x) < 1e-9


def test_numerical_gradient_array_copies_views_of_x():
    """f returns a view of x; without copies the plus and minus evaluations would be the same array."""
    rng = np.random.default_rng(2)
    x, dout = rng.standard_normal((3, 4)), rng.standard_normal((4, 3))
    assert relative_error(numerical_gradient_array(lambda v: v.T, x, dout), dout.T) < 1e-9


@pytest.mark.parametrize("layer", ["affine", "relu", "sigmoid", "tanh"])
def test_numerical_gradient_array_checks_every_layer(layer):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 5))
    x += 0.05 * np.sign(x)
    if layer == "affine":
        W, b = rng.standard_normal((5, 3)), rng.standard_normal(3)
        out, cache = layers.affine_forward(x, W, b)
        dout = rng.standard_normal(out.shape)
        dx, dW, db = layers.affine_backward(dout, cache)
        numeric_dW = numerical_gradient_array(lambda v: layers.affine_forward(x, v, b)[0], W.copy(), dout)
        numeric_db = numerical_gradient_array(lambda v: layers.affine_forward(x, W, v)[0], b.copy(), dout)
        assert relative_error(dW, numeric_dW) < 1e-8 and relative_error(db, numeric_db) < 1e-8
        forward = lambda v: layers.affine_forward(v, W, b)[0]  # noqa: E731
    else:
        forward_pass, backward_pass = getattr(layers, f"{layer}_forward"), getattr(layers, f"{layer}_backward")
        out, cache = forward_pass(x)
        dout = rng.standard_normal(out.shape)
        dx = backward_pass(dout, cache)
        forward = lambda v: forward_pass(v)[0]  # noqa: E731
    assert relative_error(dx, numerical_gradient_array(forward, x.copy(), dout)) < 1e-7


def test_checks_the_convolution_and_the_loss():
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
    out, cache = convolution.conv_forward_fast(x, w, b, 2, 1)
    dout = rng.standard_normal(out.shape)
    _, dw, _ = convolution.conv_backward_fast(dout, cache)
    assert relative_error(dw, numerical_gradient_array(
        lambda v: convolution.conv_forward_fast(x, v, b, 2, 1)[0], w.copy(), dout)) < 1e-8
    logits, Y = rng.standard_normal((5, 4)), np.eye(4)[[0, 1, 2, 3, 0]]
    numeric = numerical_gradient(lambda v: layers.softmax_cross_entropy(v, Y)[0], logits.copy())
    assert relative_error(layers.softmax_cross_entropy(logits, Y)[1], numeric) < 1e-7


def test_a_planted_bug_is_far_above_the_threshold():
    rng = np.random.default_rng(5)
    x, W, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    dout = rng.standard_normal((4, 2))
    wrong_dW = x.T @ dout / 4
    numeric = numerical_gradient_array(lambda v: layers.affine_forward(x, v, b)[0], W.copy(), dout)
    assert relative_error(wrong_dW, numeric) > 0.1


def test_relative_error_definition_and_zeros():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(1.0, 1.0 + 1e-6) == pytest.approx(1e-6 / (2 + 1e-6))
    assert relative_error(np.array([0.0, 2.0]), np.array([1e-9, 2.0])) == pytest.approx(1e-9 / 1e-8)
    assert relative_error(np.array([[1.0, -1.0]]), np.array([[1.0, 1.0]])) == 1.0
    with pytest.raises(ValueError, match=r"a and b must have the same shape, got \(2,\) and \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


def test_central_differences_beat_one_sided_ones():
    """Truncation error: O(h^2) for central differences, O(h) for one-sided."""
    x = np.array([0.7])
    exact = np.cos(0.7)
    for h in (1e-2, 1e-3):
        central = numerical_gradient(lambda v: float(np.sin(v[0])), x, h=h)[0]
        one_sided = (np.sin(0.7 + h) - np.sin(0.7)) / h
        assert abs(central - exact) < 0.2 * h ** 2
        assert abs(one_sided - exact) > 0.2 * h


def test_sparse_check_samples_distinct_valid_entries_and_reports_their_errors():
    rng = np.random.default_rng(6)
    W = rng.standard_normal((20, 30))
    grad = 2 * W
    grad[3, 4] += 1.0                                    # one planted wrong entry
    indices, errors = sparse_gradient_check(lambda v: float(np.sum(v ** 2)), W, grad, 200, np.random.default_rng(0))
    assert indices.shape == (200, 2) and errors.shape == (200,)
    assert len({tuple(i) for i in indices}) > 150
    for index, error in zip(map(tuple, indices), errors):
        assert (error > 1e-3) == (index == (3, 4))
        assert error == pytest.approx(relative_error(2 * W[index], grad[index]), abs=1e-7)
    again, _ = sparse_gradient_check(lambda v: float(np.sum(v ** 2)), W, grad, 200, np.random.default_rng(0))
    assert np.array_equal(indices, again)


def test_bad_inputs_raise_value_errors():
    with pytest.raises(ValueError, match="x must be a NumPy array, got list"):
        numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"analytic_grad must have x's shape \(2, 2\), got \(4,\)"):
        sparse_gradient_check(lambda v: 0.0, np.zeros((2, 2)), np.zeros(4), 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"dout must have the shape of f\(x\), \(2,\), got shape \(3,\)"):
        numerical_gradient_array(lambda v: v, np.zeros(2), np.zeros(3))
