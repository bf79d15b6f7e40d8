"""Start-up: parse the command line, then run a subcommand or open the window."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from elconsole import cli


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``elconsole``; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["_nx-27017"]:
        from elconsole.data.embedded import run_server_here

        return run_server_here(args[1:])
    smoke = "--smoke" in args  # hidden: open the window, then quit (a start-up test)
    if smoke:
        args.remove("--smoke")
    parsed = cli.build_parser().parse_args(args)
    if parsed.command is None:
        from elconsole.ui.launch import run_window

        return run_window(parsed, smoke=smoke)
    cli.setup_logging(parsed)
    try:
        return cli.run(parsed)
    except BrokenPipeError:  # output piped into e.g. head, which stopped reading
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
