"""Cases for assignment 02, the softmax family and cross-entropy: ``<exercise>_cases(seed, part)``.

Parts: ``"values"`` (ordinary logits, N != K and square shapes), ``"stable"``
(logits near +/-1000, rows far apart, huge spreads; no warnings allowed) and,
for softmax, ``"vectorized"`` (no Python loops, and correct values).

They run in the grading kernel, which holds no judge; the judges are in
:mod:`course_checks.judges.softmax_family`, in the grader's process.
"""

import numpy as np

from course_checks.cases import Case

_SHAPES = [(5, 3), (4, 4), (2, 7), (1, 3), (6, 6)]


def logits_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Logit matrices ``Z`` for the softmax family.

    Parameters
    ----------
    seed : int
    part : {"values", "stable"}

    Returns
    -------
    list of Case
        Each with ``args == (Z,)``.
    """
    rng = np.random.default_rng(seed)
    if part == "values":
        return [Case(f"Z of shape {s}, standard normal entries times 3", (3 * rng.standard_normal(s),),
                     tags=frozenset({"square"} if s[0] == s[1] else ())) for s in _SHAPES]
    if part == "stable":
        far = rng.standard_normal((6, 4))
        far[::2] += 1000.0
        far[1::2] -= 1000.0
        spread = np.array([[1000.0, -1000.0, 0.0], [-800.0, 0.0, 5.0], [0.0, 0.0, -750.0], [700.0, 710.0, 690.0]])
        return [
            Case("Z of shape (5, 3), entries near +1000", (1000.0 + rng.standard_normal((5, 3)),)),
            Case("Z of shape (3, 4), entries near -1000", (-1000.0 + rng.standard_normal((3, 4)),)),
            Case("Z of shape (6, 4), rows alternately near +1000 and near -1000", (far,), tags=frozenset({"far_rows"})),
            Case("Z of shape (4, 3), entries from -1000 to 1000 within a row", (spread,), tags=frozenset({"spread"})),
        ]
    raise ValueError(f"part must be 'values' or 'stable', got {part!r}")


def cross_entropy_cases(seed: int = 0, part: str = "values") -> list[Case]:
    """Logits and one-hot targets ``(Z, Y)``.

    ``"values"`` uses ordinary logits; ``"stable"`` uses logits near
    +/-1000 and confident wrong predictions whose loss is in the hundreds.
    """
    rng = np.random.default_rng(seed)
    cases = []
    for z_case in logits_cases(seed, part):
        Z = z_case.args[0]
        n, k = Z.shape
        Y = np.eye(k)[rng.integers(0, k, size=n)]
        tags = set(z_case.tags)
        if part == "stable" and "spread" in z_case.tags:
            Y = np.eye(k)[np.argmin(Z, axis=1)]  # the least likely class is the target
            tags.add("confident_wrong")
        label = z_case.label + (", targets Y the least likely class (confidently wrong)"
                                if "confident_wrong" in tags else f", one-hot targets Y of shape {Y.shape}")
        cases.append(Case(label, (Z, Y), tags=frozenset(tags)))
    return cases


# The cases of each exercise (the judges above are ``judge_<exercise>``).
softmax_cases = logsumexp_cases = log_softmax_cases = logits_cases
cross_entropy_grad_cases = cross_entropy_cases
