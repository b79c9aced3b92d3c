"""Student answers for every graded function: correct alternatives and realistic bugs.

Each answer is the full source of a solution cell (``numpy`` is imported as
``np`` by the notebook). Correct alternatives are written differently from the
reference and must score full marks; every bug must lose points on its
function's cells with a message that contains :attr:`Answer.expect`. Bugs
marked ``seed NNN`` are mistakes found in real student notebooks.
"""

from classroom.answer import Answer, answers as _answers, load

__all__ = ["ALTERNATIVES", "BUGS", "FUNCTIONS", "Answer", "load"]


ALTERNATIVES = {
    "one_hot": _answers("one_hot", [
        ("np.eye rows", """
def one_hot(y, num_classes=None):
    y = np.asarray(y)
    K = int(y.max()) + 1 if num_classes is None else num_classes
    if np.any((y < 0) | (y >= K)):
        raise ValueError(f"labels must be in [0, {K})")
    return np.eye(K)[y]
"""),
        ("broadcast ==", """
def one_hot(y, num_classes=None):
    y = np.asarray(y)
    K = y.max() + 1 if num_classes is None else num_classes
    if y.min() < 0 or y.max() >= K:
        raise ValueError("y has a label outside [0, num_classes)")
    return (y.reshape(-1, 1) == np.arange(K)).astype(float)
"""),
        ("loop", """
def one_hot(y, num_classes=None):
    K = max(y) + 1 if num_classes is None else num_classes
    out = np.zeros((len(y), K))
    for i, label in enumerate(y):
        if not 0 <= label < K:
            raise ValueError(f"bad label {label}")
        out[i, label] = 1
    return out
"""),
        ("put_along_axis", """
def one_hot(y, num_classes=None):
    labels = np.array(y, dtype=int)
    width = labels.max() + 1 if num_classes is None else int(num_classes)
    if (labels < 0).any() or (labels >= width).any():
        raise ValueError("y: label out of range")
    Y = np.zeros((labels.size, width), dtype=np.float64)
    np.put_along_axis(Y, labels[:, None], 1.0, axis=1)
    return Y
"""),
    ], False),
    "encode_labels": _answers("encode_labels", [
        ("sorted set + searchsorted", """
def encode_labels(labels):
    labels = np.asarray(labels)
    classes = np.array(sorted(set(labels.tolist())), dtype=labels.dtype)
    return classes, np.searchsorted(classes, labels)
"""),
        ("dict lookup", """
def encode_labels(labels):
    classes = np.unique(labels)
    position = {c: i for i, c in enumerate(classes.tolist())}
    indices = np.array([position[v] for v in np.asarray(labels).tolist()], dtype=int)
    return classes, indices
"""),
        ("argsort ranks", """
def encode_labels(labels):
    labels = np.asarray(labels)
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    new = np.concatenate([[True], sorted_labels[1:] != sorted_labels[:-1]])
    indices = np.empty(len(labels), dtype=np.intp)
    indices[order] = np.cumsum(new) - 1
    return sorted_labels[new], indices
"""),
    ], False),
    "one_hot_broadcast": _answers("one_hot_broadcast", [
        ("arange[None] == y[:, None]", """
def one_hot_broadcast(y, num_classes):
    return (np.arange(num_classes)[None, :] == np.asarray(y)[:, None]).astype(np.float64)
"""),
        ("np.equal.outer", """
def one_hot_broadcast(y, num_classes):
    return np.equal.outer(y, np.arange(num_classes)) * 1.0
"""),
        ("np.where", """
def one_hot_broadcast(y, num_classes):
    return np.where(np.expand_dims(y, 1) == np.arange(num_classes), 1.0, 0.0)
"""),
    ], False),
    "softmax": _answers("softmax", [
        ("exp(z - logsumexp)", """
def softmax(Z):
    m = np.max(Z, axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))
    return np.exp(Z - lse)
"""),
        ("transpose trick", """
def softmax(Z):
    shifted = Z.T - Z.max(axis=1)
    e = np.exp(shifted)
    return (e / e.sum(axis=0)).T
"""),
        ("[:, None] and np.subtract", """
def softmax(Z):
    Z = np.asarray(Z, dtype=float)
    e = np.exp(np.subtract(Z, Z.max(1)[:, None]))
    return e / e.sum(1)[:, None]
"""),
    ], False),
    "logsumexp": _answers("logsumexp", [
        ("keepdims then ravel", """
def logsumexp(Z):
    m = Z.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True))).ravel()
"""),
        ("log1p of the rest", """
def logsumexp(Z):
    m = Z.max(axis=1)
    return m + np.log(np.sum(np.exp(Z - m[:, None]), axis=1))
"""),
        ("np.logaddexp.reduce", """
def logsumexp(Z):
    return np.logaddexp.reduce(Z, axis=1)
"""),
    ], False),
    "log_softmax": _answers("log_softmax", [
        ("shift then subtract log-sum", """
def log_softmax(Z):
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
"""),
        ("logaddexp.reduce", """
def log_softmax(Z):
    return Z - np.logaddexp.reduce(Z, axis=1)[:, np.newaxis]
"""),
        ("transpose trick", """
def log_softmax(Z):
    m = Z.max(axis=1)
    lse = m + np.log(np.exp(Z.T - m).sum(axis=0))
    return (Z.T - lse).T
"""),
    ], False),
    "cross_entropy": _answers("cross_entropy", [
        ("pick target log-probs", """
def cross_entropy(Z, Y):
    m = Z.max(axis=1, keepdims=True)
    logp = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(Z)), Y.argmax(axis=1)].mean()
"""),
        ("lse minus target logit", """
def cross_entropy(Z, Y):
    m = np.max(Z, axis=1)
    lse = m + np.log(np.sum(np.exp(Z - m[:, None]), axis=1))
    return float(np.mean(lse - np.sum(Z * Y, axis=1)))
"""),
        ("einsum", """
def cross_entropy(Z, Y):
    shifted = Z - Z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -np.einsum("nk,nk->", Y, logp) / Z.shape[0]
"""),
    ], False),
    "cross_entropy_grad": _answers("cross_entropy_grad", [
        ("softmax minus Y over N", """
def cross_entropy_grad(Z, Y):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True) - Y) / len(Z)
"""),
        ("exp of log-softmax", """
def cross_entropy_grad(Z, Y):
    m = Z.max(axis=1, keepdims=True)
    logp = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    return np.exp(logp) / Z.shape[0] - Y / Z.shape[0]
"""),
    ], False),
}

