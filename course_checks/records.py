"""Outcomes as plain data, so that a trusted process can judge what a student's kernel recorded.

During grading the student's kernel runs their function on the check's cases
and writes what happened (:class:`~course_checks.cases.Outcome`) to a
JSON record (:mod:`.protocol`); the grader reads the record back and judges it with pristine
code. The kernel is untrusted, so :func:`decode` reads only plain JSON (no
pickle), accepts only arrays of numbers and strings, and rejects anything malformed with
:class:`RecordError`. A case's inputs are summarised by :func:`digest`, which
the grader recomputes from its own cases: a record made for other inputs is
rejected.
"""

import base64
import builtins
import hashlib
import json
import types

import numpy as np

from course_checks.cases import Case

#: Deepest nesting of containers that is encoded; deeper values are opaque.
MAX_DEPTH = 12
_PLAIN_KINDS = "biufcUS"  # numbers, booleans and fixed-width strings: never objects


class RecordError(ValueError):
    """A record that is missing, malformed, or does not match the grader's cases."""


class Opaque:
    """Stands in for a returned value that is not plain data (a generator, a custom object)."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name} object>"


def encode(value: object, depth: int = 0) -> dict:
    """A JSON-compatible description of a returned value.

    Arrays of numbers, booleans and strings, NumPy scalars, Python scalars, strings,
    ``None``, and tuples, lists, sets and string-keyed dicts of these are kept;
    anything else is recorded by its type name only.
    """
    if depth > MAX_DEPTH:
        return {"t": "opaque", "type": type(value).__name__}
    if value is None or isinstance(value, (bool, str)):
        return {"t": "py", "v": value}
    if isinstance(value, (int, float)) and type(value) in (int, float):
        return {"t": "py", "v": value}
    if isinstance(value, np.ndarray) and value.dtype.kind in _PLAIN_KINDS:
        data = np.ascontiguousarray(value)
        return {"t": "nd", "dtype": data.dtype.str, "shape": list(data.shape),
                "data": base64.b64encode(data.tobytes()).decode("ascii")}
    if isinstance(value, np.generic) and np.dtype(type(value)).kind in _PLAIN_KINDS:
        data = np.asarray(value)
        return {"t": "np", "dtype": data.dtype.str, "data": base64.b64encode(data.tobytes()).decode("ascii")}
    if type(value) in (tuple, list):
        return {"t": type(value).__name__, "items": [encode(v, depth + 1) for v in value]}
    if type(value) in (set, frozenset):
        items = sorted((encode(v, depth + 1) for v in value), key=lambda e: json.dumps(e, sort_keys=True))
        return {"t": type(value).__name__, "items": items}
    if type(value) is dict and all(isinstance(k, str) for k in value):
        return {"t": "dict", "items": [[k, encode(v, depth + 1)] for k, v in value.items()]}
    return {"t": "opaque", "type": type(value).__name__}


def _dtype(text):
    try:
        dtype = np.dtype(text)
    except TypeError:
        raise RecordError(f"bad dtype {text!r}") from None
    if dtype.kind not in _PLAIN_KINDS or dtype.hasobject:
        raise RecordError(f"dtype {text!r} is not plain data")
    return dtype


def decode(item: object, depth: int = 0) -> object:
    """The value that :func:`encode` described; :class:`RecordError` if ``item`` is malformed."""
    if depth > MAX_DEPTH + 1 or not isinstance(item, dict):
        raise RecordError("malformed value")
    kind = item.get("t")
    if kind == "py":
        value = item.get("v")
        if value is not None and type(value) not in (bool, int, float, str):
            raise RecordError("malformed scalar")
        return value
    if kind in ("nd", "np"):
        dtype = _dtype(item.get("dtype"))
        shape = item.get("shape", []) if kind == "nd" else []
        if not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape):
            raise RecordError("malformed shape")
        try:
            raw = base64.b64decode(item.get("data", ""), validate=True)
        except (ValueError, TypeError):
            raise RecordError("malformed array data") from None
        if len(raw) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
            raise RecordError("array data does not match its shape")
        array = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        return array if kind == "nd" else array[()]
    if kind in ("tuple", "list"):
        items = item.get("items")
        if not isinstance(items, list):
            raise RecordError("malformed sequence")
        values = [decode(v, depth + 1) for v in items]
        return tuple(values) if kind == "tuple" else values
    if kind == "dict":
        items = item.get("items")
        if not isinstance(items, list) or not all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], str)
                                                  for p in items):
            raise RecordError("malformed dict")
        return {k: decode(v, depth + 1) for k, v in items}
    if kind in ("set", "frozenset"):
        items = item.get("items")
        if not isinstance(items, list):
            raise RecordError("malformed set")
        try:
            values = {decode(v, depth + 1) for v in items}
        except TypeError:
            raise RecordError("unhashable set item") from None
        return values if kind == "set" else frozenset(values)
    if kind == "opaque":
        name = item.get("type")
        if not isinstance(name, str):
            raise RecordError("malformed opaque value")
        name = name[:100] if name[:100].isidentifier() else "object"
        return type(name, (Opaque,), {})(name)
    raise RecordError(f"unknown value kind {kind!r}")


def has_opaque(value: object) -> bool:
    """True if a decoded value is, or contains, an :class:`Opaque` stand-in."""
    if isinstance(value, Opaque):
        return True
    if isinstance(value, (tuple, list, set, frozenset)):
        return any(has_opaque(v) for v in value)
    if isinstance(value, dict):
        return any(has_opaque(v) for v in value.values())
    return False


def encode_error(error: BaseException | None) -> dict | None:
    """An exception as its class names (most derived first) and message."""
    if error is None:
        return None
    names = [c.__name__ for c in type(error).__mro__]
    try:
        message = str(error)
    except Exception:  # noqa: BLE001 - a student's exception whose __str__ fails
        message = ""
    return {"types": names[:20], "message": message[:4000]}


def decode_error(item: object) -> BaseException | None:
    """An exception rebuilt from :func:`encode_error`: the nearest built-in class, under its recorded name."""
    if item is None:
        return None
    if not isinstance(item, dict) or not isinstance(item.get("types"), list) or not item["types"] \
            or not all(isinstance(n, str) for n in item["types"]) or not isinstance(item.get("message"), str):
        raise RecordError("malformed exception")
    names = item["types"]
    base = next((getattr(builtins, n) for n in names if isinstance(getattr(builtins, n, None), type)
                 and issubclass(getattr(builtins, n), BaseException)), Exception)
    leaf = names[0] if names[0].isidentifier() else base.__name__
    cls = base if leaf == base.__name__ else type(leaf, (base,), {})
    try:
        return cls(item["message"])
    except TypeError:  # built-ins such as UnicodeDecodeError need more arguments
        return type(leaf, (Exception,), {})(item["message"])


def _fingerprint(value, depth=0):
    """Plain data that identifies a case argument, for :func:`digest`."""
    if depth > MAX_DEPTH:
        return type(value).__qualname__
    if isinstance(value, np.ndarray) or isinstance(value, np.generic) or value is None \
            or isinstance(value, (bool, int, float, str)):
        if isinstance(value, (np.ndarray, np.generic)) and np.asarray(value).dtype.kind not in _PLAIN_KINDS:
            return ["array", str(np.asarray(value).dtype)]
        if isinstance(value, (np.ndarray, np.generic)):
            data = np.ascontiguousarray(value)
            return ["array", data.dtype.str, list(data.shape), hashlib.sha256(data.tobytes()).hexdigest()]
        return ["py", type(value).__name__, repr(value)]
    if isinstance(value, (tuple, list)):
        return [type(value).__name__, [_fingerprint(v, depth + 1) for v in value]]
    if isinstance(value, dict):
        return ["dict", [[repr(k), _fingerprint(v, depth + 1)] for k, v in value.items()]]
    if isinstance(value, np.random.Generator):
        return ["rng", _fingerprint(value.bit_generator.state, depth + 1)]
    if isinstance(value, types.FunctionType):
        cells = [c.cell_contents for c in value.__closure__ or () if _has_contents(c)]
        return ["function", value.__qualname__, _fingerprint(cells, depth + 1),
                _fingerprint(list(value.__defaults__ or ()), depth + 1)]
    if isinstance(value, types.BuiltinFunctionType) or isinstance(value, np.ufunc):
        return ["builtin", getattr(value, "__name__", repr(value))]
    state = getattr(value, "__dict__", None)
    return ["object", type(value).__qualname__, _fingerprint(dict(state) if state else None, depth + 1)]


def _has_contents(cell):
    try:
        cell.cell_contents  # noqa: B018 - reading an empty cell raises ValueError
    except ValueError:
        return False
    return True


def digest(case: "Case") -> str:
    """A short hash of a case's label and arguments, the same in every process."""
    text = json.dumps([case.label, _fingerprint(list(case.args)), _fingerprint(dict(case.kwargs))])
    return hashlib.sha256(text.encode()).hexdigest()[:32]
