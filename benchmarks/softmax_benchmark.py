"""Speed of the reference softmax family against ``scipy.special`` and PyTorch, as ratios from one run.

For ``softmax``, ``logsumexp`` and ``log_softmax`` in float64 on two shapes,
(10000, 10) (many samples, few classes) and (1000, 1000), it prints the best
time of ``solutions_lib.softmax_family`` (input checks included), of
``scipy.special`` (``softmax``, ``logsumexp``, ``log_softmax`` with
``axis=1``) and, when ``torch`` is installed, of ``torch.softmax``,
``torch.logsumexp`` and ``torch.log_softmax`` on 2 threads, with the ratios
reference / other (below 1: the reference is faster). It first checks that
all three agree.

Run from the repository root::

    python benchmarks/softmax_benchmark.py
    python benchmarks/softmax_benchmark.py --quick

PyTorch: the CPU build, ``pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu``
(the default ``pip install torch`` pulls a CUDA build of several GB).
"""

import argparse
from functools import partial

import numpy as np
from scipy import special
from timing import best_time, machine_line  # benchmarks/timing.py, beside this script

from solutions_lib import softmax_family

SHAPES = [(10000, 10), (1000, 1000)]
FUNCTIONS = ["softmax", "logsumexp", "log_softmax"]


def scipy_version(name):
    """The ``scipy.special`` function, row-wise."""
    return {"softmax": lambda Z: special.softmax(Z, axis=1), "logsumexp": lambda Z: special.logsumexp(Z, axis=1),
            "log_softmax": lambda Z: special.log_softmax(Z, axis=1)}[name]


def torch_version(name):
    """PyTorch's function on a NumPy array (converted without a copy), or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(2)
    op = {"softmax": torch.softmax, "logsumexp": torch.logsumexp, "log_softmax": torch.log_softmax}[name]
    return lambda Z: op(torch.from_numpy(Z), 1).numpy()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    repeats = 5 if args.quick else 30
    try:
        import torch
        build = f"{torch.__version__} (2 threads)"
    except ImportError:
        build = "not installed (pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu)"
    print(machine_line())
    print("float64; ratio = reference time / other time (below 1: the reference is faster)")
    print(f"NumPy {np.__version__}, SciPy {__import__('scipy').__version__}, PyTorch {build}")
    print(f"{'function':<12} {'Z':<12} {'reference':>10} {'scipy':>9} {'ratio':>6} {'torch':>9} {'ratio':>6}")
    for shape in SHAPES:
        Z = np.random.default_rng(0).standard_normal(shape) * 5
        for name in FUNCTIONS:
            ours, theirs, torchs = getattr(softmax_family, name), scipy_version(name), torch_version(name)
            assert np.allclose(ours(Z), theirs(Z), rtol=1e-12, atol=1e-15), f"scipy disagrees on {name}"
            if torchs is not None:
                assert np.allclose(ours(Z), torchs(Z), rtol=1e-12, atol=1e-15), f"torch disagrees on {name}"
            t_ours = best_time(partial(ours, Z), repeats)
            t_scipy = best_time(partial(theirs, Z), repeats)
            line = (f"{name:<12} {str(shape):<12} {t_ours * 1e3:>8.2f}ms {t_scipy * 1e3:>7.2f}ms "
                    f"{t_ours / t_scipy:>6.2f}")
            if torchs is not None:
                t_torch = best_time(partial(torchs, Z), repeats)
                line += f" {t_torch * 1e3:>7.2f}ms {t_ours / t_torch:>6.2f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
