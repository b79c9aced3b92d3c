"""Class grading: every hand-in of a class graded in parallel on Dask, with one writer of the gradebook.

In the order a run goes:

- :mod:`.cli`: the command line (``python -m class_grader``);
- :mod:`.course`: the course root as nbgrader sees it, and the files a job needs;
- :mod:`.grading_inputs` and :mod:`.ledger`: what decides a grade, and what was graded from which inputs;
- :mod:`.coordinator`: plans the run, submits the jobs to Dask, stores each result (the only writer);
- :mod:`.job`: one job and its result, as data;
- :mod:`.worker` and :mod:`.fork_server`: a job on a Dask worker, real ``nbgrader autograde`` and
  ``generate_feedback`` in a course folder of its own;
- :mod:`.gradebook_sync`: marks between a job's gradebook and the course's;
- :mod:`.feedback`: the jobs' feedback pages, and the few the course makes itself;
- :mod:`.report`: the term's class report;
- :mod:`.cluster_security`: mutual TLS for every Dask connection.

The grading itself is nbgrader's, with the course's plug-ins (:mod:`course_grader`) and sandbox
(:mod:`grading_sandbox`).
"""
