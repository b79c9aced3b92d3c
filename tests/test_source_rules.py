"""course_grader.source_rules: what the grader reads from the submitted cells."""

import nbformat
import pytest

from classroom.catalogue import ALTERNATIVES, BUGS, FUNCTIONS, load
from classroom.submissions import REPO, grade_id, notebook_paths
from course_grader.execute import is_locked
from course_grader.source_rules import check_call, defined_functions, forbidden, loops
from course_checks import CHECKS
from course_checks.core import ensure_no_loops

ATTACKS = {
    "import solutions_lib": "reference",
    "from solutions_lib.softmax_family import softmax": "reference",
    "import scipy.special as sp": "scipy",
    "from sklearn.preprocessing import OneHotEncoder": "sklearn",
    "import torch.nn.functional as F": "torch",
    "import importlib\nm = importlib.import_module('numpy')": "importlib",
    "m = __import__('numpy')": "__import__",
    "import sys\nm = sys.modules['numpy']": "sys.modules",
    "import sys as s\nm = s.modules": "sys.modules",
    "import sys\nm = getattr(sys, 'mod' + 'ules')": "getattr",
    "from sys import modules": "from sys import",
    "g = globals()": "globals",
    "exec('x = 1')": "exec",
    "f = eval('lambda: 1')": "eval",
    "g = softmax.__globals__": "__globals__",
    "g = getattr(softmax, '__globals__')": "__globals__",
    "b = ().__class__.__base__.__subclasses__()": "__class__",
    "import inspect\nf = inspect.currentframe()": "inspect",
    "import gc\nobjs = gc.get_objects()": "gc",
    "def f():\n    try:\n        1 / 0\n    except ZeroDivisionError as e:\n        return e.__traceback__.tb_frame.f_back": "f_back",
    "import builtins\nbuiltins.isinstance = None": "builtins",
    "import os\nos.fork()": "os.fork",
    "import os as o\no.system('ls')": "os.system",
    "from os import *\nfork()": "import *",
    "import subprocess\nsubprocess.run(['ls'])": "subprocess",
    "import ctypes": "ctypes",
    "!cat /etc/passwd": "shell",
    "%run solutions_lib/softmax_family.py": "%run",
    "%%bash\nls": "%bash",
    "get_ipython().user_ns": "get_ipython",
    "name = 'solutions_lib.softmax_family'": "named in a string",
}

HONEST = [
    "import numpy as np\n\ndef softmax(Z):\n    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n    return E / E.sum(axis=1, keepdims=True)\n",
    "%timeit softmax(Z)",
    "%%time\nP = softmax(Z)",
    "%matplotlib inline",
    "import sys\nprint(sys.float_info.epsilon, file=sys.stderr)",
    "import os\nprint(os.path.join('a', 'b'))\nos._exit",
    "dtype = getattr(np, 'float64')",
    "class Layer:\n    def __init__(self):\n        super().__init__()\n    def __call__(self, x):\n        return x\n",
    "if __name__ == '__main__':\n    print(np.__version__)",
    "def f(x):\n    '''Like scipy.special.softmax, but ours.'''\n    return x",
    "x = [i for i in range(3)]",
    "def broken(:\n    pass",  # a syntax error runs and fails on its own
]


@pytest.mark.parametrize("source, what", ATTACKS.items(), ids=list(ATTACKS.values()))
def test_attacks_break_a_rule(source, what):
    found = forbidden(source)
    assert found, source
    assert all(v.line >= 1 for v in found)


@pytest.mark.parametrize("source", HONEST)
def test_honest_code_breaks_no_rule(source):
    assert forbidden(source) == []


def test_no_catalogue_answer_breaks_a_rule():
    for group in (ALTERNATIVES, BUGS):
        for answers in group.values():
            for answer in answers:
                assert forbidden(answer.source) == [], (answer.function, answer.label)


@pytest.mark.parametrize("folder", ["source", "release"])
def test_no_student_writable_cell_of_the_course_breaks_a_rule(folder):
    for assignment in FUNCTIONS:
        for path in notebook_paths(assignment, folder, REPO):
            for cell in nbformat.read(path, as_version=4).cells:
                if cell.cell_type == "code" and not is_locked(cell):
                    assert forbidden(cell.source) == [], (path.name, cell.source[:80])


VECTORIZED = [f for f, (_, parts) in CHECKS.items() if "vectorized" in parts]


@pytest.mark.parametrize("function", VECTORIZED)
def test_the_static_loop_ban_agrees_with_the_kernels_on_the_catalogue(function):
    for answer in ALTERNATIVES[function] + BUGS[function]:
        try:
            ensure_no_loops(load(answer), function)
            kernel = None
        except AssertionError as failure:
            kernel = str(failure)
        assert loops([answer.source], function) == kernel, answer.label


def test_the_loop_ban_follows_helpers_but_not_other_graded_functions():
    cells = ["def _rows(Z):\n    return np.array([r for r in Z])\n",
             "def softmax(Z):\n    return _rows(Z)\n"]
    assert "_rows (called by softmax) has a comprehension" in loops(cells, "softmax")
    assert loops(cells, "softmax", skip={"_rows"}) is None
    assert "could not find `def softmax`" in loops(["softmax = lambda Z: Z"], "softmax")
    redefined = ["def softmax(Z):\n    for r in Z:\n        pass\n", "def softmax(Z):\n    return Z\n"]
    assert loops(redefined, "softmax") is None  # the last definition is the one that runs


def test_every_hidden_cell_names_its_check_function_and_part():
    for assignment in FUNCTIONS:
        for path in notebook_paths(assignment, "source", REPO):
            for cell in nbformat.read(path, as_version=4).cells:
                gid = grade_id(cell)
                if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
                    call = check_call(cell.source)
                    assert call is not None and gid == f"test_{call.function}_{call.part}", gid
                    assert call.exercise == call.function and call.part in CHECKS[call.exercise][1]
    assert check_call("assert softmax(Z).shape == Z.shape") is None


def test_defined_functions_lists_top_level_defs():
    assert defined_functions("def a():\n    def b():\n        pass\n\ndef c():\n    pass\n") == ["a", "c"]
