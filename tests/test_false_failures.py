"""No correct answer loses a point by chance: every verdict that depends on draws, bounded and tried.

The inventory (course_checks.judges.false_failures) is recomputed from the checks' own cases and constants and held
to 1e-9 per grade cell and hand-in; its bounds are compared with exact or simulated probabilities; and correct
answers (the notebooks' model answers and the catalogue's alternatives) are graded on thousands of grader
seeds in-process, none failing.
"""

import itertools
import math

import numpy as np
import pytest

from classroom.catalogue import ALTERNATIVES, load
from classroom.submissions import REPO, notebook_functions
from course_checks import CHECKS, dropout
from course_checks.judges import layers as layers_judges
from course_checks.judges.false_failures import (
    MAX_PER_HAND_IN,
    inventory,
    log_constant_lines,
    log_few_distinct,
    log_hoeffding,
    log_masks_agree,
    log_permutation_events,
    log_uniform_variance_outside,
    table,
)
from course_checks.judges.layers import XAVIER_MIN_SIZE

RANDOM_VERDICTS = {("iterate_minibatches", "shuffling"), ("xavier_uniform", "values"), ("dropout_forward", "values"),
                   ("dropout_forward", "statistics"), ("sparse_gradient_check", "values"),
                   ("sparse_gradient_check", "sampling")}


@pytest.mark.parametrize("seed", [0, 1, 7, 2**31 - 1, 123456789])
def test_every_chance_verdict_is_bounded_by_1e_9_per_hand_in(seed):
    verdicts = inventory(seed)
    assert {(v.exercise, v.part) for v in verdicts} == RANDOM_VERDICTS
    for verdict in verdicts:
        assert verdict.log_per_case, verdict  # each part judges chance on some case, else it tests nothing
        assert verdict.per_hand_in <= MAX_PER_HAND_IN, (verdict.exercise, verdict.part, verdict.per_hand_in)
    assert [row[:2] for row in table(seed)] == [(v.exercise, v.part) for v in verdicts]


def test_the_bound_would_catch_the_small_shuffles_and_a_seed_that_repeats():
    """The limit is not vacuous: the old 7- and 9-row shuffles and a repeated dropout seed break it."""
    old = math.exp(log_permutation_events(7)) + math.exp(log_permutation_events(9))
    assert old > 1e-4 > MAX_PER_HAND_IN
    assert 3 * 2.0**-31 > MAX_PER_HAND_IN
    for seed in range(200):
        for case in dropout.dropout_forward_cases(seed, "values"):
            seeds = case.kwargs["seeds"]
            assert len(seeds) != 2 or seeds[0] != seeds[1]


def test_permutation_and_mask_probabilities_are_exact_on_small_cases():
    n = 4
    perms = list(itertools.permutations(range(n)))
    identity = sum(p == tuple(range(n)) for p in perms) / len(perms)
    repeat = sum(p == q for p in perms for q in perms) / len(perms) ** 2
    assert math.exp(log_permutation_events(n)) == pytest.approx(identity + repeat)
    keep, units = 0.7, 3
    agree = sum(math.prod(keep if a else 1 - keep for a in m) ** 2
                for m in itertools.product([True, False], repeat=units))
    assert math.exp(log_masks_agree(units, keep)) == pytest.approx(agree)
    assert math.exp(log_constant_lines(2, 3, keep)) == pytest.approx((keep**3 + (1 - keep) ** 3) ** 2)


def test_few_distinct_and_hoeffding_bound_the_exact_probability():
    size, draws = 5, 4
    outcomes = list(itertools.product(range(size), repeat=draws))
    for most in (1, 2, 3):
        exact = sum(len(set(o)) <= most for o in outcomes) / len(outcomes)
        assert exact <= math.exp(log_few_distinct(size, draws, most)) * (1 + 1e-12), most
    n, keep, t = 40, 0.5, 0.2
    exact = sum(math.comb(n, k) * keep**n for k in range(n + 1) if abs(k / n - keep) > t)
    assert exact <= math.exp(log_hoeffding(n, t))
    assert math.exp(log_hoeffding(n, 0.01)) > 1  # and it is only a bound: vacuous when t is small


def test_the_variance_window_bound_holds_where_failures_can_be_counted():
    rng = np.random.default_rng(0)
    n, low, high, trials = 60, 0.85, 1.15, 20000
    ratio = (rng.uniform(-1, 1, size=(trials, n)).var(axis=1)) / (1 / 3)
    observed = np.mean((ratio <= low) | (ratio >= high))
    assert 0.05 < observed <= math.exp(log_uniform_variance_outside(n, low, high))
    assert math.exp(log_uniform_variance_outside(XAVIER_MIN_SIZE, low, high)) < 1e-15


def _correct_answers(function):
    namespace = notebook_functions({"iterate_minibatches": "03_gradients", "xavier_uniform": "03_gradients",
                                    "dropout_forward": "03_gradients",
                                    "sparse_gradient_check": "05_gradient_check"}[function])
    return [namespace[function], *(load(a) for a in ALTERNATIVES[function])]


@pytest.mark.parametrize("exercise, part, seeds", [
    ("iterate_minibatches", "shuffling", 1000), ("xavier_uniform", "values", 600), ("dropout_forward", "values", 600),
    ("dropout_forward", "statistics", 300), ("sparse_gradient_check", "values", 150),
    ("sparse_gradient_check", "sampling", 150)])
def test_correct_answers_pass_on_thousands_of_grader_seeds(exercise, part, seeds):
    """The model answer on every seed, each alternative (other draws: rng.choice, rng.shuffle, ...) on a tenth."""
    check = CHECKS[exercise][0]
    grader_seeds = [int(s) for s in np.random.default_rng(2026).integers(0, 2**31, size=seeds)]
    model, *alternatives = _correct_answers(exercise)
    for seed in grader_seeds:
        check(model, part=part, seed=seed)
    for answer in alternatives:
        for seed in grader_seeds[: seeds // 10]:
            check(answer, part=part, seed=seed)


def test_the_readme_table_says_what_the_inventory_computes():
    readme = (REPO / "README.md").read_text()
    for exercise, part, verdicts, bound in table():
        assert f"| `{exercise}` | `{part}` | {verdicts} |" in readme and readme.count(f"| {bound} |") >= 1, exercise
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{exercise}` | `{part}` | {verdicts} |"))
        assert row.endswith(f"| {bound} |"), row


@pytest.mark.parametrize("seed, message", [(221, "rows come in their original order"),
                                           (4401, "a second call with the same rng gave the same order")])
def test_the_grader_seeds_that_failed_a_correct_shuffle_now_pass(seed, message, monkeypatch):
    """At these seeds rng.permutation(7) of the 7-row case is the identity, or repeats on the second call."""
    model = notebook_functions("03_gradients")["iterate_minibatches"]
    check = CHECKS["iterate_minibatches"][0]
    check(model, part="shuffling", seed=seed)
    monkeypatch.setattr(layers_judges, "MIN_SHUFFLE_ROWS", 1)  # the rule before: every case judged
    with pytest.raises(AssertionError, match=message):
        check(model, part="shuffling", seed=seed)
