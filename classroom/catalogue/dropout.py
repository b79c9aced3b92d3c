"""Answers for inverted dropout (``03_gradients/layers.ipynb``): correct alternatives and realistic bugs.

See :mod:`classroom.catalogue` for the conventions. Seed 003 wrote dropout in
NumPy beside PyTorch's: its mask has no inverted scaling, is drawn from the
global ``np.random``, and its backward pass forgets the mask.
"""

from classroom.answer import answers as _answers

_FORWARD = """
def dropout_forward(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError(f"p must be in [0, 1), got {p}")
    if not train:
        return x, (np.ones(x.shape, dtype=bool), p)
    if rng is None:
        raise ValueError("rng: training needs a numpy.random.Generator")
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), (mask, p)
"""


def _forward(old, new):
    """The plain answer above with one line changed (a bug or another way to write it)."""
    assert old in _FORWARD, old
    return _FORWARD.replace(old, new)


ALTERNATIVES = {
    "dropout_forward": _answers("dropout_forward", [
        ("binomial draw, np.where", """
def dropout_forward(x, p, train=True, rng=None):
    if p < 0 or p >= 1:
        raise ValueError("p must be a probability in [0, 1)")
    x = np.asarray(x, dtype=float)
    keep = np.ones(x.shape, dtype=bool)
    if train:
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a Generator when train=True")
        keep = rng.binomial(1, 1 - p, size=x.shape).astype(bool)
        return np.where(keep, x / (1 - p), 0.0), (keep, p)
    return x.copy(), (keep, p)
"""),
        ("uniform > p, scale factor", _forward("    mask = rng.random(x.shape) >= p\n    return x * mask / (1 - p), (mask, p)",
                                               "    mask = rng.uniform(size=x.shape) > p\n"
                                               "    scale = 1.0 / (1.0 - p)\n"
                                               "    return x * mask * scale, (mask, p)")),
        ("rng.choice of keep flags", """
def dropout_forward(x, p, train=True, rng=None):
    if not (0.0 <= p < 1.0):
        raise ValueError(f"dropout_forward: p={p} is not in [0, 1)")
    if train and rng is None:
        raise ValueError("dropout_forward: pass rng when training")
    if train:
        mask = rng.choice([True, False], size=x.shape, p=[1 - p, p])
    else:
        mask = np.full(x.shape, True)
    out = x * mask / (1 - p) if train else x
    return out, (mask, p)
"""),
        ("keep probability first", """
def dropout_forward(x, p, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p outside [0, 1)")
    if not train:
        return x.copy(), (np.ones_like(x, dtype=bool), p)
    if rng is None:
        raise ValueError("rng is None")
    q = 1 - p
    mask = rng.random(x.shape) < q
    out = np.zeros_like(x)
    out[mask] = x[mask] / q
    return out, (mask, p)
"""),
        ("p checked only while training, x itself at test time", """
def dropout_forward(x, p, train=True, rng=None):
    if not train:
        return x, (np.ones(x.shape, dtype=bool), p)
    if not 0 <= p < 1 or rng is None:
        raise ValueError(f"need 0 <= p < 1 and a Generator while training, got p={p}, rng={rng}")
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), (mask, p)
"""),
    ], False),
    "dropout_backward": _answers("dropout_backward", [
        ("np.where", """
def dropout_backward(dout, cache):
    mask, p = cache
    return np.where(mask, dout / (1 - p), 0.0)
"""),
        ("boolean index", """
def dropout_backward(dout, cache):
    mask, p = cache
    dx = np.zeros_like(dout)
    dx[mask] = dout[mask] / (1 - p)
    return dx
"""),
        ("float mask times a scale", """
def dropout_backward(dout, cache):
    mask, p = cache
    scale = 1.0 / (1.0 - p)
    return dout * mask.astype(dout.dtype) * scale
"""),
    ], False),
}

BUGS = {
    "dropout_forward": _answers("dropout_forward", [
        ("no inverted scaling", "not scaled by 1 / (1 - p)",
         _forward("    return x * mask / (1 - p), (mask, p)", "    return x * mask, (mask, p)"), "seed 003"),
        ("mask from the global np.random", "np.random",
         _forward("    mask = rng.random(x.shape) >= p",
                  "    mask = np.random.binomial(1, 1 - p, size=x.shape).astype(bool)"), "seed 003"),
        ("p read as the keep probability", "expected about 1 - p",
         _forward("    mask = rng.random(x.shape) >= p", "    mask = rng.random(x.shape) < p")),
        ("one mask shared by every sample", "every sample has the same mask",
         _forward("    mask = rng.random(x.shape) >= p", "    mask = np.broadcast_to(rng.random(x.shape[-1]) >= p, x.shape)")),
        ("scales at test time too", "scaled at test time",
         _forward("        return x, (np.ones(x.shape, dtype=bool), p)",
                  "        return x * (1 - p), (np.ones(x.shape, dtype=bool), p)")),
        ("CS231n's scaled float mask in the cache", "expected bool",
         _forward("    mask = rng.random(x.shape) >= p\n    return x * mask / (1 - p), (mask, p)",
                  "    mask = (rng.random(x.shape) >= p) / (1 - p)\n    return x * mask, (mask, p)")),
        ("a fresh unseeded Generator", "same seed gave different masks",
         _forward("    mask = rng.random(x.shape) >= p", "    mask = np.random.default_rng().random(x.shape) >= p")),
        ("p = 1 allowed", "must raise ValueError",
         _forward("    if not 0 <= p < 1:", "    if not 0 <= p <= 1:")),
        ("falls back to np.random without rng", "must raise ValueError",
         _forward("        raise ValueError(\"rng: training needs a numpy.random.Generator\")",
                  "        rng = np.random.default_rng()")),
    ], True),
    "dropout_backward": _answers("dropout_backward", [
        ("forgets the mask", "not zero where the unit was dropped", """
def dropout_backward(dout, cache):
    mask, p = cache
    return dout / (1 - p)
""", "seed 003"),
        ("ignores dropout", "ignores dropout", """
def dropout_backward(dout, cache):
    return dout
""", "seed 003"),
        ("no 1 / (1 - p)", "missing the 1 / (1 - p)", """
def dropout_backward(dout, cache):
    mask, p = cache
    return dout * mask
"""),
        ("multiplies by 1 - p", "multiplied by 1 - p", """
def dropout_backward(dout, cache):
    mask, p = cache
    return dout * mask * (1 - p)
"""),
        ("mask read as the dropped units", "flows through the dropped units", """
def dropout_backward(dout, cache):
    mask, p = cache
    return dout * ~mask / (1 - p)
"""),
        ("in-place on dout", "modified its input", """
def dropout_backward(dout, cache):
    mask, p = cache
    dout *= mask
    dout /= 1 - p
    return dout
"""),
        ("draws a new mask", "dx is wrong", """
def dropout_backward(dout, cache):
    _, p = cache
    mask = np.random.random(dout.shape) >= p
    return dout * mask / (1 - p)
"""),
    ], True),
}
