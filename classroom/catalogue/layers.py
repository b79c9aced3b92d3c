"""Answers for ``03_gradients/layers.ipynb``: correct alternatives and realistic bugs.

See :mod:`classroom.catalogue` for the conventions.
"""

from classroom.answer import answers as _answers

ALTERNATIVES = {
    "affine_forward": _answers("affine_forward", [
        ("np.dot", "def affine_forward(x, W, b):\n    out = np.dot(x, W) + b\n    return out, (x, W, b)"),
        ("einsum", "def affine_forward(x, W, b):\n    return np.einsum('nd,dm->nm', x, W) + b[None, :], (x, W, b)"),
        ("matmul and list cache", "def affine_forward(x, W, b):\n    cache = [x, W, b]\n    return np.matmul(x, W) + b.reshape(1, -1), cache"),
    ], False),
    "affine_backward": _answers("affine_backward", [
        ("np.dot", """
def affine_backward(dout, cache):
    x, W, b = cache
    return np.dot(dout, W.T), np.dot(x.T, dout), np.sum(dout, axis=0)
"""),
        ("einsum", """
def affine_backward(dout, cache):
    x, W, _ = cache
    dx = np.einsum("nm,dm->nd", dout, W)
    dW = np.einsum("nd,nm->dm", x, dout)
    return dx, dW, np.einsum("nm->m", dout)
"""),
        ("transposes of transposes", """
def affine_backward(dout, cache):
    x, W, b = cache
    dx = (W @ dout.T).T
    dW = (dout.T @ x).T
    db = np.ones(dout.shape[0]) @ dout
    return dx, dW, db
"""),
    ], False),
    "relu_forward": _answers("relu_forward", [
        ("mask multiply", "def relu_forward(x):\n    return x * (x > 0), x"),
        ("np.where", "def relu_forward(x):\n    out = np.where(x > 0, x, 0.0)\n    return out, x"),
        ("clip", "def relu_forward(x):\n    return np.clip(x, 0, None), x"),
    ], False),
    "relu_backward": _answers("relu_backward", [
        ("np.where", "def relu_backward(dout, cache):\n    return np.where(cache > 0, dout, 0.0)"),
        ("copy and zero", "def relu_backward(dout, cache):\n    dx = dout.copy()\n    dx[cache <= 0] = 0\n    return dx"),
        ("heaviside", "def relu_backward(dout, cache):\n    return dout * np.heaviside(cache, 0.0)"),
    ], False),
    "sigmoid_forward": _answers("sigmoid_forward", [
        ("tanh identity", "def sigmoid_forward(x):\n    out = 0.5 * (1 + np.tanh(0.5 * x))\n    return out, out"),
        ("logaddexp", "def sigmoid_forward(x):\n    out = np.exp(-np.logaddexp(0, -x))\n    return out, out"),
        ("masked branches", """
def sigmoid_forward(x):
    out = np.empty_like(x, dtype=float)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out, out
"""),
        ("naive formula, harmless overflow silenced", """
def sigmoid_forward(x):
    with np.errstate(over="ignore"):   # exp(1000) is inf, and 1 / (1 + inf) is the right 0
        out = 1.0 / (1.0 + np.exp(-x))
    return out, out
"""),
    ], False),
    "sigmoid_backward": _answers("sigmoid_backward", [
        ("out minus out squared", "def sigmoid_backward(dout, cache):\n    return dout * (cache - cache ** 2)"),
        ("named", "def sigmoid_backward(dout, cache):\n    out = cache\n    local = out * (1.0 - out)\n    return local * dout"),
        ("np.multiply", "def sigmoid_backward(dout, cache):\n    return np.multiply(dout, np.multiply(cache, 1 - cache))"),
    ], False),
    "softmax_cross_entropy": _answers("softmax_cross_entropy", [
        ("log-softmax first", """
def softmax_cross_entropy(logits, Y):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    N = logits.shape[0]
    return -np.sum(Y * log_p) / N, (np.exp(log_p) - Y) / N
"""),
        ("logsumexp minus target", """
def softmax_cross_entropy(logits, Y):
    m = logits.max(axis=1)
    lse = m + np.log(np.exp(logits - m[:, None]).sum(axis=1))
    loss = np.mean(lse - (logits * Y).sum(axis=1))
    probs = np.exp(logits - lse[:, None])
    return float(loss), (probs - Y) / len(logits)
"""),
        ("class-index form", """
def softmax_cross_entropy(logits, Y):
    y = Y.argmax(axis=1)
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.mean(z[np.arange(n), y] - np.log(np.exp(z).sum(axis=1)))
    d = p.copy()
    d[np.arange(n), y] -= 1
    return loss, d / n
"""),
    ], False),
    "xavier_uniform": _answers("xavier_uniform", [
        ("limit variable", "def xavier_uniform(fan_in, fan_out, rng):\n    limit = (6 / (fan_in + fan_out)) ** 0.5\n    return rng.uniform(low=-limit, high=limit, size=(fan_in, fan_out))"),
        ("scaled random", "def xavier_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(6.0 / (fan_in + fan_out))\n    return a * (2 * rng.random((fan_in, fan_out)) - 1)"),
    ], False),
    "iterate_minibatches": _answers("iterate_minibatches", [
        ("shuffled index array", """
def iterate_minibatches(X, Y, batch_size, rng):
    idx = np.arange(len(X))
    rng.shuffle(idx)
    for start in range(0, len(idx), batch_size):
        yield X[idx[start:start + batch_size]], Y[idx[start:start + batch_size]]
"""),
        ("array_split", """
def iterate_minibatches(X, Y, batch_size, rng):
    order = rng.permutation(X.shape[0])
    n_batches = int(np.ceil(len(order) / batch_size))
    for rows in np.array_split(order, np.arange(batch_size, len(order), batch_size)):
        yield X[rows], Y[rows]
"""),
        ("list of batches", """
def iterate_minibatches(X, Y, batch_size, rng):
    perm = rng.permutation(len(X))
    Xs, Ys = X[perm], Y[perm]
    return [(Xs[i:i + batch_size], Ys[i:i + batch_size]) for i in range(0, len(X), batch_size)]
"""),
        ("argsort of uniform draws", """
def iterate_minibatches(X, Y, batch_size, rng):
    order = np.argsort(rng.random(X.shape[0]))
    for start in range(0, X.shape[0], batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], Y[rows]
"""),
        ("rng.choice without replacement", """
def iterate_minibatches(X, Y, batch_size, rng):
    order = rng.choice(len(X), len(X), replace=False)
    for start in range(0, len(X), batch_size):
        yield X[order[start:start + batch_size]], Y[order[start:start + batch_size]]
"""),
    ], False),
    "sgd_step": _answers("sgd_step", [
        ("explicit backprop", """
def sgd_step(params, X, Y, learning_rate):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    a = X @ W1 + b1
    h = np.maximum(0, a)
    z = h @ W2 + b2
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    N = len(X)
    loss = -np.sum(Y * logp) / N
    dz = (np.exp(logp) - Y) / N
    dh = (dz @ W2.T) * (a > 0)
    grads = {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ dz, "b2": dz.sum(0)}
    return loss, {k: params[k] - learning_rate * grads[k] for k in params}
"""),
        ("copies then in-place updates", """
def sgd_step(params, X, Y, learning_rate):
    new = {k: v.copy() for k, v in params.items()}
    h = np.maximum(0, X @ new["W1"] + new["b1"])
    z = h @ new["W2"] + new["b2"]
    p = np.exp(z - z.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
    loss = -np.mean(np.log(p[Y.astype(bool)]))
    d2 = (p - Y) / len(X)
    d1 = (d2 @ new["W2"].T) * (h > 0)
    gW2, gb2, gW1, gb1 = h.T @ d2, d2.sum(0), X.T @ d1, d1.sum(0)
    new["W2"] -= learning_rate * gW2
    new["b2"] -= learning_rate * gb2
    new["W1"] -= learning_rate * gW1
    new["b1"] -= learning_rate * gb1
    return loss, new
"""),
    ], False),
}

