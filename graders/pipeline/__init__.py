"""The instructor pipeline behind ``dlcourse``: nbgrader, made parallel and explicit.

One small module per step, each a plain function the matching command wraps:

- ``course``: ``init_course`` / ``load_course`` (an nbgrader course directory);
- ``release``: student versions (``nbgrader generate_assignment``) and hand-out zips;
- ``collect``: submissions from a folder or LMS zip into ``submitted/``;
- ``autograde``: parallel grading with the engine of ``graders.trusted``; ``gradebook``
  (nbgrader's tables, written by the parent alone), ``autograded`` (the autograded copy
  of each notebook), ``canary`` (a known-wrong submission that must score 0);
- ``results``: the per-submission status, points and diagnoses kept in the gradebook;
- ``feedback``, ``export``, ``report``: per-student HTML, CSV, the class report;
- ``demo``: the whole pipeline on sample submissions;
- ``workers``, ``submissions``: a forked worker with a time limit (release); sample notebooks.
"""
