"""2-D convolution layers, naive and vectorized (assignment ``04_convolution``).

Images are NCHW: ``x`` has shape (N, C, H, W), filters ``w`` (F, C, HH, WW),
biases ``b`` (F,). Like every deep-learning library, the layer computes a
*cross-correlation* (the kernel is not flipped)::

    out[n, f, i, j] = b[f] + sum_{c, k, l} xp[n, c, i*stride + k, j*stride + l] * w[f, c, k, l]

where ``xp`` is ``x`` zero-padded by ``pad`` on each side of the two spatial
axes. The output is (N, F, H_out, W_out) with
``H_out = (H + 2*pad - HH) // stride + 1`` (and likewise W_out): when the
stride does not divide evenly, the last rows and columns of the padded input
are never visited. Forward passes return ``(out, cache)`` with
``cache = (x, w, b, stride, pad)``; backward passes return ``(dx, dw, db)``.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv_output_size(size, kernel, stride=1, pad=0):
    """Length of a convolution's output along one axis.

    Parameters
    ----------
    size : int
        Input length (H or W).
    kernel : int
        Kernel length (HH or WW).
    stride, pad : int
        Step between windows (>= 1) and zeros added on *each* side (>= 0).

    Returns
    -------
    int
        ``(size + 2*pad - kernel) // stride + 1``: floor division, so a last
        partial window is dropped.
    """
    for name, value, low in (("size", size, 1), ("kernel", kernel, 1), ("stride", stride, 1), ("pad", pad, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if kernel > size + 2 * pad:
        raise ValueError(f"kernel must fit in the padded input: kernel {kernel} > size {size} + 2*pad {2 * pad}")
    return (size + 2 * pad - kernel) // stride + 1


def zero_pad(x, pad):
    """Pad the two spatial axes of NCHW images with ``pad`` zeros on each side.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    pad : int

    Returns
    -------
    ndarray, shape (N, C, H + 2*pad, W + 2*pad)
        A new array; the batch and channel axes are not padded.
    """
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D with shape (N, C, H, W), got shape {x.shape}")
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))


def _validate(x, w, b, stride, pad):
    """Check a convolution's inputs at the edge; return them as float arrays and H_out, W_out."""
    x, w, b = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D with shape (N, C, H, W), got shape {x.shape}")
    if w.ndim != 4 or w.shape[1] != x.shape[1]:
        raise ValueError(f"w must have shape (F, {x.shape[1]}, HH, WW) to match x's {x.shape[1]} channels, "
                         f"got shape {w.shape}")
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape ({w.shape[0]},), one bias per filter, got shape {b.shape}")
    H_out = conv_output_size(x.shape[2], w.shape[2], stride, pad)
    W_out = conv_output_size(x.shape[3], w.shape[3], stride, pad)
    return x, w, b, H_out, W_out


def _validate_dout(dout, cache):
    x, w, b, stride, pad = cache
    shape = (x.shape[0], w.shape[0], conv_output_size(x.shape[2], w.shape[2], stride, pad),
             conv_output_size(x.shape[3], w.shape[3], stride, pad))
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != shape:
        raise ValueError(f"dout must have the output's shape {shape}, got shape {dout.shape}")
    return dout


# --- naive: four loops, as the formula reads ------------------------------------------------------

def conv_forward_naive(x, w, b, stride=1, pad=0):
    """Convolution forward pass with explicit loops over n, f and output positions.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    w : ndarray, shape (F, C, HH, WW)
    b : ndarray, shape (F,)
    stride : int
    pad : int

    Returns
    -------
    out : ndarray, shape (N, F, H_out, W_out)
    cache : tuple
        ``(x, w, b, stride, pad)``.
    """
    x, w, b, H_out, W_out = _validate(x, w, b, stride, pad)
    N, F, HH, WW = x.shape[0], w.shape[0], w.shape[2], w.shape[3]
    xp = zero_pad(x, pad)
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = xp[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (x, w, b, stride, pad)


def conv_backward_naive(dout, cache):
    """Convolution backward pass with the same loops as :func:`conv_forward_naive`.

    Every output ``out[n, f, i, j]`` used one window of the padded input and
    filter ``f``; its upstream gradient flows back to both. Windows overlap
    when ``stride < kernel``, so the contributions to ``dx`` are added.

    Parameters
    ----------
    dout : ndarray, shape (N, F, H_out, W_out)
    cache : tuple
        ``(x, w, b, stride, pad)`` from the forward pass.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
    dw : ndarray, shape (F, C, HH, WW)
    db : ndarray, shape (F,)
    """
    dout = _validate_dout(dout, cache)
    x, w, b, stride, pad = cache
    N, F, H_out, W_out = dout.shape
    HH, WW = w.shape[2], w.shape[3]
    xp = zero_pad(x, pad)
    dxp = np.zeros(xp.shape)
    dw = np.zeros(w.shape)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    rows, cols = slice(i * stride, i * stride + HH), slice(j * stride, j * stride + WW)
                    dw[f] += dout[n, f, i, j] * xp[n, :, rows, cols]
                    dxp[n, :, rows, cols] += dout[n, f, i, j] * w[f]
    dx = dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]]
    return dx, dw, dout.sum(axis=(0, 2, 3))


# --- fast: one matrix product per pass, no Python loops -------------------------------------------