BUGS = {
    "one_hot": _answers("one_hot", [
        ("width from the data", "num_classes", """
def one_hot(y, num_classes=None):
    K = len(np.unique(y))
    Y = np.zeros((len(y), K))
    Y[np.arange(len(y)), y] = 1
    return Y
""", "seed 002"),
        ("labels start at 1", "column off", """
def one_hot(y, num_classes=None):
    K = y.max() + 1 if num_classes is None else num_classes
    if np.any((y < 0) | (y >= K)):
        raise ValueError("label out of range")
    Y = np.zeros((len(y), K))
    Y[np.arange(len(y)), y - 1] = 1
    return Y
"""),
        ("integer dtype", "dtype", """
def one_hot(y, num_classes=None):
    K = y.max() + 1 if num_classes is None else num_classes
    if np.any((y < 0) | (y >= K)):
        raise ValueError("label out of range")
    Y = np.zeros((len(y), K), dtype=int)
    Y[np.arange(len(y)), y] = 1
    return Y
"""),
        ("no range check", "ValueError", """
def one_hot(y, num_classes=None):
    K = y.max() + 1 if num_classes is None else num_classes
    return np.eye(K)[y]
"""),
        ("K = y.max()", "columns", """
def one_hot(y, num_classes=None):
    K = y.max() if num_classes is None else num_classes
    Y = np.zeros((len(y), K))
    Y[np.arange(len(y)), np.minimum(y, K - 1)] = 1
    return Y
"""),
        ("transposed", "swapped", """
def one_hot(y, num_classes=None):
    K = y.max() + 1 if num_classes is None else num_classes
    if np.any((y < 0) | (y >= K)):
        raise ValueError("label out of range")
    Y = np.zeros((K, len(y)))
    Y[y, np.arange(len(y))] = 1
    return Y
"""),
        ("ignores num_classes", "num_classes", """
def one_hot(y, num_classes=None):
    K = y.max() + 1
    Y = np.zeros((len(y), K))
    Y[np.arange(len(y)), y] = 1
    return Y
"""),
        ("bool result", "dtype", """
def one_hot(y, num_classes=None):
    K = y.max() + 1 if num_classes is None else num_classes
    if np.any((y < 0) | (y >= K)):
        raise ValueError("label out of range")
    return y[:, None] == np.arange(K)
"""),
    ], True),
    "encode_labels": _answers("encode_labels", [
        ("subtract the minimum", "labels", """
def encode_labels(labels):
    labels = np.asarray(labels)
    indices = labels - labels.min()
    return np.unique(labels), indices
"""),
        ("returns (indices, classes)", "order", """
def encode_labels(labels):
    classes, indices = np.unique(labels, return_inverse=True)
    return indices, classes
"""),
        ("order of first appearance", "sorted", """
def encode_labels(labels):
    classes = np.array(list(dict.fromkeys(np.asarray(labels).tolist())))
    indices = np.array([list(classes).index(v) for v in labels])
    return classes, indices
"""),
        ("classes as a list", "NumPy array", """
def encode_labels(labels):
    classes = sorted(set(labels))
    indices = np.array([classes.index(v) for v in labels])
    return classes, indices
"""),
        ("float indices", "integer", """
def encode_labels(labels):
    classes, indices = np.unique(labels, return_inverse=True)
    return classes, indices.astype(float)
"""),
        ("1-based indices", "classes[indices]", """
def encode_labels(labels):
    classes, indices = np.unique(labels, return_inverse=True)
    return classes, indices + 1
"""),
        ("numbers instead of labels", "dtype", """
def encode_labels(labels):
    classes, indices = np.unique(labels, return_inverse=True)
    return np.arange(len(classes)), indices
"""),
    ], True),
    "one_hot_broadcast": _answers("one_hot_broadcast", [
        ("list comprehension", "comprehension", """
def one_hot_broadcast(y, num_classes):
    return np.array([[1.0 if label == k else 0.0 for k in range(num_classes)] for label in y])
"""),
        ("missing None axis", "could not be broadcast", """
def one_hot_broadcast(y, num_classes):
    return (y == np.arange(num_classes)).astype(float)
"""),
        ("bool result", "dtype", """
def one_hot_broadcast(y, num_classes):
    return y[:, None] == np.arange(num_classes)
"""),
    ], True),
    "softmax": _answers("softmax", [
        ("no max subtraction", "subtract each row's max", """
def softmax(Z):
    e = np.exp(Z)
    return e / e.sum(axis=1, keepdims=True)
""", "seed 002"),
        ("global max", "not the global max", """
def softmax(Z):
    e = np.exp(Z - np.max(Z))
    return e / np.sum(e, axis=1, keepdims=True)
""", "seed 002"),
        ("missing keepdims on the max", "keepdims", """
def softmax(Z):
    e = np.exp(Z - np.max(Z, axis=1))
    return e / np.sum(e, axis=1, keepdims=True)
""", "seed 002"),
        ("normalises over axis 0", "axis 0", """
def softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
"""),
        ("missing keepdims on the sum", "keepdims", """
def softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)
"""),
        ("divides by the total", "whole matrix", """
def softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum()
"""),
        ("row loop", "loop", """
def softmax(Z):
    P = np.zeros_like(Z)
    for i in range(Z.shape[0]):
        e = np.exp(Z[i] - Z[i].max())
        P[i] = e / e.sum()
    return P
""", "seed 000"),
        ("shifts Z in place", "modified its input", """
def softmax(Z):
    Z -= Z.max(axis=1, keepdims=True)
    e = np.exp(Z)
    return e / e.sum(axis=1, keepdims=True)
"""),
    ], True),
    "logsumexp": _answers("logsumexp", [
        ("no max subtraction", "subtract each row's max", """
def logsumexp(Z):
    return np.log(np.sum(np.exp(Z), axis=1))
"""),
        ("forgets to add the max back", "add the max", """
def logsumexp(Z):
    m = Z.max(axis=1, keepdims=True)
    return np.log(np.exp(Z - m).sum(axis=1))
"""),
        ("keeps the axis", "drop the kept axis", """
def logsumexp(Z):
    m = Z.max(axis=1, keepdims=True)
    return m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
"""),
    ], True),
    "log_softmax": _answers("log_softmax", [
        ("log of softmax", "-inf", """
def log_softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return np.log(e / e.sum(axis=1, keepdims=True))
"""),
        ("no max subtraction", "subtract each row's max", """
def log_softmax(Z):
    return Z - np.log(np.sum(np.exp(Z), axis=1, keepdims=True))
"""),
        ("missing keepdims", "keepdims", """
def log_softmax(Z):
    m = Z.max(axis=1, keepdims=True)
    return Z - m - np.log(np.sum(np.exp(Z - m), axis=1))
"""),
        ("sums over axis 0", "axis=1", """
def log_softmax(Z):
    m = Z.max(axis=1, keepdims=True)
    return Z - m - np.log(np.sum(np.exp(Z - m), axis=0, keepdims=True))
"""),
        ("forgets the max", "constant", """
def log_softmax(Z):
    m = Z.max(axis=1, keepdims=True)
    return Z - np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))
"""),
        ("clips inside the log", "clipped", """
def log_softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return np.log(np.clip(p, np.finfo(float).eps, 1 - np.finfo(float).eps))
""", "seed 002"),
        ("global max", "not the global max", """
def log_softmax(Z):
    m = Z.max()
    return Z - m - np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))
"""),
    ], True),
    "cross_entropy": _answers("cross_entropy", [
        ("sum instead of mean", "mean over the N rows", """
def cross_entropy(Z, Y):
    logp = Z - Z.max(axis=1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
    return -np.sum(Y * logp)
"""),
        ("clips inside the log", "clipping", """
def cross_entropy(Z, Y):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    p = np.clip(e / e.sum(axis=1, keepdims=True), np.finfo(float).eps, 1 - np.finfo(float).eps)
    return np.mean(np.sum(Y * -np.log(p), axis=1))
""", "seed 002"),
        ("naive softmax", "overflow", """
def cross_entropy(Z, Y):
    p = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    return -np.mean(np.sum(Y * np.log(p), axis=1))
"""),
        ("mean over every entry", "K times too small", """
def cross_entropy(Z, Y):
    logp = Z - Z.max(axis=1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
    return -np.mean(Y * logp)
"""),
        ("per-row losses", "single float", """
def cross_entropy(Z, Y):
    logp = Z - Z.max(axis=1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
    return -np.sum(Y * logp, axis=1)
"""),
        ("missing minus sign", "negative", """
def cross_entropy(Z, Y):
    logp = Z - Z.max(axis=1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
    return np.mean(np.sum(Y * logp, axis=1))
"""),
        ("0 * log(0)", "nan", """
def cross_entropy(Z, Y):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.mean(np.sum(Y * np.log(p), axis=1))
"""),
        ("predicted class instead of target", "target class", """
def cross_entropy(Z, Y):
    logp = Z - Z.max(axis=1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
    return -np.mean(logp.max(axis=1))
"""),
    ], True),
    "cross_entropy_grad": _answers("cross_entropy_grad", [
        ("missing 1/N", "N times too large", """
def cross_entropy_grad(Z, Y):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True) - Y
""", "seed 001"),
        ("Y minus p", "sign", """
def cross_entropy_grad(Z, Y):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return (Y - e / e.sum(axis=1, keepdims=True)) / len(Z)
"""),
        ("naive softmax", "subtract each row's max", """
def cross_entropy_grad(Z, Y):
    e = np.exp(Z)
    return (e / e.sum(axis=1, keepdims=True) - Y) / len(Z)
"""),
    ], True),
}

