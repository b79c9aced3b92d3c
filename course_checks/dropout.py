"""Cases for inverted dropout (assignment 03, a section of notebook ``layers``).

``dropout_forward(x, p, train=True, rng=None)`` returns ``(out, (mask, p))``;
``dropout_backward(dout, (mask, p))`` returns ``dx``. The forward check calls
the student's function several times per case (see :func:`call_dropout_forward`),
so that the judge can tell a mask drawn from ``rng`` from one drawn elsewhere.

They run in the grading kernel, which holds no judge; the judges are in :mod:`course_checks.judges.dropout`,
in the grader's process.
"""

from collections.abc import Callable

import numpy as np

from course_checks.cases import Case


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
