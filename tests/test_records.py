"""course_checks.records: outcomes as plain data, read back safely."""

import json
import subprocess
import sys

import numpy as np
import pytest

from course_checks import CHECKS
from course_checks.cases import Case
from course_checks.checks import run
from course_checks.modes import Recording, Replaying
from course_checks.protocol import dumps
from course_checks.records import (
    Opaque,
    RecordError,
    decode,
    decode_error,
    digest,
    encode,
    encode_error,
)


def roundtrip(value):
    return decode(json.loads(json.dumps(encode(value))))


@pytest.mark.parametrize("value", [
    np.arange(12.0).reshape(3, 4), np.array([[1, 2]], dtype=np.int32), np.array([True, False]),
    np.array(["dog", "cat"]), np.zeros((0, 3)), np.float64(2.5), np.int64(-3), 1.5, 7, True, None, "text",
    (np.ones(2), np.zeros((2, 2))), [np.ones(1), 3], {"W1": np.eye(2), "b1": np.zeros(2)}, {"a", "b"},
    np.array([np.nan, np.inf, -0.0]),
])
def test_plain_values_survive_the_roundtrip_exactly(value):
    back = roundtrip(value)
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape
        assert np.array_equal(back, value, equal_nan=value.dtype.kind == "f")
        assert np.array_equal(np.signbit(back), np.signbit(value)) if value.dtype.kind == "f" else True
    elif isinstance(value, (tuple, list)):
        assert all(np.array_equal(a, b) for a, b in zip(back, value))
    elif isinstance(value, dict):
        assert back.keys() == value.keys() and all(np.array_equal(back[k], value[k]) for k in value)
    else:
        assert back == value


def test_other_objects_come_back_as_named_stand_ins():
    back = roundtrip((x for x in range(3)))
    assert isinstance(back, Opaque) and type(back).__name__ == "generator"
    assert isinstance(roundtrip(np.array([object()], dtype=object)), Opaque)


@pytest.mark.parametrize("item, problem", [
    ({"t": "nd", "dtype": "|O", "shape": [1], "data": ""}, "not plain data"),
    ({"t": "nd", "dtype": "<f8", "shape": [3], "data": "AAAAAAAAAAA="}, "does not match its shape"),
    ({"t": "nd", "dtype": "<f8", "shape": [-1], "data": ""}, "malformed shape"),
    ({"t": "py", "v": [1, 2]}, "malformed scalar"),
    ({"t": "pickle", "v": "..."}, "unknown value kind"),
    ({"t": "dict", "items": [[1, {"t": "py", "v": 1}]]}, "malformed dict"),
    ("not a dict", "malformed value"),
])
def test_malformed_values_are_rejected(item, problem):
    with pytest.raises(RecordError, match=problem):
        decode(item)


def test_exceptions_come_back_with_their_name_message_and_nearest_builtin_class():
    class ShapeError(ValueError):
        pass

    back = decode_error(json.loads(json.dumps(encode_error(ShapeError("y: expected (N,)")))))
    assert isinstance(back, ValueError) and type(back).__name__ == "ShapeError" and str(back) == "y: expected (N,)"
    assert type(decode_error(encode_error(NotImplementedError()))) is NotImplementedError
    with pytest.raises(RecordError):
        decode_error({"types": "ValueError", "message": "x"})


DIGESTS = """
import json, sys
from course_checks import CHECKS
from course_checks.modes import Replaying
from course_checks.records import digest
seen = []
class Collect(Replaying):  # hands out nothing: only notes each case's digest
    def next(self, case):
        seen.append(digest(case))
        raise AssertionError("stop")
for name, (check, parts) in sorted(CHECKS.items()):
    for part in parts:
        try:
            check(None, part=part, seed=int(sys.argv[1]), mode=Collect([]))
        except AssertionError:
            pass
print(json.dumps(seen))
"""


def test_case_digests_are_the_same_in_another_process():
    digests = [json.loads(subprocess.run([sys.executable, "-c", DIGESTS, "123"], capture_output=True, text=True,
                                         check=True).stdout) for _ in range(2)]
    assert digests[0] == digests[1] and len(digests[0]) == sum(len(p) for _, p in CHECKS.values())
    other = json.loads(subprocess.run([sys.executable, "-c", DIGESTS, "124"], capture_output=True, text=True,
                                      check=True).stdout)
    assert other != digests[0]


def test_digest_tells_inputs_apart():
    a = Case("x", (np.zeros(3),))
    assert digest(a) == digest(Case("x", (np.zeros(3),)))
    assert digest(a) != digest(Case("x", (np.zeros(4),)))
    assert digest(a) != digest(Case("x", (np.zeros(3, dtype=np.float32),)))
    assert digest(a) != digest(Case("y", (np.zeros(3),)))


def _record_one(func, case):
    mode = Recording("softmax", "values", 0)
    run(func, case, mode=mode)
    return json.loads(dumps(mode.record))["outcomes"]


def test_replay_decides_mutation_from_the_recorded_arguments_not_the_kernels_word():
    case = Case("Z of shape (2, 2)", (np.ones((2, 2)),))

    def mutates(Z):
        Z -= 1
        return Z

    entries = _record_one(mutates, case)
    entries[0]["mutated"] = []  # a kernel that claims nothing changed
    outcome = run(None, case, mode=Replaying(entries))
    assert outcome.mutated == ("argument 1",)


def test_replay_rejects_outcomes_for_other_inputs_and_missing_ones():
    case = Case("Z", (np.ones(2),))
    entries = _record_one(lambda Z: Z * 2, case)
    replay = Replaying(entries)
    assert np.array_equal(run(None, case, mode=replay).value, [2.0, 2.0])
    with pytest.raises(RecordError, match="no outcome"):
        run(None, case, mode=replay)
    with pytest.raises(RecordError, match="other inputs"):
        run(None, Case("Z", (np.ones(3),)), mode=Replaying(entries))
    broken = [dict(entries[0], after=[])]
    with pytest.raises(RecordError, match="malformed"):
        run(None, case, mode=Replaying(broken))


def test_replay_never_calls_the_function():
    calls = []
    entries = _record_one(lambda Z: Z + 1, Case("Z", (np.ones(2),)))
    run(lambda Z: calls.append(Z), Case("Z", (np.ones(2),)), mode=Replaying(entries))
    assert calls == []
