"""solutions_lib.convolution against scipy.signal, numerical gradients and seed 004's values."""

import numpy as np
import pytest
from conftest import no_warnings
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal
from test_layers import numerical_gradient_array, rel_error

from solutions_lib import convolution as conv

LAYERS = {
    "naive": (conv.conv_forward_naive, conv.conv_backward_naive),
    "fast": (conv.conv_forward_fast, conv.conv_backward_fast),
}


def scipy_forward(x, w, b, stride, pad):
    """The layer from scipy.signal.correlate: a 'valid' 3-D correlation over (C, H, W) per sample and filter."""
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    return np.array([[signal.correlate(xp[n], w[f], mode="valid")[0, ::stride, ::stride] + b[f]
                      for f in range(w.shape[0])] for n in range(x.shape[0])])


# (x shape, w shape, stride, pad): N = 1, C = 1, non-square input and kernel, stride 1..3, pad 0..3,
# strides that do not divide evenly, a kernel as large as the padded input.
SHAPES = [
    ((1, 1, 5, 5), (1, 1, 3, 3), 1, 0),
    ((2, 3, 7, 5), (4, 3, 3, 2), 1, 1),
    ((3, 2, 8, 8), (2, 2, 3, 3), 2, 0),
    ((2, 1, 9, 6), (3, 1, 2, 4), 3, 2),
    ((1, 4, 6, 9), (2, 4, 5, 1), 2, 3),
    ((2, 2, 4, 4), (3, 2, 4, 4), 1, 0),
    ((2, 3, 4, 4), (3, 3, 4, 4), 2, 1),
    ((4, 2, 5, 7), (5, 2, 3, 3), 3, 1),
    ((1, 1, 3, 3), (1, 1, 1, 1), 1, 3),
    ((2, 2, 10, 3), (2, 2, 1, 3), 2, 0),
]


def test_seed_004_reference_output():
    """Seed 004's y_ref for its linspace inputs with stride 2 and pad 1."""
    x = np.linspace(-0.1, 0.5, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    w = np.linspace(-0.2, 0.3, num=3 * 3 * 4 * 4).reshape(3, 3, 4, 4)
    b = np.linspace(-0.1, 0.2, num=3)
    y_ref = np.array([[[[-0.08759809, -0.10987781], [-0.18387192, -0.2109216]],
                       [[0.21027089, 0.21661097], [0.22847626, 0.23004637]],
                       [[0.50813986, 0.54309974], [0.64082444, 0.67101435]]],
                      [[[-0.98053589, -1.03143541], [-1.19128892, -1.24695841]],
                       [[0.69108355, 0.66880383], [0.59480972, 0.56776003]],
                       [[2.36270298, 2.36904306], [2.38090835, 2.38247847]]]])
    for forward, _ in LAYERS.values():
        y, cache = forward(x, w, b, stride=2, pad=1)
        assert y.shape == (2, 3, 2, 2)
        assert np.max(np.abs(y - y_ref)) / np.max(np.abs(y) + np.abs(y_ref)) < 1e-8
        assert cache[0] is not None and cache[3:] == (2, 1)


@pytest.mark.parametrize("x_shape, w_shape, stride, pad", SHAPES)
@pytest.mark.parametrize("layer", LAYERS)
def test_forward_matches_scipy_correlate(layer, x_shape, w_shape, stride, pad):
    rng = np.random.default_rng(sum(x_shape) + stride * 10 + pad)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    out, cache = LAYERS[layer][0](x, w, b, stride, pad)
    expected = scipy_forward(x, w, b, stride, pad)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)
    assert all(a is c for a, c in zip(cache[:3], (x, w, b))) and cache[3:] == (stride, pad)


@pytest.mark.parametrize("x_shape, w_shape, stride, pad", SHAPES)
@pytest.mark.parametrize("layer", LAYERS)
def test_backward_matches_central_differences(layer, x_shape, w_shape, stride, pad):
    forward, backward = LAYERS[layer]
    rng = np.random.default_rng(sum(w_shape) + stride + 7 * pad)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    out, cache = forward(x, w, b, stride, pad)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = backward(dout, cache)
    assert (dx.shape, dw.shape, db.shape) == (x.shape, w.shape, b.shape)
    assert rel_error(dx, numerical_gradient_array(lambda v: forward(v, w, b, stride, pad)[0], x.copy(), dout)) < 1e-7
    assert rel_error(dw, numerical_gradient_array(lambda v: forward(x, v, b, stride, pad)[0], w.copy(), dout)) < 1e-7
    assert rel_error(db, numerical_gradient_array(lambda v: forward(x, w, v, stride, pad)[0], b.copy(), dout)) < 1e-7


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 3), f=st.integers(1, 3), h=st.integers(1, 9), w_=st.integers(1, 9),
       hh=st.integers(1, 4), ww=st.integers(1, 4), stride=st.integers(1, 3), pad=st.integers(0, 3),
       seed=st.integers(0, 2**16))
