"""The softmax family: softmax, logsumexp, log-softmax and cross-entropy.

Assignment ``02_softmax``. Rows are samples, columns are classes: logits ``Z``
have shape (N, K). Every function here is stable for any finite logits, because
it shifts each row by its own maximum before exponentiating:

.. math:: \\mathrm{softmax}(z)_k = \\frac{e^{z_k - m}}{\\sum_j e^{z_j - m}},
   \\qquad m = \\max_j z_j .
"""

import numpy as np

from solutions_lib._validation import as_logits, as_one_hot_targets


def _row_sums(A):
    """``A.sum(axis=1)`` for an (N, K) array, as the matrix-vector product ``A @ 1``.

    Same sums; BLAS computes them several times faster than NumPy's row
    reduction when rows are short (K = 10: 18 us instead of 140 us for N = 10000).
    """
    return A @ np.ones(A.shape[1])


def softmax_loop(Z):
    """Softmax one row at a time (the slow, textbook version).

    Parameters
    ----------
    Z : array_like, shape (N, K)

    Returns
    -------
    P : ndarray of float64, shape (N, K)
    """
    Z = as_logits(Z, "Z")
    P = np.empty_like(Z)
    for i in range(Z.shape[0]):
        e = np.exp(Z[i] - Z[i].max())
        P[i] = e / e.sum()
    return P


def softmax(Z):
    """Row-wise softmax, vectorized and numerically stable.

    Parameters
    ----------
    Z : array_like, shape (N, K)
        Logits, one row per sample.

    Returns
    -------
    P : ndarray of float64, shape (N, K)
        Probabilities: every entry in [0, 1], every row sums to 1.
    """
    Z = as_logits(Z, "Z")
    E = Z - Z.max(axis=1, keepdims=True)   # a new array: exponentiate and normalise it in place
    np.exp(E, out=E)
    E /= _row_sums(E)[:, None]
    return E


def logsumexp(Z):
    """Row-wise ``log(sum(exp(Z)))``, stable for any finite logits.

    Parameters
    ----------
    Z : array_like, shape (N, K)

    Returns
    -------
    lse : ndarray of float64, shape (N,)
    """
    Z = as_logits(Z, "Z")
    m = Z.max(axis=1)
    E = Z - m[:, None]                     # a new array: exponentiate it in place
    np.exp(E, out=E)
    return m + np.log(_row_sums(E))


def log_softmax(Z):
    """Row-wise ``log(softmax(Z))``, computed as ``(Z - m) - log(sum(exp(Z - m)))``.

    Mathematically this is ``Z - logsumexp(Z)``; subtracting the row max ``m``
    first keeps full precision when the logits are huge (``m + log(...)``
    would round away the small part before the subtraction). Only one array
    of ``Z``'s size is made: it holds ``exp(Z - m)`` for the row sums, then
    the result (``Z - m`` is computed twice, which costs less than a second
    fresh array).

    Parameters
    ----------
    Z : array_like, shape (N, K)

    Returns
    -------
    logP : ndarray of float64, shape (N, K)
        Log-probabilities: all <= 0, and ``exp`` of each row sums to 1.
    """
    Z = as_logits(Z, "Z")
    m = Z.max(axis=1, keepdims=True)
    out = np.subtract(Z, m)                # one array of Z's size: first exp(Z - m), then the result
    np.exp(out, out=out)
    log_sums = np.log(_row_sums(out))
    np.subtract(Z, m, out=out)
    out -= log_sums[:, None]
    return out


def cross_entropy(Z, Y):
    """Mean cross-entropy between softmax(Z) and one-hot targets.

    Parameters
    ----------
    Z : array_like, shape (N, K)
        Logits.
    Y : array_like, shape (N, K)
        One-hot targets.

    Returns
    -------
    loss : float
        ``-mean_i sum_k Y[i, k] * log_softmax(Z)[i, k]``.
    """
    Z = as_logits(Z, "Z")
    Y = as_one_hot_targets(Y, Z.shape, "Y")
    return float(-np.sum(Y * log_softmax(Z)) / Z.shape[0])


def cross_entropy_grad(Z, Y):
    """Gradient of :func:`cross_entropy` with respect to the logits.

    Parameters
    ----------
    Z : array_like, shape (N, K)
        Logits.
    Y : array_like, shape (N, K)
        One-hot targets.

    Returns
    -------
    dZ : ndarray of float64, shape (N, K)
        ``(softmax(Z) - Y) / N``.
    """
    Z = as_logits(Z, "Z")
    Y = as_one_hot_targets(Y, Z.shape, "Y")
    return (softmax(Z) - Y) / Z.shape[0]
