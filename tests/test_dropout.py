"""solutions_lib.dropout against numerical gradients, exact binomial statistics and its own contract."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from test_layers import numerical_gradient_array, rel_error

from solutions_lib.dropout import dropout_backward, dropout_forward


@given(st.integers(0, 2**32 - 1), st.sampled_from([0.0, 0.1, 0.5, 0.9]),
       st.lists(st.integers(1, 6), min_size=1, max_size=3))
@settings(max_examples=60, deadline=None)
def test_training_pass_is_x_times_mask_over_keep_probability(seed, p, shape):
    x = np.random.default_rng(seed).standard_normal(shape)
    out, (mask, cached_p) = dropout_forward(x, p, train=True, rng=np.random.default_rng(seed))
    assert mask.dtype == bool and mask.shape == x.shape and cached_p == p
    np.testing.assert_allclose(out, np.where(mask, x / (1 - p), 0.0), rtol=1e-15, atol=0)
    again, (mask_again, _) = dropout_forward(x, p, train=True, rng=np.random.default_rng(seed))
    assert np.array_equal(mask, mask_again) and np.array_equal(out, again)


def test_test_time_is_the_identity_and_needs_no_rng():
    x = np.random.default_rng(0).standard_normal((3, 4))
    state = np.random.get_state()[1].copy()
    out, (mask, p) = dropout_forward(x, 0.7, train=False)
    assert np.array_equal(out, x) and mask.all() and mask.dtype == bool and p == 0.7
    assert np.array_equal(np.random.get_state()[1], state), "nothing is drawn, from np.random least of all"


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_kept_count_is_binomial_and_the_expected_activation_is_unchanged(p):
    x = np.ones((400, 500))
    out, (mask, _) = dropout_forward(x, p, train=True, rng=np.random.default_rng(int(10 * p)))
    kept, n = int(mask.sum()), mask.size
    # a two-sided binomial test of keep probability 1 - p; fails with probability 1e-6 for this fixed seed
    assert stats.binomtest(kept, n, 1 - p).pvalue > 1e-6
    assert abs(out.mean() - 1.0) < 5 * np.sqrt(p / ((1 - p) * n))
    # every unit of every sample is drawn on its own: kept counts per row and per column spread binomially
    # (a mask shared by the rows, or by the columns, gives a variance of 0 one way and far too large the other)
    for counts, width in [(mask.sum(axis=1), 500), (mask.sum(axis=0), 400)]:
        assert 0.7 < counts.var() / (width * p * (1 - p)) < 1.3


@pytest.mark.parametrize("shape, p", [((4, 5), 0.3), ((2, 3, 4), 0.6), ((7,), 0.0)])
def test_backward_matches_central_differences_with_the_mask_fixed(shape, p):
    rng = np.random.default_rng(len(shape))
    x, dout = rng.standard_normal(shape), rng.standard_normal(shape)
    _, cache = dropout_forward(x, p, train=True, rng=np.random.default_rng(11))
    dx = dropout_backward(dout, cache)
    numeric = numerical_gradient_array(lambda v: dropout_forward(v, p, train=True, rng=np.random.default_rng(11))[0],
                                       x.copy(), dout)
    assert rel_error(dx, numeric) < 1e-7
    assert np.all(dx[~cache[0]] == 0)


@pytest.mark.parametrize("p", [1.0, -0.1, 1.5, float("nan"), True, "0.5"])
def test_p_outside_zero_one_is_a_value_error_naming_p(p):
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\)"):
        dropout_forward(np.ones(3), p, train=True, rng=np.random.default_rng(0))


def test_training_without_a_generator_is_a_value_error_naming_rng():
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        dropout_forward(np.ones(3), 0.5, train=True)
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator"):
        dropout_forward(np.ones(3), 0.5, train=True, rng=np.random.RandomState(0))


def test_backward_names_a_dout_of_the_wrong_shape():
    _, cache = dropout_forward(np.ones((2, 3)), 0.5, train=True, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"dout must have the mask's shape \(2, 3\), got \(3, 2\)"):
        dropout_backward(np.ones((3, 2)), cache)


def test_inputs_are_not_modified():
    x, dout = np.random.default_rng(1).standard_normal((2, 2, 3)), np.ones((2, 2, 3))
    x0, dout0 = x.copy(), dout.copy()
    _, cache = dropout_forward(x, 0.5, train=True, rng=np.random.default_rng(1))
    mask0 = cache[0].copy()
    dropout_backward(dout, cache)
    assert np.array_equal(x, x0) and np.array_equal(dout, dout0) and np.array_equal(cache[0], mask0)
