"""The notebooks: structure against the pinned API, hygiene, release drift, and execution."""

import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from classroom.catalogue import FUNCTIONS
from classroom.nbgrader_run import make_course
from classroom.submissions import grade_id, notebook_paths
from conftest import REPO
from course_checks import CHECKS

SIGNATURES = {
    "one_hot": "def one_hot(y, num_classes=None):",
    "encode_labels": "def encode_labels(labels):",
    "one_hot_broadcast": "def one_hot_broadcast(y, num_classes):",
    "softmax": "def softmax(Z):",
    "logsumexp": "def logsumexp(Z):",
    "log_softmax": "def log_softmax(Z):",
    "cross_entropy": "def cross_entropy(Z, Y):",
    "cross_entropy_grad": "def cross_entropy_grad(Z, Y):",
    "grad_b2": "def grad_b2(G):",
    "grad_W2": "def grad_W2(h, G):",
    "grad_b1": "def grad_b1(G, h, W2):",
    "grad_W1": "def grad_W1(X, G, h, W2):",
    "compute_gradients": "def compute_gradients(X, y, theta):",
    "affine_forward": "def affine_forward(x, W, b):",
    "affine_backward": "def affine_backward(dout, cache):",
    "relu_forward": "def relu_forward(x):",
    "relu_backward": "def relu_backward(dout, cache):",
    "sigmoid_forward": "def sigmoid_forward(x):",
    "sigmoid_backward": "def sigmoid_backward(dout, cache):",
    "softmax_cross_entropy": "def softmax_cross_entropy(logits, Y):",
    "xavier_uniform": "def xavier_uniform(fan_in, fan_out, rng):",
    "iterate_minibatches": "def iterate_minibatches(X, Y, batch_size, rng):",
    "sgd_step": "def sgd_step(params, X, Y, learning_rate):",
    "conv_output_size": "def conv_output_size(size, kernel, stride=1, pad=0):",
    "zero_pad": "def zero_pad(x, pad):",
    "conv_forward_naive": "def conv_forward_naive(x, w, b, stride=1, pad=0):",
    "conv_backward_naive": "def conv_backward_naive(dout, cache):",
    "conv_forward_fast": "def conv_forward_fast(x, w, b, stride=1, pad=0):",
    "conv_backward_fast": "def conv_backward_fast(dout, cache):",
    "numerical_gradient": "def numerical_gradient(f, x, h=1e-5):",
    "numerical_gradient_array": "def numerical_gradient_array(f, x, dout, h=1e-5):",
    "relative_error": "def relative_error(a, b):",
    "sparse_gradient_check": "def sparse_gradient_check(f, x, analytic_grad, num_checks, rng, h=1e-5):",
    "find_buggy_layers": "def find_buggy_layers(layers):",
    "softplus_backward": "def softplus_backward(dout, cache):",
}
#: Exercises whose reference solution calls other graded exercises: their visible check is locked but
#: not graded, because it runs the student's own helpers (the hidden checks bind reference helpers).
COMPOSITE = {"compute_gradients", "sgd_step", "find_buggy_layers"}
ALL = [(a, p) for a in FUNCTIONS for folder in ("source", "release") for p in notebook_paths(a, folder)]


def nbgrader_cells(path):
    nb = nbformat.read(path, as_version=4)
    return {grade_id(c): c for c in nb.cells if grade_id(c)}


def test_every_assignment_has_a_source_and_a_release_notebook():
    for assignment in FUNCTIONS:
        source = [p.name for p in notebook_paths(assignment, "source")]
        assert source and source == [p.name for p in notebook_paths(assignment, "release")]


@pytest.mark.parametrize("assignment", list(FUNCTIONS))
def test_source_has_the_pinned_solution_cells_and_a_grade_cell_per_check_part(assignment):
    cells = {}
    for path in notebook_paths(assignment, "source"):
        cells.update(nbgrader_cells(path))
    for function in FUNCTIONS[assignment]:
        solution = cells[function]
        assert solution.metadata.nbgrader["solution"] and not solution.metadata.nbgrader["grade"]
        assert SIGNATURES[function] in solution.source
        assert "### BEGIN SOLUTION" in solution.source
        visible = cells[f"test_{function}"]
        # read-only and worth nothing: it runs in the student's kernel, which can fake any result
        assert visible.metadata.nbgrader["locked"] and not visible.metadata.nbgrader["grade"]
        assert "solutions_lib" not in visible.source
        for part in CHECKS[function][1]:
            hidden = cells[f"test_{function}_{part}"]
            assert hidden.metadata.nbgrader["grade"] and hidden.metadata.nbgrader["points"] > 0
            body = hidden.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            assert f'check_{function}({function}, part="{part}")' in body
    graded = {g for g, c in cells.items() if c.metadata.nbgrader.get("grade")}
    expected = {f"test_{f}_{p}" for f in FUNCTIONS[assignment] for p in CHECKS[f][1]}
    assert graded == expected


