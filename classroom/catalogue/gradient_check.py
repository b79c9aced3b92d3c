"""Answers for ``05_gradient_check/gradient_check.ipynb``: correct alternatives and realistic bugs.

See :mod:`classroom.catalogue` for the conventions. Each answer is one
solution cell; helpers it needs are defined in the same cell.
"""

from classroom.answer import answers as _answers

_NUMERICAL = """
def numerical_gradient(f, x, h=1e-5):
    if x.dtype != np.float64:
        x = x.astype(np.float64)
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = f(x)
        x[index] = old - h
        minus = f(x)
        x[index] = old
        grad[index] = (plus - minus) / (2 * h)
    return grad
"""

_NDITER = """
def numerical_gradient(f, x, h=1e-5):
    x = x if x.dtype == np.float64 else x.astype(float)
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad
"""

_ARRAY = """
def numerical_gradient_array(f, x, dout, h=1e-5):
    if x.dtype != np.float64:
        x = x.astype(np.float64)
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = f(x).copy()
        x[index] = old - h
        minus = f(x).copy()
        x[index] = old
        grad[index] = np.sum((plus - minus) * dout) / (2 * h)
    return grad
"""

_SPARSE = """
def sparse_gradient_check(f, x, analytic_grad, num_checks, rng, h=1e-5):
    indices = np.zeros((num_checks, x.ndim), dtype=int)
    errors = np.zeros(num_checks)
    for k in range(num_checks):
        index = tuple(int(rng.integers(n)) for n in x.shape)
        old = x[index]
        x[index] = old + h
        plus = f(x)
        x[index] = old - h
        minus = f(x)
        x[index] = old
        numeric = (plus - minus) / (2 * h)
        errors[k] = abs(numeric - analytic_grad[index]) / max(1e-8, abs(numeric) + abs(analytic_grad[index]))
        indices[k] = index
    return indices, errors
"""

_FLAT_SPARSE = """
def sparse_gradient_check(f, x, analytic_grad, num_checks, rng, h=1e-5):
    flat = rng.integers(0, x.size, size=num_checks)
    indices = np.stack(np.unravel_index(flat, x.shape), axis=1)
    errors = []
    for index in map(tuple, indices):
        old = x[index]
        x[index] = old + h
        plus = f(x)
        x[index] = old - h
        minus = f(x)
        x[index] = old
        num = (plus - minus) / (2 * h)
        ana = analytic_grad[index]
        errors.append(abs(num - ana) / max(1e-8, abs(num) + abs(ana)))
    return indices, np.array(errors)
"""

_FINDER = """
def find_buggy_layers(layers):
    rng = np.random.default_rng(0)
    buggy = set()
    for name, (forward, backward, x) in layers.items():
        out, cache = forward(x)
        dout = rng.standard_normal(out.shape)
        dx = backward(dout, cache)
        numeric = numerical_gradient_array(lambda v: forward(v)[0], x.copy(), dout)
        if relative_error(dx, numeric) > 1e-6:
            buggy.add(name)
    return buggy
"""

#: The finder's answers need the notebook's (correct) checker functions.
_CHECKER = """
def numerical_gradient_array(f, x, dout, h=1e-5):
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = f(x).copy()
        x[index] = old - h
        minus = f(x).copy()
        x[index] = old
        grad[index] = np.sum((plus - minus) * dout) / (2 * h)
    return grad


def relative_error(a, b):
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))

"""


def _variant(source, old, new):
    """``source`` with one fragment replaced (a bug planted in a correct answer)."""
    assert old in source, old
    return source.replace(old, new)


