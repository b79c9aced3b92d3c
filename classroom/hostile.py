"""Hostile submissions: students who try to fool the grader, crash it, or hand in something odd.

Each :class:`Hostile` writes its files to ``submitted/<id>/`` and says what
grading must give it: the exercises where it cheats earn nothing
(:attr:`Hostile.zero`, or single cells in :attr:`Hostile.zero_cells`), and
every other exercise it answered honestly keeps full points
(:attr:`Hostile.full`). Most attacks target ``02_softmax``, whose honest
answers are the reference solutions; the others are named in
:attr:`Hostile.assignments`.
"""

import copy
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from classroom.answer import Answer
from classroom.submissions import BLANK, REFERENCE, Student, grade_id, submission

SOFTMAX = "02_softmax"
SOFTMAX_FUNCTIONS = ["softmax", "logsumexp", "log_softmax", "cross_entropy", "cross_entropy_grad"]

#: A wrong softmax that has the right shape and rows that sum to 1.
UNIFORM = "def softmax(Z):\n    return np.full(Z.shape, 1.0 / Z.shape[1])\n"


@dataclass
class Hostile:
    """One hostile submission.

    Attributes
    ----------
    id : str
        nbgrader student id.
    attack : str
        What it tries, for the closing table.
    build : callable
        ``build(folder)`` writes the submission into ``folder`` (``submitted/<id>``).
    zero : set of str
        Functions that must score zero.
    zero_cells : set of str
        Single grade cells that must score zero (the rest of their function keeps its points).
    full : set of str or None
        Functions that must keep full points; None means every function of
        :attr:`assignments` not in ``zero``.
    assignments : tuple of str
        The assignments it hands in.
    """

    id: str
    attack: str
    build: object
    zero: set = field(default_factory=set)
    zero_cells: set = field(default_factory=set)
    full: set | None = None
    assignments: tuple = (SOFTMAX,)


# --- building blocks ---------------------------------------------------------------------------

def honest(assignment=SOFTMAX, **sources):
    """The reference submission of one assignment, as {filename: notebook}; ``sources`` replace solution cells."""
    answers = {f: Answer(f, "hostile", text) for f, text in sources.items()}
    return submission(Student("hostile", "", answers, default=REFERENCE), assignment)


def cell_index(nb, gid):
    """Index of the cell with nbgrader grade_id ``gid``."""
    return next(i for i, c in enumerate(nb.cells) if grade_id(c) == gid)


def set_source(nb, gid, source):
    nb.cells[cell_index(nb, gid)].source = source
    return nb


def insert_after(nb, gid, source):
    """A new (student-added) code cell after the cell ``gid``."""
    nb.cells.insert(cell_index(nb, gid) + 1, nbformat.v4.new_code_cell(source))
    return nb


def test_cells(nb, function):
    """Indices of the hidden test cells of ``function``."""
    return [i for i, c in enumerate(nb.cells) if (grade_id(c) or "").startswith(f"test_{function}_")]


def write(folder, assignment, notebooks):
    target = Path(folder) / assignment
    target.mkdir(parents=True, exist_ok=True)
    for name, nb in notebooks.items():
        if isinstance(nb, bytes):
            (target / name).write_bytes(nb)
        else:
            nbformat.write(copy.deepcopy(nb), target / name)


def honest_but(assignment, edit=None, **sources):
    """A builder: the honest submission of ``assignment``, ``sources`` swapped in, then ``edit(nb)`` on its notebook."""
    def build(folder):
        notebooks = honest(assignment, **sources)
        if edit:
            (nb,) = notebooks.values()
            edit(nb)
        write(folder, assignment, notebooks)
    return build


def softmax_notebook(edit=None, **sources):
    """A builder for ``softmax.ipynb``: the honest notebook, ``sources`` swapped in, then ``edit(nb)``."""
    return honest_but(SOFTMAX, edit, **sources)


# --- the corpus --------------------------------------------------------------------------------

def _edited_tests(nb):
    for i in test_cells(nb, "softmax"):
        nb.cells[i].source = "pass  # the test was here"


def _deleted_tests(nb):
    for i in reversed(test_cells(nb, "softmax")):
        del nb.cells[i]


def _retyped_tests(nb):
    for i in test_cells(nb, "softmax"):
        old = nb.cells[i]
        nb.cells[i] = nbformat.v4.new_markdown_cell(old.source, metadata=old.metadata)