@pytest.mark.parametrize("assignment, path", ALL, ids=lambda x: str(x)[-30:])
def test_notebooks_carry_no_outputs(assignment, path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("assignment", list(FUNCTIONS))
def test_release_carries_no_solution_no_hidden_test_and_no_solutions_lib(assignment):
    cells = {}
    for path in notebook_paths(assignment, "release"):
        text = path.read_text()
        for forbidden in ("solutions_lib", "BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert forbidden not in text, f"{path.name} contains {forbidden!r}"
        cells.update(nbgrader_cells(path))
    for function in FUNCTIONS[assignment]:
        assert "raise NotImplementedError()" in cells[function].source


def test_release_is_exactly_what_nbgrader_generates(tmp_path):
    course = make_course(tmp_path / "course", list(FUNCTIONS))
    for assignment in FUNCTIONS:
        for path in notebook_paths(assignment, "release"):
            generated = course / "release" / assignment / path.name
            assert generated.read_bytes() == path.read_bytes(), (
                f"release/{assignment}/{path.name} differs from what nbgrader generate_assignment makes "
                "from source/: run `nbgrader generate_assignment {assignment} --force` and commit it")


def execute(nb, cwd):
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


@pytest.mark.parametrize("path", [p for a in FUNCTIONS for p in notebook_paths(a, "source")], ids=lambda p: p.name)
def test_source_notebook_runs_clean_and_every_grade_cell_passes(path):
    nb = execute(nbformat.read(path, as_version=4), path.parent)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.get("name") != "stderr", f"{grade_id(cell) or 'a cell'} wrote to stderr: {output.get('text')}"
            assert output.get("output_type") != "error", f"{grade_id(cell)} raised {output.get('ename')}"
    graded = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    assert graded and all(c.execution_count for c in graded)
    # Figures the text promises are the ones the cells print.
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for printed in re.findall(r"prints `([^`]+)`", text):
        outputs = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
        assert printed in outputs, f"the text says the notebook prints {printed!r}"


#: Words only the course's authors can follow.
UNSEEN = re.compile(r"seed course|seed 00\d|the seed's|course repository|benchmarks/")


@pytest.mark.parametrize("assignment, path", [(a, p) for a, p in ALL if "release" in p.parts],
                         ids=lambda v: getattr(v, "name", v))
def test_release_speaks_only_of_what_a_student_can_see(assignment, path):
    for cell in nbformat.read(path, as_version=4).cells:
        assert not UNSEEN.search(cell.source), (grade_id(cell), UNSEEN.search(cell.source).group())


BLOCK_SOLUTIONS_LIB = """
import importlib.abc, sys
class _NoSolutionsLib(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "solutions_lib":
            raise ModuleNotFoundError(f"No module named {name!r}")
sys.meta_path.insert(0, _NoSolutionsLib())
"""


@pytest.mark.parametrize("path", [p for a in FUNCTIONS for p in notebook_paths(a, "release")], ids=lambda p: p.name)
def test_release_notebook_runs_without_solutions_lib_until_the_first_exercise(path):
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(BLOCK_SOLUTIONS_LIB))
    with pytest.raises(CellExecutionError) as excinfo:
        execute(nb, path.parent)
    assert excinfo.value.ename == "NotImplementedError"
    failing = next(i for i, c in enumerate(nb.cells) if any(o.get("output_type") == "error" for o in c.get("outputs", [])))
    first_solution = next(i for i, c in enumerate(nb.cells) if c.get("metadata", {}).get("nbgrader", {}).get("solution"))
    assert failing > first_solution
    assert all(c.execution_count for c in nb.cells[1:failing] if c.cell_type == "code")


def readme_points():
    """{(notebook, grade cell): points} from the README's points tables."""
    out, notebook = {}, None
    for line in (REPO / "README.md").read_text().splitlines():
        heading = re.match(r"#+ .*`(\d\d_\w+/\w+\.ipynb)`", line)
        if heading:
            notebook = heading.group(1)
        row = re.match(r"\|\s*`(\w+)`\s*\|\s*`(test_\w+)`\s*\|\s*(\d+)\s*\|", line)
        if row and notebook:
            out[(notebook, row.group(2))] = int(row.group(3))
    return out


def test_readme_points_tables_match_the_notebooks():
    expected = {}
    for assignment in FUNCTIONS:
        for path in notebook_paths(assignment, "source"):
            for gid, cell in nbgrader_cells(path).items():
                if cell.metadata.nbgrader.get("grade"):
                    expected[(f"{assignment}/{path.name}", gid)] = cell.metadata.nbgrader["points"]
    assert readme_points() == expected
