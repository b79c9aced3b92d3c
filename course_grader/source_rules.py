"""Rules on the code a student wrote, read by the grader from the submitted notebook.

The grader never asks the student's kernel whether a rule holds; it parses
the cells itself:

- :func:`forbidden` lists what a student-writable cell may not do at all:
  import or reach the course's reference (``solutions_lib``) or the oracle
  libraries (``scipy``, ``sklearn``, ``torch``), reach modules and objects by
  name at run time (``__import__``, ``importlib``, ``sys.modules``, ``exec``,
  ``getattr`` with a computed name, ``globals()``, dunder attributes such as
  ``__globals__``), or start processes
  (``subprocess``, ``os.fork``, ``!`` shell lines, ``%run``). Such a cell is
  not executed, and the exercise it defines scores zero.
- :func:`check_call` reads which check, function and part a hidden grade
  cell runs; :func:`is_hidden_test` and :func:`hidden_check` say which cells
  are hidden tests.

The loop ban of a vectorized exercise is :func:`course_checks.loop_ban.loop_ban_failure`,
applied by the grader to the submitted cells.
"""

import ast
import re
from dataclasses import dataclass

from nbformat import NotebookNode
from nbgrader.utils import is_grade, is_solution

from course_checks import CHECKS, manifest, protocol

#: Modules a student cell may not import, and why.
FORBIDDEN_MODULES = {
    "solutions_lib": "the course's reference solution",
    "scipy": "an oracle library (scipy)",
    "sklearn": "an oracle library (sklearn)",
    "torch": "an oracle library (torch)",
    "importlib": "dynamic imports (importlib)",
    "builtins": "the interpreter's built-ins (builtins)",
    "subprocess": "other processes (subprocess)",
    "multiprocessing": "other processes (multiprocessing)",
    "ctypes": "raw memory and C calls (ctypes)",
    "pty": "other processes (pty)",
    "posix": "the operating system's raw calls (posix)",
    "inspect": "the grader's stack frames (inspect)",
    "gc": "every object in memory (gc)",
    "traceback": "the grader's stack frames (traceback)",
}
#: Names a student cell may not use.
FORBIDDEN_NAMES = {
    "__import__": "dynamic imports (__import__)",
    "__builtins__": "the interpreter's built-ins (__builtins__)",
    "exec": "running code built at run time (exec)",
    "eval": "running code built at run time (eval)",
    "compile": "running code built at run time (compile)",
    "__loader__": "the module loader (__loader__)",
    "__spec__": "the module loader (__spec__)",
}
#: Built-ins that look up attributes or namespaces by a name computed at run time.
DYNAMIC_LOOKUPS = {"getattr", "setattr", "delattr", "hasattr"}
NAMESPACE_CALLS = {"vars": "namespaces by name (vars)", "globals": "namespaces by name (globals)",
                   "locals": "namespaces by name (locals)"}
#: The only ``sys`` attributes a student cell may use.
ALLOWED_SYS = {"float_info", "int_info", "maxsize", "version", "version_info", "platform", "getsizeof",
               "getrecursionlimit", "setrecursionlimit", "stdout", "stderr", "float_repr_style"}
#: ``module.attribute`` pairs a student cell may not use.
FORBIDDEN_ATTRIBUTES = {
    ("sys", "modules"): "loaded modules by name (sys.modules)",
    ("sys", "_getframe"): "the grader's stack frames (sys._getframe)",
    ("os", "system"): "other processes (os.system)",
    ("os", "popen"): "other processes (os.popen)",
    ("os", "fork"): "other processes (os.fork)",
    ("os", "forkpty"): "other processes (os.forkpty)",
}
_OS_PREFIXES = ("exec", "spawn", "posix_spawn")
#: Attributes of frames, tracebacks and generators that lead to other code's namespaces.
FRAME_ATTRIBUTES = {"f_back", "f_globals", "f_locals", "f_builtins", "f_code", "tb_frame", "tb_next",
                    "gi_frame", "cr_frame", "ag_frame", "gi_code"}
