"""The run modes: where a check's outcomes come from, and whether it judges them.

A mode is an object chosen once by whoever calls a check and passed down:
:class:`Local` (a notebook, the fast tests) runs and judges here;
:class:`Recording` (a graded kernel, through
:func:`course_checks.checks.entry_point`) runs every case with the grader's
seed and records it (:mod:`.protocol`); :class:`Replaying` (the grader, see
``course_grader.judge``) hands the recorded outcomes to the same check, whose
judges decide with pristine code.
"""

from collections.abc import Callable, Iterable

from course_checks import protocol, records
from course_checks.cases import Case, Outcome, same
from course_checks.running import run_here
from course_checks.student_code import no_loops_here, student_code_here


class Local:
    """The run mode of a notebook and of the fast tests: call the student's function here, judge every outcome."""

    judges = True

    def outcome(self, func: Callable | None, case: Case, helpers: Iterable[str] = (),
                call: Callable | None = None) -> Outcome:
        """What ``func`` does on ``case`` (see :func:`course_checks.checks.run`)."""
        return run_here(func, case, helpers, call)[0]

    def student_code(self, func: Callable | None, name: str) -> None:
        """The rule of :func:`~course_checks.checks.ensure_student_code`, read from the running function."""
        student_code_here(func, name)

    def no_loops(self, func: Callable | None, name: str, skip: Iterable[str] = ()) -> None:
        """The loop ban of :func:`~course_checks.checks.ensure_no_loops`, read from the running namespace."""
        no_loops_here(func, name, skip)


#: The default run mode.
LOCAL = Local()


class Recording(Local):
    """The run mode of a graded kernel: run every case and record what happened for the grader; judge nothing.

    The kernel's verdict would be replaced by the grader's anyway, and running every case means a kernel whose
    NumPy a student broke still records all it can. What :func:`~course_checks.checks.ensure_student_code` objects
    to becomes a flag in the record; the loop ban is left to the grader, which reads it from the submitted cells.

    Attributes
    ----------
    record : dict
        ``{"exercise", "part", "seed", "outcomes", "flags"}``, plain data (see :mod:`course_checks.protocol`).
    """

    judges = False

    def __init__(self, exercise, part, seed):
        self.record = protocol.new_record(exercise, part, seed)

    def outcome(self, func: Callable | None, case: Case, helpers: Iterable[str] = (),
                call: Callable | None = None) -> Outcome:
        outcome, args, kwargs = run_here(func, case, helpers, call)
        self.record["outcomes"].append(protocol.new_entry(
            case.label, records.digest(case), records.encode(outcome.value), records.encode_error(outcome.error),
            outcome.mutated, outcome.warnings, [records.encode(a) for a in [*args, *kwargs.values()]], outcome.calls))
        return outcome

    def student_code(self, func: Callable | None, name: str) -> None:
        try:
            student_code_here(func, name)
        except AssertionError as failure:
            self.record["flags"].append(str(failure))

    def no_loops(self, func: Callable | None, name: str, skip: Iterable[str] = ()) -> None:
        pass


class Replaying:
    """The run mode of the grader: the kernel's recorded outcomes, handed out in order to the check it re-runs;
    the source rules are the grader's own, read from the submitted cells.

    Parameters
    ----------
    entries : list of dict
        The record's ``"outcomes"``: each has the case's ``label``, its
        ``digest`` and the encoded outcome.
    student_code : callable, optional
        ``student_code(name)``, the grader's stand-in for
        :func:`~course_checks.checks.ensure_student_code`; raises AssertionError.
    no_loops : callable, optional
        ``no_loops(name, skip)``, the grader's stand-in for :func:`~course_checks.checks.ensure_no_loops`.
    flags : list of str, optional
        What the kernel's own :func:`~course_checks.checks.ensure_student_code` objected to; any
        flag fails the check (a kernel can hide a flag, never invent a pass).
    """

    judges = True

    def __init__(self, entries, student_code=None, no_loops=None, flags=()):
        if not isinstance(entries, list) or not all(isinstance(f, str) for f in flags):
            raise records.RecordError("malformed record")
        self.entries, self.used = entries, 0
        self._student_code, self._no_loops, self.flags = student_code, no_loops, list(flags)

    def outcome(self, func: Callable | None, case: Case, helpers: Iterable[str] = (),
                call: Callable | None = None) -> Outcome:
        """The recorded outcome for ``case``; ``func`` is not called (see :meth:`next`)."""
        return self.next(case)

    def student_code(self, func: Callable | None, name: str) -> None:
        """A kernel's flag fails the check (a kernel can hide a flag, never invent a pass); then the grader's rule."""
        if self.flags:
            raise AssertionError(self.flags[0])
        if self._student_code:
            self._student_code(name)

    def no_loops(self, func: Callable | None, name: str, skip: Iterable[str] = ()) -> None:
        if self._no_loops:
            self._no_loops(name, tuple(skip))

    def next(self, case: Case) -> Outcome:
        """The recorded outcome for ``case``; RecordError if missing, malformed or for other inputs.

        Whether the function modified its arguments is decided here, by
        comparing the arguments as the kernel recorded them after the call
        with the grader's own copy of the case; only arguments that are not
        plain data (callables, generators) rely on the kernel's word.
        """
        if self.used >= len(self.entries):
            raise records.RecordError(f"no outcome was recorded for the input: {case.label}")
        entry = self.entries[self.used]
        self.used += 1
        originals = list(case.args) + [case.kwargs[k] for k in case.kwargs]
        entry = protocol.parse_entry(entry, case.label, records.digest(case), len(originals))
        claimed, caught, after = entry["mutated"], entry["warnings"], entry["after"]
        names = [f"argument {i + 1}" for i in range(len(case.args))] + [f"argument {k!r}" for k in case.kwargs]
        mutated = []
        for name, original, item in zip(names, originals, after):
            value = records.decode(item)
            if records.has_opaque(value) or records.has_opaque(records.decode(records.encode(original))):
                changed = name in claimed
            else:
                changed = not same(value, original)
            if changed:
                mutated.append(name)
        return Outcome(value=records.decode(entry["value"]), error=records.decode_error(entry["error"]),
                       mutated=tuple(mutated), warnings=tuple(caught), calls=entry["calls"])
