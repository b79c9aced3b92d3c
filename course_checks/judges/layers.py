"""Judges for assignment 03, notebook ``layers``: ``judge_<exercise>(name, case, outcome)``.

They run in the grader's process (or a notebook's, outside grading), never in the grading kernel; the cases
are in :mod:`course_checks.layers`.
"""


import numpy as np

from course_checks.cases import Case, Outcome, close
from course_checks.judges.common import (
    fail,
    judge_array,
    judge_error,
    judge_forward,
    judge_hygiene,
    judge_outputs,
    judge_overflow,
    judge_pair,
)
from course_checks.judges.reference import reference
from course_checks.judges.softmax_family import judge_cross_entropy

ref = reference("layers")


def judge_affine_forward(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``affine_forward`` outcome with the reference."""
    out, cache = ref.affine_forward(*case.args)
    judge_forward(name, case, outcome, out, cache, "(x, W, b), the three inputs in this order",
                  "out = x @ W + b: a matrix product, then the bias added to every row")


def judge_affine_backward(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``affine_backward`` outcome with the reference."""
    judge_outputs(name, case, outcome, ref.affine_backward(*case.args), ("dx", "dW", "db"), {
        "dx": "dx = dout @ W.T: a matrix product, not an elementwise *",
        "dW": "dW = x.T @ dout: sums the outer products x_i dout_i^T over the batch",
        "db": "db = dout.sum(axis=0): every sample adds to the bias gradient",
    }, batch=case.args[0].shape[0])


def judge_relu_forward(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``relu_forward`` outcome with the reference."""
    out, cache = ref.relu_forward(*case.args)
    judge_forward(name, case, outcome, out, cache, "x, the input (pre-activation)",
                  "out = max(0, x) elementwise (np.maximum, not np.max, which reduces)",
                  {"scalar index": "np.max(a, axis) reduces one array along an axis; "
                   "the elementwise maximum of two arrays is np.maximum(0, x)"})


def judge_relu_backward(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``relu_backward`` outcome with the reference."""
    judge_outputs(name, case, outcome, ref.relu_backward(*case.args), ("dx",), {
        "dx": "dx = dout where the input x (the cache) was positive, 0 elsewhere; "
              "the mask comes from x, not from dout, and dout is multiplied, not replaced"})


def judge_sigmoid_forward(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``sigmoid_forward`` outcome with the reference."""
    out, cache = ref.sigmoid_forward(*case.args)
    judge_forward(name, case, outcome, out, cache, "out, the output (post-activation)",
                  "out = 1 / (1 + exp(-x)); for negative x use exp(x) / (1 + exp(x)) so no exponent is positive")


def judge_sigmoid_backward(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``sigmoid_backward`` outcome with the reference."""
    judge_outputs(name, case, outcome, ref.sigmoid_backward(*case.args), ("dx",), {
        "dx": "the cache is the sigmoid's output out (post-activation): dx = dout * out * (1 - out), "
              "without applying the sigmoid again"})


# --- softmax cross-entropy ------------------------------------------------------------------------

def judge_softmax_cross_entropy(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``softmax_cross_entropy`` outcome with the reference."""
    judge_error(name, case, outcome)
    judge_overflow(name, case, outcome)
    got = outcome.value
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        fail(name, case, f"returned {type(got).__name__}, expected a pair (loss, dlogits)")
    loss_outcome = Outcome(value=got[0], mutated=outcome.mutated, warnings=outcome.warnings)
    judge_cross_entropy(name, case, loss_outcome)
    grad_outcome = Outcome(value=got[1], mutated=outcome.mutated, warnings=outcome.warnings)
    judge_outputs(name, case, grad_outcome, ref.softmax_cross_entropy(*case.args)[1], ("dlogits",),
                  {"dlogits": "dlogits = (softmax(logits) - Y) / N"}, batch=case.args[0].shape[0])


# --- Xavier initialisation ------------------------------------------------------------------------

#: The sample variance of U(-a, a) weights, over a^2 / 3, must lie strictly inside this window ...
XAVIER_VARIANCE_WINDOW = (0.85, 1.15)
#: ... when there are at least this many weights (a correct draw fails it with probability below 1e-22:
#: course_checks.false_failures).
XAVIER_MIN_SIZE = 5000


def judge_xavier_uniform(name: str, case: Case, outcome: Outcome) -> None:
    """Judge the weights of two calls with identically seeded generators: shape, bounds, spread, reproducibility."""
    fan_in, fan_out, _ = case.args
    judge_error(name, case, outcome)
    W, again = outcome.value
    if isinstance(W, np.ndarray) and W.shape == (fan_out, fan_in) and fan_in != fan_out:
        fail(name, case, f"returned shape {W.shape}, expected ({fan_in}, {fan_out})",
             "W maps fan_in inputs to fan_out outputs: x @ W needs shape (fan_in, fan_out)")
    judge_array(name, case, W, (fan_in, fan_out))
    judge_hygiene(name, case, outcome)
    if not np.array_equal(W, again):
        fail(name, case, "two generators with the same seed gave different weights",
             "draw the numbers from rng (rng.uniform), not from np.random")
    a = np.sqrt(6.0 / (fan_in + fan_out))
    if np.all(W == W.flat[0]):
        fail(name, case, "every weight is the same",
             "identical weights make every hidden unit compute the same thing; draw them at random")
    if np.abs(W).max() > a:
        fail(name, case, "some weights lie outside [-a, a] with a = sqrt(6 / (fan_in + fan_out))",
             "Glorot uniform draws from U(-a, a), with both fans in a")
    low, high = XAVIER_VARIANCE_WINDOW
    if W.size >= XAVIER_MIN_SIZE and not low < W.var() / (a * a / 3) < high:
        fail(name, case, "the weights' spread is too small for U(-a, a)",
             "a = sqrt(6 / (fan_in + fan_out)); U(-a, a) has variance a^2 / 3")


# --- minibatches ----------------------------------------------------------------------------------

#: Shuffling is judged on cases with at least this many rows: a uniform permutation of n rows is the identity,
#: or equals an independent second one, with probability 1/n! each (2/13! < 4e-10; the cases have 20 and 23).
MIN_SHUFFLE_ROWS = 13


def _judge_batches(name, case, batches):
    X, Y, batch, _ = case.args
    n = len(X)
    rows = []
    for item in batches:
        if not isinstance(item, tuple) or len(item) != 2:
            fail(name, case, "each minibatch must be a pair (Xb, Yb)")
        Xb, Yb = item
        if Xb.ndim != 2 or Xb.shape[1:] != X.shape[1:] or len(Xb) != len(Yb):
            fail(name, case, f"a minibatch has Xb of shape {Xb.shape} and Yb of shape {Yb.shape}",
                 "take whole rows of X and the same rows of Y")
        index = np.rint(Xb[:, 0]).astype(int)
        if np.any(index < 0) or np.any(index >= n) or not np.array_equal(Xb, X[index]):
            fail(name, case, "a minibatch holds rows that are not rows of X")
        if not np.array_equal(Yb, Y[index]):
            fail(name, case, "rows of Xb and Yb do not belong together",
                 "shuffle X and Y with one and the same permutation of row indices")
        rows.append(index)
    seen = np.concatenate(rows) if rows else np.array([], dtype=int)
    if len(np.unique(seen)) != len(seen):
        fail(name, case, "some rows appear twice in one pass",
             "use a permutation of the row indices (each row once), not random draws with replacement")
    if len(seen) < n:
        if n % batch and n - len(seen) == n % batch:
            fail(name, case, f"{n - len(seen)} rows are missing: the last, smaller batch was dropped",
                 "range(0, N, batch_size) includes the last partial batch")
        fail(name, case, f"{n - len(seen)} of the {n} rows never appear", "every row appears once per pass")
    sizes = [len(r) for r in rows]
    if any(s != batch for s in sizes[:-1]) or not 0 < sizes[-1] <= batch:
        fail(name, case, f"minibatch sizes are {sizes}",
             "every batch has batch_size rows; only the last may be smaller")
    return seen


def judge_iterate_minibatches(name: str, case: Case, outcome: Outcome) -> None:
    """Judge three passes (see :func:`call_iterate_minibatches`): coverage always, shuffling for that part."""
    judge_error(name, case, outcome)
    judge_hygiene(name, case, outcome)
    first, second, again = (_judge_batches(name, case, b) for b in outcome.value)
    if "shuffling" in case.tags and len(case.args[0]) >= MIN_SHUFFLE_ROWS:
        if np.array_equal(first, np.arange(len(first))):
            fail(name, case, "rows come in their original order", "shuffle the row order with rng.permutation")
        if np.array_equal(first, second):
            fail(name, case, "a second call with the same rng gave the same order",
                 "draw a new permutation from rng at every call (don't reseed, don't cache it)")
    if "shuffling" in case.tags:
        if not np.array_equal(first, again):
            fail(name, case, "two generators with the same seed gave different orders",
                 "the order must come from rng (rng.permutation), not from np.random")


def judge_sgd_step(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``sgd_step`` outcome with the reference."""
    params, X, Y, lr = case.args
    loss, new = ref.sgd_step(*case.args)
    judge_error(name, case, outcome)
    got = outcome.value
    judge_pair(name, case, got, ("loss", "new_params"), None)
    judge_hygiene(name, case, outcome)
    got_loss = got[0]
    if np.ndim(got_loss) != 0 or not np.isfinite(got_loss):
        fail(name, case, "loss must be a single finite number")
    if not close(got_loss, loss):
        if close(got_loss, ref.two_layer_loss(new, X, Y)[0]):
            fail(name, case, "the loss was computed after the update",
                 "report the loss at the parameters you were given")
        fail(name, case, "the loss is wrong", "mean cross-entropy of the two-layer net at the given parameters")
    got_new = got[1]
    if isinstance(got_new, dict) and set(got_new) == set(new) and all(
            np.shape(got_new[k]) == new[k].shape and close(got_new[k] - params[k], params[k] - new[k]) for k in new):
        fail(name, case, "the step goes uphill", "subtract learning_rate * gradient from each parameter")
    judge_outputs(name, case, Outcome(value=got_new), new, (), hints={
        "W1": "every gradient must be computed at the given parameters before any of them changes "
              "(backpropagate through the old W2)",
        "b1": "every gradient must be computed at the given parameters before any of them changes",
        "W2": "new W2 = W2 - learning_rate * dW2", "b2": "new b2 = b2 - learning_rate * db2"})
