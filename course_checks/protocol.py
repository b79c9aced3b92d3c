"""The record contract between a grading kernel and the grader, defined once and used by both sides.

While grading, the grader starts each kernel with two environment variables
(:data:`RECORDS_ENV`, :data:`SEED_ENV`). Every hidden check the kernel runs
writes one JSON **record** to ``<records>/<exercise>.<part>.json``:

``{"exercise": str, "part": str, "seed": int, "outcomes": [entry, ...], "flags": [str, ...]}``

- an **entry** is one case's outcome:
  ``{"label", "digest", "value", "error", "mutated", "warnings", "after", "calls"}``
  (values encoded by :func:`course_checks.records.encode`);
- a **call** in ``"calls"`` is one call the student's function made to their
  own solution of another graded exercise:
  ``{"name", "args", "kwargs", "result"}``, plus ``"error"`` if it raised;
- a **flag** is what the kernel's own source rule objected to.

The kernel is untrusted: :func:`parse` and :func:`parse_entry` accept exactly
these keys with these types and raise :class:`~course_checks.records.RecordError`
on anything else. The grader then decodes the values and judges them
(:class:`course_checks.modes.Replaying`).
"""

import json
import os
from collections.abc import Iterable

from course_checks.records import RecordError

#: Environment variables through which the grader tells the kernel where to record, and its seed.
RECORDS_ENV, SEED_ENV = "NN_GRADER_RECORDS", "NN_GRADER_SEED"
#: Largest record the grader reads, in bytes.
MAX_RECORD_BYTES = 64 * 1024 * 1024
#: The most helper calls recorded for one case (a composite calls its helpers a few times).
MAX_TRACED_CALLS = 200

HEADER_KEYS = frozenset({"exercise", "part", "seed", "outcomes", "flags"})
ENTRY_KEYS = frozenset({"label", "digest", "value", "error", "mutated", "warnings", "after", "calls"})
CALL_KEYS = frozenset({"name", "args", "kwargs", "result"})


def new_record(exercise: str, part: str, seed: int) -> dict:
    """An empty record of one hidden check, for the kernel to fill."""
    return {"exercise": exercise, "part": part, "seed": seed, "outcomes": [], "flags": []}


def new_entry(label: str, digest: str, value: dict, error: dict | None, mutated: Iterable[str], warnings: Iterable[str],
              after: Iterable[dict], calls: Iterable[dict]) -> dict:
    """One case's outcome as it is recorded (values already encoded)."""
    return {"label": label, "digest": digest, "value": value, "error": error, "mutated": list(mutated),
            "warnings": list(warnings), "after": list(after), "calls": list(calls)}


def new_call(name: str, args: list, kwargs: dict, result: dict, error: dict | None = None) -> dict:
    """One traced helper call as it is recorded (values already encoded); ``error`` only if it raised."""
    call = {"name": name, "args": args, "kwargs": kwargs, "result": result}
    if error is not None:
        call["error"] = error
    return call


def record_name(exercise: str, part: str) -> str:
    """The name of the record of one hidden check, ``<exercise>.<part>``."""
    return f"{exercise}.{part}"


def record_path(folder: str, exercise: str, part: str) -> str:
    """Where the record of one hidden check is written in ``folder``."""
    return os.path.join(folder, record_name(exercise, part) + ".json")


def dumps(record: dict) -> str:
    """A record (a dict of plain data) as JSON text."""
    return json.dumps(record, allow_nan=True)


def write(folder: str, record: dict) -> None:
    """Write a record to its :func:`record_path` in ``folder``, atomically."""
    target = record_path(folder, record["exercise"], record["part"])
    with open(target + ".tmp", "w") as handle:
        handle.write(dumps(record))
    os.replace(target + ".tmp", target)


def loads(text: str) -> dict:
    """Parse a record's JSON text; RecordError if it is too large or not a JSON object."""
    if len(text) > MAX_RECORD_BYTES:
        raise RecordError("record too large")
    try:
        record = json.loads(text)
    except (ValueError, RecursionError):
        raise RecordError("record is not valid JSON") from None
    if not isinstance(record, dict):
        raise RecordError("record is not a JSON object")
    return record


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def parse(text: str, exercise: str, part: str, seed: int) -> tuple[list, list]:
    """The outcomes and flags of a record made for this check and seed; RecordError otherwise.

    Parameters
    ----------
    text : str
        The record as the kernel wrote it.
    exercise, part : str
        The hidden check the grader is judging.
    seed : int
        The grader's seed.

    Returns
    -------
    entries : list of dict
        The outcomes, each checked by :func:`parse_entry` when it is used.
    flags : list of str
    """
    record = loads(text)
    if set(record) != HEADER_KEYS:
        raise RecordError("malformed record")
    if (record["exercise"], record["part"], record["seed"]) != (exercise, part, seed) \
            or type(record["seed"]) is not int:
        raise RecordError("the record is for another check or another seed")
    if not isinstance(record["outcomes"], list) or not _strings(record["flags"]):
        raise RecordError("malformed record")
    return record["outcomes"], record["flags"]


def parse_entry(entry: object, label: str, digest: str, arguments: int) -> dict:
    """One recorded outcome, checked: made for the case ``label`` with this ``digest`` and number of ``arguments``.

    Returns the entry; raises RecordError if it is malformed or for other inputs.
    """
    if not isinstance(entry, dict) or entry.get("digest") != digest:
        raise RecordError(f"the recorded outcome is for other inputs than: {label}")
    if set(entry) != ENTRY_KEYS or not isinstance(entry["label"], str) or not _strings(entry["mutated"]) \
            or not _strings(entry["warnings"]) or not isinstance(entry["after"], list) \
            or len(entry["after"]) != arguments:
        raise RecordError("malformed outcome")
    parse_calls(entry["calls"])
    return entry


def parse_calls(calls: object) -> list:
    """The traced helper calls of one outcome, checked (values still encoded); RecordError if malformed."""
    if not isinstance(calls, list) or len(calls) > MAX_TRACED_CALLS:
        raise RecordError("malformed helper calls")
    for call in calls:
        if not isinstance(call, dict) or not CALL_KEYS <= set(call) <= CALL_KEYS | {"error"} \
                or not isinstance(call["name"], str) or not isinstance(call["args"], list) \
                or not isinstance(call["kwargs"], dict) or not all(isinstance(k, str) for k in call["kwargs"]):
            raise RecordError("malformed helper call")
    return calls
