"""Command layer: run, demo-data, indicators, validate, init, fetch, audit; the exit codes."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from utenforskap import __version__
from utenforskap.errors import UtenforskapError

__all__ = ["main"]

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USER = 2
EXIT_LOCKED = 3  # utenforskap.job.lock.EXIT_LOCKED; kept here so --help needs no imports
EXIT_DISCLOSED = 4  # utenforskap audit: a hidden count can be worked out
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

log = logging.getLogger("utenforskap.job.cli")


class _Terminated(BaseException):
    """SIGTERM (systemd stop, a CI timeout) turned into an exception, so clean-up runs."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def _logging_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Given before or after the command; SUPPRESS keeps a sub-command's
    # unset option from overwriting the value given before it.
    default: Any = argparse.SUPPRESS
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0 if top else default,
        help="log each step (-vv: debug); show tracebacks",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=False if top else default, help="errors only"
    )
    parser.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text" if top else default,
        help="stderr lines as text, or one JSON object per line for log collectors",
    )


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, not {value!r}")
    return number


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="utenforskap",
        description="Youth exclusion indicators for Norwegian municipalities.",
        epilog=(
            "Exit codes: 0 done (or nothing to do); 2 fix the configuration or input named "
            "on stderr; 3 another run holds the output folder's lock; 4 (audit) a hidden "
            "cell can be worked out from the published tables; 1 unexpected failure "
            "(outputs untouched); 130/143 interrupted/terminated."
        ),
    )
    parser.add_argument("--version", action="version", version=f"utenforskap {__version__}")
    _logging_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="compute indicators and write tables and figures")
    run.add_argument(
        "--config", type=Path, help="TOML run configuration (default: the bundled demo)"
    )
    run.add_argument("--out", type=Path, help="output folder (overrides the configuration)")
    run.add_argument(
        "--force",
        action="store_true",
        help="recompute even when inputs, config and version are unchanged",
    )
    run.add_argument(
        "--dry-run", action="store_true", help="say what would be read and written; change nothing"
    )
    run.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="processes: kommuner at a time in a [batch] configuration, figure workers in a "
        "single run (default: the CPUs available)",
    )
    _logging_options(run, top=False)

    demo = sub.add_parser("demo-data", help="(re)generate the bundled demo data")
    demo.add_argument("--out", type=Path, default=None, help="folder (default: data/raw/demo)")
    _logging_options(demo, top=False)

    ind = sub.add_parser("indicators", help="list the indicator registry")
    ind.add_argument("--lang", choices=("nb", "en"), default="nb")
    _logging_options(ind, top=False)

    val = sub.add_parser(
        "validate", help="check a configuration and that its files exist, without running"
    )
    val.add_argument("--config", type=Path, required=True)
    _logging_options(val, top=False)

    init = sub.add_parser(
        "init",
        help="write a ready configuration for a real kommune or a whole fylke (SSB and FHI tables)",
    )
    area = init.add_mutually_exclusive_group(required=True)
    area.add_argument("--kommune", help='kommune code, e.g. "3203"')
    area.add_argument(
        "--fylke", help='fylke code, e.g. "40": every kommune of the fylke, maps of the whole fylke'
    )
    init.add_argument(
        "--boundaries",
        help="GeoJSON of kommune boundaries for the maps (written as geography.boundaries)",
    )
    init.add_argument(
        "--year", type=int, default=2024, help="year whose kommune codes are used (default 2024)"
    )
    init.add_argument(
        "--no-neighbours",
        dest="neighbours",
        action="store_false",
        help="leave out the neighbour kommuner",
    )
    init.add_argument(
        "--out",
        type=Path,
        default=Path("utenforskap.toml"),
        help="file to write (default utenforskap.toml; '-' prints it); never overwritten",
    )
    _logging_options(init, top=False)

    fetch = sub.add_parser(
        "fetch", help="fill the cache of every SSB and FHI input, so runs work offline"
    )
    fetch.add_argument("--config", type=Path, required=True)
    fetch.add_argument("--refresh", action="store_true", help="ask again even when cached")
    fetch.add_argument(
        "--offline", action="store_true", help="only check that every answer is cached"
    )
    _logging_options(fetch, top=False)

    audit = sub.add_parser(
        "audit",
        help="work out, as an attacker would, what published tables give away about hidden cells",
    )
    audit.add_argument(
        "folder", type=Path, help="a published pack (its indicators.csv) or the CSV itself"
    )
    audit.add_argument(
        "--config",
        type=Path,
        help="the run configuration whose [disclosure] rules to judge by (default: the defaults)",
    )
    audit.add_argument(
        "--cells", type=Path, help="also write the per-cell intervals to this CSV file"
    )
    audit.add_argument(
        "--exact",
        action="store_true",
        help="find every interval's exact ends (slower), not only enough to judge each cell",
    )
    audit.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="processes to solve a large table's independent blocks on (default 1)",
    )
    _logging_options(audit, top=False)
    return parser


