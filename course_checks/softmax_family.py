"""Checks for assignment 02, the softmax family and cross-entropy: ``<exercise>_cases`` and ``judge_<exercise>``.

Parts: ``"values"`` (ordinary logits, N != K and square shapes), ``"stable"``
(logits near +/-1000, rows far apart, huge spreads; no warnings allowed) and,
for softmax, ``"vectorized"`` (no Python loops, and correct values).
"""

import numpy as np

from course_checks.cases import Case, Outcome, close
from course_checks.judging import fail, judge_array, judge_error, judge_float, judge_hygiene, judge_overflow
from course_checks.reference import reference

ref = reference("softmax_family")


_SHAPES = [(5, 3), (4, 4), (2, 7), (1, 3), (6, 6)]


def logits_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Logit matrices ``Z`` for the softmax family.

    Parameters
    ----------
    seed : int
    part : {"values", "stable"}

    Returns
    -------
    list of Case
        Each with ``args == (Z,)``.
    """
    rng = np.random.default_rng(seed)
    if part == "values":
        return [Case(f"Z of shape {s}, standard normal entries times 3", (3 * rng.standard_normal(s),),
                     tags=frozenset({"square"} if s[0] == s[1] else ())) for s in _SHAPES]
    if part == "stable":
        far = rng.standard_normal((6, 4))
        far[::2] += 1000.0
        far[1::2] -= 1000.0
        spread = np.array([[1000.0, -1000.0, 0.0], [-800.0, 0.0, 5.0], [0.0, 0.0, -750.0], [700.0, 710.0, 690.0]])
        return [
            Case("Z of shape (5, 3), entries near +1000", (1000.0 + rng.standard_normal((5, 3)),)),
            Case("Z of shape (3, 4), entries near -1000", (-1000.0 + rng.standard_normal((3, 4)),)),
            Case("Z of shape (6, 4), rows alternately near +1000 and near -1000", (far,), tags=frozenset({"far_rows"})),
            Case("Z of shape (4, 3), entries from -1000 to 1000 within a row", (spread,), tags=frozenset({"spread"})),
        ]
    raise ValueError(f"part must be 'values' or 'stable', got {part!r}")


def _judge_finite(name, case, got, what="probabilities"):
    if np.all(np.isfinite(got)):
        return
    if "far_rows" in case.tags:
        hint = ("rows whose logits are all far below the largest entry of the whole matrix underflow to 0/0: "
                "subtract each row's own max (axis=1, keepdims=True), not the global max")
    else:
        hint = "np.exp overflows above about 709: subtract each row's max before exponentiating"
    fail(name, case, f"returned nan or inf {what}", hint)


def judge_softmax(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``softmax`` outcome with the reference."""
    judge_error(name, case, outcome)
    judge_overflow(name, case, outcome)
    Z = case.args[0]
    got = outcome.value
    judge_array(name, case, got, Z.shape)
    _judge_finite(name, case, got)
    judge_hygiene(name, case, outcome)
    expected = ref.softmax(Z)
    rows, cols = got.sum(axis=1), got.sum(axis=0)
    if not np.allclose(rows, 1.0, rtol=0, atol=1e-9):
        if np.allclose(cols, 1.0, rtol=0, atol=1e-9):
            fail(name, case, "columns sum to 1 instead of rows", "did you sum over axis 0? normalise each row: axis=1")
        if np.isclose(got.sum(), 1.0):
            fail(name, case, "the whole matrix sums to 1, not each row",
                 "divide each row by its own sum: .sum(axis=1, keepdims=True)")
        fail(name, case, "rows do not sum to 1",
             "divide each row by its own sum; .sum(axis=1, keepdims=True) has shape (N, 1) "
             "and broadcasts across the row")
    if not close(got, expected):
        fail(name, case, "rows sum to 1 but the probabilities are wrong",
             "a per-row max or sum was broadcast along the wrong axis; keep the reduced axis with "
             "keepdims=True so that shape (N, 1) lines up with the rows")


