"""Student submissions made from the release notebooks, as a class would hand them in.

A :class:`Student` says, for each graded function, which answer they wrote:
the reference solution, an :class:`~classroom.catalogue.Answer` from the
catalogue, or nothing (the release stub stays).
"""

import copy
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from classroom.catalogue import ALTERNATIVES, BUGS, FUNCTIONS, Answer

REPO = Path(__file__).resolve().parent.parent
REFERENCE = "reference"
BLANK = None

_SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


def notebook_paths(assignment, folder="release", root=REPO):
    """The notebooks of one assignment in ``root/folder/assignment``, sorted."""
    return sorted((root / folder / assignment).glob("*.ipynb"))


def grade_id(cell):
    """The nbgrader grade_id of a cell, or None."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def reference_solutions(assignment, root=REPO):
    """Solution-cell sources of the instructor notebooks, markers removed, by grade_id."""
    out = {}
    for path in notebook_paths(assignment, "source", root):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                out[grade_id(cell)] = _SOLUTION_MARKERS.sub("", cell.source)
    return out


@dataclass
class Student:
    """One simulated student.

    Attributes
    ----------
    id : str
        nbgrader student id.
    description : str
        What this student did, for the grade table.
    answers : dict
        function name -> Answer, ``REFERENCE`` or ``BLANK``; functions not
        listed take ``default``.
    default : str or None
        ``REFERENCE`` (a correct answer) or ``BLANK`` (the stub left alone).
    """

    id: str
    description: str
    answers: dict = field(default_factory=dict)
    default: str | None = REFERENCE

    def answer(self, function):
        """The answer this student gives for ``function``."""
        return self.answers.get(function, self.default)

    def wrong_functions(self):
        """Functions this student gets wrong (a catalogue bug, or left blank)."""
        graded = [f for fs in FUNCTIONS.values() for f in fs]
        wrong = {f for f in graded if self.answer(f) is BLANK}
        wrong |= {f for f, a in self.answers.items() if isinstance(a, Answer) and a.expect}
        return wrong


def submission(student, assignment, root=REPO):
    """The student's notebooks for one assignment: {filename: notebook}."""
    reference = reference_solutions(assignment, root)
    notebooks = {}
    for path in notebook_paths(assignment, "release", root):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            gid = grade_id(cell)
            if not cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                continue
            answer = student.answer(gid)
            if answer is REFERENCE:
                cell.source = reference[gid]
            elif isinstance(answer, Answer):
                cell.source = answer.source
        notebooks[path.name] = nb
    return notebooks


def _bug(function, label):
    return next(b for b in BUGS[function] if b.label == label)


def sample_class():
    """The demo's class: full marks, blank, partial, an alternative, and one bug each."""
    graded = [f for fs in FUNCTIONS.values() for f in fs]
    bugs = [
        ("labels_from_1", "one_hot", "labels start at 1"),
        ("width_from_data", "one_hot", "width from the data"),
        ("subtract_min", "encode_labels", "subtract the minimum"),
        ("no_max_shift", "softmax", "no max subtraction"),
        ("global_max", "softmax", "global max"),
        ("no_keepdims", "softmax", "missing keepdims on the max"),
        ("row_loop", "softmax", "row loop"),
        ("log_of_softmax", "log_softmax", "log of softmax"),
        ("clip_in_log", "cross_entropy", "clips inside the log"),
        ("sum_not_mean", "cross_entropy", "sum instead of mean"),
        ("global_n", "compute_gradients", "global n from the notebook"),
        ("mask_from_error", "compute_gradients", "ReLU mask from the backpropagated error"),
        ("db_keepdims", "affine_backward", "db keeps the batch axis"),
        ("naive_sigmoid", "sigmoid_forward", "naive formula"),
        ("sigmoid_pre_act", "sigmoid_backward", "treats the cache as the input"),
        ("ce_grad_no_1_over_n", "softmax_cross_entropy", "gradient missing 1/N"),
        ("drop_last_batch", "iterate_minibatches", "drops the last partial batch"),
        ("update_too_early", "sgd_step", "updates W2 before backpropagating into W1"),
        ("flipped_kernel", "conv_forward_naive", "flipped kernel (a true convolution)"),
        ("dx_assigned", "conv_backward_naive", "= instead of += for dx"),
        ("fancy_index_add", "conv_backward_fast", "fancy-index += instead of np.add.at"),
        ("not_restored", "numerical_gradient", "entry not restored"),
        ("nan_at_zero", "relative_error", "nan when both are zero"),
        ("output_not_copied", "numerical_gradient_array", "no copy of f's output"),
    ]
    students = [
        Student("perfect", "the reference solutions"),
        Student("blank", "handed in the release notebooks untouched", default=BLANK),
        Student("partial", "one_hot, encode_labels, softmax and the affine layer only",
                {f: REFERENCE for f in ("one_hot", "encode_labels", "softmax", "affine_forward", "affine_backward")},
                default=BLANK),
        Student("alternative", "correct, but written differently everywhere",
                {f: ALTERNATIVES[f][0] for f in graded}),
    ]
    for sid, function, label in bugs:
        bug = _bug(function, label)
        origin = f", {bug.origin}" if bug.origin != "catalogue" else ""
        students.append(Student(sid, f"{function}: {label}{origin}", {function: bug}))
    return students


