"""Checks for assignment 01, one-hot encoding: ``<exercise>_cases(seed, part)`` and ``judge_<exercise>``.

The checks themselves are generated from the manifest (:func:`course_checks.checks.exercise_check`).
"""

import numpy as np

from course_checks.cases import Case, Outcome
from course_checks.judging import fail, judge_array, judge_error, judge_hygiene
from course_checks.reference import reference

ref = reference("encoding")


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


def judge_one_hot(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``one_hot`` (or ``one_hot_broadcast``) outcome with the reference."""
    judge_error(name, case, outcome, {"out of bounds for axis 1": (
        "the result has too few columns for these labels: its width is num_classes, or y.max() + 1 "
        "when num_classes is None, not the number of distinct labels")})
    if case.raises is not None:
        return
    judge_hygiene(name, case, outcome)
    y = np.asarray(case.args[0])
    expected = ref.one_hot(y, case.kwargs.get("num_classes"))
    n, k = expected.shape
    got = outcome.value
    if isinstance(got, np.ndarray) and got.ndim == 2 and got.shape[0] == n and got.shape[1] != k:
        if case.kwargs.get("num_classes") is not None:
            hint = (f"num_classes={k} was given, so the result has {k} columns even when some "
                    "classes do not occur in y; take the width from num_classes, not from the data")
        else:
            hint = ("with num_classes=None the width is y.max() + 1: labels are 0-based, so the largest "
                    "label needs a column too; the number of distinct labels is not the width")
        fail(name, case, f"returned {got.shape[1]} columns, expected {k}", hint)
    judge_array(name, case, got, (n, k))
    if not np.all((got == 0) | (got == 1)) or not np.all(got.sum(axis=1) == 1):
        fail(name, case, "some rows do not hold exactly one 1 and zeros elsewhere",
             "start from zeros and set a single entry per row: Y[i, y[i]] = 1")
    if np.array_equal(got, expected):
        return
    shifted = (np.roll(expected, -1, axis=1), np.roll(expected, 1, axis=1))
    if k > 1 and any(np.array_equal(got, other) for other in shifted):
        fail(name, case, "each row's 1 is one column off",
             "labels are 0-based: label k goes in column k, with no +1 or -1")
    fail(name, case, "some rows have their 1 in the wrong column",
         "row i's 1 belongs in column y[i]; pair row indices np.arange(N) with the labels y")


judge_one_hot_broadcast = judge_one_hot


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


def judge_encode_labels(name: str, case: Case, outcome: Outcome) -> None:
    """Compare one ``encode_labels`` outcome with the reference."""
    judge_error(name, case, outcome, {"unsupported operand": "labels may be strings or bools: "
                                      "do not do arithmetic on them; find the distinct values instead"})
    judge_hygiene(name, case, outcome)
    labels = np.asarray(case.args[0])
    classes_ref, _ = ref.encode_labels(labels)
    got = outcome.value
    if not isinstance(got, tuple) or len(got) != 2:
        fail(name, case, f"returned {type(got).__name__}, expected a pair (classes, indices)")
    classes, indices = got
    if (isinstance(indices, np.ndarray) and np.array_equal(indices, classes_ref)
            and isinstance(classes, np.ndarray) and classes.shape == labels.shape):
        fail(name, case, "returned (indices, classes); the order is (classes, indices)")
    if not isinstance(classes, np.ndarray):
        fail(name, case, f"classes is a {type(classes).__name__}, expected a NumPy array",
             "return the classes as an array, so that classes[indices] works")
    if not isinstance(indices, np.ndarray) or not np.issubdtype(indices.dtype, np.integer):
        kind = type(indices).__name__ if not isinstance(indices, np.ndarray) else f"array of dtype {indices.dtype}"
        fail(name, case, f"indices is a {kind}, expected an integer NumPy array", "indices are positions in classes")
    if indices.shape != labels.shape:
        fail(name, case, f"indices has shape {indices.shape}, expected {labels.shape}: one index per label")
    if classes.dtype.kind != classes_ref.dtype.kind:
        fail(name, case, f"classes has dtype {classes.dtype} for labels of dtype {labels.dtype}",
             "classes must be the label values themselves, not numbers standing for them")
    if classes.shape != classes_ref.shape or set(classes.tolist()) != set(classes_ref.tolist()):
        fail(name, case, "classes is not the set of distinct labels, each once",
             "every distinct label appears exactly once in classes")
    if not np.array_equal(classes, classes_ref):
        fail(name, case, "classes is not sorted", "np.unique returns the distinct values in sorted order")
    if np.any(indices < 0) or np.any(indices >= len(classes)) or not np.array_equal(classes[indices], labels):
        fail(name, case, "classes[indices] does not give back labels",
             "indices[i] must be the position of labels[i] in classes (0-based)")
