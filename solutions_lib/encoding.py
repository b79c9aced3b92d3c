"""One-hot encoding: from class labels to indicator rows and back.

Assignment ``01_one_hot``. A label vector ``y`` of N integers in ``[0, K)``
becomes an (N, K) matrix ``Y`` with ``Y[i, y[i]] = 1`` and zeros elsewhere.
"""

import numpy as np

from solutions_lib._validation import as_label_vector


def _num_classes(y, num_classes):
    """Return K for labels ``y`` (validated), checking every label is in [0, K)."""
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    elif isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive integer or None, got {num_classes!r}")
    bad = (y < 0) | (y >= num_classes)
    if np.any(bad):
        raise ValueError(
            f"y must hold labels in [0, {num_classes}) for num_classes={num_classes}, "
            f"got {y[bad][0]} at index {np.flatnonzero(bad)[0]}"
        )
    return int(num_classes)


def one_hot(y, num_classes=None):
    """One-hot encode integer labels by fancy indexing.

    Parameters
    ----------
    y : array_like of int, shape (N,)
        Class labels in ``[0, K)``.
    num_classes : int, optional
        K, the number of columns. Defaults to ``y.max() + 1``.

    Returns
    -------
    Y : ndarray of float64, shape (N, K)
        ``Y[i, y[i]] == 1`` and every other entry is 0.

    Raises
    ------
    ValueError
        If ``y`` is not a 1-D integer array, or a label is outside ``[0, K)``.
    """
    y = as_label_vector(y, "y")
    K = _num_classes(y, num_classes)
    Y = np.zeros((y.shape[0], K))
    Y[np.arange(y.shape[0]), y] = 1.0
    return Y


def one_hot_broadcast(y, num_classes):
    """One-hot encode integer labels in one broadcasting expression.

    ``y[:, None]`` has shape (N, 1) and ``np.arange(K)`` shape (K,); ``==``
    broadcasts them to an (N, K) boolean matrix, true where the column is the
    row's label.

    Parameters
    ----------
    y : array_like of int, shape (N,)
        Class labels in ``[0, num_classes)``.
    num_classes : int
        K, the number of columns.

    Returns
    -------
    Y : ndarray of float64, shape (N, K)
    """
    y = as_label_vector(y, "y")
    K = _num_classes(y, num_classes)
    return (y[:, None] == np.arange(K)).astype(np.float64)


def encode_labels(labels):
    """Map arbitrary labels (ints, strings, bools) to integer indices.

    Parameters
    ----------
    labels : array_like, shape (N,)
        Any sortable labels.

    Returns
    -------
    classes : ndarray, shape (K,)
        The sorted unique labels.
    indices : ndarray of int, shape (N,)
        Indices into ``classes`` with ``classes[indices] == labels``.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D with shape (N,), got shape {labels.shape}")
    classes, indices = np.unique(labels, return_inverse=True)
    return classes, indices.reshape(-1)


def decode(Y):
    """Turn one-hot rows (or class scores) back into labels by argmax.

    Parameters
    ----------
    Y : array_like, shape (N, K)
        One-hot rows, probabilities or logits.

    Returns
    -------
    y : ndarray of int, shape (N,)
        The column of each row's largest entry.
    """
    Y = np.asarray(Y)
    if Y.ndim != 2 or Y.shape[1] == 0:
        raise ValueError(f"Y must be 2-D with shape (N, K) and K >= 1, got shape {Y.shape}")
    return np.argmax(Y, axis=1)
