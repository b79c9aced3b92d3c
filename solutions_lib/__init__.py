"""Reference solutions for "Neural networks from scratch in NumPy".

One module per topic, named as the course's manifest
(:mod:`course_checks.manifest`) names them, in course order: ``encoding``,
``softmax_family``, ``mlp_gradients``, ``layers`` (with ``dropout``),
``convolution``, ``gradient_check``. Import the functions from their module:
``from solutions_lib.softmax_family import softmax``.

It holds the reference and nothing else. The grading engine that the hidden
nbgrader tests call is :mod:`course_checks`, beside it. This package is
installed in the grading environment only, and only the grader's own process
imports it: student notebooks never can, and grading kernels run in a sandbox
where it does not exist.
"""