#: Dunder attributes a student may use; any other (``__globals__``, ``__subclasses__``) reaches too far.
ALLOWED_DUNDERS = {"__init__", "__name__", "__doc__", "__call__", "__len__", "__iter__", "__next__",
                   "__getitem__", "__setitem__", "__repr__", "__str__", "__eq__", "__add__", "__mul__",
                   "__version__", "__main__"}
#: IPython magics a student cell may use.
ALLOWED_MAGICS = {"time", "timeit", "matplotlib", "precision", "prun", "who", "whos"}
_MODULE_STRING = re.compile(r"^\s*(" + "|".join(FORBIDDEN_MODULES) + r")(\.|\s*$)")


@dataclass(frozen=True)
class Violation:
    """One forbidden construct: the cell's line and what it reaches."""

    line: int
    what: str

    def __str__(self):
        return f"line {self.line} uses {self.what}"


def python_source(source: str) -> str:
    """A cell's source as Python: IPython magics and ``!`` lines become ``get_ipython()`` calls."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def parse_cell(source: str) -> ast.Module | None:
    """The AST of a code cell, or None if it does not parse."""
    try:
        return ast.parse(python_source(source))
    except (SyntaxError, ValueError):
        return None


def _magic(node):
    """``(method, magic name)`` if ``node`` is a ``get_ipython().<method>(...)`` call."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    owner = node.func.value
    if not (isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "get_ipython"):
        return None
    name = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
    return node.func.attr, name


