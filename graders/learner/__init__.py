"""The learner's side of the course: a self-study workspace and grading one's own work.

- :mod:`graders.learner.release`: student versions of the chapters, made by nbgrader.
- :mod:`graders.learner.workspace`: create or update a workspace without ever
  overwriting the learner's edits (a manifest of what was released).
- :mod:`graders.learner.lab`: the JupyterLab command line and configuration.
- :mod:`graders.learner.grading`: grade one notebook as the instructor's autograde would.
- :mod:`graders.learner.incell`: the same report from inside the notebook, ending with
  the course overview; and the cell of the workspace's ``course_overview.ipynb``.
- :mod:`graders.learner.overview`: the workspace a notebook is in; the pointer to the
  worked answers once a chapter passes.
"""
