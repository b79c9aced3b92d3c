"""Input validation shared by the reference functions.

Each helper checks one argument at the edge of a public function and raises a
``ValueError`` that names the argument, says what it got and what it wanted.
"""

import numpy as np


def as_label_vector(y, name="y"):
    """Return ``y`` as a 1-D integer array, or raise ``ValueError``.

    Parameters
    ----------
    y : array_like, shape (N,)
        Integer class labels.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    ndarray of int, shape (N,)
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D with shape (N,), got shape {y.shape}")
    if y.dtype == bool or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"{name} must hold integer labels, got dtype {y.dtype}; "
            "map arbitrary labels to integers with encode_labels first"
        )
    return y


def as_logits(Z, name="Z"):
    """Return ``Z`` as a finite 2-D float64 array, or raise ``ValueError``.

    Parameters
    ----------
    Z : array_like, shape (N, K)
        Real scores, one row per sample.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    ndarray of float64, shape (N, K)
    """
    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim != 2:
        raise ValueError(f"{name} must be 2-D with shape (N, K), got shape {Z.shape}")
    if Z.shape[1] == 0:
        raise ValueError(f"{name} must have at least one column (K >= 1), got shape {Z.shape}")
    if not np.all(np.isfinite(Z)):
        raise ValueError(f"{name} must be finite, got {np.sum(~np.isfinite(Z))} nan or inf entries")
    return Z


def as_one_hot_targets(Y, shape, name="Y"):
    """Return ``Y`` as a float64 one-hot matrix of the given shape, or raise.

    Parameters
    ----------
    Y : array_like, shape (N, K)
        One-hot targets: every row has a single 1 and zeros elsewhere.
    shape : tuple of int
        The wanted shape (N, K), that of the logits.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    ndarray of float64, shape (N, K)
    """
    Y = np.asarray(Y, dtype=np.float64)
    if Y.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)} like the logits, got shape {Y.shape}")
    if not (np.all((Y == 0) | (Y == 1)) and np.all(Y.sum(axis=1) == 1)):
        raise ValueError(f"{name} must be one-hot: each row a single 1 and zeros elsewhere")
    return Y
