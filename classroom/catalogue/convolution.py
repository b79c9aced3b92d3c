"""Answers for ``04_convolution/convolution.ipynb``: correct alternatives and realistic bugs.

See :mod:`classroom.catalogue` for the conventions. Each answer is one
solution cell; helpers it needs are defined in the same cell.
"""

from classroom.answer import answers as _answers

_NAIVE_FORWARD = """
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, f, i, j] = np.sum(xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] * w[f]) + b[f]
    return out, (x, w, b, stride, pad)
"""

_NAIVE_BACKWARD = """
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    r, c = i * stride, j * stride
                    dw[f] += dout[n, f, i, j] * xp[n, :, r:r + HH, c:c + WW]
                    dxp[n, :, r:r + HH, c:c + WW] += dout[n, f, i, j] * w[f]
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))
"""

_FAST_FORWARD = """
from numpy.lib.stride_tricks import sliding_window_view

def conv_forward_fast(x, w, b, stride=1, pad=0):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    H_out = (xp.shape[2] - w.shape[2]) // stride + 1
    W_out = (xp.shape[3] - w.shape[3]) // stride + 1
    win = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride][:, :, :H_out, :W_out]
    out = np.einsum("nchwkl,fckl->nfhw", win, w) + b[None, :, None, None]
    return out, (x, w, b, stride, pad)
"""

_FAST_BACKWARD = """
from numpy.lib.stride_tricks import sliding_window_view

def conv_backward_fast(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :H_out, :W_out]
    dw = np.einsum("nchwkl,nfhw->fckl", win, dout)
    # dx: the zero-inserted dout, padded by the kernel size, correlated with the flipped kernel
    dz = np.zeros((N, F, xp.shape[2] + HH - 1, xp.shape[3] + WW - 1))
    dz[:, :, HH - 1:HH - 1 + (H_out - 1) * stride + 1:stride, WW - 1:WW - 1 + (W_out - 1) * stride + 1:stride] = dout
    dxp = np.einsum("nfyxkl,fckl->ncyx", sliding_window_view(dz, (HH, WW), axis=(2, 3)), w[:, :, ::-1, ::-1])
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))
"""


def _variant(source, old, new):
    """``source`` with one fragment replaced (a bug planted in a correct answer)."""
    assert old in source, old
    return source.replace(old, new)


