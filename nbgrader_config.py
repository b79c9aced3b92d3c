"""nbgrader configuration for the course "Neural networks from scratch in NumPy".

Run nbgrader commands from this directory (the course root), e.g.
``nbgrader generate_assignment 01_one_hot --force``. A copy of this file in
another directory makes that directory a course root of its own.
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "nn-from-scratch"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Files that never belong to an assignment, in release or in a submission.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", ".DS_Store", "*.egg-info"]

# Seconds per cell when autograding: generous for the timing cells, finite for infinite loops.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# A test cell that a student deleted comes back from the gradebook (edited ones are always restored).
c.OverwriteCells.add_missing_cells = True

# The stub students see in place of each solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
