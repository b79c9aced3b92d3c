"""The functions the gradient checks differentiate: smooth, with exact gradients, kept away from 0.

A student's numerical gradient (``course_checks.gradient_check``) is judged
against these analytic gradients. Entries near 0 are avoided
(:data:`GRADIENT_FLOOR`), since a relative error there is dominated by
round-off, and cases are drawn without BLAS so that the kernel and the
grader draw the same ones.
"""

from collections.abc import Callable

import numpy as np


class ClosureLoss:
    """A scalar function that ignores its argument and reads ``self.x``, like ``lambda _: net.loss()``.

    Case arguments are deep-copied together, so the copy of this object reads
    the very array passed next to it: the student's function must perturb
    that array in place for the loss to change.
    """

    def __init__(self, x: np.ndarray, A: np.ndarray):
        self.x, self.A = x, A

    def __call__(self, _: object) -> float:
        return float(np.sum(np.exp(0.5 * self.x)) + self.x.ravel() @ self.A @ self.x.ravel())

    def gradient(self) -> np.ndarray:
        flat = self.x.ravel()
        return (0.5 * np.exp(0.5 * self.x).ravel() + (self.A + self.A.T) @ flat).reshape(self.x.shape)

    def __eq__(self, other):
        return type(other) is ClosureLoss

    __hash__ = None


#: The smallest gradient entry a case may have: a relative error per entry is round-off-dominated near 0, so that
#: a correct central difference could exceed the threshold there (about one notebook in two hundred did).
GRADIENT_FLOOR = 0.1


def draw(rng: np.random.Generator, make: Callable, gradient: Callable) -> tuple:
    """Draw ``make(rng)`` until every entry of ``gradient(*drawn)`` is at least GRADIENT_FLOOR in magnitude.

    ``gradient`` must not use BLAS (no ``@``): its bits decide which case is drawn, and the kernel, which
    uses one thread, must draw the same case as the grader.
    """
    for _ in range(1000):
        drawn = make(rng)
        if np.min(np.abs(gradient(*drawn))) >= GRADIENT_FLOOR:
            return drawn
    raise RuntimeError("no case with a gradient away from 0")  # pragma: no cover - probability below 1e-300


def quadratic_gradient(A: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(A + A.T) @ x for a vector x, without BLAS."""
    return ((A + A.T) * x[None, :]).sum(axis=1)


def scalar_functions(rng: np.random.Generator) -> list[tuple]:
    """(label, f, x, analytic gradient) of smooth scalar functions of their argument."""
    out = []
    A, x = draw(rng, lambda r: (r.standard_normal((4, 4)), r.standard_normal(4)), quadratic_gradient)
    out.append(("f(x) = x @ A @ x with x of shape (4,)", lambda v, A=A: float(v @ A @ v), x, (A + A.T) @ x))
    x = rng.uniform(0.5, 2.0, (3, 5))
    out.append(("f(x) = sum(log(x) * x) with x of shape (3, 5)", lambda v: float(np.sum(np.log(v) * v)), x,
                np.log(x) + 1))
    A, T, W = draw(rng, lambda r: (r.standard_normal((6, 5)), r.standard_normal((6, 3)), r.standard_normal((5, 3))),
                    lambda A, T, W: (A[:, :, None] * ((A[:, :, None] * W[None]).sum(axis=1) - T)[:, None, :]).sum(0)
                    * 2 / T.size)
    out.append(("f(W) = mean squared error of A @ W against targets, W of shape (5, 3)",
                lambda v, A=A, T=T: float(np.mean((A @ v - T) ** 2)), W, 2 * A.T @ (A @ W - T) / T.size))
    x = rng.standard_normal((2, 3, 2))
    out.append(("f(x) = sum(sin(x) + x**3 / 3) with x of shape (2, 3, 2)",
                lambda v: float(np.sum(np.sin(v) + v ** 3 / 3)), x, np.cos(x) + x ** 2))
    return out
