"""The loop ban of a "vectorized" exercise, read from the student's code.

:func:`loop_ban_failure` reads every definition the notebook made before the hidden
test ran and follows everything the exercise's function can reach: the
name's final binding (``softmax = looping_softmax`` after a loop-free decoy
counts), module-level definitions nested in ``if``/``try``/``with`` blocks,
functions, lambdas, classes with all their methods, instances built from
them, names rebound through ``global`` or attribute assignment, and the
helpers those use in turn. It reports the first of

- a ``for`` or ``while`` loop, or a comprehension;
- recursion (a function that reaches itself);
- a loop in disguise, under any name or alias: ``map``, ``filter``,
  ``functools.reduce``, anything from ``itertools``, ``iter(f, sentinel)``,
  ``np.vectorize``, ``np.frompyfunc``, ``np.apply_along_axis``,
  ``np.apply_over_axes``, ``np.fromiter``, also named in a string
  (``getattr(np, "frompyfunc")``);
- code that cannot be read: ``exec``, ``eval``, ``compile``, ``__import__``,
  or ``getattr``/``setattr``/``hasattr`` with a name computed at run time.

Other graded exercises (``skip``) are left to their own checks. The grader
applies this to the submitted cells (:mod:`course_grader.judge`); a check run
outside grading applies it to the functions of the running namespace
(:func:`namespace_sources`).
"""

import ast
import inspect
import linecache
import types
from collections.abc import Callable, Iterable

#: Names that are loops in disguise, whatever module they come from.
LOOP_NAMES = {"map", "filter", "reduce", "starmap", "vectorize", "frompyfunc", "apply_along_axis",
              "apply_over_axes", "fromiter", "accumulate", "takewhile", "dropwhile", "filterfalse"}
#: Attributes that are loops in disguise on any object (``np.vectorize``); ``reduce``/``accumulate`` are not
#: (ufunc methods such as ``np.add.reduce`` are vectorized), unless they come from functools or itertools.
LOOP_ATTRIBUTES = {"vectorize", "frompyfunc", "apply_along_axis", "apply_over_axes", "fromiter", "starmap"}
#: Modules all of whose functions loop over Python objects.
LOOP_MODULES = {"itertools"}
#: ``(module, name)`` pairs that are loops in disguise.
LOOP_FUNCTIONS = {("functools", "reduce"), ("builtins", "map"), ("builtins", "filter")}
#: Names whose use means the code that runs cannot be read.
UNREADABLE = {"exec", "eval", "compile", "__import__"}
DYNAMIC_LOOKUPS = {"getattr", "setattr", "hasattr", "delattr"}


def loop_ban_message(name: str, label: str, kind: str, line: int) -> str:
    """The loop-ban failure of exercise ``name``: ``label`` has a ``kind`` on ``line`` of its definition."""
    return (f"{name}: {label} has a {kind} on line {line} of its definition; "
            "this exercise must be vectorized: use whole-array NumPy operations "
            "(broadcasting, axis=, keepdims=) instead of iterating")


