"""Cases for assignment 01, one-hot encoding: ``<exercise>_cases(seed, part)``.

They run in the grading kernel, which holds no judge; the judges are in :mod:`course_checks.judges.encoding`,
in the grader's process.
"""

import numpy as np

from course_checks.cases import Case


def _labels(rng, n, k, *, all_present=True, dtype=np.int64):
    """n labels in [0, k); every class present when ``all_present`` and n >= k."""
    y = rng.integers(0, k, size=n)
    if all_present and n >= k:
        y[rng.permutation(n)[:k]] = np.arange(k)
    return y.astype(dtype)


def one_hot_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Inputs for ``one_hot``.

    Parameters
    ----------
    seed : int
    part : {"values", "num_classes"}
        ``"values"``: shapes with N != K, N == K, a single sample, int32
        labels. ``"num_classes"``: an explicit width wider than the labels
        (the top classes missing), and labels outside [0, K) that must raise.

    Returns
    -------
    list of Case
    """
    rng = np.random.default_rng(seed)
    if part == "values":
        cases = []
        for n, k in [(7, 3), (4, 4), (10, 6), (1, 1), (3, 5)]:
            y = _labels(rng, n, k)
            y[-1] = k - 1  # so that y.max() + 1 == k
            cases.append(Case(f"y of shape ({n},) with labels in [0, {k}), num_classes=None", (y,)))
        y = _labels(rng, 9, 4, dtype=np.int32)
        y[0] = 3
        cases.append(Case("y of shape (9,), dtype int32, num_classes=4", (y,), {"num_classes": 4}))
        return cases
    if part == "num_classes":
        y = _labels(rng, 8, 3)
        y2 = np.array([0, 2, 2, 5, 0, 5])
        return [
            Case("y of shape (8,) with labels in [0, 3), num_classes=6 (classes 3, 4, 5 absent)",
                 (y,), {"num_classes": 6}, tags=frozenset({"wider"})),
            Case("y = [0 2 2 5 0 5] (classes 1, 3, 4 absent), num_classes=None", (y2,)),
            Case("y = [0 1 3 1], num_classes=3 (label 3 is out of range)",
                 (np.array([0, 1, 3, 1]),), {"num_classes": 3}, raises=ValueError),
            Case("y = [0 -1 2] (a negative label), num_classes=3",
                 (np.array([0, -1, 2]),), {"num_classes": 3}, raises=ValueError),
        ]
    raise ValueError(f"part must be 'values' or 'num_classes', got {part!r}")


def one_hot_broadcast_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Inputs for ``one_hot_broadcast(y, num_classes)``: always an explicit K (one part, ``"values"``)."""
    rng = np.random.default_rng(seed)
    cases = []
    for n, k in [(7, 3), (5, 5), (6, 9), (1, 2)]:
        y = _labels(rng, n, k, all_present=False)
        cases.append(Case(f"y of shape ({n},) with labels in [0, {k}), num_classes={k}", (y,), {"num_classes": k}))
    return cases


def encode_labels_cases(seed: int = 0, part: str = "ints") -> list[Case]:
    """Inputs for ``encode_labels``.

    Parameters
    ----------
    seed : int
    part : {"ints", "any"}
        ``"ints"``: non-contiguous, negative and unsorted integer labels.
        ``"any"``: strings, bools, and a single class.

    Returns
    -------
    list of Case
    """
    rng = np.random.default_rng(seed)
    if part == "ints":
        return [
            Case("labels = [10 3 7 3 10 7 7] (non-contiguous ints)", (np.array([10, 3, 7, 3, 10, 7, 7]),)),
            Case("labels of shape (12,) drawn from {-5, 0, 42}", (rng.choice([-5, 0, 42], size=12),)),
            Case("labels of shape (9,) drawn from {0, ..., 3}", (rng.integers(0, 4, size=9),)),
        ]
    if part == "any":
        animals = np.array(["dog", "cat", "bird", "cat", "dog", "ant"])
        return [
            Case("labels = ['dog' 'cat' 'bird' 'cat' 'dog' 'ant'] (strings)", (animals,)),
            Case("labels of shape (8,) drawn from {False, True} (bools)", (rng.integers(0, 2, size=8).astype(bool),)),
            Case("labels = ['b' 'b' 'b'] (a single class)", (np.array(["b", "b", "b"]),)),
        ]
    raise ValueError(f"part must be 'ints' or 'any', got {part!r}")
