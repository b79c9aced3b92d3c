"""Judges for inverted dropout (assignment 03, a section of notebook ``layers``).

Statistical verdicts cannot flake: each is a deterministic function of the
grader's seed, and for every seed the probability that a correct answer
fails is bounded below, per case:

- ``values``: the two seeds always differ; two generators with different seeds giving the same mask on
  ``n >= 80`` units happens with probability ``(q^2 + (1-q)^2)^n <= 0.68^80
  < 1e-13`` (q = 1 - p, p in {0.2, 0.5, 0.75});
- ``statistics``: a kept fraction more than 0.02 away from ``1 - p`` on
  ``n = 60000`` units has probability at most ``2 exp(-2 n 0.02^2) =
  2 exp(-48) < 1e-20`` (Hoeffding); a mask whose rows, or whose columns, are
  all equal has probability below ``0.68^59700``.

They run in the grader's process (or a notebook's, outside grading), never in the grading kernel; the cases
are in :mod:`course_checks.dropout`.
"""


import numpy as np

from course_checks.cases import Case, Outcome, close
from course_checks.judges.common import fail, judge_array, judge_error, judge_hygiene, judge_outputs, judge_pair
from course_checks.judges.reference import reference

ref = reference("dropout")

#: How far the kept fraction may stray from 1 - p in the statistics part (see the module's docstring).
KEPT_TOLERANCE = 0.02


def _judge_pair(name, case, got):
    """Judge one ``(out, (mask, p))`` result against the case; return the mask."""
    x, p = case.args
    train = case.kwargs["train"]
    out, cache = judge_pair(name, case, got, hint="return out, (mask, p)")
    judge_array(name, case, out, x.shape, dtype=None)
    if not isinstance(cache, (tuple, list)) or len(cache) != 2:
        fail(name, case, "the cache is not the pair (mask, p)", "cache = (mask, p): the backward pass needs both")
    mask, cached_p = cache
    if not isinstance(mask, np.ndarray) or mask.shape != x.shape:
        shape = mask.shape if isinstance(mask, np.ndarray) else type(mask).__name__
        fail(name, case, f"the mask has shape {shape}, expected x's shape {x.shape}",
             "draw one keep-or-drop decision for every unit of every sample: rng.random(x.shape) >= p")
    if mask.dtype != bool:
        fail(name, case, f"the mask has dtype {mask.dtype}, expected bool",
             "keep the mask boolean, True where a unit is kept, and scale out, not the mask")
    if not np.isscalar(cached_p) or cached_p != p:
        fail(name, case, f"the cache holds p = {cached_p!r}, expected the p you were given ({p})")
    if not train:
        if not mask.all():
            fail(name, case, "the mask drops units at test time",
                 "at test time nothing is dropped: the mask is all True")
        if not close(out, x):
            hint = "inverted dropout scales while training, so at test time out is x itself"
            if close(out, x * (1 - p)) or close(out, x / (1 - p)):
                fail(name, case, "out is scaled at test time", hint)
            fail(name, case, "out differs from x at test time", hint)
        return mask
    if close(out, x * mask / (1 - p)):
        return mask
    if close(out, x * mask):
        fail(name, case, "the kept units are not scaled by 1 / (1 - p)",
             "inverted dropout divides what it keeps by 1 - p, so that the expected activation stays x")
    if close(out, x * mask * (1 - p)):
        fail(name, case, "the kept units are multiplied by 1 - p instead of divided by it",
             "out = x * mask / (1 - p)")
    if close(out, x * ~mask / (1 - p)):
        fail(name, case, "out keeps the units the mask drops", "the mask is True where a unit is kept")
    fail(name, case, "out is not x * mask / (1 - p) for the mask in the cache",
         "the mask you return must be the one you applied")


def judge_dropout_forward(name: str, case: Case, outcome: Outcome) -> None:
    """Judge one ``dropout_forward`` case (its outcome holds every call's result; see :func:`call_dropout_forward`)."""
    judge_error(name, case, outcome)
    if case.raises is not None:
        return
    *results, touched = outcome.value
    masks = [_judge_pair(name, case, got) for got in results]
    judge_hygiene(name, case, outcome)
    if touched:
        fail(name, case, "drew random numbers from NumPy's global np.random",
             "draw the mask from the Generator you are given (rng.random), never from np.random")
    if len(masks) == 3:
        if not np.array_equal(masks[0], masks[1]):
            fail(name, case, "two generators with the same seed gave different masks",
                 "draw the mask from rng, not from np.random or a new Generator")
        if np.array_equal(masks[0], masks[2]):
            fail(name, case, "generators with different seeds gave the same mask",
                 "draw the mask from rng: a mask that does not depend on it is the same at every step")
    if "statistics" in case.tags:
        mask, p = masks[0], case.args[1]
        if np.all(mask == mask[:1]):
            fail(name, case, "every sample has the same mask",
                 "draw a decision for every unit of every sample: rng.random(x.shape), not rng.random(x.shape[1])")
        if np.all(mask == mask[:, :1]):
            fail(name, case, "all units of a sample are kept or dropped together",
                 "draw a decision for every unit: rng.random(x.shape)")
        kept = mask.mean()
        if abs(kept - (1 - p)) > KEPT_TOLERANCE:
            fail(name, case, f"kept {kept:.3f} of the units, expected about 1 - p = {1 - p:.1f}",
                 "p is the probability of dropping a unit (PyTorch's convention): keep it when rng.random() >= p")


def judge_dropout_backward(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``dropout_backward`` outcome with the reference, naming the likeliest slip."""
    dout, (mask, p) = case.args
    expected = ref.dropout_backward(*case.args)
    got = outcome.value
    if outcome.error is None and not outcome.mutated and isinstance(got, np.ndarray) \
            and got.shape == expected.shape and not close(got, expected):
        for wrong, problem, hint in [
            (dout / (1 - p), "dx is not zero where the unit was dropped",
             "multiply by the mask from the cache: a dropped unit passed nothing forward, so it gets no gradient"),
            (dout, "dx = dout: the backward pass ignores dropout", "dx = dout * mask / (1 - p)"),
            (dout * mask, "dx is missing the 1 / (1 - p) that the forward pass scaled by",
             "the forward pass computed x * mask / (1 - p), so dx = dout * mask / (1 - p)"),
            (dout * mask * (1 - p), "dx is multiplied by 1 - p instead of divided by it", "dx = dout * mask / (1 - p)"),
            (dout * ~mask / (1 - p), "dx flows through the dropped units", "the mask is True where a unit was kept"),
        ]:
            if close(got, wrong):
                fail(name, case, problem, hint)
    judge_outputs(name, case, outcome, expected, ("dx",), {
        "dx": "dx = dout * mask / (1 - p), with the mask and p from the cache (draw nothing new)"})
