"""Grading helpers that the hidden nbgrader tests call.

Each ``check_<exercise>(func, part=..., seed=0)`` runs the student's function on
seeded cases and raises ``AssertionError`` with a helpful message on the first
failure. The modules mirror :mod:`solutions_lib`; :mod:`.core` holds the
shared machinery (cases, running on copies, judging, source rules).
"""

from solutions_lib.checks.encoding import check_encode_labels, check_one_hot, check_one_hot_broadcast
from solutions_lib.checks.softmax_family import (
    check_cross_entropy,
    check_cross_entropy_grad,
    check_log_softmax,
    check_logsumexp,
    check_softmax,
)

__all__ = [
    "check_cross_entropy",
    "check_cross_entropy_grad",
    "check_encode_labels",
    "check_log_softmax",
    "check_logsumexp",
    "check_one_hot",
    "check_one_hot_broadcast",
    "check_softmax",
]

#: Every check and its parts, one hidden grade cell per part, in notebook order.
CHECKS = {
    "one_hot": (check_one_hot, ("values", "num_classes")),
    "encode_labels": (check_encode_labels, ("ints", "any")),
    "one_hot_broadcast": (check_one_hot_broadcast, ("values", "vectorized")),
    "softmax": (check_softmax, ("values", "stable", "vectorized")),
    "logsumexp": (check_logsumexp, ("values", "stable")),
    "log_softmax": (check_log_softmax, ("values", "stable")),
    "cross_entropy": (check_cross_entropy, ("values", "stable")),
    "cross_entropy_grad": (check_cross_entropy_grad, ("values", "stable")),
}