def _im2col(x, HH, WW, stride, pad, H_out, W_out):
    """Every receptive field of the padded input as a column, and a last row of ones.

    Returns
    -------
    ndarray, shape (C*HH*WW + 1, N*H_out*W_out)
        Row ``(c, k, l)`` and column ``(n, i, j)`` hold
        ``xp[n, c, i*stride + k, j*stride + l]``; the last row is all ones (the
        bias trick). The axes are ordered so that the filters, reshaped to
        (F, C*HH*WW) with the biases as one more column, multiply it in one
        GEMM, and the upstream gradient times its transpose gives ``dw`` and
        ``db`` in one GEMM too.
    """
    N, C = x.shape[:2]
    K = C * HH * WW
    windows = sliding_window_view(zero_pad(x, pad), (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    windows = windows[:, :, :H_out, :W_out]                      # (N, C, H_out, W_out, HH, WW), a view
    cols = np.empty((K + 1, N * H_out * W_out))
    cols[:K].reshape(C, HH, WW, N, H_out, W_out)[...] = windows.transpose(1, 4, 5, 0, 2, 3)  # one copy
    cols[K] = 1.0
    return cols


def _col2im(dcols, x_shape, HH, WW, stride, pad, H_out, W_out):
    """Add every column of ``dcols`` back onto the window it came from (the adjoint of :func:`_im2col`).

    Overlapping windows add up. Entry ``(k, l)`` of every window lands on
    the padded pixels ``(i*stride + k, j*stride + l)``: for one kernel offset
    that is a strided slice of the padded image, so the whole scatter is
    ``HH*WW`` slice additions (9 for a 3x3 kernel), each over all samples,
    channels and output positions at once. (The course calls code
    vectorized when it has no Python loop over samples, filters or output
    positions; the student exercise is stricter and forbids every loop.)

    Parameters
    ----------
    dcols : ndarray, shape (C*HH*WW, N*H_out*W_out)

    Returns
    -------
    ndarray, shape (N, C, H, W)
    """
    N, C, H, W = x_shape
    dcols = dcols.reshape(C, HH, WW, N, H_out, W_out)
    dxp = np.zeros((C, N, H + 2 * pad, W + 2 * pad))
    rows, cols = (H_out - 1) * stride + 1, (W_out - 1) * stride + 1
    for k in range(HH):
        for l in range(WW):
            dxp[:, :, k:k + rows:stride, l:l + cols:stride] += dcols[:, k, l]
    return dxp[:, :, pad:pad + H, pad:pad + W].transpose(1, 0, 2, 3)


def conv_forward_fast(x, w, b, stride=1, pad=0):
    """Vectorized convolution forward pass: im2col, then one matrix product.

    The biases ride in the product as one more column of the filter matrix,
    against the row of ones :func:`_im2col` appends. Same contract as :func:`conv_forward_naive`.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    w : ndarray, shape (F, C, HH, WW)
    b : ndarray, shape (F,)
    stride : int
    pad : int

    Returns
    -------
    out : ndarray, shape (N, F, H_out, W_out)
    cache : tuple
        ``(x, w, b, stride, pad)``.
    """
    x, w, b, H_out, W_out = _validate(x, w, b, stride, pad)
    F, _, HH, WW = w.shape
    cols = _im2col(x, HH, WW, stride, pad, H_out, W_out)        # (C*HH*WW + 1, N*H_out*W_out)
    out = np.column_stack([w.reshape(F, -1), b]) @ cols          # (F, N*H_out*W_out), biases added
    out = out.reshape(F, x.shape[0], H_out, W_out).transpose(1, 0, 2, 3)
    return out, (x, w, b, stride, pad)


def conv_backward_fast(dout, cache):
    """Vectorized convolution backward pass: two matrix products and a col2im.

    With ``cols`` the im2col matrix of the forward pass (its last row all
    ones) and ``d`` the upstream gradient as (F, N*H_out*W_out):
    ``[dw | db] = d @ cols.T`` (the row of ones sums ``d`` into ``db``), and
    ``dx = col2im(w.T @ d)``, with ``w.T @ d`` written into the columns'
    own memory.

    Parameters
    ----------
    dout : ndarray, shape (N, F, H_out, W_out)
    cache : tuple
        ``(x, w, b, stride, pad)`` from the forward pass.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
    dw : ndarray, shape (F, C, HH, WW)
    db : ndarray, shape (F,)
    """
    dout = _validate_dout(dout, cache)
    x, w, b, stride, pad = cache
    N, F, H_out, W_out = dout.shape
    HH, WW = w.shape[2], w.shape[3]
    cols = _im2col(x, HH, WW, stride, pad, H_out, W_out)        # (C*HH*WW + 1, N*H_out*W_out)
    d = dout.transpose(1, 0, 2, 3).reshape(F, -1)                # (F, N*H_out*W_out)
    dwb = d @ cols.T                                             # (F, C*HH*WW + 1): dw, then db
    dcols = np.matmul(w.reshape(F, -1).T, d, out=cols[:-1])      # written over the columns, no longer needed
    dx = _col2im(dcols, x.shape, HH, WW, stride, pad, H_out, W_out)
    return dx, dwb[:, :-1].reshape(w.shape), dwb[:, -1]


# --- for the notebook's first section: one channel, one kernel ------------------------------------

def correlate2d(image, kernel):
    """'Valid' 2-D cross-correlation of one image with one kernel (no flip).

    Parameters
    ----------
    image : ndarray, shape (H, W)
    kernel : ndarray, shape (HH, WW)

    Returns
    -------
    ndarray, shape (H - HH + 1, W - WW + 1)
    """
    return np.einsum("ijkl,kl->ij", sliding_window_view(image, kernel.shape), kernel)


def convolve2d(image, kernel):
    """'Valid' 2-D convolution: cross-correlation with the kernel flipped in both axes."""
    return correlate2d(image, kernel[::-1, ::-1])
