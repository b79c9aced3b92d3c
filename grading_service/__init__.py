"""The grading service: feedback when a student submits.

One long-running process beside the course (``python -m grading_service serve``) watches the
course's nbgrader exchange, collects each new submission with nbgrader's own collect, grades it
as a job on Dask through the same code as the class command (:mod:`class_grader`), stores the
marks as the gradebook's one writer, and releases the feedback to that student through the
exchange, as the assignment's feedback policy says (:mod:`grading_service.settings`).
"""