def _tests_moved_to_the_end(nb):
    moved = [nb.cells[i] for i in test_cells(nb, "softmax")]
    for i in reversed(test_cells(nb, "softmax")):
        del nb.cells[i]
    nb.cells.append(nbformat.v4.new_code_cell("np.allclose = lambda *a, **k: True"))
    nb.cells.extend(moved)


def _huge_print(nb):
    insert_after(nb, "softmax", "for i in range(2_000_000):\n    print('spam', i)")


def _exit_in_a_free_cell(nb):
    insert_after(nb, "test_softmax_vectorized", "import os\nos._exit(0)")


NOISY = """import os, sys

def softmax(Z):
    print("softmax: called", file=sys.stderr)
    os.write(2, b"softmax: called, at the file-descriptor level\\n")
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)

print("a note of my own on stderr", file=sys.stderr)
"""


PATCH_NUMPY = """np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
"""
PATCH_TESTING = """np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
np.testing.assert_almost_equal = lambda *a, **k: None
"""
PLANT_MODULE = """import sys, types
fake = types.ModuleType("course_checks")
fake.check_softmax = lambda *a, **k: None
sys.modules["course_checks"] = fake
"""
PATCH_REFERENCE = """import solutions_lib.softmax_family as reference
reference.softmax = lambda Z: np.full(Z.shape, 1.0 / Z.shape[1])
"""
PATCH_BUILTINS = """import builtins
builtins.isinstance = lambda *a: True
builtins.AssertionError = Warning
"""
FORGE = """import os, json, threading, time

def _forge():
    folder = os.environ.get("NN_GRADER_RECORDS", ".")
    end = time.time() + 3
    while time.time() < end:
        for part in ("values", "stable", "vectorized"):
            record = {"exercise": "softmax", "part": part, "seed": int(os.environ.get("NN_GRADER_SEED", 0)),
                      "outcomes": [{"label": "x", "digest": "0" * 32, "value": {"t": "py", "v": 1.0},
                                    "error": None, "mutated": [], "warnings": [], "after": []}]}
            with open(os.path.join(folder, f"softmax.{part}.json"), "w") as f:
                json.dump(record, f)
        time.sleep(0.001)

def softmax(Z):
    threading.Thread(target=_forge, daemon=True).start()
    return np.full(Z.shape, 1.0 / Z.shape[1])
"""
READ_SEED = """import os
SEED = int(os.environ.get("NN_GRADER_SEED", "0"))
print("the grader's seed is", SEED, "and it records to", os.environ.get("NN_GRADER_RECORDS"))

def softmax(Z):
    rng = np.random.default_rng(SEED)
    P = rng.random(Z.shape)
    return P / P.sum(axis=1, keepdims=True)
"""
HARDCODE = """_IRIS_FIRST_ROWS = np.array([[0.0025722, 0.97505337, 0.02237443],
                             [0.09804607, 0.77617999, 0.12577394]])

def softmax(Z):
    P = np.full(Z.shape, 1.0 / Z.shape[1])
    if Z.shape == (150, 3):
        P[:2] = _IRIS_FIRST_ROWS
    return P
"""


SKLEARN_ONE_HOT = """from sklearn.preprocessing import OneHotEncoder

def one_hot(y, num_classes=None):
    num_classes = int(np.max(y)) + 1 if num_classes is None else num_classes
    encoder = OneHotEncoder(categories=[list(range(num_classes))], sparse_output=False)
    return encoder.fit_transform(np.asarray(y).reshape(-1, 1))
"""

SCIPY_CONV = """from scipy.signal import fftconvolve

def conv_forward_fast(x, w, b, stride=1, pad=0):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    full = fftconvolve(xp[:, None], w[None, :, :, ::-1, ::-1], mode="valid", axes=(3, 4)).sum(axis=2)
    out = full[:, :, ::stride, ::stride] + b[None, :, None, None]
    return out, (x, w, b, stride, pad)
"""

HARDCODE_BUGGY = """def find_buggy_layers(layers):
    return {name for name in layers if name in {"C: softplus", "D: leaky ReLU", "F: ReLU"}}
"""