def parse(source: str) -> ast.Module | None:
    """A cell's AST, IPython magics turned into calls; None if it does not parse."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        source = TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - no IPython, or a cell it cannot transform: read it as Python
        pass
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


class _Binding:
    """One place where a module-level name gets its value."""

    def __init__(self, name, node, order, module=None):
        self.name, self.node, self.order, self.module = name, node, order, module


def _module_statements(body):
    """Module-level statements, entering compound statements but not definitions."""
    for node in body:
        yield node
        if isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)):
            for field in ("body", "orelse", "finalbody"):
                yield from _module_statements(getattr(node, field, []))
            for handler in getattr(node, "handlers", []):
                yield from _module_statements(handler.body)


def _targets(target):
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for t in target.elts for n in _targets(t)]
    if isinstance(target, ast.Starred):
        return _targets(target.value)
    return []


def collect_bindings(trees: list) -> tuple[dict, dict]:
    """``({name: [Binding, ...]}, {name: [node, ...]})`` from the ASTs of the cells that ran.

    The first mapping holds the module-level bindings in notebook order (the
    last one is the value a later cell sees); the second, rebindings that may
    happen later: assignments to a name declared ``global`` inside a function,
    and assignments to an attribute of that name (``__main__.softmax = f``).
    """
    bindings, late, order = {}, {}, 0

    def add(name, node, module=None):
        nonlocal order
        order += 1
        bindings.setdefault(name, []).append(_Binding(name, node, order, module))

    for tree in trees:
        for node in _module_statements(tree.body):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                add(node.name, node)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for name in (n for t in targets for n in _targets(t)):
                    add(name, node)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                for name in _targets(node.target):
                    add(name, node.iter)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    add(local, node, alias.name if alias.asname else alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    add(alias.asname or alias.name, node, f"{node.module}.{alias.name}")
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                declared = {n for s in ast.walk(node) if isinstance(s, ast.Global) for n in s.names}
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Assign):
                        for name in (n for t in sub.targets for n in _targets(t) if n in declared):
                            late.setdefault(name, []).append(sub)
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute):
                        late.setdefault(target.attr, []).append(node)
    return bindings, late


def _local_names(node):
    """Names bound inside a definition (parameters, assignments, nested definitions), less ``global`` ones."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
        return set()
    names, declared = set(), set()
    for sub in ast.walk(node):
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = sub.args
            names.update(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
            names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
            if sub is not node and not isinstance(sub, ast.Lambda):
                names.add(sub.name)
        elif isinstance(sub, ast.ClassDef) and sub is not node:
            names.add(sub.name)
        elif isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
            names.add(sub.id)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name.split(".")[0]) for a in sub.names)
        elif isinstance(sub, ast.Global):
            declared.update(sub.names)
        elif isinstance(sub, ast.ExceptHandler) and sub.name:
            names.add(sub.name)
    return names - declared


