"""Speed of the reference convolution, forward plus backward, as ratios from one run.

Compares ``solutions_lib.convolution``'s vectorized layer against

- PyTorch's ``conv2d`` in float64 on the CPU with 2 threads, when ``torch`` is
  installed (its CPU build, below),
- ``scipy.signal.correlate`` (forward) and ``scipy.signal.convolve`` /
  ``correlate`` (backward), one call per (sample, filter, channel) image pair,
- the naive four-loop layer (loops over n, f, i and j; channels and kernel
  summed by NumPy), the canonical loops a student writes first;
- the notebook's model answer of ``conv_forward_fast`` / ``conv_backward_fast``
  (read from ``source/04_convolution``), whose speed-up over those loops the
  notebook's timing cell shows.

PyTorch: its CPU build, ``pip install torch==2.13.0 --index-url
https://download.pytorch.org/whl/cpu``; the first lines of the output name the
build and the thread count it ran with.

Run from the repository root::

    python benchmarks/conv_benchmark.py            # all four shapes
    python benchmarks/conv_benchmark.py --quick    # smaller repeats, for a smoke run

A ratio below 1 means the reference is faster. At these sizes a good part of
NumPy's time is page faults on fresh temporaries (glibc returns large freed
blocks to the system); running with ``MALLOC_MMAP_THRESHOLD_=1000000000
MALLOC_TRIM_THRESHOLD_=1000000000`` in the environment keeps them mapped and
changes both sides' times, so compare ratios from runs in one environment. Times are the best of several
repeats; the naive layer and the scipy version, which take seconds, are
timed once on a slice of the batch and scaled to the full batch.
"""

import argparse
from functools import partial

import numpy as np
from scipy import signal
from timing import best_time, machine_line  # benchmarks/timing.py, beside this script

from classroom.submissions import notebook_functions
from solutions_lib.convolution import conv_backward_fast, conv_backward_naive, conv_forward_fast, conv_forward_naive

#: (label, x shape, w shape, stride, pad)
SHAPES = [
    ("strided", (100, 3, 31, 31), (25, 3, 3, 3), 2, 1),
    ("CIFAR-like", (64, 3, 32, 32), (16, 3, 3, 3), 1, 1),
    ("digits-like", (256, 1, 8, 8), (8, 1, 3, 3), 1, 1),
    ("deep", (50, 16, 32, 32), (32, 16, 3, 3), 1, 1),
]


def reference(x, w, b, stride, pad, dout):
    out, cache = conv_forward_fast(x, w, b, stride, pad)
    return (out, *conv_backward_fast(dout, cache))


def naive(x, w, b, stride, pad, dout):
    out, cache = conv_forward_naive(x, w, b, stride, pad)
    return (out, *conv_backward_naive(dout, cache))


def model_answer():
    """The notebook's model answer, forward plus backward."""
    namespace = notebook_functions("04_convolution")
    forward, backward = namespace["conv_forward_fast"], namespace["conv_backward_fast"]

    def run(x, w, b, stride, pad, dout):
        out, cache = forward(x, w, b, stride, pad)
        return (out, *backward(dout, cache))

    return run


def scipy_signal(x, w, b, stride, pad, dout):
    """The same layer from ``scipy.signal`` 2-D correlations, one per image pair."""
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    N, C = x.shape[:2]
    F, _, HH, WW = w.shape
    Ho, Wo = dout.shape[2:]
    out = np.empty((N, F, Ho, Wo))
    dxp = np.zeros(xp.shape)
    dw = np.zeros(w.shape)
    # zero-inserted upstream gradient: the backward passes at stride 1
    dz = np.zeros((N, F, (Ho - 1) * stride + 1, (Wo - 1) * stride + 1))
    dz[:, :, ::stride, ::stride] = dout
    for n in range(N):
        for f in range(F):
            full = sum(signal.correlate(xp[n, c], w[f, c], mode="valid", method="direct") for c in range(C))
            out[n, f] = full[::stride, ::stride][:Ho, :Wo] + b[f]
            for c in range(C):
                grad = signal.convolve(dz[n, f], w[f, c], mode="full", method="direct")
                dxp[n, c, :grad.shape[0], :grad.shape[1]] += grad
                dw[f, c] += signal.correlate(xp[n, c, :dz.shape[2] + HH - 1, :dz.shape[3] + WW - 1], dz[n, f],
                                             mode="valid", method="direct")
    dx = dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]]
    return out, dx, dw, dout.sum(axis=(0, 2, 3))


