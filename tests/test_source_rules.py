"""course_grader.source_rules: what the grader reads from the submitted cells."""

import nbformat
import pytest
from nbgrader.utils import is_locked

from classroom.catalogue import ALTERNATIVES, BUGS, FUNCTIONS, load
from classroom.submissions import REPO, grade_id, notebook_paths
from course_checks import CHECKS
from course_checks.checks import ensure_no_loops
from course_checks.loop_ban import loop_ban_failure as loops
from course_grader.source_rules import check_call, defined_functions, forbidden

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
    "def f():\n    try:\n        1 / 0\n    except ZeroDivisionError as e:\n"
    "        return e.__traceback__.tb_frame.f_back": "f_back",
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
    "import numpy as np\n\ndef softmax(Z):\n    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
    "    return E / E.sum(axis=1, keepdims=True)\n",
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
    assert "could not find `def softmax`" in loops(["x = 1"], "softmax")
    assert loops(["softmax = lambda Z: Z"], "softmax") is None  # a lambda is read like a def
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


#: Loops in disguise that once kept the vectorized point (each is a whole notebook's worth of cells).
EVASIONS = {
    "recursion": ["def softmax(Z):\n    if len(Z) == 0:\n        return Z\n"
                  "    return np.vstack([_row(Z[:1]), softmax(Z[1:])])\n"],
    "functools.reduce": ["from functools import reduce as fold\n",
                         "def softmax(Z):\n    return fold(lambda acc, z: np.vstack([acc, z]), Z)\n"],
    "map under another name": ["apply = map\n", "def softmax(Z):\n    return np.array(list(apply(_row, Z)))\n"],
    "np.vectorize under another name": ["vec = np.vectorize\n",
                                        "def softmax(Z):\n"
                                        "    return vec(np.exp)(Z) / vec(np.exp)(Z).sum(1)[:, None]\n"],
    "itertools.starmap": ["import itertools\n",
                          "def softmax(Z):\n    return np.array(list(itertools.starmap(_row, zip(Z))))\n"],
    "iter(callable, sentinel)": ["def softmax(Z):\n    rows = iter(Z)\n"
                                 "    return np.array(list(iter(lambda: _row(next(rows, None)), None)))\n"],
    "recursion and IndexError": ["def softmax(Z, i=0, out=None):\n    out = [] if out is None else out\n"
                                 "    try:\n        out.append(_row(Z[i]))\n    except IndexError:\n"
                                 "        return np.array(out)\n    return softmax(Z, i + 1, out)\n"],
    "comprehension in a lambda helper": ["rows = lambda Z: np.array([_row(z) for z in Z])\n",
                                         "def softmax(Z):\n    return rows(Z)\n"],
    "method of a helper class": ["class Rows:\n    def apply(self, Z):\n        out = np.empty_like(Z)\n"
                                 "        for i in range(len(Z)):\n            out[i] = _row(Z[i])\n"
                                 "        return out\n",
                                 "def softmax(Z):\n    return Rows().apply(Z)\n"],
    "np.frompyfunc through getattr": ["def softmax(Z):\n    f = getattr(np, 'frompyfunc')(np.exp, 1, 1)\n"
                                      "    return f(Z).astype(float)\n"],
    "loop-free decoy then a rebinding": ["def softmax(Z):\n    return np.exp(Z) / np.exp(Z).sum(1, keepdims=True)\n",
                                         "def _looping(Z):\n    return np.array([_row(z) for z in Z])\n",
                                         "softmax = _looping\n"],
    "looping def nested in if True": ["if True:\n    def softmax(Z):\n        out = np.empty_like(Z)\n"
                                      "        for i in range(len(Z)):\n            out[i] = _row(Z[i])\n"
                                      "        return out\n"],
    "rebinding through global": ["def softmax(Z):\n    return Z\n",
                                 "def _swap():\n    global softmax\n"
                                 "    softmax = lambda Z: np.array([_row(z) for z in Z])\n",
                                 "_swap()\n"],
    "a name computed at run time": ["def softmax(Z):\n    tool = getattr(np, 'vec' + 'torize')\n"
                                    "    return tool(np.exp)(Z)\n"],
    "exec": ["def softmax(Z):\n    exec('for z in Z: pass')\n    return Z\n"],
}
ROW = "def _row(z):\n    e = np.exp(z - z.max())\n    return e / e.sum()\n"


@pytest.mark.parametrize("label", list(EVASIONS))
def test_loops_in_disguise_lose_the_vectorized_point(label):
    message = loops([ROW, *EVASIONS[label]], "softmax")
    assert message and message.startswith("softmax: ") and "must be vectorized" in message, message


#: Vectorized answers that look like the evasions and must keep the point.
HONEST = {
    "ufunc reduce methods": ["def softmax(Z):\n    E = np.exp(Z - np.maximum.reduce(Z, axis=1, keepdims=True))\n"
                             "    return E / np.add.reduce(E, axis=1, keepdims=True)\n"],
    "a parameter named like a looping global": ["p = [z for z in range(3)]\n",
                                                "def softmax(Z, p=None):\n    p = np.exp(Z - Z.max(1, keepdims=True))\n"
                                                "    return p / p.sum(1, keepdims=True)\n"],
    "a loop-free helper class": ["class Softmax:\n    def __call__(self, Z):\n"
                                 "        E = np.exp(Z - Z.max(1, keepdims=True))\n"
                                 "        return E / E.sum(1, keepdims=True)\n",
                                 "softmax = Softmax()\n"],
    "an earlier loop version, then the vectorized one": [
        "def softmax(Z):\n    return np.array([_row(z) for z in Z])\n",
        "def softmax(Z):\n    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
        "    return E / E.sum(axis=1, keepdims=True)\n"],
    "loops elsewhere in the notebook": ["for epoch in range(3):\n    pass\n", "costs = [c for c in range(3)]\n",
                                        "def softmax(Z):\n    E = np.exp(Z - Z.max(1, keepdims=True))\n"
                                        "    return E / E.sum(1, keepdims=True)\n"],
    "getattr with a constant name": ["def softmax(Z):\n    E = getattr(np, 'exp')(Z - Z.max(1, keepdims=True))\n"
                                     "    return E / E.sum(1, keepdims=True)\n"],
}


@pytest.mark.parametrize("label", list(HONEST))
def test_vectorized_answers_that_look_alike_keep_the_point(label):
    assert loops([ROW, *HONEST[label]], "softmax") is None
