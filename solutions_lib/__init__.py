"""Reference solutions for "Neural networks from scratch in NumPy".

One module per topic, in course order:

- :mod:`solutions_lib.encoding` -- one-hot encoding and decoding of labels.
- :mod:`solutions_lib.softmax_family` -- the stable softmax family and cross-entropy.
- :mod:`solutions_lib.mlp_gradients` -- backpropagation by hand for a ReLU network.
- :mod:`solutions_lib.layers` -- modular layers with caches, initialisation, minibatches, SGD.
- :mod:`solutions_lib.convolution` -- convolution layers, naive and vectorized.
- :mod:`solutions_lib.gradient_check` -- numerical gradients and relative errors.

It holds the reference and nothing else. The grading engine that the hidden
nbgrader tests call is :mod:`course_checks`, beside it. This package is
installed in the grading environment only, and only the grader's own process
imports it: student notebooks never can, and grading kernels run in a sandbox
where it does not exist.
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
