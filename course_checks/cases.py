"""What a check is made of: the inputs it gives a student function, what happened, and the course's tolerance.

A :class:`Case` is pure data built from a seed by ``<exercise>_cases(seed, part)``;
an :class:`Outcome` is what the student's function did on it (see :mod:`.running`).
"""

from dataclasses import dataclass, field

import numpy as np

RTOL = 1e-7
ATOL = 1e-10

@dataclass(frozen=True)
class Case:
    """One input for a student function.

    Attributes
    ----------
    label : str
        What the student is told about the input (shapes, ranges), never the
        expected output.
    args : tuple
        Positional arguments.
    kwargs : dict
        Keyword arguments.
    raises : type or None
        The exception the function must raise on this input, if any.
    tags : frozenset of str
        Properties of the input that judges use to diagnose (``"square"``,
        ``"far_rows"``, ...).
    known : object
        What the judge knows about the input beyond its arguments (an exact
        gradient, ...); never shown to the student, not part of the record.
    """

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    raises: type | None = None
    tags: frozenset = frozenset()
    known: object = field(default=None, compare=False)


@dataclass
class Outcome:
    """What happened when a student function ran on one case."""

    value: object = None
    error: BaseException | None = None
    mutated: tuple = ()
    warnings: tuple = ()
    calls: list = field(default_factory=list)


def same(a: object, b: object) -> bool:
    """True if two argument values are equal (arrays compared exactly, nan == nan; containers recursively)."""
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) or isinstance(b, dict):
        return type(a) is type(b) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if a.dtype.kind in "fc":
            return bool(np.array_equal(a, b, equal_nan=True))
        return bool(np.array_equal(a, b))
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - incomparable objects count as changed
        return False


def close(got: np.ndarray, expected: np.ndarray) -> bool:
    """The course's comparison: ``rtol=1e-7, atol=1e-10``, same nan/inf pattern."""
    return bool(np.allclose(got, expected, rtol=RTOL, atol=ATOL))
