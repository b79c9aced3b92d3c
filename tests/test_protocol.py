"""course_checks.protocol: the record contract, parsed strictly on the grader's side."""

import json

import numpy as np
import pytest

from course_checks.cases import Case
from course_checks.checks import run
from course_checks.modes import Recording, Replaying
from course_checks.protocol import (
    ENTRY_KEYS,
    HEADER_KEYS,
    MAX_TRACED_CALLS,
    dumps,
    loads,
    new_call,
    parse,
    parse_calls,
    parse_entry,
    record_path,
    write,
)
from course_checks.records import RecordError, digest, encode

CASE = Case("Z of shape (2,)", (np.ones(2),))


def recorded():
    """The text of the record a well-behaved kernel writes for ``softmax`` (``values``, seed 7) on :data:`CASE`."""
    mode = Recording("softmax", "values", 7)
    run(lambda Z: Z * 2, CASE, mode=mode)
    return dumps(mode.record)


def test_a_kernels_record_parses_and_replays():
    entries, flags = parse(recorded(), "softmax", "values", 7)
    assert set(entries[0]) == ENTRY_KEYS and flags == []
    outcome = run(None, CASE, mode=Replaying(entries, flags=flags))
    assert np.array_equal(outcome.value, [2.0, 2.0])


def test_write_puts_the_record_where_the_grader_reads_it(tmp_path):
    record = json.loads(recorded())
    write(str(tmp_path), record)
    assert json.loads(open(record_path(str(tmp_path), "softmax", "values")).read()) == record
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("exercise, part, seed", [("one_hot", "values", 7), ("softmax", "stable", 7),
                                                  ("softmax", "values", 8)])
def test_a_record_for_another_check_or_seed_is_rejected(exercise, part, seed):
    with pytest.raises(RecordError, match="another check or another seed"):
        parse(recorded(), exercise, part, seed)


@pytest.mark.parametrize("change", [
    lambda r: r.update(extra=1),                      # a key the contract does not have
    lambda r: r.pop("flags"),                          # a key missing
    lambda r: r.update(flags="not a list"),
    lambda r: r.update(flags=[1]),
    lambda r: r.update(outcomes={"0": {}}),
    lambda r: r.update(seed=7.0),                      # equal to 7, but not an int
])
def test_a_header_that_is_not_exactly_the_contract_is_rejected(change):
    record = json.loads(recorded())
    change(record)
    with pytest.raises(RecordError):
        parse(json.dumps(record), "softmax", "values", 7)


def test_text_that_is_not_a_json_object_or_too_large_is_rejected():
    for text in ("[1, 2]", "{not json", " " * (64 * 1024 * 1024 + 1)):
        with pytest.raises(RecordError):
            loads(text)
    assert set(loads(recorded())) == HEADER_KEYS


@pytest.mark.parametrize("change, problem", [
    (lambda e: e.update(digest="0" * 32), "other inputs"),
    (lambda e: e.update(spare=1), "malformed outcome"),
    (lambda e: e.pop("calls"), "malformed outcome"),
    (lambda e: e.update(after=[]), "malformed outcome"),
    (lambda e: e.update(mutated="argument 1"), "malformed outcome"),
    (lambda e: e.update(warnings=[None]), "malformed outcome"),
    (lambda e: e.update(label=3), "malformed outcome"),
    (lambda e: e.update(calls=[{"name": "f", "args": [], "kwargs": {}}]), "malformed helper call"),
])
def test_an_entry_that_is_not_exactly_the_contract_is_rejected(change, problem):
    case = CASE
    entry = parse(recorded(), "softmax", "values", 7)[0][0]
    assert parse_entry(dict(entry), case.label, digest(case), 1) == entry
    change(entry)
    with pytest.raises(RecordError, match=problem):
        parse_entry(entry, case.label, digest(case), 1)


def test_helper_calls_are_checked_and_capped():
    call = new_call("affine_forward", [encode(1.0)], {"w": encode(2.0)}, encode(3.0))
    assert parse_calls([call]) == [call]
    assert "error" not in call and "error" in new_call("f", [], {}, encode(None), {"type": "ValueError"})
    with pytest.raises(RecordError, match="malformed helper calls"):
        parse_calls([call] * (MAX_TRACED_CALLS + 1))
    for bad in ({**call, "kwargs": {1: encode(2.0)}}, {**call, "name": None}, {**call, "stack": []}, "call"):
        with pytest.raises(RecordError):
            parse_calls([bad])