def forbidden(source: str) -> str | None:
    """The forbidden constructs in one cell's source, in line order.

    Parameters
    ----------
    source : str
        The cell's source as the student wrote it (magics included).

    Returns
    -------
    list of Violation
    """
    tree = parse_cell(source)
    if tree is None:
        return []  # it fails when it runs; nothing in it can execute
    found = []
    aliases = {}  # local name -> module it stands for (import os as o)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update({(a.asname or a.name.split(".")[0]): (a.name if a.asname else a.name.split(".")[0])
                            for a in node.names})
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            aliases.update({(a.asname or a.name): f"{node.module}.{a.name}" for a in node.names if a.name != "*"})
    allowed_magic_calls = set()
    for node in ast.walk(tree):
        magic = _magic(node)
        if magic is not None:
            method, name = magic
            if method in ("run_line_magic", "run_cell_magic") and name in ALLOWED_MAGICS:
                allowed_magic_calls.add(id(node.func.value))
            elif method in ("system", "getoutput"):
                found.append(Violation(node.lineno, "a shell command (!)"))
            else:
                found.append(Violation(node.lineno, f"the IPython magic %{name or method}"))
            allowed_magic_calls.add(id(node.func.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in FORBIDDEN_MODULES:
                    found.append(Violation(node.lineno, FORBIDDEN_MODULES[top]))
        elif isinstance(node, ast.ImportFrom):
            top = (node.module or "").split(".")[0]
            if node.level == 0 and top in FORBIDDEN_MODULES:
                found.append(Violation(node.lineno, FORBIDDEN_MODULES[top]))
            if top == "os" and any(a.name in {"system", "popen", "fork", "forkpty"} or a.name.startswith(_OS_PREFIXES)
                                   for a in node.names):
                found.append(Violation(node.lineno, "other processes (from os import ...)"))
            if top == "sys" and any(a.name not in ALLOWED_SYS for a in node.names):
                found.append(Violation(node.lineno, "the interpreter's internals (from sys import ...)"))
            if top in ("os", "sys") and any(a.name == "*" for a in node.names):
                found.append(Violation(node.lineno, f"every name of {top} (from {top} import *)"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in DYNAMIC_LOOKUPS \
                and not (len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)):
            found.append(Violation(node.lineno, f"an attribute named at run time ({node.func.id})"))
        elif isinstance(node, ast.Name):
            if aliases.get(node.id, "").split(".")[0] in ("os", "sys") and aliases[node.id] not in ("os", "sys"):
                module, _, name = aliases[node.id].partition(".")
                spawns = name in {"system", "popen", "fork", "forkpty"} or name.startswith(_OS_PREFIXES)
                if (module == "os" and spawns) or (module == "sys" and name not in ALLOWED_SYS):
                    found.append(Violation(node.lineno, f"{module}.{name}"))
            if node.id in NAMESPACE_CALLS:
                found.append(Violation(node.lineno, NAMESPACE_CALLS[node.id]))
            elif node.id in FORBIDDEN_NAMES:
                found.append(Violation(node.lineno, FORBIDDEN_NAMES[node.id]))
            elif node.id in FORBIDDEN_MODULES:
                found.append(Violation(node.lineno, FORBIDDEN_MODULES[node.id]))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "get_ipython" \
                and id(node) not in allowed_magic_calls:
            found.append(Violation(node.lineno, "the IPython shell object (get_ipython)"))
        elif isinstance(node, ast.Attribute):
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            owner = aliases.get(owner, owner)
            if (owner, node.attr) in FORBIDDEN_ATTRIBUTES:
                found.append(Violation(node.lineno, FORBIDDEN_ATTRIBUTES[owner, node.attr]))
            elif owner == "sys" and node.attr not in ALLOWED_SYS:
                found.append(Violation(node.lineno, f"the interpreter's internals (sys.{node.attr})"))
            elif owner == "os" and node.attr.startswith(_OS_PREFIXES):
                found.append(Violation(node.lineno, f"other processes (os.{node.attr})"))
            elif node.attr in FRAME_ATTRIBUTES:
                found.append(Violation(node.lineno, f"other code's namespaces ({node.attr})"))
            elif node.attr.startswith("__") and node.attr.endswith("__") and node.attr not in ALLOWED_DUNDERS:
                found.append(Violation(node.lineno, f"the attribute {node.attr}"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = _MODULE_STRING.match(node.value)
            if match:
                found.append(Violation(node.lineno, FORBIDDEN_MODULES[match.group(1)] + " named in a string"))
            elif re.fullmatch(r"__\w+__", node.value) and node.value not in ALLOWED_DUNDERS:
                found.append(Violation(node.lineno, f"the attribute {node.value} named in a string"))
    return sorted(set(found), key=lambda v: (v.line, v.what))


def defined_functions(source: str) -> set[str]:
    """Names of the functions a cell defines at its top level."""
    tree = parse_cell(source)
    return [] if tree is None else [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def referenced_names(source: str) -> set[str]:
    """Every name a cell reads (``softmax`` in ``P = softmax(Z)``); empty if it does not parse."""
    tree = parse_cell(source)
    return set() if tree is None else {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
                                       and isinstance(n.ctx, ast.Load)}


@dataclass(frozen=True)
class HiddenCall:
    """What a hidden grade cell runs: ``check_<exercise>(<function>, part=<part>)``."""

    exercise: str
    function: str
    part: str

    @property
    def key(self) -> str:
        """The name of the record the kernel writes for this call."""
        return protocol.record_name(self.exercise, self.part)


def is_hidden_test(cell: NotebookNode) -> bool:
    """True for a hidden test: a code cell that nbgrader grades and that is not a solution cell."""
    return cell.cell_type == "code" and bool(is_grade(cell)) and not is_solution(cell)


def hidden_check(cell: NotebookNode) -> HiddenCall | None:
    """The :class:`HiddenCall` of a hidden test cell, or None for any other cell or a hidden test that runs none."""
    return check_call(cell.source) if is_hidden_test(cell) else None


def check_call(source: str) -> HiddenCall | None:
    """The :class:`HiddenCall` in a hidden grade cell's source, or None if it runs no known check."""
    tree = parse_cell(source)
    for node in [] if tree is None else ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.startswith("check_")):
            continue
        exercise = node.func.id[len("check_"):]
        if exercise not in CHECKS or not node.args or not isinstance(node.args[0], ast.Name):
            continue
        part = next((k.value.value for k in node.keywords if k.arg == "part" and isinstance(k.value, ast.Constant)),
                    manifest.exercise(exercise).parts[0].name)
        return HiddenCall(exercise, node.args[0].id, part)
    return None