def torch_layer():
    """PyTorch's conv2d forward plus backward on NumPy arrays, or None without torch."""
    try:
        import torch
    except ImportError:
        return None, None
    torch.set_num_threads(2)

    def run(x, w, b, stride, pad, dout):
        xt, wt, bt = (torch.from_numpy(a).requires_grad_() for a in (x, w, b))
        out = torch.nn.functional.conv2d(xt, wt, bt, stride=stride, padding=pad)
        out.backward(torch.from_numpy(dout))
        return out.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()

    return run, torch.__version__


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 10
    run_torch, torch_version = torch_layer()
    run_model = model_answer()
    print(machine_line())
    print("forward + backward, float64; ratio = reference time / other time (below 1: reference faster)")
    torch_line = torch_version + " (2 threads)" if run_torch else "not installed (see the README for the CPU build)"
    print(f"PyTorch: {torch_line}")
    print("loops: the reference's naive layer, the canonical four loops over n, f, i, j (channels and kernel "
          "summed by NumPy);")
    print("model: the notebook's model answer (tensordot over strided windows, dx scattered with np.add.at); "
          "speed-up = loops time / its time")
    header = f"{'shape':<12} {'x':<18} {'w':<16} {'s':>2} {'p':>2} {'reference':>10}"
    header += f" {'torch':>9} {'ratio':>6}" if run_torch else ""
    header += f" {'scipy':>9} {'ratio':>6} {'loops':>9} {'speed-up':>9} {'model':>8} {'speed-up':>9}"
    print(header)
    for label, x_shape, w_shape, stride, pad in SHAPES:
        rng = np.random.default_rng(0)
        x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
        out, _ = conv_forward_fast(x, w, b, stride, pad)
        dout = rng.standard_normal(out.shape)
        ours = reference(x, w, b, stride, pad, dout)
        for name, other in (("scipy", scipy_signal), ("model answer", run_model)) + (
                (("torch", run_torch),) if run_torch else ()):
            theirs = other(x, w, b, stride, pad, dout)
            for a, b_ in zip(ours, theirs):
                assert np.allclose(a, b_, rtol=1e-9, atol=1e-9), f"{name} disagrees with the reference on {label}"
        t_ref = best_time(partial(reference, x, w, b, stride, pad, dout), repeats)
        line = f"{label:<12} {str(x_shape):<18} {str(w_shape):<16} {stride:>2} {pad:>2} {t_ref * 1e3:>8.1f}ms"
        if run_torch:
            t_torch = best_time(partial(run_torch, x, w, b, stride, pad, dout), repeats)
            line += f" {t_torch * 1e3:>7.1f}ms {t_ref / t_torch:>6.2f}"
        # scipy and the loops take seconds: time a slice of the batch and scale to the full batch
        part = max(1, x_shape[0] // 16)
        t_scipy = best_time(partial(scipy_signal, x[:part], w, b, stride, pad, dout[:part]), 1) * x_shape[0] / part
        t_loops = best_time(partial(naive, x[:part], w, b, stride, pad, dout[:part]), 1) * x_shape[0] / part
        t_model = best_time(partial(run_model, x, w, b, stride, pad, dout), repeats)
        line += f" {t_scipy * 1e3:>7.0f}ms {t_ref / t_scipy:>6.3f} {t_loops * 1e3:>7.0f}ms {t_loops / t_ref:>8.0f}x"
        line += f" {t_model * 1e3:>6.1f}ms {t_loops / t_model:>8.0f}x"
        print(line, flush=True)


if __name__ == "__main__":
    main()