BUGS = {
    "affine_forward": _answers("affine_forward", [
        ("elementwise *", "could not be broadcast", "def affine_forward(x, W, b):\n    return x * W + b, (x, W, b)"),
        ("forgets the bias", "out is wrong", "def affine_forward(x, W, b):\n    return x @ W, (x, W, b)"),
        ("W.T", "shape", "def affine_forward(x, W, b):\n    return x @ W.T + b, (x, W, b)"),
        ("cache in another order", "the cache is not", "def affine_forward(x, W, b):\n    return x @ W + b, (W, x, b)"),
        ("caches the output", "the cache is not", "def affine_forward(x, W, b):\n    out = x @ W + b\n    return out, out"),
        ("bias as a column", "could not be broadcast", "def affine_forward(x, W, b):\n    return x @ W + b.reshape(-1, 1), (x, W, b)"),
        ("returns only out", "expected a pair", "def affine_forward(x, W, b):\n    return x @ W + b"),
    ], True),
    "affine_backward": _answers("affine_backward", [
        ("db keeps the batch axis", "(1, M)", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=0, keepdims=True)
"""),
        ("db not summed", "sums the rows over the batch", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, dout
"""),
        ("dW transposed", "transposed", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)
"""),
        ("W instead of W.T", "shape", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W, x.T @ dout, dout.sum(axis=0)
"""),
        ("elementwise * for dx", "could not be broadcast", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout * W.T, x.T @ dout, dout.sum(axis=0)
"""),
        ("divides by N again", "N times too small", """
def affine_backward(dout, cache):
    x, W, b = cache
    N = x.shape[0]
    return dout @ W.T, x.T @ dout / N, dout.sum(axis=0) / N
"""),
        ("mean for db", "N times too small", """
def affine_backward(dout, cache):
    x, W, b = cache
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)
""", "seed 002"),
        ("clips dout by its norm in place", "modified its input", """
def affine_backward(dout, cache):
    x, W, b = cache
    dout /= max(1.0, np.linalg.norm(dout))
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)
"""),
    ], True),
    "relu_forward": _answers("relu_forward", [
        ("np.max instead of np.maximum", "np.maximum", "def relu_forward(x):\n    return np.max(0, x), x"),
        ("caches the output", "pre-activation", "def relu_forward(x):\n    out = np.maximum(0, x)\n    return out, out"),
        ("in place", "modified its input", "def relu_forward(x):\n    cache = x.copy()\n    x[x < 0] = 0\n    return x, cache"),
        ("absolute value", "out is wrong", "def relu_forward(x):\n    return np.abs(x), x"),
        ("leaky", "out is wrong", "def relu_forward(x):\n    return np.maximum(0.01 * x, x), x"),
        ("boolean mask", "out is wrong", "def relu_forward(x):\n    return x > 0, x"),
    ], True),
    "relu_backward": _answers("relu_backward", [
        ("mask from dout", "not from dout", "def relu_backward(dout, cache):\n    return dout * (dout > 0)"),
        ("mask only", "dout is multiplied", "def relu_backward(dout, cache):\n    return (cache > 0).astype(float)", "seed 001"),
        ("zeroes dout in place", "modified its input", "def relu_backward(dout, cache):\n    dout[cache <= 0] = 0\n    return dout"),
        ("sign of x", "dx is wrong", "def relu_backward(dout, cache):\n    return dout * np.sign(cache)"),
        ("passes dout through", "dx is wrong", "def relu_backward(dout, cache):\n    return dout.copy()"),
        ("multiplies by the activation", "dx is wrong", "def relu_backward(dout, cache):\n    return dout * np.maximum(0, cache)"),
    ], True),
    "sigmoid_forward": _answers("sigmoid_forward", [
        ("naive formula", "overflow", "def sigmoid_forward(x):\n    out = 1 / (1 + np.exp(-x))\n    return out, out"),
        ("exp over 1 + exp", "overflow", "def sigmoid_forward(x):\n    out = np.exp(x) / (1 + np.exp(x))\n    return out, out"),
        ("caches the input", "post-activation", "def sigmoid_forward(x):\n    out = 0.5 * (1 + np.tanh(0.5 * x))\n    return out, x"),
        ("sign error", "out is wrong", "def sigmoid_forward(x):\n    e = np.exp(-np.abs(x))\n    out = np.where(x >= 0, e / (1 + e), 1 / (1 + e))\n    return out, out"),
        ("tanh instead", "out is wrong", "def sigmoid_forward(x):\n    out = np.tanh(x)\n    return out, out"),
        ("silenced overflow", "overflow", "def sigmoid_forward(x):\n    with np.errstate(over='warn'):\n        out = 1.0 / (1.0 + np.exp(-x))\n    return out, out"),
    ], True),
    "sigmoid_backward": _answers("sigmoid_backward", [
        ("treats the cache as the input", "without applying the sigmoid again", """
