"""Reading the student's code in their running kernel: does it reach the reference, does it loop.

These are the source rules as a notebook (or a test) applies them to live
functions; the grader applies the same rules to the submitted cells instead
(:mod:`course_grader.source_rules`).
"""

import functools
import importlib.util
import inspect
from collections.abc import Callable, Iterable
from pathlib import Path

from course_checks import loop_ban


def _reference_dir():
    """Where ``solutions_lib`` is installed, or None (as in a grading kernel, which does not have it)."""
    try:
        spec = importlib.util.find_spec("solutions_lib")
    except (ImportError, ValueError):
        return None
    return Path(spec.origin).resolve().parent if spec and spec.origin else None


def _is_reference(obj):
    """True if ``obj`` is ``solutions_lib`` or something from it."""
    if inspect.ismodule(obj):
        module = obj.__name__
    else:
        module = getattr(obj, "__module__", None)
        code = getattr(obj, "__code__", None)
        folder = _reference_dir() if code is not None else None
        if folder is not None and Path(code.co_filename).resolve().is_relative_to(folder):
            return True
    return isinstance(module, str) and module.split(".")[0] == "solutions_lib"


def _referenced_names(func):
    """The global names that ``func``'s code (nested code included) uses, sorted."""
    code = getattr(func, "__code__", None)
    if code is None:
        return []
    stack, names = [code], set()
    while stack:
        c = stack.pop()
        names.update(c.co_names)
        stack.extend(k for k in c.co_consts if inspect.iscode(k))
    return sorted(names)


def _referenced_globals(func):
    """The global values that ``func``'s code (nested code included) names."""
    namespace = getattr(func, "__globals__", {})
    return [namespace[n] for n in _referenced_names(func) if n in namespace]


def student_code_here(func: Callable, name: str) -> None:
    """:func:`~course_checks.checks.ensure_student_code` on the running function."""
    if not callable(func):
        raise AssertionError(f"{name}: expected a function, got {type(func).__name__}")
    target = inspect.unwrap(func)
    while isinstance(target, functools.partial):
        target = target.func
    if _is_reference(target) or any(_is_reference(v) for v in _referenced_globals(target)):
        raise AssertionError(f"{name}: this function uses the course's reference solution, which scores zero")
    namespace = getattr(target, "__globals__", {})
    if any(_is_reference(v) for v in list(namespace.values())):
        raise AssertionError(f"{name}: this notebook imports the course's reference solution, which scores zero")


def no_loops_here(func: Callable, name: str, skip: Iterable[str] = ()) -> None:
    """:func:`~course_checks.checks.ensure_no_loops` on the running namespace."""
    sources = loop_ban.namespace_sources(func)
    if not sources:
        raise AssertionError(f"{name}: could not read the source of the function to check it has no loops; "
                             "define it with def in a notebook cell")
    message = loop_ban.loop_ban_failure(sources, getattr(func, "__name__", name), skip=skip)
    if message:
        raise AssertionError(message.replace(f"{getattr(func, '__name__', name)}: ", f"{name}: ", 1))
