"""Backpropagation by hand for a two-layer ReLU network (assignment ``03_gradients``, ``mlp_gradients``).

The network maps X (N, D) to logits Z (N, K) through a ReLU hidden layer:

.. math:: h = \\mathrm{ReLU}(X W_1 + b_1), \\qquad Z = h W_2 + b_2,

with W1 (D, H), b1 (H,), W2 (H, K), b2 (K,). The loss is the mean
cross-entropy of softmax(Z) against the labels y. With ``G = softmax(Z) - Y``
(N, K), the error signal of each sample, the gradients are means over samples
of outer products, which are matrix products:

- dJ/db2 = mean of G's rows;          dJ/dW2 = h.T @ G / N
- dJ/db1 = mean of (G @ W2.T) * [h > 0]; dJ/dW1 = X.T @ ((G @ W2.T) * [h > 0]) / N
"""

import numpy as np

from solutions_lib._validation import as_label_vector
from solutions_lib.softmax_family import softmax

PARAMS = ("W1", "b1", "W2", "b2")


def as_theta(theta, D=None):
    """The (D, H, K) sizes of a parameter dict ``theta`` (W1 (D, H), b1 (H,), W2 (H, K), b2 (K,)), or ValueError."""
    if not isinstance(theta, dict) or set(theta) != set(PARAMS):
        got = sorted(theta) if isinstance(theta, dict) else type(theta).__name__
        raise ValueError(f"theta must be a dict with keys {PARAMS}, got {got}")
    W1, b1, W2, b2 = (np.asarray(theta[k]) for k in PARAMS)
    if W1.ndim != 2 or W2.ndim != 2 or W1.shape[1] != W2.shape[0]:
        raise ValueError(f"theta['W1'] must be (D, H) and theta['W2'] (H, K), got {W1.shape} and {W2.shape}")
    if b1.shape != (W1.shape[1],) or b2.shape != (W2.shape[1],):
        raise ValueError(f"theta['b1'] must have shape ({W1.shape[1]},) and theta['b2'] ({W2.shape[1]},), "
                         f"got {b1.shape} and {b2.shape}")
    if D is not None and W1.shape[0] != D:
        raise ValueError(f"theta['W1'] must have shape ({D}, H) to match X's {D} features, got {W1.shape}")
    return W1.shape[0], W1.shape[1], W2.shape[1]


def forward(X, theta):
    """Forward pass: X (N, D) -> hidden activations h (N, H) and logits Z (N, K)."""
    h = np.maximum(0, X @ theta["W1"] + theta["b1"])
    return h, h @ theta["W2"] + theta["b2"]


def grad_b2(G):
    """dJ/db2 (K,) from the error signal G = softmax(Z) - Y, shape (N, K)."""
    return G.mean(axis=0)


def grad_W2(h, G):
    """dJ/dW2 (H, K): the mean of the outer products h_i G_i^T, i.e. h.T @ G / N."""
    return h.T @ G / G.shape[0]


def grad_b1(G, h, W2):
    """dJ/db1 (H,): the error sent back through W2 (N, H), masked where the ReLU was off, averaged."""
    return ((G @ W2.T) * (h > 0)).mean(axis=0)


def grad_W1(X, G, h, W2):
    """dJ/dW1 (D, H): X.T @ ((G @ W2.T) * [h > 0]) / N."""
    return X.T @ ((G @ W2.T) * (h > 0)) / X.shape[0]


def compute_gradients(X, y, theta):
    """Gradients of the mean cross-entropy of the two-layer ReLU net, without loops.

    Parameters
    ----------
    X : ndarray, shape (N, D)
    y : ndarray of int, shape (N,)
        Labels in [0, K).
    theta : dict
        ``W1`` (D, H), ``b1`` (H,), ``W2`` (H, K), ``b2`` (K,).

    Returns
    -------
    grads : dict
        The same keys and shapes as ``theta``.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D with shape (N, D), got shape {X.shape}")
    y = as_label_vector(y, "y")
    _, _, K = as_theta(theta, X.shape[1])
    if y.shape != (X.shape[0],) or np.any((y < 0) | (y >= K)):
        raise ValueError(f"y must have shape ({X.shape[0]},) with labels in [0, {K}), got shape {y.shape}")
    h, Z = forward(X, theta)
    G = softmax(Z)
    G[np.arange(len(y)), y] -= 1.0
    return {"W1": grad_W1(X, G, h, theta["W2"]), "b1": grad_b1(G, h, theta["W2"]),
            "W2": grad_W2(h, G), "b2": grad_b2(G)}