from classroom.catalogue_gradients import ALTERNATIVES as _ALTERNATIVES_03  # noqa: E402
from classroom.catalogue_gradients import BUGS as _BUGS_03  # noqa: E402

from classroom.catalogue_convolution import ALTERNATIVES as _ALTERNATIVES_04  # noqa: E402
from classroom.catalogue_convolution import BUGS as _BUGS_04  # noqa: E402

ALTERNATIVES.update(_ALTERNATIVES_03)
BUGS.update(_BUGS_03)
from classroom.catalogue_gradient_check import ALTERNATIVES as _ALTERNATIVES_05  # noqa: E402
from classroom.catalogue_gradient_check import BUGS as _BUGS_05  # noqa: E402

ALTERNATIVES.update(_ALTERNATIVES_04)
BUGS.update(_BUGS_04)
ALTERNATIVES.update(_ALTERNATIVES_05)
BUGS.update(_BUGS_05)

#: The graded functions of each assignment, in notebook order.
FUNCTIONS = {
    "01_one_hot": ["one_hot", "encode_labels", "one_hot_broadcast"],
    "02_softmax": ["softmax", "logsumexp", "log_softmax", "cross_entropy", "cross_entropy_grad"],
    "03_gradients": ["grad_b2", "grad_W2", "grad_b1", "grad_W1", "compute_gradients",
                     "affine_forward", "affine_backward", "relu_forward", "relu_backward",
                     "sigmoid_forward", "sigmoid_backward", "softmax_cross_entropy",
                     "xavier_uniform", "iterate_minibatches", "sgd_step"],
    "04_convolution": ["conv_output_size", "zero_pad", "conv_forward_naive", "conv_backward_naive",
                       "conv_forward_fast", "conv_backward_fast"],
    "05_gradient_check": ["numerical_gradient", "relative_error", "numerical_gradient_array",
                          "sparse_gradient_check", "find_buggy_layers", "softplus_backward"],
}
