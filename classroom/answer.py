"""One student answer, and how to define it as a notebook cell would."""

import linecache
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Answer:
    """One student answer for one function.

    Attributes
    ----------
    function : str
        The graded function (the solution cell's grade_id).
    label : str
        A short name for the answer.
    source : str
        The full source of the solution cell.
    expect : str
        For a bug, a fragment that the failing check's message must contain;
        empty for a correct answer.
    origin : str
        ``"catalogue"``, or the seed notebook the mistake was found in.
    """

    function: str
    label: str
    source: str
    expect: str = ""
    origin: str = "catalogue"


def answers(function, entries, expect_bugs):
    """Answers from compact tuples: ``(label, source)``, or ``(label, expect, source[, origin])`` for bugs."""
    out = []
    for entry in entries:
        if expect_bugs:
            label, expect, source, *origin = entry
            out.append(Answer(function, label, source.strip() + "\n", expect, origin[0] if origin else "catalogue"))
        else:
            label, source = entry
            out.append(Answer(function, label, source.strip() + "\n"))
    return out


def load(answer, namespace=None):
    """Define ``answer``'s function in a fresh namespace and return it.

    The source is registered with :mod:`linecache` so that
    :func:`inspect.getsource` (used by the loop ban) can read it, as it can in
    a notebook.
    """
    filename = f"<answer {answer.function}: {answer.label}>"
    linecache.cache[filename] = (len(answer.source), None, answer.source.splitlines(True), filename)
    ns = {"np": np, "__name__": "__main__"} if namespace is None else namespace
    exec(compile(answer.source, filename, "exec"), ns)  # noqa: S102 - catalogue code is ours
    return ns[answer.function]
