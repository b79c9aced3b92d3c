"""Every check whose verdict depends on random draws, with the chance that a correct answer fails it.

A few checks judge randomness itself: that minibatches are shuffled, that
dropout keeps about ``1 - p`` of the units, that Glorot weights have the
right spread, that sparse gradient checks pick varied indices. A correct
answer draws from the generator it is given, so its draws are random even
though the grader's seed is fixed, and such a verdict could fail it by
chance. :func:`inventory` lists each such verdict with a bound on that
probability, computed from the cases the check really generates and the
constants it really uses, per case, summed per grade cell (a union bound):
the course requires every grade cell's bound to be at most
:data:`MAX_PER_HAND_IN` (``tests/test_false_failures.py``).

The bounds (natural logarithms, so that none underflows):

- a uniform permutation of ``n`` rows is the identity, or equals a second
  independent one, with probability ``1/n!`` each;
- two masks of ``n`` units kept with probability ``q`` agree everywhere with
  probability ``(q^2 + (1-q)^2)^n``; a whole row (column) of ``m`` units is
  all kept or all dropped with ``q^m + (1-q)^m``;
- a kept fraction of ``n`` units strays ``t`` from ``q`` with probability at
  most ``2 exp(-2 n t^2)`` (Hoeffding);
- the sample variance of ``n`` draws from U(-a, a) leaves a window around
  ``a^2/3``: Bernstein's inequality for the mean of ``X^2`` (variance
  ``4a^4/45``, range ``2a^2/3`` about its mean) and for the mean of ``X``
  (variance ``a^2/3``, range ``a``), the split between them chosen to give the
  smallest bound;
- ``k`` indices drawn uniformly with replacement from ``N`` entries are all
  the same with probability ``N^-(k-1)``, and take at most ``m`` distinct
  values with probability at most ``C(N, m) (m/N)^k``.
"""

import math
from dataclasses import dataclass

import numpy as np

from course_checks import dropout, gradient_check, layers
from course_checks.judges import dropout as dropout_judges
from course_checks.judges import layers as layers_judges

#: The most a correct answer may lose a grade cell by chance, per hand-in.
MAX_PER_HAND_IN = 1e-9


@dataclass(frozen=True)
class ChanceVerdict:
    """One grade cell whose verdict depends on draws, with its bound.

    Attributes
    ----------
    exercise, part : str
        The check and its part (grade cell ``test_<exercise>_<part>``).
    verdicts : str
        What is judged that depends on chance.
    log_per_case : tuple of float
        Natural log of the bound for each case of the part that is judged so.
    """

    exercise: str
    part: str
    verdicts: str
    log_per_case: tuple

    @property
    def log_per_hand_in(self) -> float:
        """Natural log of the bound per hand-in (the cases' bounds added up)."""
        return _log_sum(self.log_per_case) if self.log_per_case else -math.inf

    @property
    def per_hand_in(self) -> float:
        return math.exp(self.log_per_hand_in)


# --- the probabilities, in logs -------------------------------------------------------------------

def _log_sum(logs):
    top = max(logs)
    return top + math.log(sum(math.exp(v - top) for v in logs)) if top > -math.inf else -math.inf


def log_permutation_events(n: int) -> float:
    """Log of P(identity) + P(equal to an independent permutation) for a uniform permutation of ``n``."""
    return math.log(2) - math.lgamma(n + 1)


def log_masks_agree(n: int, keep: float) -> float:
    """Log of the probability that two independent masks of ``n`` units, each kept with ``keep``, agree."""
    return n * math.log(keep ** 2 + (1 - keep) ** 2)


def log_constant_lines(lines: int, length: int, keep: float) -> float:
    """Log of the probability that every one of ``lines`` lines of ``length`` units is all kept or all dropped."""
    return lines * math.log(keep ** length + (1 - keep) ** length)


def log_hoeffding(n: int, t: float) -> float:
    """Log of ``2 exp(-2 n t^2)``: a mean of ``n`` draws in [0, 1] strays more than ``t`` from its expectation."""
    return math.log(2) - 2 * n * t * t


def _log_bernstein(n, t, variance, spread):
    """Log of ``exp(-n t^2 / (2 variance + 2 spread t / 3))``, one side of Bernstein's inequality."""
    return -n * t * t / (2 * variance + 2 * spread * t / 3)


