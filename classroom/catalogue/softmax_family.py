"""Answers for ``02_softmax/softmax.ipynb``: correct alternatives and realistic bugs.

See :mod:`classroom.catalogue` for the conventions.
"""

from classroom.answer import answers as _answers

ALTERNATIVES = {
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
        ("underflow silenced, and loop words in comments", """
def softmax(Z):
    \"\"\"Row-wise softmax; for each row, the max is subtracted first (no for loop, no while).\"\"\"
    # for every row at once: shift, exponentiate, normalise
    with np.errstate(under="ignore"):   # underflow to 0 is silent anyway
        e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
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
        ("turns warnings into errors", "FloatingPointError", """
def softmax(Z):
    with np.errstate(all="raise"):
        e = np.exp(Z - Z.max(axis=1, keepdims=True))
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
