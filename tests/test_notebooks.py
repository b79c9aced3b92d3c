"""The notebooks: structure against the pinned API, hygiene, release drift, and execution."""

import re
import symtable

import nbformat
import numpy as np
import pytest
from conftest import REPO
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from class_grader.job import folder_files
from classroom.catalogue import FUNCTIONS
from classroom.nbgrader_run import make_course
from classroom.submissions import grade_id, notebook_paths
from course_checks import manifest
from course_grader.source_rules import check_call

ALL = [(a, p) for a in FUNCTIONS for folder in ("source", "release") for p in notebook_paths(a, folder)]


def nbgrader_cells(path):
    nb = nbformat.read(path, as_version=4)
    return {grade_id(c): c for c in nb.cells if grade_id(c)}


def test_every_assignment_has_its_declared_notebooks_in_source_and_release():
    for assignment in manifest.COURSE:
        declared = sorted(nb.file for nb in assignment.notebooks)
        assert [p.name for p in notebook_paths(assignment.name, "source")] == declared
        assert [p.name for p in notebook_paths(assignment.name, "release")] == declared


@pytest.mark.parametrize("assignment", manifest.COURSE, ids=lambda a: a.name)
def test_source_has_the_pinned_solution_cells_and_a_grade_cell_per_declared_part(assignment):
    for notebook in assignment.notebooks:
        cells = nbgrader_cells(REPO / "source" / assignment.name / notebook.file)
        solutions = [g for g, c in cells.items() if c.metadata.nbgrader.get("solution")]
        assert solutions == [e.name for e in notebook.exercises], "solution cells in the declared order"
        for exercise in notebook.exercises:
            solution = cells[exercise.name]
            assert solution.metadata.nbgrader["solution"] and not solution.metadata.nbgrader["grade"]
            assert f"def {exercise.signature}:" in solution.source
            assert "### BEGIN SOLUTION" in solution.source
            visible = cells[f"test_{exercise.name}"]
            # read-only and worth nothing: it runs in the student's kernel, which can fake any result
            assert visible.metadata.nbgrader["locked"] and not visible.metadata.nbgrader["grade"]
            assert "solutions_lib" not in visible.source
            for part in exercise.parts:
                hidden = cells[exercise.grade_cell(part.name)]
                assert hidden.metadata.nbgrader["grade"] and hidden.metadata.nbgrader["points"] == part.points
                body = hidden.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
                assert f'check_{exercise.name}({exercise.name}, part="{part.name}")' in body
        graded = {g for g, c in cells.items() if c.metadata.nbgrader.get("grade")}
        assert graded == {e.grade_cell(p.name) for e in notebook.exercises for p in e.parts}
        for cell_id in graded:  # the manifest's map agrees with what each hidden cell calls
            call = check_call(cells[cell_id].source)
            assert manifest.grade_cells(assignment.name)[cell_id] == (call.exercise, call.part)
            assert manifest.exercise_of(cell_id) == call.exercise


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
        committed, generated = (folder_files(root / "release" / assignment, ".") for root in (REPO, course))
        assert set(committed) == set(generated), f"release/{assignment} holds other files than nbgrader makes"
        for name, content in committed.items():
            assert generated[name] == content, (
                f"release/{assignment}/{name} differs from what nbgrader generate_assignment makes "
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
    failing = next(i for i, c in enumerate(nb.cells)
                   if any(o.get("output_type") == "error" for o in c.get("outputs", [])))
    first_solution = next(i for i, c in enumerate(nb.cells)
                          if c.get("metadata", {}).get("nbgrader", {}).get("solution"))
    assert failing > first_solution
    assert all(c.execution_count for c in nb.cells[1:failing] if c.cell_type == "code")


def readme_points_tables():
    """{notebook: [total, (exercise, grade cell, points, what it checks), ...]} from the README's points tables."""
    out, notebook = {}, None
    for line in (REPO / "README.md").read_text().splitlines():
        heading = re.match(r"#+ .*`(\d\d_\w+/\w+\.ipynb)` \((\d+) points\)", line)
        if heading:
            notebook = heading.group(1)
            out[notebook] = [int(heading.group(2))]
        row = re.match(r"\|\s*`(\w+)`\s*\|\s*`(test_\w+)`\s*\|\s*(\d+)\s*\|\s*hidden: (.*?)\s*\|$", line)
        if row and notebook:
            out[notebook].append((row.group(1), row.group(2), int(row.group(3)), row.group(4)))
    return out


def test_readme_points_tables_are_the_manifest():
    expected = {}
    for assignment in manifest.COURSE:
        for notebook in assignment.notebooks:
            rows = [(e.name, e.grade_cell(p.name), p.points, p.checks) for e in notebook.exercises for p in e.parts]
            expected[f"{assignment.name}/{notebook.file}"] = [sum(r[2] for r in rows), *rows]
    assert readme_points_tables() == expected


@pytest.mark.parametrize("assignment, path", ALL, ids=lambda v: getattr(v, "name", v))
def test_every_notebook_says_how_it_is_graded_in_the_same_words_after_its_title(assignment, path):
    cells = nbformat.read(path, as_version=4).cells
    shared = [i for i, c in enumerate(cells) if c.get("id") == manifest.HOW_GRADED_ID]
    assert shared == [1], (f"{path.name}: the shared cell must be the one after the title "
                           "(run python -m classroom.notebook_text)")
    assert cells[1].cell_type == "markdown" and cells[1].source == manifest.HOW_GRADED


def test_the_shared_cell_is_written_once_and_only_where_it_is_missing_or_stale():
    from classroom.notebook_text import with_how_graded

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# title"), nbformat.v4.new_code_cell("1")])
    assert with_how_graded(nb) and [c.get("id") for c in nb.cells][1] == manifest.HOW_GRADED_ID
    assert not with_how_graded(nb), "a second run changes nothing"
    nb.cells[1].source = "old words"
    nb.cells.append(nb.cells.pop(1))                      # stale, and in the wrong place
    assert with_how_graded(nb)
    assert [c.source for c in nb.cells] == ["# title", manifest.HOW_GRADED, "1"]


@pytest.mark.parametrize("assignment", manifest.COURSE, ids=lambda a: a.name)
def test_each_hidden_test_cell_says_what_the_manifest_says_it_checks(assignment):
    for notebook in assignment.notebooks:
        cells = nbgrader_cells(REPO / "source" / assignment.name / notebook.file)
        for exercise in notebook.exercises:
            for part in exercise.parts:
                first = cells[exercise.grade_cell(part.name)].source.splitlines()[0]
                assert first == f"# Hidden tests, run when your notebook is graded: {part.checks}."


def test_training_on_digits_meets_its_targets_with_another_correct_way_of_drawing(tmp_path):
    """03's text promises the targets for any correct draws: train with rng.choice instead of rng.permutation."""
    from classroom.catalogue import ALTERNATIVES

    path = REPO / "source" / "03_gradients" / "layers.ipynb"
    other = next(a for a in ALTERNATIVES["iterate_minibatches"] if "rng.choice" in a.source)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if grade_id(cell) == "iterate_minibatches":
            cell.source = other.source
    training = next(i for i, c in enumerate(nb.cells) if "last_five" in c.source)
    nb.cells = nb.cells[:training + 1]                    # up to the cell that checks the targets
    nb = execute(nb, path.parent)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0].get("evalue")
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "test accuracy: logistic regression 0.9" in printed