ALTERNATIVES = {
    "numerical_gradient": _answers("numerical_gradient", [
        ("np.ndindex with old value", _NUMERICAL),
        ("np.nditer (CS231n's eval_numerical_gradient)", _NDITER),
        ("CS231n's loop as printed: x perturbed in place, no conversion", _variant(_NDITER, """\
    x = x if x.dtype == np.float64 else x.astype(float)
    grad = np.zeros_like(x, dtype=float)
""", "    grad = np.zeros_like(x)\n")),
        ("textbook loop over np.ndindex, no conversion", """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(*x.shape):
        saved = x[i]
        x[i] = saved + h
        f_plus = f(x)
        x[i] = saved - h
        f_minus = f(x)
        x[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
"""),
        ("flat view and a range", """
def numerical_gradient(f, x, h=1e-5):
    if not np.issubdtype(x.dtype, np.floating) or x.dtype != np.float64:
        x = np.array(x, dtype=np.float64)
    flat = x.reshape(-1)                   # a view: writing to it changes x
    grad = np.empty(x.size)
    for i in range(x.size):
        saved = flat[i]
        flat[i] = saved + h
        up = float(f(x))
        flat[i] = saved - h
        down = float(f(x))
        flat[i] = saved
        grad[i] = (up - down) / h / 2
    return grad.reshape(x.shape)
"""),
        ("f's value as a one-element array, made a number", """
def numerical_gradient(f, x, h=1e-5):
    x = x if x.dtype == np.float64 else x.astype(np.float64)
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = np.reshape(f(x), 1)
        x[index] = old - h
        minus = np.reshape(f(x), 1)
        x[index] = old
        grad[index] = float((plus - minus)[0]) / (2 * h)
    return grad
"""),
    ], False),
    "numerical_gradient_array": _answers("numerical_gradient_array", [
        ("np.ndindex with copies", _ARRAY),
        ("np.nditer, np.array copies", """
def numerical_gradient_array(f, x, dout, h=1e-5):
    x = x if x.dtype == np.float64 else x.astype(float)
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        pos = np.array(f(x))
        x[ix] = oldval - h
        neg = np.array(f(x))
        x[ix] = oldval
        grad[ix] = np.sum((pos - neg) * dout) / (2 * h)
        it.iternext()
    return grad
"""),
        ("difference first, then a dot product", """
def numerical_gradient_array(f, x, dout, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros(x.shape)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + h
        plus = np.copy(f(x))
        flat[i] = keep - h
        change = plus - f(x)
        flat[i] = keep
        out[i] = np.vdot(change, dout) / (2 * h)
    return grad
"""),
    ], False),
    "relative_error": _answers("relative_error", [
        ("np.maximum", "def relative_error(a, b):\n"
                       "    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))"),
        ("asarray and clip", """
def relative_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.max(np.abs(a - b) / np.clip(np.abs(a) + np.abs(b), 1e-8, None))
"""),
        ("np.where on the denominator", """
def relative_error(a, b):
    a, b = np.atleast_1d(a).astype(float), np.atleast_1d(b).astype(float)
    scale = np.abs(a) + np.abs(b)
    return (np.abs(a - b) / np.where(scale > 1e-8, scale, 1e-8)).max().item()
"""),
    ], False),
    "sparse_gradient_check": _answers("sparse_gradient_check", [
        ("one index per loop step", _SPARSE),
        ("flat indices drawn at once", _FLAT_SPARSE),
        ("distinct entries, rng.choice without replacement",
         _variant(_FLAT_SPARSE, "rng.integers(0, x.size, size=num_checks)",
                  "rng.choice(x.size, num_checks, replace=False)")),
    ], False),
    "find_buggy_layers": _answers("find_buggy_layers", [
        ("numerical_gradient_array and relative_error", _CHECKER + _FINDER),
        ("inline central differences and a sorted list", """
def find_buggy_layers(layers):
    rng = np.random.default_rng(42)
    found = []
    for name in sorted(layers):
        forward, backward, x = layers[name]
        x = np.array(x, dtype=float)
        out, cache = forward(x)
        dout = rng.normal(size=np.shape(out))
        dx = backward(dout, cache)
        num = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            e = np.zeros_like(x)
            e[i] = 1e-5
            num[i] = np.sum((forward(x + e)[0] - forward(x - e)[0]) * dout) / 2e-5
        if np.max(np.abs(num - dx) / np.maximum(1e-8, np.abs(num) + np.abs(dx))) > 1e-6:
            found.append(name)
    return found
"""),
    ], False),
    "softplus_backward": _answers("softplus_backward", [
        ("np.where on the sign", """
def softplus_backward(dout, cache):
    x = cache
    e = np.exp(-np.abs(x))
    return dout * np.where(x >= 0, 1 / (1 + e), e / (1 + e))
"""),
        ("tanh identity", "def softplus_backward(dout, cache):\n    return dout * 0.5 * (1 + np.tanh(cache / 2))"),
        ("logaddexp", "def softplus_backward(dout, cache):\n    return dout * np.exp(-np.logaddexp(0, -cache))"),
    ], False),
}

