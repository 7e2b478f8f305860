"""Grading for the dlnotes course.

Layers, from the inside out:

- ``graders.checks``: pure checks (numpy + dlnotes only) that a notebook's test
  cell calls; they run inside the learner's kernel.
- nbgrader glue and the trusted out-of-kernel verification.
- ``graders.cli``: the thin ``dlcourse`` command line.
"""