def sigmoid_backward(dout, cache):
    s = 1 / (1 + np.exp(-cache))
    return dout * s * (1 - s)
"""),
        ("missing 1 - out", "dx is wrong", "def sigmoid_backward(dout, cache):\n    return dout * cache"),
        ("forgets dout", "dx is wrong", "def sigmoid_backward(dout, cache):\n    return cache * (1 - cache)"),
        ("tanh's derivative", "dx is wrong", "def sigmoid_backward(dout, cache):\n    return dout * (1 - cache ** 2)"),
        ("in place", "modified its input", "def sigmoid_backward(dout, cache):\n    dout *= cache * (1 - cache)\n    return dout"),
        ("sign", "wrong sign", "def sigmoid_backward(dout, cache):\n    return dout * cache * (cache - 1)"),
    ], True),
    "softmax_cross_entropy": _answers("softmax_cross_entropy", [
        ("loss summed, gradient not averaged", "N times too large", """
def softmax_cross_entropy(logits, Y):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.sum(Y * log_p), np.exp(log_p) - Y
"""),
        ("gradient missing 1/N", "dlogits is N times too large", """
def softmax_cross_entropy(logits, Y):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.sum(Y * log_p) / len(Y), np.exp(log_p) - Y
""", "seed 001"),
        ("naive softmax", "overflow", """