def log_uniform_variance_outside(n: int, low: float, high: float) -> float:
    """Log of a bound on P(var / (a^2/3) outside (low, high)) for ``n`` draws from U(-a, a) (``np.var``).

    In units of ``a^2``: ``var = m2 - m1^2`` with ``m2`` the mean of ``X^2`` (expectation 1/3) and ``m1`` the
    mean of ``X``. Too large needs ``m2 >= high/3``; too small needs ``m2 <= 1/3 - d`` or ``m1^2 >= d - (1 - low)/3``
    for any split ``d``; the best split of a fine grid is taken.
    """
    v2, r2, v1, r1 = 4 / 45, 2 / 3, 1 / 3, 1.0
    too_large = _log_bernstein(n, (high - 1) / 3, v2, r2)
    gap = (1 - low) / 3
    too_small = min(_log_sum([_log_bernstein(n, d, v2, r2),
                              math.log(2) + _log_bernstein(n, math.sqrt(gap - d), v1, r1)])
                    for d in np.linspace(gap / 100, gap * 0.99, 99))
    return _log_sum([too_large, too_small])


def log_few_distinct(size: int, draws: int, most: int) -> float:
    """Log of a bound on P(at most ``most`` distinct values among ``draws`` uniform draws from ``size``)."""
    if most < 1:
        return -math.inf
    log_choose = math.lgamma(size + 1) - math.lgamma(most + 1) - math.lgamma(size - most + 1)
    return log_choose + draws * math.log(most / size)


# --- the inventory ----------------------------------------------------------------------------------

def _iterate_minibatches(seed):
    cases = layers.iterate_minibatches_cases(seed, "shuffling")
    return ChanceVerdict("iterate_minibatches", "shuffling",
                         "rows not in their original order; a second call gives another order",
                         tuple(log_permutation_events(len(c.args[0])) for c in cases
                               if len(c.args[0]) >= layers_judges.MIN_SHUFFLE_ROWS))


def _xavier_uniform(seed):
    low, high = layers_judges.XAVIER_VARIANCE_WINDOW
    sizes = [c.args[0] * c.args[1] for c in layers.xavier_uniform_cases(seed, "values")]
    return ChanceVerdict("xavier_uniform", "values", f"the weights' variance within {low}-{high} of a^2/3",
                         tuple(log_uniform_variance_outside(n, low, high) for n in sizes
                               if n >= layers_judges.XAVIER_MIN_SIZE))


def _dropout_values(seed):
    logs = []
    for case in dropout.dropout_forward_cases(seed, "values"):
        seeds = case.kwargs["seeds"]
        if len(seeds) == 2:
            if seeds[0] == seeds[1]:
                logs.append(0.0)  # the same seed twice: a correct answer would always fail
            logs.append(log_masks_agree(case.args[0].size, 1 - case.args[1]))
    return ChanceVerdict("dropout_forward", "values", "generators with different seeds give different masks",
                         tuple(logs))


def _dropout_statistics(seed):
    logs = []
    for case in dropout.dropout_forward_cases(seed, "statistics"):
        x, p = case.args
        rows, columns = x.shape
        logs.append(_log_sum([log_hoeffding(x.size, dropout_judges.KEPT_TOLERANCE),
                              log_constant_lines(columns, rows, 1 - p), log_constant_lines(rows, columns, 1 - p)]))
    return ChanceVerdict("dropout_forward", "statistics",
                         f"kept fraction within {dropout_judges.KEPT_TOLERANCE} of 1 - p; masks vary across samples "
                         "and units",
                         tuple(logs))


def _sparse_gradient_check(seed, part):
    logs = []
    for case in gradient_check.sparse_gradient_check_cases(seed, part):
        size, draws = case.args[1].size, case.args[3]
        per_call = [-(draws - 1) * math.log(size)]
        if part == "sampling":
            per_call.append(log_few_distinct(size, draws, draws // 2 - 1))
        logs.append(math.log(2) + _log_sum(per_call))  # the check calls the function twice
    verdicts = "not every check at the same index" + ("; at least half the indices distinct" if part == "sampling"
                                                      else "")
    return ChanceVerdict("sparse_gradient_check", part, verdicts, tuple(logs))


def inventory(seed: int = 0) -> list[ChanceVerdict]:
    """Every grade cell whose verdict depends on draws, with its bound, for the cases made from ``seed``."""
    return [_iterate_minibatches(seed), _xavier_uniform(seed), _dropout_values(seed), _dropout_statistics(seed),
            _sparse_gradient_check(seed, "values"), _sparse_gradient_check(seed, "sampling")]


def table(seed: int = 0) -> list[tuple[str, str, str, str]]:
    """Rows ``(exercise, part, what is judged, bound per hand-in as 1e-N)`` of :func:`inventory`."""
    return [(v.exercise, v.part, v.verdicts, f"{v.per_hand_in:.1e}" if v.per_hand_in > 0
             else f"< 1e-{int(-v.log_per_hand_in / math.log(10))}") for v in inventory(seed)]