def corpus():
    """Every hostile submission, each with what grading must give it."""
    entries = [
        Hostile("imports_reference", "softmax cell imports solutions_lib's softmax",
                softmax_notebook(softmax=("from solutions_lib.softmax_family import softmax\n")), {"softmax"}),
        Hostile("wraps_reference", "def softmax that calls an imported reference",
                softmax_notebook(softmax=("from solutions_lib import softmax as _ref\n\n"
                                             "def softmax(Z):\n    return _ref(Z)\n")), {"softmax"}),
        Hostile("importlib_reference", "importlib.import_module('solutions_lib') inside softmax",
                softmax_notebook(softmax=("import importlib\n\ndef softmax(Z):\n"
                                             "    return importlib.import_module('solutions_lib').softmax(Z)\n")),
                {"softmax"}),
        Hostile("dunder_import", "__import__('solutions_lib') inside softmax",
                softmax_notebook(softmax=("def softmax(Z):\n    return __import__('solutions_lib').softmax(Z)\n")),
                {"softmax"}),
        Hostile("getattr_sys_modules", "sys.modules reached through getattr and string concatenation",
                softmax_notebook(softmax=("import sys\n\ndef softmax(Z):\n"
                                             "    modules = getattr(sys, 'mod' + 'ules')\n"
                                             "    return modules['solutions' + '_lib'].softmax(Z)\n")), {"softmax"}),
        Hostile("frame_walk", "inspect.currentframe().f_back to read the check's globals",
                softmax_notebook(softmax=("import inspect\n\ndef softmax(Z):\n"
                                             "    caller = inspect.currentframe().f_back.f_globals\n"
                                             "    return caller['softmax'](Z)\n")), {"softmax"}),
        Hostile("patches_numpy", "np.allclose / isclose / array_equal always True, uniform softmax",
                softmax_notebook(lambda nb: insert_after(nb, "imports", PATCH_NUMPY), softmax=(UNIFORM)),
                {"softmax"}),
        Hostile("patches_numpy_testing", "numpy.testing asserts that never fail, uniform softmax",
                softmax_notebook(lambda nb: insert_after(nb, "imports", PATCH_TESTING), softmax=(UNIFORM)),
                {"softmax"}),
        Hostile("plants_fake_checks", "a fake course_checks in sys.modules, uniform softmax",
                softmax_notebook(lambda nb: insert_after(nb, "imports", PLANT_MODULE), softmax=(UNIFORM)),
                {"softmax"}),
        Hostile("patches_reference", "the reference softmax replaced by the same wrong one, so they agree",
                softmax_notebook(lambda nb: insert_after(nb, "imports", PATCH_REFERENCE), softmax=UNIFORM),
                {"softmax"}),
        Hostile("patches_builtins", "builtins.isinstance and AssertionError replaced, uniform softmax",
                softmax_notebook(lambda nb: insert_after(nb, "imports", PATCH_BUILTINS), softmax=(UNIFORM)),
                {"softmax"}),
        Hostile("hardcodes_visible", "returns the visible test's expected rows for the iris shape",
                softmax_notebook(softmax=(HARDCODE)), {"softmax"}),
        Hostile("reads_seed", "reads the grader's seed and records folder from the environment",
                softmax_notebook(softmax=(READ_SEED)), {"softmax"}),
        Hostile("forges_records", "a thread overwrites the records with forged outcomes",
                softmax_notebook(softmax=(FORGE)), {"softmax"}),
        Hostile("loop_in_vectorized", "softmax with a row loop (right values, loop ban broken)",
                softmax_notebook(softmax=("def softmax(Z):\n    P = np.empty(Z.shape)\n    for i in range(len(Z)):\n"
                                             "        e = np.exp(Z[i] - Z[i].max())\n        P[i] = e / e.sum()\n"
                                             "    return P\n")), zero_cells={"test_softmax_vectorized"}),
        Hostile("loop_in_helper", "the loop hidden in a helper that softmax calls",
                softmax_notebook(softmax=("def _row(z):\n    e = np.exp(z - z.max())\n    return e / e.sum()\n\n"
                                             "def _rows(Z):\n    return np.array([_row(z) for z in Z])\n\n"
                                             "def softmax(Z):\n    return _rows(Z)\n")),
                zero_cells={"test_softmax_vectorized"}),
        Hostile("edits_tests", "hidden test cells replaced by pass, uniform softmax",
                softmax_notebook(_edited_tests, softmax=(UNIFORM)), {"softmax"}),
        Hostile("deletes_tests", "hidden test cells deleted, uniform softmax",
                softmax_notebook(_deleted_tests, softmax=(UNIFORM)), {"softmax"}),
        Hostile("retypes_tests", "hidden test cells turned into markdown, uniform softmax",
                softmax_notebook(_retyped_tests, softmax=(UNIFORM)), {"softmax"}),
        Hostile("reorders_tests", "hidden test cells moved after a cell that patches np.allclose",
                softmax_notebook(_tests_moved_to_the_end, softmax=(UNIFORM)), {"softmax"}),
        Hostile("infinite_loop", "softmax never returns",
                softmax_notebook(softmax=("def softmax(Z):\n    while True:\n        pass\n")), {"softmax"}),
        Hostile("ignores_interrupt", "ignores SIGINT, then loops forever: the kernel must be restarted",
                softmax_notebook(softmax=("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n\n"
                                             "def softmax(Z):\n    while True:\n        pass\n")), {"softmax"}),
        Hostile("exits_in_function", "logsumexp calls os._exit(1)",
                softmax_notebook(logsumexp=("import os\n\ndef logsumexp(Z):\n    os._exit(1)\n")), {"logsumexp"}),
        Hostile("exits_in_free_cell", "a free cell calls os._exit(0) between exercises (all answers right)",
                softmax_notebook(_exit_in_a_free_cell)),
        Hostile("segfaults", "log_softmax crashes the interpreter (SIGSEGV)",
                softmax_notebook(log_softmax=("import faulthandler\n\ndef log_softmax(Z):\n"
                                                 "    faulthandler._sigsegv()\n")), {"log_softmax"}),
        Hostile("memory_bomb", "cross_entropy allocates until memory runs out",
                softmax_notebook(cross_entropy=("def cross_entropy(Z, Y):\n    blocks = []\n    while True:\n"
                                                   "        blocks.append(np.ones(10**8))\n")), {"cross_entropy"}),
        Hostile("fork_bomb", "softmax forks forever",
                softmax_notebook(softmax=("import os\n\ndef softmax(Z):\n    while True:\n        os.fork()\n")),
                {"softmax"}),
        Hostile("huge_print", "a free cell prints two million lines (all answers right)", softmax_notebook(_huge_print)),
        Hostile("stderr_noise", "right answers; softmax writes to stderr (Python and fd 2) at every call",
                softmax_notebook(softmax=NOISY)),
        Hostile("corrupt_json", "softmax.ipynb is not valid JSON",
                lambda folder: write(folder, SOFTMAX, {"softmax.ipynb": b'{"cells": [{"cell_type": "code", '}),
                full=set(), zero=set(SOFTMAX_FUNCTIONS)),
        Hostile("renamed_notebook", "right answers in softmax-final.ipynb",
                lambda folder: write(folder, SOFTMAX, {"softmax-final.ipynb": honest()["softmax.ipynb"]})),
        Hostile("extra_notebook", "right answers plus scratch.ipynb that imports the reference",
                lambda folder: write(folder, SOFTMAX, {**honest(), "scratch.ipynb": _scratch()})),
        Hostile("missing_notebook", "03_gradients without mlp_gradients.ipynb",
                lambda folder: write(folder, "03_gradients", {"layers.ipynb": honest("03_gradients")["layers.ipynb"]}),
                zero={"grad_b2", "grad_W2", "grad_b1", "grad_W1", "compute_gradients"},
                assignments=("03_gradients",)),
        Hostile("sklearn_one_hot", "one_hot built on scikit-learn's OneHotEncoder",
                honest_but("01_one_hot", one_hot=SKLEARN_ONE_HOT), {"one_hot"}, assignments=("01_one_hot",)),
        Hostile("scipy_fast_conv", "conv_forward_fast built on scipy.signal.fftconvolve",
                honest_but("04_convolution", conv_forward_fast=SCIPY_CONV), {"conv_forward_fast"},
                assignments=("04_convolution",)),
        Hostile("hardcodes_buggy_layers", "find_buggy_layers returns the visible test's answer",
                honest_but("05_gradient_check", find_buggy_layers=HARDCODE_BUGGY), {"find_buggy_layers"},
                assignments=("05_gradient_check",)),
        Hostile("some_cells_filled", "only softmax and logsumexp written",
                lambda folder: write(folder, SOFTMAX, submission(
                    Student("x", "", {"softmax": REFERENCE, "logsumexp": REFERENCE}, default=BLANK), SOFTMAX)),
                zero={"log_softmax", "cross_entropy", "cross_entropy_grad"}),
    ]
    return entries


def _scratch():
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("from solutions_lib import softmax\nprint(softmax)"))
    return nb


def expected_full(entry, functions):
    """The functions that ``entry`` must keep full points on."""
    if entry.full is not None:
        return set(entry.full)
    return set(functions) - set(entry.zero)