ALTERNATIVES = {
    "conv_output_size": _answers("conv_output_size", [
        ("floor division", "def conv_output_size(size, kernel, stride=1, pad=0):\n"
                           "    return (size + 2 * pad - kernel) // stride + 1"),
        ("int of a true division", "def conv_output_size(size, kernel, stride=1, pad=0):\n"
                                   "    return int((size - kernel + 2 * pad) / stride) + 1"),
        ("count the window starts", "def conv_output_size(size, kernel, stride=1, pad=0):\n"
                                    "    return len(range(0, size + 2 * pad - kernel + 1, stride))"),
        ("raises when the kernel does not fit", "def conv_output_size(size, kernel, stride=1, pad=0):\n"
                                               "    if kernel > size + 2 * pad:\n"
                                               "        raise ValueError(f'kernel {kernel} does not fit in {size} + 2 * {pad}')\n"
                                               "    return (size + 2 * pad - kernel) // stride + 1"),
    ], False),
    "zero_pad": _answers("zero_pad", [
        ("np.pad", "def zero_pad(x, pad):\n    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))"),
        ("zeros and a slice", """
def zero_pad(x, pad):
    N, C, H, W = x.shape
    out = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    out[:, :, pad:pad + H, pad:pad + W] = x
    return out
"""),
        ("np.pad with mode and constant", "def zero_pad(x, pad):\n    widths = [(0, 0), (0, 0), (pad, pad), (pad, pad)]\n"
                                          "    return np.pad(x, widths, mode='constant', constant_values=0.0)"),
    ], False),
    "conv_forward_naive": _answers("conv_forward_naive", [
        ("four loops", _NAIVE_FORWARD),
        ("filters at once with tensordot", """
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride
    xp = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], mode="constant")
    out = np.empty((N, F, Ho, Wo))
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                window = xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                out[n, :, i, j] = np.tensordot(w, window, axes=3) + b
    return out, (x, w, b, stride, pad)
"""),
        ("seed 004's windows as columns, int() sizes", """
def conv_forward_naive(x, w, b, stride=1, pad=0):
    row, col = x.shape[2], x.shape[3]
    h_row, h_col = w.shape[2], w.shape[3]
    height = 1 + int((row - h_row + 2 * pad) / stride)
    width = 1 + int((col - h_col + 2 * pad) / stride)
    res = np.zeros((x.shape[0], w.shape[0], height, width))
    for img_no in range(x.shape[0]):
        windows = []
        x_pad = np.pad(x[img_no], ((0, 0), (pad, pad), (pad, pad)), mode="constant")
        for i in range(height):
            for j in range(width):
                window = x_pad[:, i * stride:i * stride + h_row, j * stride:j * stride + h_col]
                windows.append(window.reshape(-1, 1))
        image_to_convolve = np.concatenate(windows, axis=1)
        for filt_no in range(w.shape[0]):
            filt = w[filt_no].reshape(-1, 1)
            curr = np.sum(image_to_convolve * filt, axis=0).reshape(height, width)
            res[img_no, filt_no] = curr + b[filt_no]
    return res, (x, w, b, stride, pad)
"""),
        ("scalar loops over every index", """
def conv_forward_naive(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    total = b[f]
                    for c in range(C):
                        for k in range(HH):
                            for l in range(WW):
                                r, s = i * stride + k - pad, j * stride + l - pad
                                if 0 <= r < H and 0 <= s < W:
                                    total += x[n, c, r, s] * w[f, c, k, l]
                    out[n, f, i, j] = total
    return out, (x, w, b, stride, pad)
"""),
    ], False),
    "conv_backward_naive": _answers("conv_backward_naive", [
        ("four loops", _NAIVE_BACKWARD),
        ("filters at once with tensordot", """
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    F, C, HH, WW = w.shape
    N, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp, dw = np.zeros(xp.shape), np.zeros(w.shape)
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                rows = slice(i * stride, i * stride + HH)
                cols = slice(j * stride, j * stride + WW)
                dw += np.multiply.outer(dout[n, :, i, j], xp[n, :, rows, cols])
                dxp[n, :, rows, cols] += np.tensordot(dout[n, :, i, j], w, axes=1)
    db = np.sum(dout, axis=(0, 2, 3))
    dx = dxp[:, :, pad:xp.shape[2] - pad, pad:xp.shape[3] - pad]
    return dx, dw, db
"""),
        ("scalar loops, padding handled by bounds", """
def conv_backward_naive(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    dx, dw, db = np.zeros(x.shape), np.zeros(w.shape), np.zeros(F)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    g = dout[n, f, i, j]
                    db[f] += g
                    for c in range(C):
                        for k in range(HH):
                            for l in range(WW):
                                r, s = i * stride + k - pad, j * stride + l - pad
                                if 0 <= r < H and 0 <= s < W:
                                    dx[n, c, r, s] += g * w[f, c, k, l]
                                    dw[f, c, k, l] += g * x[n, c, r, s]
    return dx, dw, db
"""),
    ], False),
    "conv_forward_fast": _answers("conv_forward_fast", [
        ("sliding_window_view and einsum", _FAST_FORWARD),
        ("sliding_window_view and tensordot", """
from numpy.lib.stride_tricks import sliding_window_view

def conv_forward_fast(x, w, b, stride=1, pad=0):
    F, C, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = (xp.shape[2] - HH) // stride + 1, (xp.shape[3] - WW) // stride + 1
    win = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, :(Ho - 1) * stride + 1:stride, :(Wo - 1) * stride + 1:stride]
    out = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3]))    # (N, Ho, Wo, F)
    return out.transpose(0, 3, 1, 2) + b.reshape(1, F, 1, 1), (x, w, b, stride, pad)
"""),
        ("im2col with as_strided and a matrix product", """
from numpy.lib.stride_tricks import as_strided

def conv_forward_fast(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho = (H + 2 * pad - HH) // stride + 1
    Wo = (W + 2 * pad - WW) // stride + 1
    sn, sc, sh, sw = xp.strides
    cols = as_strided(xp, (N, Ho, Wo, C, HH, WW), (sn, stride * sh, stride * sw, sc, sh, sw))
    cols = cols.reshape(N * Ho * Wo, C * HH * WW)
    out = cols @ w.reshape(F, -1).T + b
    return out.reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2), (x, w, b, stride, pad)
"""),
        ("index arrays (CS231n-style im2col)", """
def conv_forward_fast(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho = (H + 2 * pad - HH) // stride + 1
    Wo = (W + 2 * pad - WW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    c = np.repeat(np.arange(C), HH * WW)[:, None]
    rows = (np.tile(np.repeat(np.arange(HH), WW), C)[:, None] + stride * np.repeat(np.arange(Ho), Wo)[None, :])
    cols = (np.tile(np.arange(WW), HH * C)[:, None] + stride * np.tile(np.arange(Wo), Ho)[None, :])
    patches = xp[:, c, rows, cols]                      # (N, C*HH*WW, Ho*Wo)
    out = np.matmul(w.reshape(F, -1), patches) + b[:, None]
    return out.reshape(N, F, Ho, Wo), (x, w, b, stride, pad)
"""),
    ], False),
    "conv_backward_fast": _answers("conv_backward_fast", [
        ("einsum, dx by correlating the zero-inserted dout", _FAST_BACKWARD),
        ("index arrays and np.add.at", """
def conv_backward_fast(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    c = np.repeat(np.arange(C), HH * WW)[:, None]
    rows = np.tile(np.repeat(np.arange(HH), WW), C)[:, None] + stride * np.repeat(np.arange(Ho), Wo)[None, :]
    cols = np.tile(np.arange(WW), HH * C)[:, None] + stride * np.tile(np.arange(Wo), Ho)[None, :]
    patches = xp[:, c, rows, cols]                      # (N, C*HH*WW, Ho*Wo)
    d = dout.reshape(N, F, Ho * Wo)
    dw = np.einsum("nfp,nkp->fk", d, patches).reshape(w.shape)
    dpatches = np.einsum("fk,nfp->nkp", w.reshape(F, -1), d)
    dxp = np.zeros(xp.shape)
    np.add.at(dxp, (slice(None), c, rows, cols), dpatches)
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, d.sum(axis=(0, 2))
"""),
        ("im2col matrix products, np.add.at on a flat buffer", """
from numpy.lib.stride_tricks import sliding_window_view

def conv_backward_fast(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :Ho, :Wo]
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(N * Ho * Wo, -1)
    d = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    dw = (d.T @ cols).reshape(w.shape)
    dcols = d @ w.reshape(F, -1)
    index = np.arange(xp.size).reshape(xp.shape)
    iwin = sliding_window_view(index, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :Ho, :Wo]
    flat = np.zeros(xp.size)
    np.add.at(flat, iwin.transpose(0, 2, 3, 1, 4, 5).reshape(dcols.shape), dcols)
    return flat.reshape(xp.shape)[:, :, pad:pad + H, pad:pad + W], dw, d.sum(axis=0)
"""),
    ], False),
}

