"""The command line: thin commands that parse input, call one library function, render the result.

Exit codes: 0 ok, 2 bad input (every problem listed, no traceback), 1 internal error.
Each module in ``COMMAND_MODULES`` has ``register(app)`` adding its commands.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

from backstop.cli.common import err_console
from backstop.errors import DomainError, InputError, MissingExtraError

COMMAND_MODULES = [
    "backstop.cli.core",
    "backstop.cli.skies",
    "backstop.cli.forcegen",
    "backstop.cli.monitor",
    "backstop.cli.seas",
    "backstop.cli.land",
    "backstop.cli.summit",
    "backstop.cli.workspace",
    "backstop.cli.sweep",
]

app = typer.Typer(
    name="backstop",
    help="Plan, stress-test and monitor a multinational security guarantee for Ukraine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

for _mod in COMMAND_MODULES:
    importlib.import_module(_mod).register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and map errors to exit codes (0 ok, 2 bad input, 1 internal)."""
    try:
        code = app(args=argv, standalone_mode=False)
    except InputError as exc:
        errors = [p for p in exc.problems if p.severity != "warning"]
        warnings = [p for p in exc.problems if p.severity == "warning"]
        tail = f" and {len(warnings)} warning(s)" if warnings else ""
        err_console.print(f"[bold red]error:[/] {len(errors)} problem(s) in the input{tail}")
        for p in errors:
            err_console.print(f"  - {p}", markup=False, highlight=False)
        for p in warnings:
            err_console.print(f"  - warning: {p}", markup=False, highlight=False)
        sys.exit(2)
    except DomainError as exc:  # a command that did not word it itself
        err_console.print("[bold red]error:[/] 1 problem(s) in the input")
        err_console.print(f"  - {exc.problem('<input>', '')}", markup=False, highlight=False)
        sys.exit(2)
    except MissingExtraError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # click usage errors (bad option, ...)
            exc.show()
            sys.exit(2)
        if os.environ.get("BACKSTOP_DEBUG"):
            raise
        detail = " ".join(str(exc).split())[:200]
        err_console.print(
            f"internal error: {type(exc).__name__}: {detail} (a bug in backstop: re-run with BACKSTOP_DEBUG=1 for the traceback and report it)",
            highlight=False, markup=False, soft_wrap=True,
        )
        sys.exit(1)
    else:
        # a command's typer.Exit(n) comes back as its return value in non-standalone mode
        sys.exit(code if isinstance(code, int) else 0)