def _say(args: argparse.Namespace, text: str, **fields: Any) -> None:
    """The command's result line on stderr (silent with --quiet)."""
    from utenforskap.job.logs import utc_stamp

    if args.quiet:
        return
    if args.log_format == "json":
        print(
            json.dumps(
                {
                    "time": utc_stamp(time.time()),
                    "level": "INFO",
                    "logger": log.name,
                    "message": text,
                    **fields,
                },
                ensure_ascii=False,
                default=str,
            ),
            file=sys.stderr,
        )
    else:
        print(f"utenforskap: {text}", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    from utenforskap.job import pipeline
    from utenforskap.job.logs import Progress
    from utenforskap.job.manifest import relative
    from utenforskap.job.results import RunResult
    from utenforskap.job.steps import RUN_STEPS

    if args.dry_run:
        from utenforskap.job.plan import plan_run

        plan = plan_run(args.config, out=args.out, force=args.force)
        if args.jobs is not None and hasattr(plan, "jobs"):
            plan = dataclasses.replace(plan, jobs=args.jobs)
        print(plan.describe())
        return EXIT_OK
    if args.config is not None:
        from utenforskap.job.config import load_config

        config = load_config(args.config)
        if config.batch is not None:
            return _batch(args, config)
    progress = Progress(
        len(RUN_STEPS),
        logger=log,
        live=not args.quiet and not args.verbose and args.log_format == "text",
    )
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        result = pipeline.run(
            args.config, out=args.out, force=args.force, progress=progress, jobs=args.jobs
        )
    finally:
        progress.close()
        signal.signal(signal.SIGTERM, previous)
    assert isinstance(result, RunResult)
    manifest = result.manifest or {}
    output = "" if result.output is None else relative(result.output)
    if result.status == "skipped":
        _say(
            args,
            f"nothing changed since the run of {manifest.get('run', {}).get('finished')}; "
            f"kept {output} (use --force to recompute)",
            event="run.skipped",
            output=output,
        )
        return EXIT_OK
    counts = manifest.get("counts", {})
    _say(
        args,
        f"{counts.get('rows', len(result.indicators))} cells for {counts.get('indicators')} "
        f"indicators ({counts.get('suppressed')} suppressed) written to {output} "
        f"in {progress.seconds:.1f} s; see {output}/manifest.json",
        event="run.written",
        output=output,
        counts=counts,
        warnings=len(result.warnings),
    )
    return EXIT_OK


def _batch(args: argparse.Namespace, config: Any) -> int:
    from utenforskap.job.batch import KommuneResult, run_batch
    from utenforskap.job.manifest import relative

    def report(result: KommuneResult, done: int, total: int) -> None:
        k = result.kommune
        what = f"[{done}/{total}] {k.code} {k.name}: {result.status} ({result.seconds:.1f} s)"
        if result.status == "failed":
            what += f": {result.error}"
        _say(
            args,
            what,
            event=f"batch.kommune.{result.status}",
            kommune=k.code,
            exit_code=result.exit_code,
        )

    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        batch = run_batch(config, out=args.out, force=args.force, jobs=args.jobs, on_result=report)
    finally:
        signal.signal(signal.SIGTERM, previous)
    total = len(batch.kommuner)
    per = batch.seconds / total if total else 0.0
    line = (
        f"{total} kommuner in {batch.seconds:.1f} s ({per:.1f} s per kommune, {batch.jobs} "
        f"processes): {batch.count('written')} written, {batch.count('skipped')} unchanged, "
        f"{batch.count('failed')} failed; see {relative(batch.index)}"
    )
    if batch.failed:
        names = ", ".join(f"{r.kommune.code} {r.kommune.name}" for r in batch.failed)
        log.error(
            "%s; failed: %s (messages in %s)",
            line,
            names,
            relative(batch.summary),
            extra={"exit_code": batch.exit_code, "event": "batch.failed"},
        )
        return batch.exit_code
    _say(args, line, event="batch.done", index=relative(batch.index))
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
    from utenforskap.job.checks import validate
    from utenforskap.job.config import load_config, missing_files

    cfg = load_config(args.config)
    if cfg.batch is not None:
        from utenforskap.job.batch_config import kommune_configs

        missing = [e for k in kommune_configs(cfg) for e in missing_files(k)]
    else:
        missing = missing_files(cfg)
    for error in missing:
        log.error("%s", error, extra={"exit_code": error.exit_code, "key": error.key})
    if missing:
        return EXIT_USER
    # Every check the run makes before computing, through the same code
    # (for a batch, each kommune's configuration).
    configs = kommune_configs(cfg) if cfg.batch is not None else [cfg]
    checked = [validate(one) for one in configs]
    warned = sum(len(one.warnings) for one in checked)
    not_fetched = sorted({name for one in checked for name in one.not_fetched})
    batch = "" if cfg.batch is None else f", a batch of {len(cfg.batch.kommuner)} kommuner"
    extra = ""
    if warned:
        extra += f"; {warned} warnings (above)"
    if not_fetched:
        extra += (
            f"; not fetched yet, so not checked: {', '.join(not_fetched)} "
            f"(utenforskap fetch --config {args.config})"
        )
    print(
        f"{args.config}: valid ({len(cfg.inputs)} inputs, "
        f"{len(cfg.indicators)} indicators{batch}){extra}"
    )
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from utenforskap.errors import ConfigError
    from utenforskap.job.init import init_config

    text = init_config(
        args.kommune,
        fylke=args.fylke,
        year=args.year,
        neighbours=args.neighbours,
        boundaries=args.boundaries,
    )
    if str(args.out) == "-":
        sys.stdout.write(text)
        return EXIT_OK
    try:
        with open(args.out, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise ConfigError(
            "the file exists; choose another --out or remove it first", file=args.out
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot write: {exc.strerror or exc}", file=args.out) from None
    _say(
        args,
        f"wrote {args.out}; next: utenforskap fetch --config {args.out}",
        event="init.written",
        output=str(args.out),
    )
    return EXIT_OK


def _fetch(args: argparse.Namespace) -> int:
    from utenforskap.job.config import load_config
    from utenforskap.job.fetch import fetch_all

    load_config(args.config)  # a configuration the run would refuse is refused here too
    records = fetch_all(args.config, refresh=args.refresh, offline=args.offline)
    for record in records:
        print(
            f"{record.input}: {record.agency.upper()} table {record.table}, {record.rows} rows "
            f"({', '.join(str(f) for f in record.files)})"
        )
    _say(
        args,
        f"{len(records)} tables {'checked in' if args.offline else 'in'} the cache; "
        f"run: utenforskap run --config {args.config}",
        event="fetch.done",
        tables=len(records),
    )
    return EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    from utenforskap.disclosure.audit import audit_folder
    from utenforskap.disclosure.rules import rules_from_config

    rules = None
    if args.config is not None:
        from utenforskap.disclosure.audit_settings import audit_setting, release_setting
        from utenforskap.job.config import load_config

        cfg = load_config(args.config)
        # The run's own switches (audit, release) are not rules.
        section = audit_setting(cfg.disclosure, file=cfg.source)[1]
        section = release_setting(section, file=cfg.source)[1]
        rules = rules_from_config(section, file=cfg.source)
    result = audit_folder(args.folder, rules=rules, exact=args.exact, jobs=max(1, args.jobs))
    print(result.describe())
    if args.cells is not None:
        result.cells.to_csv(args.cells, index=False)
    if result.disclosed:
        short = result.cells[result.cells["short"]]
        for row in short.head(10).itertuples(index=False):
            print(
                f"  short: {row.indicator} {row.region} {row.period} {row.age} {row.sex} "
                f"{row.group} {row.quantity} in [{row.lo:g}, {row.hi:g}]"
            )
        if len(short) > 10:
            print(f"  ... and {len(short) - 10} more (--cells FILE lists them all)")
    _say(
        args,
        "audit: hidden cells can be worked out" if result.disclosed else "audit: nothing disclosed",
        event="audit.done",
        **result.summary,
    )
    return EXIT_DISCLOSED if result.disclosed else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``utenforskap`` command.

    Parameters
    ----------
    argv
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit code: 0 done (or nothing changed), 2 a configuration or input
        error (one line on stderr naming file, key or column, row and value),
        3 another run holds the output folder's lock, 4 ``audit`` found a
        hidden cell that can be worked out, 1 an unexpected failure, 130
        interrupted, 143 terminated.
    """
    from utenforskap.job.logs import logging_to

    args = _parser().parse_args(argv)
    with logging_to(verbose=args.verbose, quiet=args.quiet, fmt=args.log_format):
        return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    commands = {
        "run": _run,
        "demo-data": _demo,
        "indicators": _indicators,
        "validate": _validate,
        "init": _init,
        "fetch": _fetch,
        "audit": _audit,
    }
    try:
        return commands[args.command](args)
    except UtenforskapError as exc:
        log.error(
            "%s",
            exc,
            exc_info=bool(args.verbose),
            extra={"exit_code": exc.exit_code, "error": type(exc).__name__},
        )
        return exc.exit_code
    except KeyboardInterrupt:
        log.error("interrupted; outputs untouched", extra={"exit_code": EXIT_INTERRUPTED})
        return EXIT_INTERRUPTED
    except _Terminated:
        log.error("terminated; outputs untouched", extra={"exit_code": EXIT_TERMINATED})
        return EXIT_TERMINATED
    except BrokenPipeError:
        # The reader of stdout left (`utenforskap indicators | head -1`): nothing
        # more to say, and nothing to say it to; stdout goes nowhere from here so
        # that Python's own flush at exit does not complain either.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        log.error(
            "unexpected error: %s: %s%s",
            type(exc).__name__,
            exc,
            "" if args.verbose else " (rerun with --verbose for the traceback)",
            exc_info=bool(args.verbose),
            extra={"exit_code": EXIT_UNEXPECTED, "error": type(exc).__name__},
        )
        return EXIT_UNEXPECTED