BUGS = {
    "conv_output_size": _answers("conv_output_size", [
        ("true division", "float", "def conv_output_size(size, kernel, stride=1, pad=0):\n"
                                   "    return (size + 2 * pad - kernel) / stride + 1"),
        ("stride ignored", "stride 1", "def conv_output_size(size, kernel, stride=1, pad=0):\n"
                                       "    return size + 2 * pad - kernel + 1"),
        ("pad on one side", "each side", "def conv_output_size(size, kernel, stride=1, pad=0):\n"
                                         "    return (size + pad - kernel) // stride + 1"),
        ("rounds up", "rounds up", "def conv_output_size(size, kernel, stride=1, pad=0):\n"
                                   "    return int(np.ceil((size + 2 * pad - kernel) / stride)) + 1"),
        ("no + 1", "number of windows", "def conv_output_size(size, kernel, stride=1, pad=0):\n"
                                        "    return (size + 2 * pad - kernel) // stride"),
    ], True),
    "zero_pad": _answers("zero_pad", [
        ("pads every axis", "batch and channel", "def zero_pad(x, pad):\n    return np.pad(x, pad)"),
        ("pads one side", "each side", "def zero_pad(x, pad):\n    return np.pad(x, ((0, 0), (0, 0), (0, pad), (0, pad)))"),
        ("[pad:-pad] slice", "-0", """
def zero_pad(x, pad):
    N, C, H, W = x.shape
    out = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    out[:, :, pad:-pad, pad:-pad] = x
    return out
"""),
        ("edge padding", "zeros around", "def zero_pad(x, pad):\n"
                                         "    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='edge')"),
    ], True),
    "conv_forward_naive": _answers("conv_forward_naive", [
        ("true division in the output size", "floor division",
         _variant(_NAIVE_FORWARD, "(H + 2 * pad - HH) // stride", "(H + 2 * pad - HH) / stride")),
        ("stride ignored in the windows", "stride",
         _variant(_NAIVE_FORWARD, "xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]",
                  "xp[n, :, i:i + HH, j:j + WW]")),
        ("hard-coded pad 1", "pad", _variant(_variant(
            _NAIVE_FORWARD, "(pad, pad), (pad, pad)", "(1, 1), (1, 1)"), "2 * pad", "2")),
        ("pads the batch and channel axes", "pad only the two spatial axes",
         _variant(_NAIVE_FORWARD, "np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))", "np.pad(x, pad)")),
        ("flipped kernel (a true convolution)", "flipped",
         _variant(_NAIVE_FORWARD, "* w[f])", "* w[f, :, ::-1, ::-1])")),
        ("pad taken as the total of both sides", "each side", _variant(_variant(_variant(
            _NAIVE_FORWARD, "(pad, pad), (pad, pad)", "(pad // 2, pad // 2), (pad // 2, pad // 2)"),
            "(H + 2 * pad - HH)", "(H + pad - HH)"), "(W + 2 * pad - WW)", "(W + pad - WW)")),
        ("HH used for the width", "HH != WW",
         _variant(_NAIVE_FORWARD, "(W + 2 * pad - WW)", "(W + 2 * pad - HH)")),
        ("bias inside the sum", "bias",
         _variant(_NAIVE_FORWARD, "* w[f]) + b[f]", "* w[f] + b[f])")),
    ], True),
    "conv_backward_naive": _answers("conv_backward_naive", [
        ("= instead of += for dx", "+=",
         _variant(_NAIVE_BACKWARD, "dxp[n, :, r:r + HH, c:c + WW] += ", "dxp[n, :, r:r + HH, c:c + WW] = ")),
        ("[pad:-pad] unpadding", "-0",
         _variant(_NAIVE_BACKWARD, "dxp[:, :, pad:pad + H, pad:pad + W]", "dxp[:, :, pad:-pad, pad:-pad]")),
        ("db summed over positions only", "axes (0, 2, 3)",
         _variant(_NAIVE_BACKWARD, "dout.sum(axis=(0, 2, 3))", "dout.sum(axis=(2, 3))")),
        ("flipped kernel in dx", "flipped",
         _variant(_NAIVE_BACKWARD, "+= dout[n, f, i, j] * w[f]", "+= dout[n, f, i, j] * w[f, :, ::-1, ::-1]")),
        ("dw averaged over the batch", "N times too small",
         _variant(_NAIVE_BACKWARD, "return dxp", "dw /= N\n    return dxp")),
        ("stride ignored", "i*stride",
         _variant(_NAIVE_BACKWARD, "r, c = i * stride, j * stride", "r, c = i, j")),
        ("dw reshaped with the output size", "reshape", """
def conv_backward_naive(dout, cache):
    X, W, b, stride, pad = cache
    row, col = X.shape[2], X.shape[3]
    h_row, h_col = W.shape[2], W.shape[3]
    height = 1 + int((row - h_row + 2 * pad) / stride)
    width = 1 + int((col - h_col + 2 * pad) / stride)
    grad_W = np.zeros(W.shape)
    for img_no in range(X.shape[0]):
        windows = []
        X_pad = np.pad(X[img_no], ((0, 0), (pad, pad), (pad, pad)), mode="constant")
        for i in range(height):
            for j in range(width):
                window = X_pad[:, i * stride:i * stride + h_row, j * stride:j * stride + h_col]
                windows.append(window.reshape(-1, 1))
        for filt_no in range(dout.shape[1]):
            filt = dout[img_no, filt_no].reshape(-1, 1)
            filt_window = np.tile(filt, (1, window.shape[0] * window.shape[1] * window.shape[2]))[:, :, np.newaxis]
            curr_conv = np.sum(np.multiply(windows, filt_window), axis=0)
            curr_conv = np.reshape(curr_conv, (W.shape[1], height - 1, width - 1))
            grad_W[filt_no] += curr_conv
    grad_X_pad = np.zeros((X.shape[0], X.shape[1], row + 2 * pad, col + 2 * pad))
    for n in range(dout.shape[0]):
        for f in range(dout.shape[1]):
            for p in range(dout.shape[2]):
                for q in range(dout.shape[3]):
                    grad_X_pad[n, :, p * stride:p * stride + h_row, q * stride:q * stride + h_col] += W[f] * dout[n, f, p, q]
    grad_X = grad_X_pad[:, :, pad:grad_X_pad.shape[2] - pad, pad:grad_X_pad.shape[3] - pad]
    return grad_X, grad_W, np.sum(dout, axis=(0, 2, 3))
""", "seed 004"),
        ("padding left on dx", "crop",
         _variant(_NAIVE_BACKWARD, "dxp[:, :, pad:pad + H, pad:pad + W]", "dxp")),
    ], True),
    "conv_forward_fast": _answers("conv_forward_fast", [
        ("a loop over filters", "loop", """
from numpy.lib.stride_tricks import sliding_window_view

def conv_forward_fast(x, w, b, stride=1, pad=0):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    H_out = (xp.shape[2] - w.shape[2]) // stride + 1
    W_out = (xp.shape[3] - w.shape[3]) // stride + 1
    win = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride][:, :, :H_out, :W_out]
    out = np.zeros((x.shape[0], w.shape[0], H_out, W_out))
    for f in range(w.shape[0]):
        out[:, f] = np.einsum("nchwkl,ckl->nhw", win, w[f]) + b[f]
    return out, (x, w, b, stride, pad)
"""),
        ("flipped kernel", "flipped", _variant(_FAST_FORWARD, "win, w)", "win, w[:, :, ::-1, ::-1])")),
        ("im2col columns in (k, l, c) order", "(c, k, l) order", """
from numpy.lib.stride_tricks import sliding_window_view

def conv_forward_fast(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    win = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :Ho, :Wo]
    cols = win.transpose(0, 2, 3, 4, 5, 1).reshape(N * Ho * Wo, -1)
    out = cols @ w.reshape(F, -1).T + b
    return out.reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2), (x, w, b, stride, pad)
"""),
        ("stride ignored", "stride", _variant(_FAST_FORWARD, """    H_out = (xp.shape[2] - w.shape[2]) // stride + 1
    W_out = (xp.shape[3] - w.shape[3]) // stride + 1
    win = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride][:, :, :H_out, :W_out]""",
                                              "    win = sliding_window_view(xp, w.shape[2:], axis=(2, 3))")),
        ("pads the batch and channel axes", "pad only the two spatial axes",
         _variant(_FAST_FORWARD, "np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))", "np.pad(x, pad)")),
        ("bias on the last axis", "bias", _variant(_FAST_FORWARD, "+ b[None, :, None, None]", "+ b")),
        ("true division in the output size", "floor division", """
from numpy.lib.stride_tricks import as_strided

def conv_forward_fast(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho = (H + 2 * pad - HH) / stride + 1
    Wo = (W + 2 * pad - WW) / stride + 1
    sn, sc, sh, sw = xp.strides
    cols = as_strided(xp, (N, Ho, Wo, C, HH, WW), (sn, stride * sh, stride * sw, sc, sh, sw))
    out = cols.reshape(N * Ho * Wo, -1) @ w.reshape(F, -1).T + b
    return out.reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2), (x, w, b, stride, pad)
"""),
        ("window width from HH", "HH != WW", """
from numpy.lib.stride_tricks import as_strided

def conv_forward_fast(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho = (H + 2 * pad - HH) // stride + 1
    Wo = (W + 2 * pad - HH) // stride + 1
    sn, sc, sh, sw = xp.strides
    cols = as_strided(xp, (N, Ho, Wo, C, HH, WW), (sn, stride * sh, stride * sw, sc, sh, sw))
    out = cols.reshape(N * Ho * Wo, -1) @ w.reshape(F, -1).T + b
    return out.reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2), (x, w, b, stride, pad)
"""),
    ], True),
    "conv_backward_fast": _answers("conv_backward_fast", [
        ("zero-inserted dout padded by HH - 1 on each side only", "does not divide", _variant(
            _FAST_BACKWARD, "dz = np.zeros((N, F, xp.shape[2] + HH - 1, xp.shape[3] + WW - 1))",
            "dz = np.zeros((N, F, (H_out - 1) * stride + 1 + 2 * (HH - 1), (W_out - 1) * stride + 1 + 2 * (WW - 1)))")),
        ("fancy-index += instead of np.add.at", "np.add.at", """
from numpy.lib.stride_tricks import sliding_window_view

def conv_backward_fast(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :Ho, :Wo]
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(N * Ho * Wo, -1)
    d = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    dw = (d.T @ cols).reshape(w.shape)
    dcols = d @ w.reshape(F, -1)
    index = np.arange(xp.size).reshape(xp.shape)
    iwin = sliding_window_view(index, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :Ho, :Wo]
    flat = np.zeros(xp.size)
    flat[iwin.transpose(0, 2, 3, 1, 4, 5).reshape(dcols.shape)] += dcols
    return flat.reshape(xp.shape)[:, :, pad:pad + H, pad:pad + W], dw, d.sum(axis=0)
"""),
        ("a loop over kernel offsets", "loop", """
from numpy.lib.stride_tricks import sliding_window_view

def conv_backward_fast(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :Ho, :Wo]
    dw = np.einsum("nchwkl,nfhw->fckl", win, dout)
    dxp = np.zeros(xp.shape)
    for k in range(HH):
        for l in range(WW):
            dxp[:, :, k:k + (Ho - 1) * stride + 1:stride, l:l + (Wo - 1) * stride + 1:stride] += np.einsum(
                "nfhw,fc->nchw", dout, w[:, :, k, l])
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))
"""),
        ("db over the batch only", "axes (0, 2, 3)",
         _variant(_FAST_BACKWARD, "dout.sum(axis=(0, 2, 3))", "dout.sum(axis=0)")),
        ("[pad:-pad] unpadding", "-0",
         _variant(_FAST_BACKWARD, "dxp[:, :, pad:pad + H, pad:pad + W]", "dxp[:, :, pad:-pad, pad:-pad]")),
        ("kernel not flipped for the correlation", "flipped",
         _variant(_FAST_BACKWARD, "w[:, :, ::-1, ::-1])", "w)")),
        ("flips w in place", "modified its input",
         _variant(_FAST_BACKWARD, "w[:, :, ::-1, ::-1])", "w)").replace(
             "    dxp = np.einsum", "    w[...] = w[:, :, ::-1, ::-1]\n    dxp = np.einsum")),
        ("dout not zero-inserted (stride ignored)", "dx", _variant(_FAST_BACKWARD, """    dz[:, :, HH - 1:HH - 1 + (H_out - 1) * stride + 1:stride, WW - 1:WW - 1 + (W_out - 1) * stride + 1:stride] = dout""",
                                                                   """    dz[:, :, HH - 1:HH - 1 + H_out, WW - 1:WW - 1 + W_out] = dout""")),
        ("dw channels and filters swapped", "dw", _variant(_FAST_BACKWARD, '"nchwkl,nfhw->fckl"', '"nchwkl,nfhw->cfkl"')),
    ], True),
}
