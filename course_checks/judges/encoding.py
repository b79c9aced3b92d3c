"""Judges for assignment 01, one-hot encoding: ``judge_<exercise>(name, case, outcome)``.

They run in the grader's process (or a notebook's, outside grading), never in the grading kernel; the cases
are in :mod:`course_checks.encoding`.
"""

import numpy as np

from course_checks.cases import Case, Outcome
from course_checks.judges.common import fail, judge_array, judge_error, judge_hygiene
from course_checks.judges.reference import reference

ref = reference("encoding")


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