def softmax_cross_entropy(logits, Y):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return -np.mean(np.sum(Y * np.log(p), axis=1)), (p - Y) / len(Y)
"""),
        ("clips inside the log", "clipping", """
def softmax_cross_entropy(logits, Y):
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = z / z.sum(axis=1, keepdims=True)
    loss = -np.mean(np.sum(Y * np.log(np.clip(p, 1e-12, 1.0)), axis=1))
    return loss, (p - Y) / len(Y)
""", "seed 002"),
        ("gradient sign", "wrong sign", """
def softmax_cross_entropy(logits, Y):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.sum(Y * log_p) / len(Y), (Y - np.exp(log_p)) / len(Y)
"""),
        ("gradient of the probabilities only", "dlogits is wrong", """
def softmax_cross_entropy(logits, Y):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.sum(Y * log_p) / len(Y), np.exp(log_p) / len(Y)
"""),
        ("per-row losses", "single float", """
def softmax_cross_entropy(logits, Y):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.sum(Y * log_p, axis=1), (np.exp(log_p) - Y) / len(Y)
"""),
    ], True),
    "xavier_uniform": _answers("xavier_uniform", [
        ("normal instead of uniform", "outside", "def xavier_uniform(fan_in, fan_out, rng):\n    return rng.normal(0, np.sqrt(2 / (fan_in + fan_out)), size=(fan_in, fan_out))"),
        ("fan_in only", "outside", "def xavier_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(6 / fan_in)\n    return rng.uniform(-a, a, size=(fan_in, fan_out))"),
        ("zeros", "the same", "def xavier_uniform(fan_in, fan_out, rng):\n    return np.zeros((fan_in, fan_out))"),
        ("global np.random", "from rng", "def xavier_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(6 / (fan_in + fan_out))\n    return np.random.uniform(-a, a, size=(fan_in, fan_out))", "seed 001"),
        ("shape swapped", "fan_in inputs", "def xavier_uniform(fan_in, fan_out, rng):\n    a = np.sqrt(6 / (fan_in + fan_out))\n    return rng.uniform(-a, a, size=(fan_out, fan_in))"),
        ("missing square root", "spread is too small", "def xavier_uniform(fan_in, fan_out, rng):\n    a = 6 / (fan_in + fan_out)\n    return rng.uniform(-a, a, size=(fan_in, fan_out))"),
    ], True),
    "iterate_minibatches": _answers("iterate_minibatches", [
        ("shuffles X and Y independently", "do not belong together", """
