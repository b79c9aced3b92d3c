"""Judges for assignment 02, the softmax family and cross-entropy: ``judge_<exercise>(name, case, outcome)``.

They run in the grader's process (or a notebook's, outside grading), never in the grading kernel; the cases
are in :mod:`course_checks.softmax_family`.
"""

import numpy as np

from course_checks.cases import Case, Outcome, close
from course_checks.judges.common import fail, judge_array, judge_error, judge_float, judge_hygiene, judge_overflow
from course_checks.judges.reference import reference

ref = reference("softmax_family")


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
