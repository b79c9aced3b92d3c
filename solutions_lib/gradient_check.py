"""Numerical gradients and how to compare them (assignment ``05_gradient_check``).

A backward pass is checked against central differences,
``(f(x + h e_i) - f(x - h e_i)) / 2h``, whose error is O(h^2) (a one-sided
difference's is O(h)). The functions here perturb ``x`` *in place* and
restore it, so ``f`` may read ``x`` through a closure (``f = lambda _:
loss(params)`` with ``x = params["W1"]``), as in CS231n. The course's
thresholds, in float64 with ``h = 1e-5``: relative error below 1e-7 for
smooth functions, below 1e-6 near kinks such as ReLU's.
"""

import numpy as np


def _as_float(x):
    """``x`` itself if it is a float64 array (perturbed in place), else a float64 copy."""
    if not isinstance(x, np.ndarray):
        raise ValueError(f"x must be a NumPy array, got {type(x).__name__}")
    return x if x.dtype == np.float64 else x.astype(np.float64)


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar function at every entry of ``x``.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``. It may also ignore its argument and read ``x``
        through a closure: ``x`` is perturbed in place.
    x : ndarray, any shape
        A float64 array is perturbed in place and restored exactly; another
        dtype (integers, float32) is first copied to float64, so that
        ``x + h`` is not rounded away.
    h : float

    Returns
    -------
    grad : ndarray of float64, shape of x
    """
    x = _as_float(x)
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = float(f(x))
        x[index] = old - h
        minus = float(f(x))
        x[index] = old
        grad[index] = (plus - minus) / (2 * h)
    return grad


def numerical_gradient_array(f, x, dout, h=1e-5):
    """Central-difference gradient of ``sum(f(x) * dout)`` for an array-valued ``f``.

    This is what a backward pass returns for the upstream gradient ``dout``.
    ``f``'s outputs are copied, since ``f`` may return a view of ``x`` that
    the next perturbation would change.

    Parameters
    ----------
    f : callable
        ``f(x) -> ndarray`` of dout's shape.
    x : ndarray, any shape
        Perturbed in place and restored, as in :func:`numerical_gradient`.
    dout : ndarray, shape of f(x)
    h : float

    Returns
    -------
    grad : ndarray of float64, shape of x
    """
    x = _as_float(x)
    dout = np.asarray(dout, dtype=np.float64)
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = np.array(f(x), dtype=np.float64)      # a copy
        x[index] = old - h
        minus = np.array(f(x), dtype=np.float64)
        x[index] = old
        if plus.shape != dout.shape:
            raise ValueError(f"dout must have the shape of f(x), {plus.shape}, got shape {dout.shape}")
        grad[index] = np.sum((plus - minus) * dout) / (2 * h)
    return grad


def relative_error(a, b):
    """Largest relative difference ``|a - b| / max(1e-8, |a| + |b|)`` over all entries.

    The floor 1e-8 keeps entries where both are 0 (or tiny) from dividing by
    zero: there, the error is 0 (or the absolute difference scaled by 1e8).

    Parameters
    ----------
    a, b : array_like of the same shape, or scalars

    Returns
    -------
    float
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        raise ValueError("a and b must not be empty")
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def sparse_gradient_check(f, x, analytic_grad, num_checks, rng, h=1e-5):
    """Compare an analytic gradient with central differences at a few random entries.

    For a large parameter (a conv layer's weights, a big W1), checking every
    entry costs two evaluations of ``f`` each; a handful of random entries
    catches almost every bug.

    Parameters
    ----------
    f : callable
        Scalar ``f(x)``; ``x`` is perturbed in place and restored.
    x : ndarray of float64
    analytic_grad : ndarray, shape of x
    num_checks : int
        Number of entries, drawn independently and uniformly with ``rng``.
    rng : numpy.random.Generator
    h : float

    Returns
    -------
    indices : ndarray of int, shape (num_checks, x.ndim)
        The entries checked.
    errors : ndarray of float64, shape (num_checks,)
        Relative error between the numerical and the analytic derivative at each.
    """
    x = _as_float(x)
    analytic_grad = np.asarray(analytic_grad, dtype=np.float64)
    if analytic_grad.shape != x.shape:
        raise ValueError(f"analytic_grad must have x's shape {x.shape}, got {analytic_grad.shape}")
    flat = rng.integers(0, x.size, size=num_checks)
    indices = np.stack(np.unravel_index(flat, x.shape), axis=1)
    errors = np.zeros(num_checks)
    for k, index in enumerate(map(tuple, indices)):
        old = x[index]
        x[index] = old + h
        plus = float(f(x))
        x[index] = old - h
        minus = float(f(x))
        x[index] = old
        errors[k] = relative_error((plus - minus) / (2 * h), analytic_grad[index])
    return indices, errors


def find_buggy_layers(layers, threshold=1e-6, seed=0):
    """Names of the layers whose backward pass disagrees with central differences.

    Parameters
    ----------
    layers : dict
        name -> ``(forward, backward, x)``: ``forward(x) -> (out, cache)``,
        ``backward(dout, cache) -> dx``, and an input ``x`` to check at (away
        from kinks).
    threshold : float
        Largest relative error accepted; 1e-6 leaves room for layers with
        kinks while every real bug lands far above it.
    seed : int
        Seed of the random upstream gradient.

    Returns
    -------
    set of str
    """
    rng = np.random.default_rng(seed)
    buggy = set()
    for name, (forward, backward, x) in layers.items():
        out, cache = forward(x)
        dout = rng.standard_normal(np.shape(out))
        dx = backward(dout, cache)
        numeric = numerical_gradient_array(lambda v, forward=forward: forward(v)[0], np.array(x, dtype=np.float64),
                                           dout)
        if relative_error(dx, numeric) > threshold:
            buggy.add(name)
    return buggy