def test_fast_equals_naive_everywhere(n, c, f, h, w_, hh, ww, stride, pad, seed):
    """Forward and backward of the two versions agree on any shapes where the kernel fits."""
    if hh > h + 2 * pad or ww > w_ + 2 * pad:
        return
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal((n, c, h, w_)), rng.standard_normal((f, c, hh, ww)), rng.standard_normal(f)
    with no_warnings():
        out, cache = conv.conv_forward_fast(x, w, b, stride, pad)
        ref, ref_cache = conv.conv_forward_naive(x, w, b, stride, pad)
        np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)
        dout = rng.standard_normal(out.shape)
        for got, want in zip(conv.conv_backward_fast(dout, cache), conv.conv_backward_naive(dout, ref_cache)):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_inputs_are_not_modified():
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
    for forward, backward in LAYERS.values():
        copies = [a.copy() for a in (x, w, b)]
        out, cache = forward(x, w, b, 2, 1)
        dout = rng.standard_normal(out.shape)
        dout_copy = dout.copy()
        backward(dout, cache)
        assert all(np.array_equal(a, c) for a, c in zip((x, w, b, dout), copies + [dout_copy]))


@pytest.mark.parametrize("size, kernel, stride, pad, expected", [
    (5, 3, 1, 0, 3), (4, 4, 2, 1, 2), (8, 3, 2, 0, 3), (7, 3, 3, 1, 3), (1, 1, 1, 0, 1), (3, 5, 1, 1, 1)])
def test_conv_output_size(size, kernel, stride, pad, expected):
    assert conv.conv_output_size(size, kernel, stride, pad) == expected
    assert len(range(0, size + 2 * pad - kernel + 1, stride)) == expected  # one window per start


def test_zero_pad_pads_only_the_spatial_axes():
    x = np.arange(2 * 3 * 2 * 4, dtype=float).reshape(2, 3, 2, 4)
    padded = conv.zero_pad(x, 2)
    assert padded.shape == (2, 3, 6, 8)
    assert np.array_equal(padded[:, :, 2:-2, 2:-2], x) and padded.sum() == x.sum()
    assert np.array_equal(conv.zero_pad(x, 0), x)


def test_correlation_and_convolution_differ_by_a_flip():
    rng = np.random.default_rng(0)
    image, kernel = rng.standard_normal((6, 7)), np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    np.testing.assert_allclose(conv.correlate2d(image, kernel), signal.correlate2d(image, kernel, mode="valid"))
    np.testing.assert_allclose(conv.convolve2d(image, kernel), signal.convolve2d(image, kernel, mode="valid"))
    assert not np.allclose(conv.correlate2d(image, kernel), conv.convolve2d(image, kernel))


@pytest.mark.parametrize("args, message", [
    (((2, 3, 5, 5), (4, 2, 3, 3), (4,)), r"w must have shape \(F, 3, HH, WW\).*got shape \(4, 2, 3, 3\)"),
    (((2, 3, 5), (4, 3, 3, 3), (4,)), r"x must be 4-D with shape \(N, C, H, W\), got shape \(2, 3, 5\)"),
    (((2, 3, 5, 5), (4, 3, 3, 3), (3,)), r"b must have shape \(4,\).*got shape \(3,\)"),
    (((2, 3, 2, 2), (4, 3, 3, 3), (4,)), r"kernel must fit in the padded input"),
])
@pytest.mark.parametrize("layer", LAYERS)
def test_bad_shapes_raise_value_errors_naming_the_argument(layer, args, message):
    x, w, b = (np.zeros(s) for s in args)
    with pytest.raises(ValueError, match=message):
        LAYERS[layer][0](x, w, b)


@pytest.mark.parametrize("stride, pad, message", [(0, 0, "stride must be an integer >= 1"), (1.5, 0, "stride"),
                                                  (1, -1, "pad must be an integer >= 0"), (True, 0, "stride")])
def test_bad_stride_or_pad_raise(stride, pad, message):
    with pytest.raises(ValueError, match=message):
        conv.conv_forward_fast(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 2, 2)), np.zeros(1), stride, pad)


@pytest.mark.parametrize("layer", LAYERS)
def test_dout_of_the_wrong_shape_raises(layer):
    forward, backward = LAYERS[layer]
    _, cache = forward(np.zeros((2, 1, 5, 5)), np.zeros((3, 1, 3, 3)), np.zeros(3), 2, 0)
    with pytest.raises(ValueError, match=r"dout must have the output's shape \(2, 3, 2, 2\), got shape \(2, 3, 3, 3\)"):
        backward(np.zeros((2, 3, 3, 3)), cache)