BUGS = {
    "numerical_gradient": _answers("numerical_gradient", [
        ("entry not restored", "not the same afterwards",
         _variant(_NUMERICAL, "        x[index] = old\n", "")),
        ("perturbs a copy that f never reads", "never saw the perturbation", """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        x_plus, x_minus = x.astype(np.float64), x.astype(np.float64)
        x_plus[index] += h
        x_minus[index] -= h
        grad[index] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad
"""),
        ("plus and minus swapped", "wrong sign",
         _variant(_NUMERICAL, "(plus - minus) / (2 * h)", "(minus - plus) / (2 * h)")),
        ("one-sided difference", "one-sided", """
def numerical_gradient(f, x, h=1e-5):
    x = x.astype(np.float64) if x.dtype != np.float64 else x
    grad = np.zeros(x.shape)
    fx = f(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        grad[index] = (f(x) - fx) / h
        x[index] = old
    return grad
"""),
        ("works in float32", "float64", _variant(_NUMERICAL, """    if x.dtype != np.float64:
        x = x.astype(np.float64)
    grad = np.zeros(x.shape)""", """    x = x.astype(np.float32)
    grad = np.zeros(x.shape, dtype=np.float32)""")),
        ("divides by h", "2 times too large", _variant(_NUMERICAL, "(plus - minus) / (2 * h)", "(plus - minus) / h")),
        ("restores with -= h (drifts)", "not the same afterwards", """
def numerical_gradient(f, x, h=1e-5):
    x = x.astype(np.float64) if x.dtype != np.float64 else x
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        x[index] += h
        plus = f(x)
        x[index] -= 2 * h
        minus = f(x)
        x[index] += h
        grad[index] = (plus - minus) / (2 * h)
    return grad
""", "seed 004"),
    ], True),
    "numerical_gradient_array": _answers("numerical_gradient_array", [
        ("no copy of f's output", "copy each output", _variant(_ARRAY, "f(x).copy()", "f(x)")),
        ("ignores dout", "ignores dout", _variant(_ARRAY, "np.sum((plus - minus) * dout)", "np.sum(plus - minus)")),
        ("entry not restored", "not the same afterwards", _variant(_ARRAY, "        x[index] = old\n", "")),
        ("one-sided difference", "one-sided", """
def numerical_gradient_array(f, x, dout, h=1e-5):
    grad = np.zeros(x.shape)
    base = f(x).copy()
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        grad[index] = np.sum((f(x) - base) * dout) / h
        x[index] = old
    return grad
"""),
        ("dout times the mean difference", "wrong", _variant(
            _ARRAY, "np.sum((plus - minus) * dout) / (2 * h)", "np.mean(plus - minus) * np.sum(dout) / (2 * h)")),
        ("plus and minus swapped", "wrong sign", _variant(_ARRAY, "(plus - minus) * dout", "(minus - plus) * dout")),
    ], True),
    "relative_error": _answers("relative_error", [
        ("nan when both are zero", "nan", "def relative_error(a, b):\n"
                                          "    return np.max(np.abs(a - b) / (np.abs(a) + np.abs(b)))"),
        ("mean instead of max", "mean", "def relative_error(a, b):\n"
                                        "    return np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))"),
        ("|a + b| in the denominator", "opposite signs", "def relative_error(a, b):\n"
                                                         "    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a + b)))"),
        ("elementwise, no max", "one number", "def relative_error(a, b):\n"
                                              "    return np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))"),
        ("absolute difference", "absolute difference", "def relative_error(a, b):\n    return np.max(np.abs(a - b))"),
        ("max of the denominator", "not max", "def relative_error(a, b):\n"
                                              "    return np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a) + np.abs(b)))"),
        ("floor with np.max instead of np.maximum", "raised", "def relative_error(a, b):\n"
                                                             "    return np.max(np.abs(a - b) / np.max(1e-8, np.abs(a) + np.abs(b)))"),
    ], True),
    "sparse_gradient_check": _answers("sparse_gradient_check", [
        ("same index every time", "same index", _variant(
            _SPARSE, "    for k in range(num_checks):\n        index = tuple(int(rng.integers(n)) for n in x.shape)\n",
            "    index = tuple(int(rng.integers(n)) for n in x.shape)\n    for k in range(num_checks):\n")),
        ("reports another index than it checks", "index", _variant(
            _SPARSE, "        indices[k] = index", "        indices[k] = index[::-1] if x.ndim == 2 else index")),
        ("np.random instead of rng", "rng", _variant(
            _SPARSE, "int(rng.integers(n))", "np.random.randint(n)")),
        ("entry not restored", "not the same afterwards", _variant(_SPARSE, "        x[index] = old\n", "")),
    ], True),
    "find_buggy_layers": _answers("find_buggy_layers", [
        ("threshold far too strict", "flagged", _CHECKER + _variant(_FINDER, "> 1e-6", "> 1e-12")),
        ("keeps the correct ones", "instead of the buggy", _CHECKER + _variant(_FINDER, "> 1e-6", "< 1e-6")),
        ("numerical gradient of the closure's x", "flagged", _CHECKER + _variant(
            _FINDER, "lambda v: forward(v)[0]", "lambda v: forward(x)[0]")),
        ("never flags anything", "missed", _CHECKER + _variant(_FINDER, "> 1e-6", "> 10")),
    ], True),
    "softplus_backward": _answers("softplus_backward", [
        ("derivative exp(x)", "dx is wrong", "def softplus_backward(dout, cache):\n    return dout * np.exp(cache)"),
        ("naive sigmoid overflows", "overflow", "def softplus_backward(dout, cache):\n"
                                                "    return dout / (1 + np.exp(-cache))"),
        ("uses the softplus value", "dx is wrong", "def softplus_backward(dout, cache):\n"
                                                   "    return dout * np.logaddexp(0, cache)"),
    ], True),
}