def iterate_minibatches(X, Y, batch_size, rng):
    Xs, Ys = X[rng.permutation(len(X))], Y[rng.permutation(len(Y))]
    for i in range(0, len(X), batch_size):
        yield Xs[i:i + batch_size], Ys[i:i + batch_size]
"""),
        ("drops the last partial batch", "last, smaller batch", """
def iterate_minibatches(X, Y, batch_size, rng):
    order = rng.permutation(len(X))
    for i in range(len(X) // batch_size):
        rows = order[i * batch_size:(i + 1) * batch_size]
        yield X[rows], Y[rows]
"""),
        ("draws with replacement", "appear twice", """
def iterate_minibatches(X, Y, batch_size, rng):
    for i in range(0, len(X), batch_size):
        rows = rng.integers(0, len(X), size=min(batch_size, len(X) - i))
        yield X[rows], Y[rows]
"""),
        ("reseeds every call", "same order", """
def iterate_minibatches(X, Y, batch_size, rng):
    order = np.random.default_rng(0).permutation(len(X))
    for i in range(0, len(X), batch_size):
        yield X[order[i:i + batch_size]], Y[order[i:i + batch_size]]
"""),
        ("no shuffling", "original order", """
def iterate_minibatches(X, Y, batch_size, rng):
    for i in range(0, len(X), batch_size):
        yield X[i:i + batch_size], Y[i:i + batch_size]
"""),
        ("global np.random", "from rng", """
def iterate_minibatches(X, Y, batch_size, rng):
    order = np.random.permutation(len(X))
    for i in range(0, len(X), batch_size):
        yield X[order[i:i + batch_size]], Y[order[i:i + batch_size]]
""", "seed 001"),
        ("shuffles X in place", "modified its input", """
def iterate_minibatches(X, Y, batch_size, rng):
    order = rng.permutation(len(X))
    X[:] = X[order]
    Y[:] = Y[order]
    for i in range(0, len(X), batch_size):
        yield X[i:i + batch_size], Y[i:i + batch_size]
"""),
        ("off-by-one range", "last, smaller batch", """
def iterate_minibatches(X, Y, batch_size, rng):
    order = rng.permutation(len(X))
    for i in range(0, len(X) - batch_size + 1, batch_size):
        yield X[order[i:i + batch_size]], Y[order[i:i + batch_size]]
"""),
    ], True),
    "sgd_step": _answers("sgd_step", [
        ("updates W2 before backpropagating into W1", "before any of them changes", """
def sgd_step(params, X, Y, learning_rate):
    p = {k: v.copy() for k, v in params.items()}
    a = X @ p["W1"] + p["b1"]
    h = np.maximum(0, a)
    z = h @ p["W2"] + p["b2"]
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -np.sum(Y * logp) / len(X)
    dz = (np.exp(logp) - Y) / len(X)
    p["W2"] = p["W2"] - learning_rate * h.T @ dz
    p["b2"] = p["b2"] - learning_rate * dz.sum(0)
    dh = (dz @ p["W2"].T) * (a > 0)
    p["W1"] = p["W1"] - learning_rate * X.T @ dh
    p["b1"] = p["b1"] - learning_rate * dh.sum(0)
    return loss, p
"""),
        ("updates the caller's params in place", "modified its input", """
def sgd_step(params, X, Y, learning_rate):
    a = X @ params["W1"] + params["b1"]
    h = np.maximum(0, a)
    z = h @ params["W2"] + params["b2"]
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    dz = (np.exp(logp) - Y) / len(X)
    dh = (dz @ params["W2"].T) * (a > 0)
    grads = {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ dz, "b2": dz.sum(0)}
    for k in params:
        params[k] -= learning_rate * grads[k]
    return -np.sum(Y * logp) / len(X), params
"""),
        ("adds the gradient", "uphill", """
def sgd_step(params, X, Y, learning_rate):
    a = X @ params["W1"] + params["b1"]
    h = np.maximum(0, a)
    z = h @ params["W2"] + params["b2"]
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    dz = (np.exp(logp) - Y) / len(X)
    dh = (dz @ params["W2"].T) * (a > 0)
    grads = {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ dz, "b2": dz.sum(0)}
    new = {k: params[k] + learning_rate * grads[k] for k in params}
    return -np.sum(Y * logp) / len(X), new
"""),
    ], True),
}
