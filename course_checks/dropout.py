"""Checks for inverted dropout (assignment 03, a section of notebook ``layers``).

``dropout_forward(x, p, train=True, rng=None)`` returns ``(out, (mask, p))``;
``dropout_backward(dout, (mask, p))`` returns ``dx``. The forward check calls
the student's function several times per case (see :func:`call_dropout_forward`),
so that the judge can tell a mask drawn from ``rng`` from one drawn elsewhere.

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
"""

from collections.abc import Callable

import numpy as np

from course_checks.cases import Case, Outcome, close
from course_checks.judging import fail, judge_array, judge_error, judge_hygiene, judge_outputs, judge_pair
from course_checks.reference import reference

ref = reference("dropout")

#: How far the kept fraction may stray from 1 - p in the statistics part (see the module's docstring).
KEPT_TOLERANCE = 0.02


def _activations(rng, shape):
    """Standard normal activations kept at least 0.1 away from 0, so that a dropped unit is told from a kept one."""
    x = rng.standard_normal(shape)
    return x + 0.1 * np.sign(x)


def call_dropout_forward(func: Callable) -> Callable:
    """Call ``func`` as a case asks: with ``seeds=(a,)`` once with ``default_rng(a)``; with ``seeds=(a, b)``
    twice with ``default_rng(a)`` and once with ``default_rng(b)``; with ``seeds=()`` once with ``rng=None``.

    Returns the results in that order, then whether NumPy's global random state changed.
    """
    def draws(x, p, train, seeds):
        before = np.random.get_state()
        generators = [np.random.default_rng(s) for s in (seeds if len(seeds) < 2 else (seeds[0], seeds[0], seeds[1]))]
        results = tuple(func(x, p, train=train, rng=g) for g in generators or [None])
        after = np.random.get_state()
        touched = after[2] != before[2] or not np.array_equal(after[1], before[1])
        return (*results, touched)
    return draws


def dropout_forward_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Inputs for ``dropout_forward``.

    Parameters
    ----------
    seed : int
    part : {"values", "statistics", "validation"}
        ``"values"``: training (three calls, two seeds) and test time, 2-D and
        3-D. ``"statistics"``: a (200, 300) batch, to count what is kept.
        ``"validation"``: ``p`` outside [0, 1), ``rng=None`` while
        training (both must raise ValueError), and ``p = 0``.

    Returns
    -------
    list of Case
    """
    rng = np.random.default_rng(seed)

    def seeds():
        """Two different generator seeds (drawn independently they would coincide once in 2^31)."""
        a, b = (int(s) for s in rng.integers(0, 2**31, size=2))
        return a, (b if b != a else (a + 1) % 2**31)
    if part == "values":
        cases = [Case(f"x of shape {shape}, p={p}, train=True, rng=np.random.default_rng(...) (two seeds)",
                      (_activations(rng, shape), p), {"train": True, "seeds": seeds()}, tags=frozenset({"train"}))
                 for shape, p in [((8, 10), 0.2), ((4, 5, 6), 0.5), ((10, 12), 0.75)]]
        cases += [Case(f"x of shape {shape}, p={p}, train=False, rng=None", (_activations(rng, shape), p),
                       {"train": False, "seeds": ()}) for shape, p in [((5, 7), 0.3), ((2, 3, 4), 0.6)]]
        return cases
    if part == "statistics":
        return [Case(f"x of shape (200, 300), p={p}, train=True, rng=np.random.default_rng(...)",
                     (_activations(rng, (200, 300)), p), {"train": True, "seeds": seeds()[:1]},
                     tags=frozenset({"train", "statistics"})) for p in (0.2, 0.6)]
    if part == "validation":
        x = _activations(rng, (4, 6))
        return [
            Case(f"x of shape (4, 6), p={p}, train=True, rng=np.random.default_rng(...)", (x, p),
                 {"train": True, "seeds": seeds()[:1]}, raises=ValueError) for p in (1.0, -0.1, 1.5)
        ] + [
            Case("x of shape (4, 6), p=0.5, train=True, rng=None (training needs a Generator)", (x, 0.5),
                 {"train": True, "seeds": ()}, raises=ValueError),
            Case("x of shape (4, 6), p=0.0, train=True, rng=np.random.default_rng(...) (nothing is dropped)",
                 (x, 0.0), {"train": True, "seeds": seeds()[:1]}, tags=frozenset({"train"})),
        ]
    raise ValueError(f"part must be 'values', 'statistics' or 'validation', got {part!r}")


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


def dropout_backward_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """``(dout, (mask, p))`` from training passes, 1-D to 3-D, and ``p = 0`` last."""
    if part != "values":
        raise ValueError(f"part must be 'values', got {part!r}")
    rng = np.random.default_rng(seed)
    cases = []
    for shape, p in [((6, 8), 0.2), ((3, 4, 5), 0.5), ((10,), 0.75), ((4, 4), 0.0)]:
        mask = rng.random(shape) >= p
        cases.append(Case(f"dout of shape {shape}, cache = (mask, p={p}) from a training pass, "
                          f"{int(mask.sum())} of {mask.size} units kept", (rng.standard_normal(shape), (mask, p))))
    return cases


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
