"""Judges for assignment 04, ``convolution``: output size, zero padding, naive and fast layers.

A wrong output is diagnosed by comparing it with what the reference computes
under the usual mistakes (flipped kernel, another stride or pad, no bias, dx
assigned instead of added where windows overlap), never by showing the answer.

They run in the grader's process (or a notebook's, outside grading), never in the grading kernel; the cases
are in :mod:`course_checks.convolution`.
"""

import numpy as np

from course_checks.cases import Case, Outcome, close
from course_checks.judges.common import fail, judge_error, judge_forward, judge_hygiene, judge_outputs
from course_checks.judges.reference import reference

ref = reference("convolution")


#: Hints for exceptions, by a fragment of the message.
ERROR_HINTS = {
    "cannot be interpreted as an integer": "an output size must be an int: (H + 2*pad - HH) / stride is a float; "
    "use floor division //",
    "slice indices must be integers": "an output size must be an int: (H + 2*pad - HH) / stride is a float; "
    "use floor division //",
    "could not be broadcast": "a window of the padded input and a filter must both have shape (C, HH, WW): check the "
    "window's bounds (i*stride to i*stride + HH, j*stride to j*stride + WW) and pad only the two spatial axes",
    "cannot reshape": "a reshape got the wrong sizes: a filter's gradient has shape (C, HH, WW), the kernel's "
    "size, not the output's (H_out, W_out); and (C, HH, WW) must stay together, in the order of w.reshape(F, -1)",
    "could not broadcast input array": "the two sides of an assignment differ in shape; with pad=0, "
    "a[:, :, pad:-pad] is empty (-0 is 0): slice with pad:pad + H and pad:pad + W",
}

_FORMULA = "H_out = (H + 2*pad - HH) // stride + 1, and W_out likewise from W and WW"
_ROWS_COLS = "with HH != WW: a window spans HH rows and WW columns, and H_out comes from H and HH, W_out from W and WW"


