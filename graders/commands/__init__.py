"""One module per ``dlcourse`` sub-command.

Each module defines ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args) -> int`` (the exit code). ``graders.cli`` discovers them, so adding a
command means adding a module here and nothing else.
"""
