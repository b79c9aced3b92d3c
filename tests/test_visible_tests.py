"""The release notebooks' visible tests catch the mistakes their text warns about, and pass correct answers.

Each case runs a release notebook in this process, with every solution cell
filled in with the reference except one, up to that exercise's visible test.
"""

import contextlib
import io

import matplotlib
import nbformat
import pytest

from classroom.catalogue import BUGS
from classroom.submissions import grade_id, notebook_paths, reference_solutions

matplotlib.use("Agg")


def run_visible_test(assignment, notebook, function, answer=None):
    """Run ``notebook`` up to ``function``'s visible test; return what that test raised (None if it passed).

    ``answer`` replaces the reference solution of ``function``.
    """
    path = next(p for p in notebook_paths(assignment) if p.name == notebook)
    solutions = reference_solutions(assignment)
    namespace = {}
    cells = [c for c in nbformat.read(path, as_version=4).cells
             if c.cell_type == "code" and not c.metadata.get("nbgrader", {}).get("grade")]
    with contextlib.chdir(path.parent):  # where the notebook reads its data (iris.csv)
        for cell in cells:
            source = cell.source
            if cell.metadata.get("nbgrader", {}).get("solution"):
                source = answer if grade_id(cell) == function and answer is not None else solutions[grade_id(cell)]
            if source.lstrip().startswith("%"):
                continue
            with contextlib.redirect_stdout(io.StringIO()):
                if grade_id(cell) == f"test_{function}":
                    try:
                        exec(source, namespace)
                    except AssertionError as error:
                        return error
                    return None
                exec(source, namespace)
    raise AssertionError(f"{notebook} has no visible test for {function}")


def bug(function, label):
    return next(b for b in BUGS[function] if b.label == label).source


CASES = [
    # 04: the dx hint for a stride that does not divide H + 2p - HH (H = 8, HH = 3, stride 2)
    ("04_convolution", "convolution.ipynb", "conv_backward_fast",
     bug("conv_backward_fast", "zero-inserted dout padded by HH - 1 on each side only"), "stride 2, H = 8"),
    # 03: sgd_step updating W2 before backpropagating through it
    ("03_gradients", "layers.ipynb", "sgd_step", bug("sgd_step", "updates W2 before backpropagating into W1"),
     "in proportion to learning_rate"),
    # 03: the 1/N, missing or doubled
    ("03_gradients", "mlp_gradients.ipynb", "grad_b2", "def grad_b2(G):\n    return G.sum(axis=0)",
     "N = 150 times too large"),
    ("03_gradients", "mlp_gradients.ipynb", "grad_W2", "def grad_W2(h, G):\n    return h.T @ G / G.shape[0] ** 2",
     "N = 150 times too small"),
    ("03_gradients", "mlp_gradients.ipynb", "grad_W1",
     "def grad_W1(X, G, h, W2):\n    return X.T @ ((G @ W2.T) * (h > 0))", "N = 150 times too large"),
]


@pytest.mark.parametrize("assignment, notebook, function, answer, message", CASES,
                         ids=[f"{c[2]}-{c[4][:20]}" for c in CASES])
def test_visible_test_catches_the_mistake_the_text_warns_about(assignment, notebook, function, answer, message):
    error = run_visible_test(assignment, notebook, function, answer)
    assert error is not None, f"{function}'s visible test passed a wrong answer"
    assert message in str(error)


@pytest.mark.parametrize("assignment, notebook, function", sorted({c[:3] for c in CASES}), ids=lambda v: str(v))
def test_visible_test_passes_the_reference(assignment, notebook, function):
    assert run_visible_test(assignment, notebook, function) is None
