"""Per-student extensions: more time for one student on one assignment.

nbgrader has one due date per assignment. The course keeps extensions in
``extensions.json`` in the course root (``{assignment: {student: hours}}``),
written by the command below and read by the late policy
(:mod:`course_grader.late_policy`) wherever autograde runs: a grading job
carries the file with the hand-in, and a changed extension regrades that
student's submission (the class command's ledger).

Usage (from the course root)::

    python -m course_grader.extensions 01_one_hot carol 2d      # 2 days more (also 36h, 90m, 1d12h)
    python -m course_grader.extensions 01_one_hot carol 0       # no extension
    python -m course_grader.extensions                           # list them
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path

#: The file, in the course root.
EXTENSIONS_FILE = "extensions.json"

_DURATION = re.compile(r"(\d+(?:\.\d+)?)([dhm])")
_UNIT_HOURS = {"d": 24.0, "h": 1.0, "m": 1 / 60}


def parse_duration(text: str) -> float:
    """Hours in a duration such as ``2d``, ``36h``, ``90m``, ``1d12h`` or ``0``.

    Raises
    ------
    ValueError
        If ``text`` is not such a duration.
    """
    text = text.strip().lower()
    if text in ("0", "none"):
        return 0.0
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"duration: got {text!r}, wanted a number of days, hours or minutes such as 2d, 36h, "
                         "90m or 1d12h (0 removes the extension)")
    return sum(float(number) * _UNIT_HOURS[unit] for number, unit in parts)


def format_hours(hours: float) -> str:
    """``1 d 12 h``, ``1 h 30 min``, ``45 min``: a duration in words an instructor and a student read."""
    minutes = round(hours * 60)
    days, minutes = divmod(minutes, 24 * 60)
    whole_hours, minutes = divmod(minutes, 60)
    parts = [f"{days} d" if days else "", f"{whole_hours} h" if whole_hours else "",
             f"{minutes} min" if minutes else ""]
    return " ".join(p for p in parts if p) or "0 min"


def load(root: str | os.PathLike) -> dict:
    """``{assignment: {student: hours}}`` from the course root's file ({} if there is none)."""
    path = Path(root) / EXTENSIONS_FILE
    if not path.is_file():
        return {}
    data = json.loads(path.read_text())
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError(f"{path}: wanted {{assignment: {{student: hours}}}}, got {type(data).__name__}")
    return {a: {s: float(h) for s, h in students.items()} for a, students in data.items()}


def hours(root: str | os.PathLike, assignment: str, student: str) -> float:
    """The student's extension on ``assignment`` in hours (0 if none)."""
    return load(root).get(assignment, {}).get(student, 0.0)


def grant(root: str | os.PathLike, assignment: str, student: str, extra_hours: float) -> dict:
    """Set (or, with 0 hours, remove) one extension; write the file atomically and return every extension."""
    if extra_hours < 0:
        raise ValueError(f"extra_hours: got {extra_hours}, wanted 0 or more")
    data = load(root)
    students = data.setdefault(assignment, {})
    if extra_hours:
        students[student] = extra_hours
    else:
        students.pop(student, None)
    data = {a: dict(sorted(s.items())) for a, s in sorted(data.items()) if s}
    path = Path(root) / EXTENSIONS_FILE
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(data, indent=1) + "\n")
    os.replace(partial, path)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_grader.extensions", description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?")
    parser.add_argument("student", nargs="?")
    parser.add_argument("duration", nargs="?", help="2d, 36h, 90m, 1d12h; 0 removes the extension")
    parser.add_argument("--course", default=".", help="the course root (default: the current folder)")
    args = parser.parse_args(argv)
    if args.assignment and not (args.student and args.duration):
        parser.error("give an assignment, a student and a duration (or nothing, to list the extensions)")
    if args.assignment:
        try:
            grant(args.course, args.assignment, args.student, parse_duration(args.duration))
        except ValueError as problem:
            parser.error(str(problem))
    for assignment, students in load(args.course).items():
        for student, extra in students.items():
            print(f"{assignment}  {student}  +{format_hours(extra)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
