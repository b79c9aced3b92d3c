"""Cases for assignment 04, ``convolution``: output size, zero padding, naive and fast layers.

Cases cover N != C != F, non-square inputs and kernels (HH != WW), strides
1 to 3 (some that do not divide evenly), pads 0 to 3 and windows that overlap.

They run in the grading kernel, which holds no judge; the judges are in
:mod:`course_checks.judges.convolution`, in the grader's process.
"""

import numpy as np

from course_checks.cases import Case

# --- cases ----------------------------------------------------------------------------------------

#: (x shape, w shape, stride, pad) at stride 1 and pad 0, then with stride and pad.
_PLAIN = [((2, 1, 5, 4), (1, 1, 2, 2), 1, 0), ((2, 3, 5, 6), (4, 3, 3, 3), 1, 0), ((3, 2, 6, 5), (2, 2, 2, 3), 1, 0)]
_STRIDED = [((2, 3, 7, 7), (4, 3, 3, 3), 2, 1), ((2, 2, 8, 7), (3, 2, 3, 2), 2, 0), ((3, 2, 5, 5), (2, 2, 3, 3), 1, 1),
            ((1, 3, 5, 6), (2, 3, 4, 2), 3, 2), ((2, 1, 4, 4), (1, 1, 3, 3), 1, 3), ((2, 2, 6, 6), (3, 2, 2, 2), 2, 0)]


def _describe(x_shape, w_shape, stride, pad):
    notes = []
    if w_shape[2] != w_shape[3]:
        notes.append("HH != WW")
    if (x_shape[2] + 2 * pad - w_shape[2]) % stride or (x_shape[3] + 2 * pad - w_shape[3]) % stride:
        notes.append("the stride does not divide evenly")
    if stride < max(w_shape[2:]):
        notes.append("windows overlap")
    note = f" ({', '.join(notes)})" if notes else ""
    return f"x of shape {x_shape}, w {w_shape}, b ({w_shape[0]},), stride={stride}, pad={pad}{note}"


def layer_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """(x, w, b) with keyword stride and pad; part ``"values"`` (stride 1, pad 0), ``"stride_pad"`` or ``"all"``."""
    rng = np.random.default_rng(seed)
    shapes = {"values": _PLAIN, "stride_pad": _STRIDED, "all": _PLAIN + _STRIDED}[part]
    cases = []
    for x_shape, w_shape, stride, pad in shapes:
        tags = {"nonsquare"} if w_shape[2] != w_shape[3] else set()
        args = (rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0]))
        cases.append(Case(_describe(x_shape, w_shape, stride, pad), args, {"stride": stride, "pad": pad},
                          tags=frozenset(tags)))
    return cases


def backward_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """(dout, cache) pairs, the cache from the reference forward pass."""
    rng = np.random.default_rng(seed)
    cases = []
    for c in layer_cases(seed + 1000, part):
        (x, w, b), stride, pad = c.args, c.kwargs["stride"], c.kwargs["pad"]
        shape = (x.shape[0], w.shape[0], (x.shape[2] + 2 * pad - w.shape[2]) // stride + 1,
                 (x.shape[3] + 2 * pad - w.shape[3]) // stride + 1)
        cache = (x, w, b, stride, pad)
        cases.append(Case(c.label + f", dout of shape {shape}", (rng.standard_normal(shape), cache),
                          tags=c.tags))
    return cases


# --- conv_output_size and zero_pad ----------------------------------------------------------------

def conv_output_size_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Sizes, kernels, strides 1 to 3 (some not dividing evenly) and pads 0 to 3."""
    return [Case(f"size={s}, kernel={k}, stride={st}, pad={p}" +
                 (" (the stride does not divide evenly)" if (s + 2 * p - k) % st else ""),
                 (s, k), {"stride": st, "pad": p})
            for s, k, st, p in [(5, 3, 1, 0), (7, 3, 2, 1), (8, 3, 2, 0), (10, 4, 3, 2), (6, 2, 2, 0),
                                (4, 4, 1, 0), (3, 5, 1, 1), (9, 2, 3, 3), (31, 3, 2, 1)]]


def zero_pad_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Inputs of several shapes with pad 0 to 3."""
    rng = np.random.default_rng(seed)
    return [Case(f"x of shape {s}, pad={p}", (rng.standard_normal(s), p))
            for s, p in [((2, 3, 4, 5), 1), ((1, 2, 3, 3), 2), ((3, 1, 2, 4), 0), ((2, 2, 1, 1), 3)]]


def conv_forward_fast_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Every case of the naive exercise, strided and padded ones included, for each part."""
    return layer_cases(seed, "all")


conv_forward_naive_cases = layer_cases


def conv_backward_fast_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Every case of the naive exercise, strided and padded ones included, for each part."""
    return backward_cases(seed, "all")


conv_backward_naive_cases = backward_cases