def judge_logsumexp(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``logsumexp`` outcome with the reference."""
    judge_error(name, case, outcome)
    judge_overflow(name, case, outcome)
    Z = case.args[0]
    got = outcome.value
    if isinstance(got, np.ndarray) and got.shape == (Z.shape[0], 1):
        fail(name, case, f"returned shape {got.shape}, expected ({Z.shape[0]},)",
             "one value per row: drop the kept axis at the end (e.g. [:, 0] or .ravel())")
    judge_array(name, case, got, (Z.shape[0],))
    _judge_finite(name, case, got, "values")
    judge_hygiene(name, case, outcome)
    expected = ref.logsumexp(Z)
    if close(got + Z.max(axis=1), expected):
        fail(name, case, "every row is off by its max", "after log(sum(exp(Z - m))), add the max m back")
    if not close(got, expected):
        fail(name, case, "values are wrong", "reduce over axis=1 (one value per row) and use the row max m")


def judge_log_softmax(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``log_softmax`` outcome with the reference."""
    judge_error(name, case, outcome)
    judge_overflow(name, case, outcome)
    Z = case.args[0]
    got = outcome.value
    judge_array(name, case, got, Z.shape)
    if np.any(np.isneginf(got)):
        fail(name, case, "returned -inf log-probabilities",
             "a probability underflowed to 0 before the log; compute Z - logsumexp(Z) instead of log(softmax(Z))")
    _judge_finite(name, case, got, "log-probabilities")
    judge_hygiene(name, case, outcome)
    expected = ref.log_softmax(Z)
    if close(got, expected):
        return
    offset = got - expected
    if close(offset, offset[:, :1] * np.ones_like(offset)):
        fail(name, case, "each row is off by a constant (exp of a row does not sum to 1)",
             "subtract the whole log-sum-exp of the row, m + log(sum(exp(Z - m))), including the max m")
    tiny = expected < -20
    if np.any(tiny) and close(got[~tiny], expected[~tiny]):
        fail(name, case, "log-probabilities of very unlikely classes are wrong (they look clipped)",
             "clipping or adding eps inside the log changes tiny probabilities; use Z - logsumexp(Z)")
    fail(name, case, "log-probabilities are wrong",
         "reduce over axis=1 with keepdims=True so the per-row log-sum-exp broadcasts across the row")


def cross_entropy_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Logits and one-hot targets ``(Z, Y)``.

    ``"values"`` uses ordinary logits; ``"stable"`` uses logits near
    +/-1000 and confident wrong predictions whose loss is in the hundreds.
    """
    rng = np.random.default_rng(seed)
    cases = []
    for z_case in logits_cases(seed, part):
        Z = z_case.args[0]
        n, k = Z.shape
        Y = np.eye(k)[rng.integers(0, k, size=n)]
        tags = set(z_case.tags)
        if part == "stable" and "spread" in z_case.tags:
            Y = np.eye(k)[np.argmin(Z, axis=1)]  # the least likely class is the target
            tags.add("confident_wrong")
        label = z_case.label + (", targets Y the least likely class (confidently wrong)"
                                if "confident_wrong" in tags else f", one-hot targets Y of shape {Y.shape}")
        cases.append(Case(label, (Z, Y), tags=frozenset(tags)))
    return cases


def judge_cross_entropy(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``cross_entropy`` outcome with the reference."""
    judge_error(name, case, outcome)
    judge_overflow(name, case, outcome)
    Z, Y = case.args
    n, k = Z.shape
    got = judge_float(name, case, outcome.value, "a single float",
                      array_hint="average the per-row losses over the N rows",
                      nan_hint="0 * log(0) is nan: a probability underflowed to 0; "
                      "use log-probabilities Z - logsumexp(Z)")
    if np.isinf(got):
        fail(name, case, "returned inf", "log of an underflowed probability, or exp overflow: use a stable log-softmax")
    judge_hygiene(name, case, outcome)
    expected = ref.cross_entropy(Z, Y)
    if close(got, expected):
        return
    if close(got, -expected) or got < 0:
        fail(name, case, "returned a negative loss", "cross-entropy is -sum(Y * log p): mind the minus sign")
    if n > 1 and close(got, n * expected):
        fail(name, case, "the loss is N times too large", "take the mean over the N rows, not the sum")
    if k > 1 and close(got, expected / k):
        fail(name, case, "the loss is K times too small",
             "sum over the K classes in each row, then take the mean over rows only")
    if "confident_wrong" in case.tags and got < expected:
        fail(name, case, "the loss of confidently wrong predictions is too small",
             "clipping probabilities or adding eps inside the log caps the loss; use Z - logsumexp(Z)")
    fail(name, case, "the loss is wrong",
         "use the log-probability of each row's target class (multiply by Y) and average over rows")


def judge_cross_entropy_grad(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``cross_entropy_grad`` outcome with the reference."""
    judge_error(name, case, outcome)
    judge_overflow(name, case, outcome)
    Z, _ = case.args
    n = Z.shape[0]
    got = outcome.value
    judge_array(name, case, got, Z.shape)
    _judge_finite(name, case, got, "gradients")
    judge_hygiene(name, case, outcome)
    expected = ref.cross_entropy_grad(*case.args)
    if close(got, expected):
        return
    if close(-got, expected):
        fail(name, case, "the gradient has the wrong sign", "the gradient of the loss is softmax(Z) - Y, scaled")
    if n > 1 and close(got, n * expected):
        fail(name, case, "the gradient is N times too large",
             "the loss is a mean over N rows, so its gradient carries a factor 1/N")
    fail(name, case, "the gradient is wrong", "differentiate the mean loss: (softmax(Z) - Y) / N")


# The cases of each exercise (the judges above are ``judge_<exercise>``).
softmax_cases = logsumexp_cases = log_softmax_cases = logits_cases
cross_entropy_grad_cases = cross_entropy_cases
