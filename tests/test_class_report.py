"""The class report's HTML, from summaries as data (the report of a real class is tested in test_grade_class)."""

import re

from course_grader.class_report import render_report

SUMMARIES = {
    "02_softmax": {
        "totals": {"ada": (20.0, 20.0), "bo": (14.0, 20.0), "cy": (14.0, 20.0), "<dee>": (0.0, 20.0)},
        "cells": {"test_softmax_values": (3, 4, 4.0), "test_softmax_stable": (1, 4, 2.0)},
        "diagnoses": {"softmax": [("softmax: returned nan or inf probabilities", 2, "bo"),
                                  ("softmax: <script>alert(1)</script> rows do not sum to 1", 1, "<dee>")],
                      "logsumexp": [("logsumexp: is not defined", 1, "<dee>")]},
    },
    "01_one_hot": {"totals": {}, "cells": {}, "diagnoses": {}},
}


def test_the_report_shows_figures_counts_and_the_most_frequent_diagnosis_first():
    page = render_report("nn", SUMMARIES, [])
    assert page.count("data:image/png;base64,") == 2
    assert "4 students; mean 12.0 / 20, median 14; 1 with full marks." in page
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
