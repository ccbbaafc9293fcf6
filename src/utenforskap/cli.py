"""Command layer: run, demo-data, indicators, validate; exit codes 0 done, 2 user error, 1 other."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from utenforskap import __version__
from utenforskap.errors import UtenforskapError

__all__ = ["main"]

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USER = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="utenforskap",
        description="Youth exclusion indicators for Norwegian municipalities.",
        epilog=(
            "Exit codes: 0 done; 2 fix the configuration or input named on stderr; "
            "1 unexpected failure."
        ),
    )
    parser.add_argument("--version", action="version", version=f"utenforskap {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log progress; show tracebacks"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="compute indicators and write tables and figures")
    run.add_argument(
        "--config", type=Path, help="TOML run configuration (default: the bundled demo)"
    )
    run.add_argument("--out", type=Path, help="output folder (overrides the configuration)")

    demo = sub.add_parser("demo-data", help="(re)generate the bundled demo data")
    demo.add_argument("--out", type=Path, default=None, help="folder (default: data/raw/demo)")

    ind = sub.add_parser("indicators", help="list the indicator registry")
    ind.add_argument("--lang", choices=("nb", "en"), default="nb")

    val = sub.add_parser("validate", help="check a configuration without running")
    val.add_argument("--config", type=Path, required=True)
    return parser


def _run(args: argparse.Namespace) -> int:
    from utenforskap.pipeline import run

    frame = run(args.config, out=args.out)
    hidden = int(frame["suppressed"].sum())
    print(
        f"utenforskap: {len(frame)} cells for {frame['indicator'].nunique()} indicators "
        f"({hidden} suppressed) written",
        file=sys.stderr,
    )
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from utenforskap.datasets import DEMO_DIR, write_demo_data

    files = write_demo_data(args.out if args.out is not None else DEMO_DIR)
    for path in files:
        print(path)
    return EXIT_OK


def _indicators(args: argparse.Namespace) -> int:
    from utenforskap.registry import indicator_table

    table = indicator_table(args.lang)
    print(table.to_string(index=False))
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from utenforskap.config import load_config

    cfg = load_config(args.config)
    print(f"{args.config}: valid ({len(cfg.inputs)} inputs, {len(cfg.indicators)} indicators)")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``utenforskap`` command.

    Parameters
    ----------
    argv
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit code: 0 done, 2 a configuration or input error (one line on
        stderr naming file, column, row and value), 1 an unexpected failure.
    """
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    commands = {
        "run": _run,
        "demo-data": _demo,
        "indicators": _indicators,
        "validate": _validate,
    }
    try:
        return commands[args.command](args)
    except UtenforskapError as exc:
        if args.verbose:
            logging.getLogger("utenforskap").exception("failed")
        print(f"utenforskap: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("utenforskap: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.verbose:
            logging.getLogger("utenforskap").exception("unexpected failure")
        print(
            f"utenforskap: unexpected error: {type(exc).__name__}: {exc} "
            "(rerun with --verbose for the traceback)",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED
