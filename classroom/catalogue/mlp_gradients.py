"""Answers for ``03_gradients/mlp_gradients.ipynb``: correct alternatives and realistic bugs.

See :mod:`classroom.catalogue` for the conventions.
"""

from classroom.answer import answers as _answers

ALTERNATIVES = {
    "grad_b2": _answers("grad_b2", [
        ("sum over N", "def grad_b2(G):\n    return G.sum(axis=0) / G.shape[0]"),
        ("ones vector", "def grad_b2(G):\n    return np.ones(G.shape[0]) @ G / len(G)"),
    ], False),
    "grad_W2": _answers("grad_W2", [
        ("einsum", "def grad_W2(h, G):\n    return np.einsum('nh,nk->hk', h, G) / len(G)"),
        ("np.dot", "def grad_W2(h, G):\n    return np.dot(h.T, G) / G.shape[0]"),
    ], False),
    "grad_b1": _answers("grad_b1", [
        ("np.where mask", "def grad_b1(G, h, W2):\n    return np.where(h > 0, G @ W2.T, 0.0).mean(axis=0)"),
        ("sum then divide", "def grad_b1(G, h, W2):\n    delta = np.dot(G, W2.T) * (h > 0)\n    return delta.sum(0) / len(G)"),
    ], False),
    "grad_W1": _answers("grad_W1", [
        ("two lines", "def grad_W1(X, G, h, W2):\n    delta = (G @ W2.T) * (h > 0)\n    return X.T @ delta / len(X)"),
        ("einsum", "def grad_W1(X, G, h, W2):\n    return np.einsum('nd,nh->dh', X, np.dot(G, W2.T) * (h > 0)) / X.shape[0]"),
    ], False),
    "compute_gradients": _answers("compute_gradients", [
        ("one-hot with np.eye, pre-activation mask", """
def compute_gradients(X, y, theta):
    N = X.shape[0]
    a = X @ theta["W1"] + theta["b1"]
    h = np.maximum(a, 0)
    Z = h @ theta["W2"] + theta["b2"]
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    G = (P - np.eye(Z.shape[1])[y]) / N
    delta = (G @ theta["W2"].T) * (a > 0)
    return {"W1": X.T @ delta, "b1": delta.sum(axis=0), "W2": h.T @ G, "b2": G.sum(axis=0)}
"""),
        ("einsum and broadcasting one-hot", """
def compute_gradients(X, y, theta):
    W1, b1, W2, b2 = theta["W1"], theta["b1"], theta["W2"], theta["b2"]
    h = np.maximum(0, np.dot(X, W1) + b1)
    z = np.dot(h, W2) + b2
    e = np.exp(z - z.max(1)[:, None])
    loss_der = e / e.sum(1)[:, None] - (y[:, None] == np.arange(W2.shape[1]))
    grad = np.dot(loss_der, W2.T) * (h > 0)
    n = len(X)
    return {"W1": np.einsum("nd,nh->dh", X, grad) / n, "b1": grad.mean(0),
            "W2": np.einsum("nh,nk->hk", h, loss_der) / n, "b2": loss_der.mean(0)}
"""),
        ("fancy-index subtraction", """
def compute_gradients(X, y, theta):
    hidden = np.maximum(0, X @ theta["W1"] + theta["b1"])
    logits = hidden @ theta["W2"] + theta["b2"]
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = probs / probs.sum(axis=1, keepdims=True)
    probs[np.arange(len(y)), y] -= 1
    dhidden = probs @ theta["W2"].T
    dhidden[hidden <= 0] = 0
    n = len(X)
    return {"W2": hidden.T @ probs / n, "b2": probs.sum(axis=0) / n, "W1": X.T @ dhidden / n, "b1": dhidden.sum(axis=0) / n}
"""),
    ], False),
}

BUGS = {
    "grad_b2": _answers("grad_b2", [
        ("sum instead of mean", "N times too large", "def grad_b2(G):\n    return G.sum(axis=0)"),
        ("mean over axis 1", "shape", "def grad_b2(G):\n    return G.mean(axis=1)"),
        ("keepdims", "(1, M)", "def grad_b2(G):\n    return G.mean(axis=0, keepdims=True)"),
        ("loop", "loop", "def grad_b2(G):\n    total = np.zeros(G.shape[1])\n    for g in G:\n        total += g\n    return total / len(G)", "seed 000"),
    ], True),
    "grad_W2": _answers("grad_W2", [
        ("transposed", "transposed", "def grad_W2(h, G):\n    return G.T @ h / len(G)"),
        ("elementwise", "shape", "def grad_W2(h, G):\n    return (h * G).mean(axis=0)"),
        ("no 1/N", "N times too large", "def grad_W2(h, G):\n    return h.T @ G"),
        ("loop over outer products", "loop", "def grad_W2(h, G):\n    out = np.zeros((h.shape[1], G.shape[1]))\n    for i in range(len(G)):\n        out += np.outer(h[i], G[i])\n    return out / len(G)", "seed 000"),
    ], True),
    "grad_b1": _answers("grad_b1", [
        ("no ReLU mask", "dJ/db1 is wrong", "def grad_b1(G, h, W2):\n    return (G @ W2.T).mean(axis=0)"),
        ("mask from the error", "dJ/db1 is wrong", "def grad_b1(G, h, W2):\n    back = G @ W2.T\n    return (back * (back > 0)).mean(axis=0)"),
        ("W2 not transposed", "transpose", "def grad_b1(G, h, W2):\n    return ((G @ W2) * (h > 0)).mean(axis=0)"),
        ("multiplies by h", "dJ/db1 is wrong", "def grad_b1(G, h, W2):\n    return ((G @ W2.T) * h).mean(axis=0)"),
    ], True),
    "grad_W1": _answers("grad_W1", [
        ("transposed", "transposed", "def grad_W1(X, G, h, W2):\n    return ((G @ W2.T) * (h > 0)).T @ X / len(X)"),
        ("no mask", "dJ/dW1 is wrong", "def grad_W1(X, G, h, W2):\n    return X.T @ (G @ W2.T) / len(X)"),
        ("no 1/N", "N times too large", "def grad_W1(X, G, h, W2):\n    return X.T @ ((G @ W2.T) * (h > 0))"),
    ], True),
    "compute_gradients": _answers("compute_gradients", [
        ("sum instead of mean", "N times too large", """
def compute_gradients(X, y, theta):
    h = np.maximum(0, X @ theta["W1"] + theta["b1"])
    Z = h @ theta["W2"] + theta["b2"]
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    G = P / P.sum(axis=1, keepdims=True) - np.eye(Z.shape[1])[y]
    D = (G @ theta["W2"].T) * (h > 0)
    return {"W1": X.T @ D, "b1": D.sum(axis=0), "W2": h.T @ G, "b2": G.sum(axis=0)}
"""),
        ("global n from the notebook", "same factor", """
n = 150
def compute_gradients(X, y, theta):
    h = np.maximum(0, X @ theta["W1"] + theta["b1"])
    Z = h @ theta["W2"] + theta["b2"]
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    G = P / P.sum(axis=1, keepdims=True) - np.eye(Z.shape[1])[y]
    D = (G @ theta["W2"].T) * (h > 0)
    return {"W1": X.T @ D / n, "b1": D.sum(axis=0) / n, "W2": h.T @ G / n, "b2": G.sum(axis=0) / n}
""", "seed 000"),
        ("ReLU mask from the backpropagated error", "evaluated at the hidden layer", """
def compute_gradients(X, y, theta):
    h = np.maximum(0, X @ theta["W1"] + theta["b1"])
    Z = h @ theta["W2"] + theta["b2"]
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    G = (P / P.sum(axis=1, keepdims=True) - np.eye(Z.shape[1])[y]) / len(X)
    back = G @ theta["W2"].T
    D = back * (back > 0)
    return {"W1": X.T @ D, "b1": D.sum(axis=0), "W2": h.T @ G, "b2": G.sum(axis=0)}
"""),
        ("no ReLU mask", "masked by h > 0", """
def compute_gradients(X, y, theta):
    h = np.maximum(0, X @ theta["W1"] + theta["b1"])
    Z = h @ theta["W2"] + theta["b2"]
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    G = (P / P.sum(axis=1, keepdims=True) - np.eye(Z.shape[1])[y]) / len(X)
    D = G @ theta["W2"].T
    return {"W1": X.T @ D, "b1": D.sum(axis=0), "W2": h.T @ G, "b2": G.sum(axis=0)}
"""),
        ("dW1 transposed", "transposed", """
def compute_gradients(X, y, theta):
    h = np.maximum(0, X @ theta["W1"] + theta["b1"])
    Z = h @ theta["W2"] + theta["b2"]
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    G = (P / P.sum(axis=1, keepdims=True) - np.eye(Z.shape[1])[y]) / len(X)
    D = (G @ theta["W2"].T) * (h > 0)
    return {"W1": D.T @ X, "b1": D.sum(axis=0), "W2": h.T @ G, "b2": G.sum(axis=0)}
""", "seed 000"),
        ("db1 not summed over the batch", "sums the rows over the batch", """
def compute_gradients(X, y, theta):
    h = np.maximum(0, X @ theta["W1"] + theta["b1"])
    Z = h @ theta["W2"] + theta["b2"]
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    G = (P / P.sum(axis=1, keepdims=True) - np.eye(Z.shape[1])[y]) / len(X)
    D = (G @ theta["W2"].T) * (h > 0)
    return {"W1": X.T @ D, "b1": D, "W2": h.T @ G, "b2": G.sum(axis=0)}
"""),
        ("forgets to subtract Y", "b2 is wrong", """
def compute_gradients(X, y, theta):
    h = np.maximum(0, X @ theta["W1"] + theta["b1"])
    Z = h @ theta["W2"] + theta["b2"]
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    G = P / P.sum(axis=1, keepdims=True) / len(X)
    D = (G @ theta["W2"].T) * (h > 0)
    return {"W1": X.T @ D, "b1": D.sum(axis=0), "W2": h.T @ G, "b2": G.sum(axis=0)}
"""),
        ("loop over samples", "loop", """
def compute_gradients(X, y, theta):
    W1, b1, W2, b2 = theta["W1"], theta["b1"], theta["W2"], theta["b2"]
    grads = {k: np.zeros_like(v) for k, v in theta.items()}
    for i in range(len(X)):
        h = np.maximum(0, X[i] @ W1 + b1)
        z = h @ W2 + b2
        p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        g = p - np.eye(len(b2))[y[i]]
        d = (W2 @ g) * (h > 0)
        grads["W1"] += np.outer(X[i], d)
        grads["b1"] += d
        grads["W2"] += np.outer(h, g)
        grads["b2"] += g
    return {k: v / len(X) for k, v in grads.items()}
""", "seed 000"),
    ], True),
}
