"""Modular layers with caches, initialisation, minibatches and SGD (assignment ``03_gradients``, ``layers``).

Each layer has a ``*_forward`` that returns ``(out, cache)`` and a
``*_backward(dout, cache)`` that returns the gradient of the loss with respect
to its inputs (CS231n's ``layers.py`` convention). ``dout`` is the upstream
gradient dL/dout, with ``out``'s shape.
"""

import numpy as np

from solutions_lib.softmax_family import softmax


def affine_forward(x, W, b):
    """Affine layer: ``out = x @ W + b``.

    Parameters
    ----------
    x : ndarray, shape (N, D)
    W : ndarray, shape (D, M)
    b : ndarray, shape (M,)

    Returns
    -------
    out : ndarray, shape (N, M)
    cache : tuple
        ``(x, W, b)``.
    """
    x, W, b = np.asarray(x), np.asarray(W), np.asarray(b)
    if x.ndim != 2 or W.ndim != 2 or x.shape[1] != W.shape[0]:
        raise ValueError(f"x must be (N, D) and W (D, M) with matching D, got {x.shape} and {W.shape}")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have shape ({W.shape[1]},), got {b.shape}")
    return x @ W + b, (x, W, b)


def affine_backward(dout, cache):
    """Backward pass of the affine layer.

    Parameters
    ----------
    dout : ndarray, shape (N, M)
    cache : tuple
        ``(x, W, b)`` from :func:`affine_forward`.

    Returns
    -------
    dx : ndarray, shape (N, D)
    dW : ndarray, shape (D, M)
    db : ndarray, shape (M,)
    """
    x, W, _ = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def relu_forward(x):
    """ReLU: ``out = max(0, x)`` elementwise; cache = ``x`` (the input)."""
    x = np.asarray(x)
    return np.maximum(0, x), x


def relu_backward(dout, cache):
    """Backward pass of ReLU: the gradient passes where the input was positive."""
    return dout * (cache > 0)


def sigmoid_forward(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, stable for any finite x; cache = ``out``.

    For x >= 0 it uses ``1 / (1 + exp(-x))``, for x < 0 ``exp(x) / (1 + exp(x))``,
    so no exponent is ever positive.
    """
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out, out


def sigmoid_backward(dout, cache):
    """Backward pass of the sigmoid: ``dout * out * (1 - out)``, with ``cache = out``."""
    return dout * cache * (1.0 - cache)


def tanh_forward(x):
    """Hyperbolic tangent; cache = ``out``."""
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    """Backward pass of tanh: ``dout * (1 - out**2)``, with ``cache = out``."""
    return dout * (1.0 - cache**2)


def softplus_forward(x):
    """Softplus ``log(1 + exp(x))``, a smooth ReLU, stable for any finite x; cache = ``x`` (the input).

    ``np.logaddexp(0, x)`` computes ``log(exp(0) + exp(x))`` without overflow.
    """
    x = np.asarray(x, dtype=np.float64)
    return np.logaddexp(0.0, x), x


def softplus_backward(dout, cache):
    """Backward pass of softplus: its derivative is the sigmoid of the input, ``cache = x``."""
    return dout * sigmoid_forward(cache)[0]


def softmax_cross_entropy(logits, Y):
    """Mean cross-entropy of softmax(logits) against one-hot Y, and its gradient.

    Parameters
    ----------
    logits : ndarray, shape (N, K)
    Y : ndarray, shape (N, K)
        One-hot targets.

    Returns
    -------
    loss : float
    dlogits : ndarray, shape (N, K)
        ``(softmax(logits) - Y) / N``.
    """
    N = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.sum(Y * log_p) / N), (softmax(logits) - Y) / N


def xavier_uniform(fan_in, fan_out, rng):
    """Glorot/Xavier uniform initialisation.

    Draws from U(-a, a) with ``a = sqrt(6 / (fan_in + fan_out))``, so that the
    variance of activations and of gradients stays about constant across layers.

    Returns
    -------
    W : ndarray, shape (fan_in, fan_out)
    """
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def iterate_minibatches(X, Y, batch_size, rng):
    """Yield shuffled minibatches that cover every row exactly once.

    Parameters
    ----------
    X : ndarray, shape (N, ...)
    Y : ndarray, shape (N, ...)
    batch_size : int
    rng : numpy.random.Generator
        Draws a new permutation at every call.

    Yields
    ------
    Xb, Yb : ndarrays
        Rows ``order[i:i + batch_size]`` of X and Y; the last batch may be smaller.
    """
    if len(X) != len(Y):
        raise ValueError(f"X and Y must have the same number of rows, got {len(X)} and {len(Y)}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], Y[rows]


def init_two_layer(D, H, K, rng):
    """Parameters of a two-layer net: Xavier weights, zero biases."""
    return {"W1": xavier_uniform(D, H, rng), "b1": np.zeros(H), "W2": xavier_uniform(H, K, rng), "b2": np.zeros(K)}


def two_layer_loss(params, X, Y):
    """Loss and gradients of affine - ReLU - affine - softmax cross-entropy."""
    a1, cache1 = affine_forward(X, params["W1"], params["b1"])
    h, cache_relu = relu_forward(a1)
    logits, cache2 = affine_forward(h, params["W2"], params["b2"])
    loss, dlogits = softmax_cross_entropy(logits, Y)
    dh, dW2, db2 = affine_backward(dlogits, cache2)
    _, dW1, db1 = affine_backward(relu_backward(dh, cache_relu), cache1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def sgd_step(params, X, Y, learning_rate):
    """One SGD step of the two-layer ReLU net on a minibatch.

    Parameters
    ----------
    params : dict
        ``W1`` (D, H), ``b1`` (H,), ``W2`` (H, K), ``b2`` (K,); not modified.
    X : ndarray, shape (N, D)
    Y : ndarray, shape (N, K)
        One-hot targets.
    learning_rate : float

    Returns
    -------
    loss : float
        The loss at ``params``, before the step.
    new_params : dict
        ``params[k] - learning_rate * grads[k]``, all gradients taken at ``params``.
    """
    loss, grads = two_layer_loss(params, X, Y)
    return loss, {k: params[k] - learning_rate * grads[k] for k in params}


def predict(params, X):
    """Predicted labels (N,) of the two-layer net."""
    h = np.maximum(0, X @ params["W1"] + params["b1"])
    return np.argmax(h @ params["W2"] + params["b2"], axis=1)