def catalogue_class():
    """Students that carry the whole catalogue, for the pipeline tests.

    ``alt_k`` answers every function with its k-th correct alternative;
    ``bugs_k`` answers every function with its k-th bug (the reference where a
    function has fewer). Cells of different functions are independent, so one
    notebook can carry a bug per function.
    """
    students = []
    for k in range(max(len(v) for v in ALTERNATIVES.values())):
        answers = {f: alts[k] for f, alts in ALTERNATIVES.items() if k < len(alts)}
        students.append(Student(f"alt_{k + 1}", f"correct alternative #{k + 1} everywhere", answers))
    for k in range(max(len(v) for v in BUGS.values())):
        answers = {f: bugs[k] for f, bugs in BUGS.items() if k < len(bugs)}
        students.append(Student(f"bugs_{k + 1}", f"bug #{k + 1} of every function", answers))
    return students


def distinct_hand_ins(students, assignments=tuple(FUNCTIONS)):
    """Who hands in what when the reference solutions are handed in once: ``{assignment: [Student]}``.

    A student hands in an assignment where one of their answers differs from the reference solutions;
    of those who answer it with the reference solutions throughout, only the first. The others'
    notebooks would be the same bytes, graded the same.
    """
    out = {}
    for assignment in assignments:
        out[assignment], reference_taken = [], False
        for student in students:
            reference = all(student.answer(f) is REFERENCE for f in FUNCTIONS[assignment])
            if not (reference and reference_taken):
                out[assignment].append(student)
            reference_taken |= reference
    return out


def write_submissions(students, course_root, assignments=tuple(FUNCTIONS), root=REPO):
    """Write each student's notebooks to ``course_root/submitted/<id>/<assignment>/``, beside the release's
    other files (data such as ``iris.csv``), as a student's ``nbgrader submit`` hands in the whole folder."""
    for student in students:
        for assignment in assignments:
            folder = Path(course_root) / "submitted" / student.id / assignment
            copy_data_files(assignment, folder, root)
            for name, nb in submission(student, assignment, root).items():
                nbformat.write(copy.deepcopy(nb), folder / name)


def copy_data_files(assignment, folder, root=REPO):
    """Copy the release's files other than notebooks (data such as ``iris.csv``) into ``folder``, as a student's
    fetched assignment folder holds them."""
    shutil.copytree(root / "release" / assignment, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.ipynb"))


def notebook_functions(assignment, folder="source", root=REPO):
    """Define every function of an assignment's notebooks, in order, in one namespace.

    Only the ``import`` and ``def`` statements of each code cell run (solution
    markers removed), so the namespace holds the reference solutions and the
    helpers they call, without executing the notebooks' computations. Cell
    sources are registered with :mod:`linecache` so that the loop ban can read them.
    """
    import ast
    import linecache

    namespace = {"__name__": "__main__"}
    for path in notebook_paths(assignment, folder, root):
        for number, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type != "code":
                continue
            source = _SOLUTION_MARKERS.sub("", cell.source)
            keep = [node for node in ast.parse(source).body
                    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
            filename = f"<{path.name} cell {number}>"
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            exec(compile(ast.Module(body=keep, type_ignores=[]), filename, "exec"), namespace)  # noqa: S102
    return namespace
