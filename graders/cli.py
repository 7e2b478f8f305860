"""The ``dlcourse`` command line: a thin layer over ``graders.commands``.

Exit codes: 0 success, 1 the command ran but found failures (a failed check, an
ungradable submission), 2 bad usage or bad input.

Expected failures (:class:`graders.errors.DlcourseError`) are caught here, once, and
printed as one line, ``dlcourse <command>: <message>``; anything else is a bug and keeps
its traceback, followed by one line saying where to report it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import traceback

from graders import commands
from graders.errors import DlcourseError

REPORT = "this is a bug in dlcourse: report it, with the traceback above, to the course maintainers"


def _command_modules():
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            yield info.name, importlib.import_module(f"graders.commands.{info.name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dlcourse",
        description="Run, grade and study the dlnotes neural-network course.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in _command_modules():
        cmd = sub.add_parser(name.replace("_", "-"), help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    # OpenBLAS threads spin on small matrices and busy cores: one is faster here
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`dlcourse ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except DlcourseError as exc:
        message = " ".join(str(exc).split())  # one line, whatever the message held
        print(f"dlcourse {args.command}: {message}", file=sys.stderr)
        return exc.exit_code
    except Exception:
        traceback.print_exc()
        print(f"dlcourse {args.command}: {REPORT}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
