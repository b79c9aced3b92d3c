"""solutions_lib.encoding against scikit-learn, with property tests."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.preprocessing import LabelEncoder, OneHotEncoder, label_binarize

from solutions_lib.encoding import decode, encode_labels, one_hot, one_hot_broadcast


@st.composite
def labels_and_k(draw, min_k=1):
    k = draw(st.integers(min_k, 12))
    n = draw(st.integers(1, 40))
    y = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    return y, k


@given(labels_and_k())
def test_one_hot_matches_sklearn_one_hot_encoder(case):
    y, k = case
    encoder = OneHotEncoder(categories=[np.arange(k)], sparse_output=False)
    expected = encoder.fit_transform(y.reshape(-1, 1))
    got = one_hot(y, num_classes=k)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, expected)


@given(labels_and_k(min_k=3))
def test_one_hot_matches_label_binarize_for_three_or_more_classes(case):
    y, k = case
    np.testing.assert_array_equal(one_hot(y, k), label_binarize(y, classes=np.arange(k)))


def test_label_binarize_two_class_pitfall_is_one_column():
    y = np.array([1, 0, 0, 1, 1])
    binarized = label_binarize(y, classes=[0, 1])
    assert binarized.shape == (5, 1)
    got = one_hot(y)
    assert got.shape == (5, 2)
    np.testing.assert_array_equal(got[:, 1:], binarized)


@given(labels_and_k())
def test_default_width_is_max_label_plus_one(case):
    y, _ = case
    assert one_hot(y).shape == (len(y), y.max() + 1)


@given(labels_and_k())
def test_broadcast_form_equals_fancy_indexing(case):
    y, k = case
    np.testing.assert_array_equal(one_hot_broadcast(y, k), one_hot(y, k))


@given(labels_and_k())
def test_decode_inverts_one_hot(case):
    y, k = case
    np.testing.assert_array_equal(decode(one_hot(y, k)), y)


@pytest.mark.parametrize("labels", [
    np.array(["dog", "cat", "bird", "cat"]),
    np.array([True, False, False, True]),
    np.array([10, 3, 7, 3, 10]),
    np.array([-5, 42, 0, -5]),
    np.array(["only"]),
])
def test_encode_labels_matches_sklearn_label_encoder(labels):
    encoder = LabelEncoder().fit(labels)
    classes, indices = encode_labels(labels)
    np.testing.assert_array_equal(classes, encoder.classes_)
    np.testing.assert_array_equal(indices, encoder.transform(labels))
    np.testing.assert_array_equal(classes[indices], labels)
    assert np.issubdtype(indices.dtype, np.integer)


def test_functions_do_not_modify_their_input():
    y = np.array([2, 0, 1, 2])
    before = y.copy()
    one_hot(y), one_hot_broadcast(y, 3), encode_labels(y)
    np.testing.assert_array_equal(y, before)


@pytest.mark.parametrize("call, match", [
    (lambda: one_hot(np.array([0, 3]), num_classes=3), r"y must hold labels in \[0, 3\).*got 3 at index 1"),
    (lambda: one_hot(np.array([0, -1])), r"got -1 at index 1"),
    (lambda: one_hot(np.array([[0, 1]])), r"y must be 1-D with shape \(N,\), got shape \(1, 2\)"),
    (lambda: one_hot(np.array([0.5, 1.0])), r"y must hold integer labels, got dtype float64"),
    (lambda: one_hot(np.array([True, False])), r"y must hold integer labels, got dtype bool"),
    (lambda: one_hot(np.array([0, 1]), num_classes=0), r"num_classes must be a positive integer"),
    (lambda: one_hot_broadcast(np.array([0, 5]), 5), r"y must hold labels in \[0, 5\)"),
    (lambda: encode_labels(np.zeros((2, 2))), r"labels must be 1-D with shape \(N,\), got shape \(2, 2\)"),
    (lambda: decode(np.zeros(3)), r"Y must be 2-D with shape \(N, K\).*got shape \(3,\)"),
])
def test_bad_input_raises_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