def symbols(source):
    """The cell's top-level symbol table (``symtable``), or None if it does not parse."""
    try:
        return symtable.symtable(source, "<cell>", "exec")
    except SyntaxError:
        return None


def global_reads(source):
    """Names a cell reads from the notebook's namespace: at its top level, or as globals inside its functions."""
    def walk(table):
        names = {s.get_name() for s in table.get_symbols() if s.is_referenced()
                 and (table.get_type() == "module" or s.is_global())}
        for child in table.get_children():
            names |= walk(child)
        return names

    table = symbols(source)
    return set() if table is None else walk(table)


def global_writes(source):
    """Names a cell binds in the notebook's namespace (assignments, definitions, imports)."""
    table = symbols(source)
    return set() if table is None else {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}


@pytest.mark.parametrize("assignment, path", ALL, ids=lambda v: getattr(v, "name", v))
def test_cells_that_only_show_are_locked_marked_and_needed_by_nothing_graded(assignment, path):
    """Grading skips them (GradingExecute), so no cell it runs may read a name that only they define."""
    shows = manifest.shows(assignment, path.stem)
    cells = nbformat.read(path, as_version=4).cells
    found = {grade_id(c): c for c in cells if grade_id(c) in shows}
    assert set(found) == shows
    graded_ids = set(manifest.grade_cells())
    assert not shows & graded_ids
    for cell in found.values():
        meta = cell.metadata.nbgrader
        assert cell.cell_type == "code" and meta["locked"] and not meta["grade"] and not meta["solution"]
        assert cell.source.startswith("# Shows only: not run when your notebook is graded")
    defined_elsewhere = set()
    for cell in cells:
        if cell.cell_type != "code":
            continue
        if grade_id(cell) in shows:
            only_here = global_writes(cell.source) - defined_elsewhere
            for later in cells[cells.index(cell) + 1:]:
                if later.cell_type == "code" and grade_id(later) not in shows:
                    needed = global_reads(later.source) & only_here
                    assert not needed, f"{grade_id(later) or later.get('id')} reads {needed} from {grade_id(cell)}"
        else:
            defined_elsewhere |= global_writes(cell.source)


def test_the_dependency_reader_sees_globals_and_not_parameters():
    source = "def f(x, train=True):\n    return x + W + np.ones(1)\nprint(Z)\n"
    assert global_reads(source) >= {"W", "np", "Z", "print"} and not global_reads(source) & {"x", "train"}
    assert global_writes("import numpy as np\nW, b = 1, 2\ndef g(): pass\n") == {"np", "W", "b", "g"}


def test_every_grade_cell_maps_to_one_exercise_and_nothing_else_does():
    cells = manifest.grade_cells()
    assert len(cells) == sum(len(e.parts) for _, _, e in manifest.exercises().values())
    assert list(dict.fromkeys(e for e, _ in cells.values())) == list(manifest.exercises())  # course order
    assert manifest.exercise_of("test_conv_forward_naive_values") == "conv_forward_naive"
    assert manifest.exercise_of("test_conv_forward_fast_values") == "conv_forward_fast"  # not a prefix match
    for stranger in ("test_conv_forward", "test_softmax", "softmax", "test_softmax_values_2", ""):
        assert manifest.exercise_of(stranger) is None
    assert set(manifest.grade_cells("01_one_hot")) < set(cells)


@pytest.mark.parametrize("assignment", ["02_softmax", "03_gradients"])
def test_the_iris_file_is_the_iris_data_scikit_learn_ships(assignment):
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    table = np.loadtxt(REPO / "source" / assignment / "iris.csv", delimiter=",", skiprows=1)
    assert table.shape == (150, 5)
    assert np.array_equal(table[:, :4], X) and np.array_equal(table[:, 4].astype(int), y)