def judge_conv_output_size(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``conv_output_size`` outcome with the reference, naming the likeliest slip."""
    judge_error(name, case, outcome, ERROR_HINTS)
    got, (size, kernel), stride, pad = outcome.value, case.args, case.kwargs["stride"], case.kwargs["pad"]
    expected = ref.conv_output_size(size, kernel, stride, pad)
    if isinstance(got, (float, np.floating)):
        fail(name, case, f"returned the float {got!r}, expected an int",
             "(size + 2*pad - kernel) / stride is true division; a size is a whole number of windows: use //")
    if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
        fail(name, case, f"returned {type(got).__name__}, expected an int")
    if got == expected:
        return
    if got == (size + 2 * pad - kernel) // 1 + 1 and stride > 1:
        fail(name, case, "returned the size for stride 1", "windows start every stride entries: divide by stride")
    if got == (size + pad - kernel) // stride + 1 and pad:
        fail(name, case, "is wrong: pad zeros are added on each side", "the padded length is size + 2*pad")
    if got == -(-(size + 2 * pad - kernel) // stride) + 1:
        fail(name, case, "rounds up", "a last, partial window is not used: round down with //")
    fail(name, case, f"returned {got}, which is not the number of windows",
         "count the window starts 0, stride, 2*stride, ... that leave room for the whole kernel")


def judge_zero_pad(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``zero_pad`` outcome with the reference."""
    x, pad = case.args
    judge_error(name, case, outcome, ERROR_HINTS)
    got, expected = outcome.value, ref.zero_pad(x, pad)
    if isinstance(got, np.ndarray) and got.shape == tuple(n + 2 * pad for n in x.shape) and pad:
        fail(name, case, f"returned shape {got.shape}, expected {expected.shape}: the batch and channel axes "
             "were padded too", "pad only axes 2 and 3: np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))")
    if isinstance(got, np.ndarray) and got.shape == x.shape[:2] + tuple(n + pad for n in x.shape[2:]) and pad:
        fail(name, case, f"returned shape {got.shape}, expected {expected.shape}",
             "pad zeros go on each side: before and after, so each spatial size grows by 2*pad")
    judge_outputs(name, case, outcome, expected, ("the padded x",), {
        "the padded x": "the original values sit in the middle, x[:, :, pad:pad+H, pad:pad+W], zeros around"})


# --- forward --------------------------------------------------------------------------------------

def _other_settings(case):
    """(stride, pad) pairs a mistake could have used instead of the case's own."""
    stride, pad = case.kwargs["stride"], case.kwargs["pad"]
    x, w = case.args[0], case.args[1]
    found = []
    for s in (1, 2, 3):
        for p in (0, 1, 2, 3):
            if (s, p) != (stride, pad) and w.shape[2] <= x.shape[2] + 2 * p and w.shape[3] <= x.shape[3] + 2 * p:
                found.append((s, p))
    return found


def _setting_hint(case, s, p):
    """Explain an output that the layer gives at stride s and pad p instead of the case's own."""
    stride, pad = case.kwargs["stride"], case.kwargs["pad"]
    if s != stride and p == pad:
        return (f"it is what stride={s} gives, but stride={stride}: use the stride argument; "
                "window (i, j) starts at row i*stride and column j*stride")
    if p != pad and s == stride:
        return (f"it is what pad={p} gives, but pad={pad}: pad the input by the pad argument, with pad zeros on "
                "each side (the padded height is H + 2*pad)")
    return f"it is what stride={s}, pad={p} gives, but stride={stride}, pad={pad}: use both arguments"


def _kernel_mixups(case):
    """Output sizes when HH and WW are mixed up: both from HH, both from WW, or swapped."""
    x, w = case.args[0], case.args[1]
    stride, pad = case.kwargs["stride"], case.kwargs["pad"]
    sizes = set()
    for kh, kw in ((w.shape[2], w.shape[2]), (w.shape[3], w.shape[3]), (w.shape[3], w.shape[2])):
        if kh <= x.shape[2] + 2 * pad and kw <= x.shape[3] + 2 * pad:
            sizes.add((ref.conv_output_size(x.shape[2], kh, stride, pad),
                       ref.conv_output_size(x.shape[3], kw, stride, pad)))
    return sizes


def _judge_out_shape(name, case, out, expected):
    """Diagnose a wrong output shape: padded batch axes, another stride or pad, rows and columns swapped."""
    if not isinstance(out, np.ndarray):
        fail(name, case, f"out is a {type(out).__name__}, expected a NumPy array of shape {expected.shape}")
    if out.shape == expected.shape:
        return
    problem = f"out has shape {out.shape}, expected {expected.shape}"
    x, w = case.args[0], case.args[1]
    pad = case.kwargs["pad"]
    if out.ndim == 4 and pad and out.shape[0] == x.shape[0] + 2 * pad:
        fail(name, case, problem, "only the two spatial axes are padded, not the batch and channel axes")
    if out.ndim == 4 and out.shape[:2] == expected.shape[1::-1] and x.shape[0] != w.shape[0]:
        fail(name, case, problem, "out is (N, F, H_out, W_out): samples first, then filters")
    if "nonsquare" in case.tags and out.ndim == 4 and out.shape[2:] in _kernel_mixups(case):
        fail(name, case, problem, _ROWS_COLS)
    for s, p in _other_settings(case):
        if out.shape[2:] == (ref.conv_output_size(x.shape[2], w.shape[2], s, p),
                             ref.conv_output_size(x.shape[3], w.shape[3], s, p)):
            fail(name, case, problem + "; " + _setting_hint(case, s, p).replace("it is", "that is"))
    if "nonsquare" in case.tags or x.shape[2] != x.shape[3]:
        fail(name, case, problem, _ROWS_COLS + "; " + _FORMULA)
    fail(name, case, problem, _FORMULA)


def judge_conv_forward(name: str, case: Case, outcome: Outcome) -> None:
    """Judge ``(out, cache)`` of a forward pass, naming the likeliest mistake behind a wrong shape or value."""
    x, w, b = case.args
    stride, pad = case.kwargs["stride"], case.kwargs["pad"]
    judge_forward(name, case, outcome, ref.conv_forward_fast(x, w, b, stride, pad)[0], (x, w, b, stride, pad),
                  "(x, w, b, stride, pad), the inputs in this order", error_hints=ERROR_HINTS,
                  judge_shape=_judge_out_shape, nonfinite_hint="start from np.zeros, fill every entry",
                  diagnose=_diagnose_forward, cache_hint="store the unpadded x; the cache contents are fixed so that "
                  "any backward pass can use any forward pass")


def _diagnose_forward(name, case, out, expected):
    x, w, b = case.args
    stride, pad = case.kwargs["stride"], case.kwargs["pad"]
    if close(out, ref.conv_forward_fast(x, w[:, :, ::-1, ::-1], b, stride, pad)[0]):
        fail(name, case, "out is a convolution with the flipped kernel",
             "this layer computes a cross-correlation: w[f, c, k, l] multiplies xp[n, c, i*stride + k, j*stride + l], "
             "no flip")
    if close(out, expected - b[None, :, None, None]):
        fail(name, case, "out is wrong: the bias is missing", "add b[f] once to every output of filter f")
    if close(out, expected + (w.shape[1] * w.shape[2] * w.shape[3] - 1) * b[None, :, None, None]):
        fail(name, case, "out is wrong: the bias is added once per window entry",
             "sum the products over (c, k, l) first, then add b[f] once")
    if stride > 1 and close(out, ref.conv_forward_fast(x, w, b, 1, pad)[0][:, :, :out.shape[2], :out.shape[3]]):
        fail(name, case, "out is wrong: the windows do not move by stride",
             "window (i, j) starts at row i*stride and column j*stride of the padded input")
    if close(out, expected - b[None, :, None, None] + b):
        fail(name, case, "out is wrong: the bias is added along the last axis",
             "b has one entry per filter, axis 1 of out: broadcast it as b[None, :, None, None] "
             "(or b.reshape(1, F, 1, 1))")
    for s, p in _other_settings(case):
        other = ref.conv_forward_fast(x, w, b, s, p)[0]
        if other.shape == out.shape and close(out, other):
            fail(name, case, "out is wrong: " + _setting_hint(case, s, p))
    if "nonsquare" in case.tags:
        fail(name, case, "out is wrong", _ROWS_COLS)
    fail(name, case, "out is wrong", "out[n, f, i, j] = b[f] + sum over c, k, l of "
         "xp[n, c, i*stride + k, j*stride + l] * w[f, c, k, l]; in a vectorized version, check that the window "
         "entries and the filter entries are flattened in the same (c, k, l) order")
judge_conv_forward_naive = judge_conv_forward_fast = judge_conv_forward


# --- backward -------------------------------------------------------------------------------------

def _coverage(cache):
    """How many windows cover each input pixel, shape (N, C, H, W)."""
    x, w, b, stride, pad = cache
    ones = np.ones((1, x.shape[1]) + w.shape[2:])
    out, one_cache = ref.conv_forward_fast(x, ones, np.zeros(1), stride, pad)
    return ref.conv_backward_fast(np.ones(out.shape), one_cache)[0]


def _judge_backward_shapes(name, case, outcome):
    """Specific diagnoses for dx with the padding left on or cut wrongly, and db not fully summed."""
    got = outcome.value
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return
    dout, (x, w, b, stride, pad) = case.args
    dx, _, db = got
    if isinstance(dx, np.ndarray) and dx.ndim == 4 and dx.shape != x.shape:
        if pad == 0 and 0 in dx.shape[2:]:
            fail(name, case, f"dx has shape {dx.shape}, expected {x.shape}",
                 "with pad=0, dxp[:, :, pad:-pad] is empty (-0 is 0): crop with pad:pad + H and pad:pad + W")
        if dx.shape[2:] == (x.shape[2] + 2 * pad, x.shape[3] + 2 * pad):
            fail(name, case, f"dx has shape {dx.shape}, expected {x.shape}",
                 "this is the gradient of the padded input: crop pad entries from each side")
        HH, WW = w.shape[2:]
        left_over = ((x.shape[2] + 2 * pad - HH) % stride, (x.shape[3] + 2 * pad - WW) % stride)
        if any(left_over) and all(0 <= x.shape[k] - dx.shape[k] <= left_over[k - 2] for k in (2, 3)):
            fail(name, case, f"dx has shape {dx.shape}, expected {x.shape}",
                 "the stride does not divide H + 2*pad - HH here, so the last rows (or columns) of the padded input "
                 "are in no window; they still get a gradient (0): pad the zero-inserted dout with "
                 "(H + 2*pad - HH) % stride extra zeros at the bottom (and right), or build dx with x's shape")
    if isinstance(db, np.ndarray) and db.shape != b.shape:
        fail(name, case, f"db has shape {db.shape}, expected {b.shape}",
             "each bias b[f] is used at every sample and every output position: db sums dout over axes (0, 2, 3)")


def judge_conv_backward(name: str, case: Case, outcome: Outcome) -> None:
    """Judge ``(dx, dw, db)`` of a backward pass."""
    judge_error(name, case, outcome, ERROR_HINTS)
    _judge_backward_shapes(name, case, outcome)
    dout, cache = case.args
    expected = ref.conv_backward_fast(dout, cache)
    got = outcome.value
    if isinstance(got, (tuple, list)) and len(got) == 3 and all(
            isinstance(g, np.ndarray) and g.shape == e.shape for g, e in zip(got, expected)):
        _diagnose_backward(name, case, outcome, expected)
    x = cache[0]
    hints = {"dx": "every window (i, j) of every filter f adds (+=) dout[n, f, i, j] * w[f] to the padded dx[n] "
                   "at rows i*stride to i*stride + HH, columns j*stride to j*stride + WW; windows overlap and "
                   "filters share pixels",
             "dw": "dw[f] adds dout[n, f, i, j] times the padded input's window (i, j) (rows i*stride to "
                   "i*stride + HH), over n, i and j",
             "db": "db[f] sums dout[:, f] over samples and output positions"}
    if "nonsquare" in case.tags:
        hints = {k: v + "; " + _ROWS_COLS for k, v in hints.items()}
    judge_outputs(name, case, outcome, expected, ("dx", "dw", "db"), hints, batch=x.shape[0])


def _diagnose_backward(name, case, outcome, expected):
    """Diagnose wrong values that a comparison with a mistaken reference explains."""
    dout, (x, w, b, stride, pad) = case.args
    dx, dw, db = outcome.value
    if not all(np.all(np.isfinite(g)) for g in (dx, dw, db)):
        return
    judge_hygiene(name, case, outcome)
    if not close(dx, expected[0]):
        flipped = ref.conv_backward_fast(dout, (x, w[:, :, ::-1, ::-1], b, stride, pad))[0]
        if close(dx, flipped):
            fail(name, case, "dx is wrong: it is what the kernel flipped the other way gives",
                 "the forward pass is a cross-correlation (no flip), so dx adds dout[n, f, i, j] * w[f] on window "
                 "(i, j) as is; written as a correlation of the padded dout, that needs the kernel flipped "
                 "(w[:, :, ::-1, ::-1])")
        overlap = _coverage(case.args[1]) > 1
        if overlap.any() and close(dx[~overlap], expected[0][~overlap]):
            fail(name, case, "dx is wrong only at pixels that several windows cover",
                 "overlapping windows must each add their share: use += in a loop; with fancy indexing, "
                 "dx[idx] += v keeps only one of repeated indices, np.add.at(dx, idx, v) adds them all")
    if not close(dw, expected[1]):
        if close(dw, expected[1][:, :, ::-1, ::-1]):
            fail(name, case, "dw is flipped", "dw[f, c, k, l] pairs with xp[n, c, i*stride + k, j*stride + l]: no flip")
judge_conv_backward_naive = judge_conv_backward_fast = judge_conv_backward
