"""Inverted dropout (assignment ``03_gradients``, a section of ``layers``).

While training, dropout zeroes each unit independently with probability
``p`` and divides the units it keeps by ``1 - p``, so that every unit's
expected value is unchanged (*inverted* dropout; PyTorch's
``torch.nn.functional.dropout`` does the same). At test time it is the
identity, and nothing needs rescaling. ``p`` is the probability of dropping
a unit, as in PyTorch.
"""

import numbers

import numpy as np


def _drop_probability(p):
    """``p`` as a float in [0, 1), or ``ValueError``."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p < 1:
        raise ValueError(f"p must be a probability in [0, 1), got {p!r}")
    return float(p)


def dropout_forward(x, p, train=True, rng=None):
    """Inverted dropout.

    Parameters
    ----------
    x : ndarray, any shape
        The activations.
    p : float in [0, 1)
        The probability of dropping each unit.
    train : bool
        Drop units (training) or pass ``x`` through unchanged (test time).
    rng : numpy.random.Generator
        The only source of randomness; needed while training.

    Returns
    -------
    out : ndarray, shape of ``x``
        ``x * mask / (1 - p)`` while training, ``x`` itself at test time.
    cache : tuple
        ``(mask, p)``: ``mask`` is a boolean array of ``x``'s shape, True
        where the unit is kept (all True at test time).
    """
    x = np.asarray(x)
    p = _drop_probability(p)
    if not train:
        return x, (np.ones(x.shape, dtype=bool), p)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator while training, got {type(rng).__name__}")
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), (mask, p)


def dropout_backward(dout, cache):
    """Backward pass of inverted dropout (during training).

    Parameters
    ----------
    dout : ndarray, shape of the forward pass's ``x``
        Upstream gradient.
    cache : tuple
        ``(mask, p)`` from :func:`dropout_forward`.

    Returns
    -------
    dx : ndarray, shape of ``dout``
        ``dout * mask / (1 - p)``: a dropped unit passed nothing forward, so
        it gets no gradient back; a kept one was scaled by ``1 / (1 - p)``.
    """
    mask, p = cache
    dout = np.asarray(dout)
    if dout.shape != np.shape(mask):
        raise ValueError(f"dout must have the mask's shape {np.shape(mask)}, got {dout.shape}")
    return dout * mask / (1 - _drop_probability(p))
