"""Judges for assignment 03, notebook ``mlp_gradients``: ``judge_<exercise>(name, case, outcome)``.

They run in the grader's process (or a notebook's, outside grading), never in the grading kernel; the cases
are in :mod:`course_checks.mlp_gradients`.
"""

import numpy as np

from course_checks.cases import Case, Outcome
from course_checks.judges.common import fail, judge_outputs
from course_checks.judges.reference import reference

ref = reference("mlp_gradients")
_STEP_HINTS = {
    "grad_b2": "dJ/db2 averages the error signal G over the samples (axis 0)",
    "grad_W2": "the sum over samples of outer products h_i G_i^T is the matrix product h.T @ G; then divide by N",
    "grad_b1": "send G back through W2 (G @ W2.T, shape (N, H)), zero it where h == 0 (the ReLU was off), "
               "average over samples",
    "grad_W1": "the error at the hidden layer is (G @ W2.T) * (h > 0), shape (N, H); dJ/dW1 = X.T @ that / N",
}


def judge_step(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one outcome of the step exercise ``name`` (``grad_b2``, ...) with the reference."""
    label = name.replace("grad_", "dJ/d")
    judge_outputs(name, case, outcome, getattr(ref, name)(*case.args), (label,), {label: _STEP_HINTS[name]},
                  batch=case.args[0].shape[0])


judge_grad_b2 = judge_grad_W2 = judge_grad_b1 = judge_grad_W1 = judge_step


def judge_compute_gradients(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``compute_gradients`` outcome with the reference."""
    X, y, theta = case.args
    expected = ref.compute_gradients(X, y, theta)
    got = outcome.value
    if (outcome.error is None and isinstance(got, dict) and set(got) == set(expected)
            and all(isinstance(got[k], np.ndarray) and got[k].shape == expected[k].shape for k in expected)):
        ratios = [got[k][expected[k] != 0] / expected[k][expected[k] != 0] for k in expected]
        ratios = np.concatenate([r.ravel() for r in ratios])
        if ratios.size and np.allclose(ratios, ratios[0], rtol=1e-7) and not np.isclose(ratios[0], 1.0) \
                and not np.isclose(ratios[0], X.shape[0]) and ratios[0] > 0:
            fail(name, case, "every gradient is off by the same factor",
                 "divide by N = X.shape[0], the number of rows of this X, not by a size from elsewhere in the notebook")
    backprop_order = {k: expected[k] for k in ("b2", "W2", "b1", "W1")}
    judge_outputs(name, case, outcome, backprop_order, (), batch=X.shape[0], hints={
        "b2": "dJ/db2 is the mean over samples of G = softmax(Z) - Y (one-hot Y from y)",
        "W2": "dJ/dW2 = h.T @ G / N, with h the hidden activations after the ReLU",
        "b1": "the hidden error is (G @ W2.T) masked by h > 0 (where the ReLU was on, evaluated at the hidden layer)",
        "W1": "dJ/dW1 = X.T @ ((G @ W2.T) * (h > 0)) / N",
    })
