"""The class report's HTML, from summaries as data (the report of a real class is tested in test_grade_class)."""

import re

import nbformat

from class_grader.report import failed_grade_cells, first_line, message_template, render_report
from course_grader.grading_state import set_verdict, verdict

SUMMARIES = {
    "02_softmax": {
        "totals": {"ada": (20.0, 20.0), "bo": (14.0, 20.0), "cy": (14.0, 20.0), "<dee>": (0.0, 20.0)},
        "late": {"cy": 1.0},
        "cells": {"test_softmax_values": (3, 4, 4.0), "test_softmax_stable": (1, 4, 2.0)},
        "diagnoses": {"softmax": [("softmax: returned nan or inf probabilities", 2, "bo"),
                                  ("softmax: <script>alert(1)</script> rows do not sum to 1", 1, "<dee>")],
                      "logsumexp": [("logsumexp: is not defined", 1, "<dee>")]},
    },
    "01_one_hot": {"totals": {}, "late": {}, "cells": {}, "diagnoses": {}},
}


def test_the_report_shows_figures_counts_and_the_most_frequent_diagnosis_first():
    page = render_report("nn", SUMMARIES, [])
    assert page.count("data:image/png;base64,") == 2
    assert "4 students; mean 12.0 / 20, median 14; 1 with full marks; 1 late." in page
    assert page.index("<h4><code>softmax</code></h4>") < page.index("<h4><code>logsumexp</code></h4>")
    rows = re.findall(r"<td class='n'>(\d+)</td><td><code>([^<]*)</code></td><td>([^<]*)</td>", page)
    assert rows[0] == ("2", "softmax: returned nan or inf probabilities", "bo")
    assert "No graded submissions." in page


def test_student_text_in_the_report_is_escaped():
    page = render_report("nn", SUMMARIES, [{"assignment": "02_softmax", "student": "<dee>", "status": "timeout",
                                            "message": "took longer than <b>its budget</b>"}])
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;dee&gt;" in page and "<dee>" not in page
    assert "Jobs that timed out or failed" in page and "took longer than &lt;b&gt;its budget&lt;/b&gt;" in page


def test_the_student_table_marks_late_extended_and_failed_hand_ins_and_links_the_feedback():
    students = {"ada": {"02_softmax": {"score": 18.0, "max": 20.0, "late_penalty": 2.0, "extension_hours": 36.0,
                                       "status": "graded", "feedback": ["feedback/ada/02_softmax/softmax.html"]}},
                "bo": {"02_softmax": {"score": 0.0, "max": 20.0, "late_penalty": 0.0, "extension_hours": 0.0,
                                      "status": "timeout", "feedback": []}}}
    page = render_report("nn", SUMMARIES, [], students)
    row = page[page.index("<td>ada</td>"):page.index("<td>bo</td>")]
    assert "18 / 20" in row and "late −2" in row and "ext. +1 d 12 h" in row
    assert "<a href='../feedback/ada/02_softmax/softmax.html'>softmax</a>" in row
    assert "<b>timeout</b>" in page[page.index("<td>bo</td>"):]


def test_failed_jobs_say_what_to_do():
    page = render_report("nn", SUMMARIES, [{"assignment": "02_softmax", "student": "bo", "status": "timeout",
                                            "message": "took longer than its budget of 12 s"}])
    assert "--retry-failed" in page and "manual grading" in page


def test_diagnoses_group_by_their_template_without_the_data_values():
    a = "index 3 is out of bounds for axis 1 with size 3"
    b = "index 5 is out of bounds for axis 0 with size 5"
    assert message_template(a) == message_template(b) == "index N is out of bounds for axis N with size N"
    assert message_template("Z of shape (6, 4), logits near -1000.5 and 1e+03") == \
        "Z of shape (N, N), logits near N and N"
    assert message_template("label 'cat' is unknown") == "label '…' is unknown"
    assert message_template("softmax: rows do not sum to 1: did you sum over axis 0?") == \
        "softmax: rows do not sum to N: did you sum over axis N?"
    assert message_template("log_softmax returned float32") == "log_softmax returned float32"


def test_a_blank_error_value_still_gives_a_line():
    assert first_line("   \n  ") == first_line("") == first_line(None) == "(no message: the cell did not run)"
    assert first_line("\nsoftmax: wrong\n  input: Z") == "softmax: wrong"



def test_the_report_reads_the_verdicts_judging_wrote_not_the_outputs(tmp_path):
    def grade_cell(grade_id, message):
        cell = nbformat.v4.new_code_cell("check_softmax(softmax)")
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True, "points": 1,
                                     "schema_version": 3, "solution": False}
        set_verdict(cell, "softmax", grade_id.rsplit("_", 1)[1], message)
        return cell

    failed = grade_cell("test_softmax_values", "softmax: wrong\n  input: Z")
    passed = grade_cell("test_softmax_stable", None)
    assert verdict(failed) == ("failed", "softmax: wrong\n  input: Z") and verdict(passed) == ("passed", "")
    assert failed.outputs[0].output_type == "error" and passed.outputs[0].text == "passed: softmax (stable)\n"
    failed.outputs[0]["evalue"] = "something a kernel printed"  # the outputs are not what is read
    unjudged = nbformat.v4.new_code_cell("1")
    unjudged.metadata["nbgrader"] = {**failed.metadata["nbgrader"], "grade_id": "test_other"}
    unjudged.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="x", traceback=[])]
    nbformat.write(nbformat.v4.new_notebook(cells=[failed, passed, unjudged]), tmp_path / "softmax.ipynb")
    assert failed_grade_cells(tmp_path) == {"test_softmax_values": "softmax: wrong\n  input: Z"}
