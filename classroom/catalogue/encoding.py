"""Answers for ``01_one_hot/one_hot.ipynb``: correct alternatives and realistic bugs.

See :mod:`classroom.catalogue` for the conventions.
"""

from classroom.answer import answers as _answers

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
}
