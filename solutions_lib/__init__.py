"""Reference solutions for "Neural networks from scratch in NumPy".

One module per topic, in course order:

- :mod:`solutions_lib.encoding` -- one-hot encoding and decoding of labels.
- :mod:`solutions_lib.softmax_family` -- the stable softmax family and cross-entropy.

:mod:`solutions_lib.checks` holds the grading helpers that the hidden nbgrader
tests call. This package is installed in the grading environment only; student
notebooks never import it.
"""

from solutions_lib.encoding import decode, encode_labels, one_hot, one_hot_broadcast
from solutions_lib.softmax_family import (
    cross_entropy,
    cross_entropy_grad,
    log_softmax,
    logsumexp,
    softmax,
    softmax_loop,
)

__all__ = [
    "cross_entropy",
    "cross_entropy_grad",
    "decode",
    "encode_labels",
    "log_softmax",
    "logsumexp",
    "one_hot",
    "one_hot_broadcast",
    "softmax",
    "softmax_loop",
]
