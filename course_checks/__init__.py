"""The grading engine: the checks that the hidden nbgrader tests call.

Each ``check_<exercise>(func, part=..., seed=0)`` runs the student's function on
seeded cases and raises ``AssertionError`` with a helpful message on the first
failure. The modules mirror :mod:`solutions_lib`; :mod:`.core` holds the
shared machinery (cases, running on copies, judging, source rules),
:mod:`.records` the outcomes as plain data, :mod:`.reference` the reference
as the judges see it.

This package is separate from :mod:`solutions_lib` and never imports it
while a grading kernel records outcomes: the kernel's sandbox holds this
package but not the reference, which only the judges, in the grader's own
process, import.
"""

from course_checks.encoding import check_encode_labels, check_one_hot, check_one_hot_broadcast
from course_checks.softmax_family import (
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

from course_checks.layers import (  # noqa: E402
    check_affine_backward,
    check_affine_forward,
    check_iterate_minibatches,
    check_relu_backward,
    check_relu_forward,
    check_sgd_step,
    check_sigmoid_backward,
    check_sigmoid_forward,
    check_softmax_cross_entropy,
    check_xavier_uniform,
)
from course_checks.mlp_gradients import (  # noqa: E402
    check_compute_gradients,
    check_grad_b1,
    check_grad_b2,
    check_grad_W1,
    check_grad_W2,
)

CHECKS.update({
    "grad_b2": (check_grad_b2, ("values", "vectorized")),
    "grad_W2": (check_grad_W2, ("values", "vectorized")),
    "grad_b1": (check_grad_b1, ("values", "vectorized")),
    "grad_W1": (check_grad_W1, ("values", "vectorized")),
    "compute_gradients": (check_compute_gradients, ("values", "vectorized")),
    "affine_forward": (check_affine_forward, ("values",)),
    "affine_backward": (check_affine_backward, ("values",)),
    "relu_forward": (check_relu_forward, ("values",)),
    "relu_backward": (check_relu_backward, ("values",)),
    "sigmoid_forward": (check_sigmoid_forward, ("values", "stable")),
    "sigmoid_backward": (check_sigmoid_backward, ("values",)),
    "softmax_cross_entropy": (check_softmax_cross_entropy, ("values", "stable")),
    "xavier_uniform": (check_xavier_uniform, ("values",)),
    "iterate_minibatches": (check_iterate_minibatches, ("coverage", "shuffling")),
    "sgd_step": (check_sgd_step, ("values",)),
})

from course_checks.convolution import (  # noqa: E402
    check_conv_backward_fast,
    check_conv_backward_naive,
    check_conv_forward_fast,
    check_conv_forward_naive,
    check_conv_output_size,
    check_zero_pad,
)

CHECKS.update({
    "conv_output_size": (check_conv_output_size, ("values",)),
    "zero_pad": (check_zero_pad, ("values",)),
    "conv_forward_naive": (check_conv_forward_naive, ("values", "stride_pad")),
    "conv_backward_naive": (check_conv_backward_naive, ("values", "stride_pad")),
    "conv_forward_fast": (check_conv_forward_fast, ("values", "vectorized")),
    "conv_backward_fast": (check_conv_backward_fast, ("values", "vectorized")),
})

from course_checks.gradient_check import (  # noqa: E402
    check_find_buggy_layers,
    check_numerical_gradient,
    check_numerical_gradient_array,
    check_relative_error,
    check_softplus_backward,
    check_sparse_gradient_check,
)

CHECKS.update({
    "numerical_gradient": (check_numerical_gradient, ("values", "in_place")),
    "numerical_gradient_array": (check_numerical_gradient_array, ("values", "views")),
    "relative_error": (check_relative_error, ("values", "zeros")),
    "sparse_gradient_check": (check_sparse_gradient_check, ("values", "sampling")),
    "find_buggy_layers": (check_find_buggy_layers, ("values",)),
    "softplus_backward": (check_softplus_backward, ("values", "stable")),
})

# The names the hidden grade cells import record outcomes for the grader while grading;
# CHECKS keeps the checks themselves, which the grader re-runs on those records.
from course_checks.core import entry_point  # noqa: E402

for _exercise, (_check, _parts) in CHECKS.items():
    globals()[f"check_{_exercise}"] = entry_point(_check, _exercise)
__all__ = sorted(f"check_{e}" for e in CHECKS) + ["CHECKS"]
del _exercise, _check, _parts
