"""The instructor pipeline behind ``dlcourse``: nbgrader, made parallel and explicit.

One small module per step, each a plain function the matching command wraps:

- ``course``: ``init_course`` / ``load_course`` (an nbgrader course directory);
- ``release``: student versions (``nbgrader generate_assignment``) and hand-out zips;
- ``collect``: submissions from a folder or LMS zip into ``submitted/``;
- ``autograde``: parallel grading; ``score_submission`` scores one notebook;
- ``results``: the per-submission status, points and diagnoses kept in the gradebook;
- ``feedback``, ``export``, ``report``: per-student HTML, CSV, the class report;
- ``demo``: the whole pipeline on sample submissions;
- ``workers``, ``submissions``: forked workers with time limits; sample notebooks.
"""
