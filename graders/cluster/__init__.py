"""Grading on several machines: Celery workers over a Redis broker.

The unit of work is the one sandboxed execution of :class:`graders.trusted.Grader`: the
instructor's ``dlcourse autograde COURSE --broker URL`` sends each submission's notebook
bytes as a task and alone writes the gradebook; ``dlcourse worker --broker URL`` grades
tasks with the same engine and sandbox as local grading and touches no course files.

One module per concern:

- :mod:`~graders.cluster.codec`: dataclasses (``TrustedResult``) to JSON and back,
  generically, from their fields;
- :mod:`~graders.cluster.fingerprint`: the version a task was built for (the chapter's
  source notebook and the dlnotes/graders code), which a worker must match;
- :mod:`~graders.cluster.messages`: what a task carries, and its id (a content hash);
- :mod:`~graders.cluster.broker`: the Celery application and its delivery settings, the
  broker's URL with its password hidden, and the one-line errors;
- :mod:`~graders.cluster.worker`: the tasks a worker runs and how it starts;
- :mod:`~graders.cluster.client`: the instructor's side, sending and collecting.

Celery is imported only here, so grading without ``--broker`` never loads it.
"""
