"""The class report's HTML, from summaries as data (the report of a real class is tested in test_grade_class)."""

import re

from class_grader.report import first_line, message_template, render_report

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
    assert first_line("AssertionError", "   \n  ") == "AssertionError"
    assert first_line("", "") == "(no message: the cell did not run)"
    assert first_line("AssertionError", "\nsoftmax: wrong\n  input: Z") == "softmax: wrong"