def _resolve(node, bindings):
    """The dotted module path an expression names (``np.random`` -> ``numpy.random``), or None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    found = bindings.get(node.id)
    module = found[-1].module if found else (f"builtins.{node.id}" if node.id in ("map", "filter") else None)
    if module is None:
        return None
    return ".".join([module, *reversed(parts)])


def _is_loop_path(path):
    if path is None:
        return False
    head, _, rest = path.partition(".")
    leaf = path.rsplit(".", 1)[-1]
    return head in LOOP_MODULES or (head, leaf) in LOOP_FUNCTIONS or (bool(rest) and leaf in LOOP_ATTRIBUTES)


def _problems(node, bindings):
    """``(line, kind, names it reaches)`` of one definition: its loops in disguise, and the global names it uses."""
    found, names = [], []
    local = _local_names(node)
    for sub in ast.walk(node):
        line = getattr(sub, "lineno", getattr(node, "lineno", 1))
        if isinstance(sub, (ast.For, ast.AsyncFor)):
            found.append((line, "for loop"))
        elif isinstance(sub, ast.While):
            found.append((line, "while loop"))
        elif isinstance(sub, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            found.append((line, "comprehension"))
        elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
            if sub.id not in local:
                names.append(sub.id)
            path = _resolve(sub, bindings) if sub.id not in local else None
            if sub.id in UNREADABLE:
                found.append((line, f"call to {sub.id} (code the grader cannot read)"))
            elif _is_loop_path(path) or (path is None and sub.id in LOOP_NAMES and sub.id not in bindings):
                found.append((line, f"call to {sub.id}"))
        elif isinstance(sub, ast.Attribute):
            path = _resolve(sub, bindings)
            if _is_loop_path(path) or sub.attr in LOOP_ATTRIBUTES:
                found.append((line, f"call to {sub.attr}"))
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            module = getattr(sub, "module", None)
            for alias in sub.names:
                path = f"{module}.{alias.name}" if module else alias.name
                if _is_loop_path(path) or path.split(".")[0] in LOOP_MODULES:
                    found.append((line, f"import of {path}"))
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and sub.value in LOOP_NAMES:
            found.append((line, f"call to {sub.value} (named in a string)"))
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
            if sub.func.id in DYNAMIC_LOOKUPS and not (len(sub.args) >= 2 and isinstance(sub.args[1], ast.Constant)):
                found.append((line, f"call to {sub.func.id} with a name computed at run time"))
            if sub.func.id == "iter" and len(sub.args) >= 2 and "iter" not in bindings:
                found.append((line, "call to iter(function, sentinel)"))
    # a function that calls itself from inside (nested recursion)
    for sub in ast.walk(node):
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and sub is not node:
            if any(isinstance(n, ast.Name) and n.id == sub.name and isinstance(n.ctx, ast.Load)
                   for b in sub.body for n in ast.walk(b)):
                found.append((sub.lineno, "recursive call"))
    return found, names


def _binding_nodes(name, bindings, late):
    """The bindings that may give ``name`` its value when it is used: the final one, and the late ones."""
    found = bindings.get(name, [])
    return ([found[-1]] if found else []) + [_Binding(name, node, 0) for node in late.get(name, [])]


def loop_ban_failure(sources: list[str], function: str, skip: Iterable[str] = ()) -> str | None:
    """The loop-ban failure of ``function`` read from cell sources, or None.

    Parameters
    ----------
    sources : list of str
        The code cells that ran before the hidden test, in notebook order.
    function : str
        The exercise's function name.
    skip : iterable of str
        Other graded functions, left to their own loop ban.

    Returns
    -------
    str or None
        The message for the student.
    """
    trees = [t for t in (parse(s) for s in sources) if t is not None]
    bindings, late = collect_bindings(trees)
    if function not in bindings:
        return (f"{function}: could not find `def {function}` in the notebook to check it has no loops; "
                "define it with def in its cell")
    skip = set(skip) - {function}
    path, done = [], set()

    def visit(name):
        if name in path:
            return (name, None, "recursive call")
        if name in done or name in skip:
            return None
        path.append(name)
        try:
            for binding in _binding_nodes(name, bindings, late):
                node = binding.node
                problems, names = _problems(node, bindings)
                if binding.module is not None and _is_loop_path(binding.module):
                    problems.insert(0, (node.lineno, f"import of {binding.module}"))
                if problems:
                    line, kind = problems[0]
                    return (name, line - getattr(node, "lineno", line) + 1, kind)
                for used in names:
                    if used in path or (used in bindings or used in late) and used not in done:
                        found = visit(used)
                        if found:
                            if found[1] is None:  # recursion: report it where it is
                                return (name, _first_use(node, used), "recursive call")
                            return found
        finally:
            path.pop()
        done.add(name)
        return None

    found = visit(function)
    if not found:
        return None
    name, line, kind = found
    label = function if name == function else f"{name} (called by {function})"
    return loop_ban_message(function, label, kind, line or 1)


def _first_use(node, name):
    lines = [n.lineno for n in ast.walk(node) if isinstance(n, ast.Name) and n.id == name and hasattr(n, "lineno")]
    return (min(lines) - node.lineno + 1) if lines else 1


def namespace_sources(func: Callable) -> list[str]:
    """The sources of the cells that defined the functions of ``func``'s namespace, ``func``'s own last.

    Outside grading there are no submitted cells to read: the source of every
    function of the running namespace (a notebook's, or a test's) is read
    back with :mod:`linecache`, as :func:`inspect.getsource` does.
    """
    namespace = getattr(func, "__globals__", {})
    own = getattr(getattr(func, "__code__", None), "co_filename", None)
    files = []
    for value in list(namespace.values()):
        code = getattr(value, "__code__", None)
        if isinstance(value, types.FunctionType) and code is not None and code.co_filename not in files \
                and code.co_filename != own and value.__module__ == func.__module__:
            files.append(code.co_filename)
    if own:
        files.append(own)
    sources = []
    for filename in files:
        lines = linecache.getlines(filename)
        if lines:
            sources.append("".join(lines))
    if not sources:
        try:
            sources = [inspect.getsource(func)]
        except (OSError, TypeError):
            pass
    return sources
