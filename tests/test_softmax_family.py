"""solutions_lib.softmax_family against SciPy, scikit-learn and numerical gradients."""

import numpy as np
import pytest
import scipy.special
from conftest import no_warnings
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import log_loss

from solutions_lib.softmax_family import (
    cross_entropy,
    cross_entropy_grad,
    log_softmax,
    logsumexp,
    softmax,
    softmax_loop,
)

shapes = st.tuples(st.integers(1, 8), st.integers(1, 8))


def logits(max_abs):
    return shapes.flatmap(lambda s: arrays(np.float64, s, elements=st.floats(-max_abs, max_abs)))


@st.composite
def logits_and_targets(draw, max_abs=30.0):
    Z = draw(logits(max_abs))
    y = np.array(draw(st.lists(st.integers(0, Z.shape[1] - 1), min_size=Z.shape[0], max_size=Z.shape[0])))
    return Z, np.eye(Z.shape[1])[y]


@given(logits(1e300))
def test_softmax_matches_scipy_and_is_a_distribution_without_overflow(Z):
    with no_warnings():
        P = softmax(Z)
    np.testing.assert_allclose(P, scipy.special.softmax(Z, axis=1), rtol=1e-7, atol=1e-10)
    assert P.shape == Z.shape and np.all((P >= 0) & (P <= 1))
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=0, atol=1e-12)


@given(logits(50.0), st.lists(st.floats(-1e3, 1e3), min_size=8, max_size=8))
def test_softmax_is_invariant_to_adding_a_constant_per_row(Z, shifts):
    c = np.array(shifts[: Z.shape[0]])[:, None]
    np.testing.assert_allclose(softmax(Z + c), softmax(Z), rtol=1e-7, atol=1e-10)


@given(logits(1e300))
def test_logsumexp_matches_scipy_without_overflow(Z):
    with no_warnings():
        got = logsumexp(Z)
    assert got.shape == (Z.shape[0],)
    np.testing.assert_allclose(got, scipy.special.logsumexp(Z, axis=1), rtol=1e-7, atol=1e-10)


@given(logits(1e300))
def test_log_softmax_matches_scipy_without_overflow(Z):
    with no_warnings():
        got = log_softmax(Z)
    np.testing.assert_allclose(got, scipy.special.log_softmax(Z, axis=1), rtol=1e-7, atol=1e-10)
    assert np.all(got <= 0)


@given(logits(700.0))
def test_exp_of_log_softmax_rows_sum_to_one(Z):
    np.testing.assert_allclose(np.exp(log_softmax(Z)).sum(axis=1), 1.0, rtol=0, atol=1e-12)


@given(logits(100.0))
def test_loop_softmax_equals_vectorized(Z):
    np.testing.assert_allclose(softmax_loop(Z), softmax(Z), rtol=1e-12, atol=1e-15)


@given(logits_and_targets(max_abs=10.0).filter(lambda c: c[0].shape[1] >= 2))
def test_cross_entropy_matches_sklearn_log_loss(case):
    Z, Y = case
    y = Y.argmax(axis=1)
    expected = log_loss(y, scipy.special.softmax(Z, axis=1), labels=np.arange(Z.shape[1]))
    np.testing.assert_allclose(cross_entropy(Z, Y), expected, rtol=1e-7)


@given(logits_and_targets(max_abs=1e300))
def test_cross_entropy_is_finite_and_matches_scipy_log_softmax(case):
    Z, Y = case
    with no_warnings():
        loss = cross_entropy(Z, Y)
    assert isinstance(loss, float) and np.isfinite(loss) and loss >= 0
    expected = -np.mean(scipy.special.log_softmax(Z, axis=1)[np.arange(len(Z)), Y.argmax(axis=1)])
    np.testing.assert_allclose(loss, expected, rtol=1e-7, atol=1e-10)


def numerical_gradient(f, Z, h=1e-5):
    """Central differences of scalar f at every entry of Z."""
    grad = np.zeros_like(Z)
    for index in np.ndindex(Z.shape):
        Zp, Zm = Z.copy(), Z.copy()
        Zp[index] += h
        Zm[index] -= h
        grad[index] = (f(Zp) - f(Zm)) / (2 * h)
    return grad


@pytest.mark.parametrize("seed, shape", [(0, (5, 3)), (1, (3, 5)), (2, (4, 4)), (3, (1, 2)), (4, (7, 10))])
def test_cross_entropy_grad_matches_numerical_gradient(seed, shape):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal(shape)
    Y = np.eye(shape[1])[rng.integers(0, shape[1], size=shape[0])]
    numeric = numerical_gradient(lambda z: cross_entropy(z, Y), Z)
    analytic = cross_entropy_grad(Z, Y)
    rel = np.max(np.abs(numeric - analytic) / np.maximum(1e-8, np.abs(numeric) + np.abs(analytic)))
    assert rel < 1e-7


def test_functions_do_not_modify_their_input():
    Z = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -5.0]])
    Y = np.eye(3)[[2, 0]]
    Z0, Y0 = Z.copy(), Y.copy()
    for f in (softmax, logsumexp, log_softmax, softmax_loop):
        f(Z)
    cross_entropy(Z, Y), cross_entropy_grad(Z, Y)
    np.testing.assert_array_equal(Z, Z0)
    np.testing.assert_array_equal(Y, Y0)


@pytest.mark.parametrize("call, match", [
    (lambda: softmax(np.ones(3)), r"Z must be 2-D with shape \(N, K\), got shape \(3,\)"),
    (lambda: log_softmax(np.ones((2, 0))), r"Z must have at least one column.*got shape \(2, 0\)"),
    (lambda: logsumexp(np.array([[1.0, np.nan]])), r"Z must be finite, got 1 nan or inf"),
    (lambda: cross_entropy(np.ones((2, 3)), np.eye(3)),
     r"Y must have shape \(2, 3\) like the logits, got shape \(3, 3\)"),
    (lambda: cross_entropy(np.ones((2, 2)), np.array([[0.5, 0.5], [1, 0]])), r"Y must be one-hot"),
    (lambda: cross_entropy_grad(np.ones((2, 2)), np.ones((2, 3))), r"Y must have shape \(2, 2\)"),
])
def test_bad_input_raises_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
