"""The hostile corpus through real nbgrader: cheats earn nothing, crashes cost only their own cells.

One course grades every submission of :mod:`classroom.hostile` (a few minutes: some submissions
time out on purpose, with the per-cell timeout lowered to 15 s for this course).
"""

import re
from types import SimpleNamespace

import nbformat
import pytest

from classroom import nbgrader_run as run
from classroom.catalogue import FUNCTIONS
from classroom.demo import function_of
from classroom.hostile import corpus, expected_full

pytestmark = pytest.mark.nbgrader

ENTRIES = corpus()
ASSIGNMENTS = sorted({a for e in ENTRIES for a in e.assignments})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = run.make_course(tmp_path_factory.mktemp("hostile") / "course", ASSIGNMENTS,
                             settings=["c.Execute.timeout = 15"])
    for entry in ENTRIES:
        entry.build(course / "submitted" / entry.id)
    logs, scores = {}, {}
    for assignment in ASSIGNMENTS:
        logs[assignment] = run.nbgrader(course, "autograde", assignment, "--create", "--force", check=False)
        run.generate_feedback(course, assignment)
        scores[assignment] = run.cell_scores(course, assignment)
    return SimpleNamespace(course=course, logs=logs, scores=scores)


def per_function(cells, assignment):
    out = {}
    for cell, (score, top) in cells.items():
        f = function_of(cell, FUNCTIONS[assignment])
        got, most = out.get(f, (0, 0))
        out[f] = (got + score, most + top)
    return out


def feedback_text(graded, entry, assignment):
    return "".join(p.read_text() for p in (graded.course / "feedback" / entry.id / assignment).glob("*.html"))


def test_the_corpus_covers_the_attacks():
    assert len(ENTRIES) >= 25 and len({e.id for e in ENTRIES}) == len(ENTRIES)
    for word in ("reference", "numpy", "builtins", "sys_modules", "visible", "seed", "loop", "tests", "exits",
                 "segfault", "memory", "fork", "print", "corrupt", "missing", "extra", "renamed", "some_cells"):
        assert any(word in e.id for e in ENTRIES), word
    assert set(ASSIGNMENTS) == set(FUNCTIONS), "every assignment has at least one hostile submission"


def test_every_submission_gets_a_row_and_feedback_and_the_batch_goes_on(graded):
    for assignment in ASSIGNMENTS:
        assert "There was an error processing" not in graded.logs[assignment], graded.logs[assignment][-3000:]
        for entry in [e for e in ENTRIES if assignment in e.assignments]:
            assert graded.scores[assignment].get(entry.id), entry.id
            assert feedback_text(graded, entry, assignment), entry.id


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_no_cheat_earns_a_point_and_honest_cells_keep_theirs(graded, entry):
    for assignment in entry.assignments:
        cells = graded.scores[assignment][entry.id]
        functions = per_function(cells, assignment)
        for function in entry.zero:
            assert functions[function][0] == 0, (function, functions[function])
        for cell in entry.zero_cells:
            assert cells[cell][0] == 0, cell
        partly = {function_of(c, FUNCTIONS[assignment]) for c in entry.zero_cells}
        for function in expected_full(entry, FUNCTIONS[assignment]):
            score, top = functions[function]
            if function in partly:
                assert score == top - sum(cells[c][1] for c in entry.zero_cells), function
            else:
                assert score == top, (function, score, top, run.cell_messages(graded.course, entry.id, assignment))


def test_feedback_shows_verdicts_and_never_the_hidden_tests(graded):
    for entry in ENTRIES:
        for assignment in entry.assignments:
            html = feedback_text(graded, entry, assignment)
            for secret in ("BEGIN HIDDEN TESTS", "from course_checks import", "course_checks"):
                assert secret not in html, (entry.id, secret)
    honest = feedback_text(graded, next(e for e in ENTRIES if e.id == "stderr_noise"), "02_softmax")
    assert "passed: softmax (values)" in honest and "hidden test: softmax, part" in honest


def messages(graded, student, assignment="02_softmax"):
    return run.cell_messages(graded.course, student, assignment)


def test_messages_say_what_happened(graded):
    assert "reference solution" in messages(graded, "imports_reference")["test_softmax_values"]
    assert "getattr" in messages(graded, "getattr_sys_modules")["test_softmax_values"]
    assert "has a for loop" in messages(graded, "loop_in_vectorized")["test_softmax_vectorized"]
    assert "KernelDied" in messages(graded, "exits_in_function")["test_logsumexp_values"]
    assert "KernelDied" in messages(graded, "segfaults")["test_log_softmax_values"]
    assert "did not finish: CellTimeoutError" in messages(graded, "infinite_loop")["test_softmax_values"]
    assert "killed the kernel or timed out" in messages(graded, "infinite_loop")["test_softmax_stable"]
    assert "MemoryError" in messages(graded, "memory_bomb")["test_cross_entropy_values"]
    assert "oracle library (sklearn)" in messages(graded, "sklearn_one_hot", "01_one_hot")["test_one_hot_values"]
    for cell in ("test_conv_forward_fast_values", "test_conv_forward_fast_vectorized"):
        assert "oracle library (scipy)" in messages(graded, "scipy_fast_conv", "04_convolution")[cell]
    assert "missed" in messages(graded, "hardcodes_buggy_layers", "05_gradient_check")["test_find_buggy_layers_values"]
    assert "cannot be trusted" in messages(graded, "forges_records")["test_softmax_values"] \
        or "wrong" in messages(graded, "forges_records")["test_softmax_values"]


def test_output_floods_are_cut(graded):
    path = graded.course / "autograded" / "huge_print" / "02_softmax" / "softmax.ipynb"
    assert path.stat().st_size < 1_000_000
    text = "".join(o.get("text", "") for c in nbformat.read(path, as_version=4).cells for o in c.get("outputs", []))
    assert "output truncated" in text.lower()


def test_odd_hand_ins_are_graded_and_explained(graded):
    folder = graded.course / "submitted"
    assert (folder / "corrupt_json" / "02_softmax" / "softmax.ipynb.unreadable").exists()
    assert "could not be read" in feedback_text(graded, next(e for e in ENTRIES if e.id == "corrupt_json"), "02_softmax")
    renamed = feedback_text(graded, next(e for e in ENTRIES if e.id == "renamed_notebook"), "02_softmax")
    assert "softmax-final.ipynb" in renamed
    missing = graded.course / "feedback" / "missing_notebook" / "03_gradients"
    assert sorted(p.name for p in missing.glob("*.html")) == ["layers.html", "mlp_gradients.html"]
    assert re.search(r"was not handed in", (missing / "mlp_gradients.html").read_text())
