"""The command line: parse options, call the stages, print problems, map errors to exits.

Exit status: 0 success, 1 content errors, 2 usage errors; an internal error (a bug) is one
line pointing at the issue tracker, with ``--debug`` for the traceback. ``main(argv)`` can
be called in-process, which is how the tests drive it.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import ContentError, HandbookError, Problem, UsageError, sort_problems
from .locales import LANGUAGE_TAGS, parse_tag, system_tag
from .output import FORMATS
from .pdfvariants import PDF_VARIANTS
from .schema import SCHEMA_FILES

# Each command imports the stages it runs when it runs: pydantic, Jinja, the org-chart
# planner and the writers together take most of a second to import, which `--help`, `check`
# and `diff` should not wait for.

__all__ = ["main"]

ISSUES_URL = "https://github.com/handbook-tool/handbook/issues"


class _LanguageTag(click.ParamType):
    """A BCP 47 tag of the contract, in any case; the tag as the contract spells it."""

    name = "|".join(LANGUAGE_TAGS)

    def convert(self, value, param, ctx) -> str:
        try:
            return parse_tag(value).tag
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


_LANGUAGES = _LanguageTag()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="handbook")
@click.option("--debug", is_flag=True, help="Show the Python traceback of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Turn YAML role content into job-description handbooks (HTML, PDF, Word)."""
    ctx.obj = {"debug": debug}


_TODAY = click.DateTime(formats=["%Y-%m-%d"])


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text: one `file:line:col: severity: message` per line.")
@click.option("--today", type=_TODAY, metavar="YYYY-MM-DD",
              help="The date reviews are due against (default: SOURCE_DATE_EPOCH or today).")
def check(directory: Path, output_format: str, today) -> None:
    """Validate the handbook in DIRECTORY and report every problem.

    Exits 0 when it is valid (warnings allowed), 1 when it has errors.
    """
    from .review import stale_problems
    from .review import today as review_today
    from .validate import check_handbook
    from .versioncheck import version_problems

    handbook, problems = check_handbook(directory)
    if handbook is not None:
        problems += stale_problems(handbook, review_today(today and today.date()))
        problems += version_problems(handbook)
    errors = [p for p in problems if p.severity == "error"]
    ordered = sort_problems(problems)
    if output_format == "json":
        click.echo(json.dumps([p.as_json() for p in ordered], ensure_ascii=False, indent=2))
    else:
        for problem in ordered:
            click.echo(str(problem))
        click.echo(_summary(directory, problems), err=True)
    if errors:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("-f", "--format", "formats", default=",".join(FORMATS), show_default=True,
              metavar="html,pdf,docx", help="Comma-separated output formats.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output directory (default: build/<name>/).")
@click.option("--lang", type=_LANGUAGES,
              help="Output locale (a BCP 47 tag): labels, dates, page size, and zh-Hans <-> "
                   "zh-Hant text.")
@click.option("--brand", type=click.Path(file_okay=False, path_type=Path),
              help="A brand directory with _brand.yml (overrides the handbook's own brand/).")
@click.option("--role", "roles", multiple=True, metavar="ID",
              help="Only this position's job description, in OUT/roles/ (repeatable).")
@click.option("--each-role", is_flag=True,
              help="The handbook and one job description per position (all cores).")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Templates that override the built-in ones (instead of DIR/templates).")
@click.option("--reference-docx", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A Word file whose styles the DOCX uses (instead of the built-in one).")
@click.option("--single-pass", is_flag=True,
              help="Print the PDF in one WeasyPrint pass instead of in parallel parts.")
@click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS, case_sensitive=False),
              metavar="VARIANT",
              help="Write this PDF variant (WeasyPrint's names): pdf/ua-1 (accessible, "
                   "tagged), pdf/a-2u or pdf/a-2a (archive), ... Default: handbook.yml's "
                   "or the brand's pdf_variant, else a plain PDF.")
@click.option("--no-page-numbers", is_flag=True,
              help="Skip the LibreOffice pass that writes the Word contents' page numbers "
                   "(faster; Word shows them after Update Field).")
@click.option("--changes-since", metavar="OLD",
              help="Show what changed since OLD (a handbook directory, or a git revision such "
                   "as v2.0 of the repository holding DIRECTORY): a changes section, marks "
                   "in the changed positions, tracked changes in the DOCX.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where the PDF build cache lives (default: OUT/.handbook-cache): a "
                   "rebuild prints only the parts that changed.")
@click.option("--no-cache", is_flag=True, help="Build the PDF cold: neither read nor fill "
                                               "the cache.")
@click.option("--cache-size", default="1G", show_default=True, metavar="SIZE",
              help="The cache's cap (500M, 2G…); the least recently used entries go first.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="List every file written and each step.")
def build(directory: Path, formats: str, out: Path | None, lang: str | None,
          brand: Path | None, roles: tuple[str, ...], each_role: bool,
          templates: Path | None, reference_docx: Path | None, single_pass: bool,
          pdf_variant: str | None, no_page_numbers: bool, changes_since: str | None,
          cache_dir: Path | None, no_cache: bool, cache_size: str,
          quiet: bool, verbose: bool) -> None:
    """Render the handbook in DIRECTORY as HTML, PDF and Word."""
    from .build import BuildRequest
    from .build import build as run_build
    from .progress import BuildProgress

    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise click.BadParameter(f"choose from {', '.join(FORMATS)}", param_hint="--format")
    if brand is not None and not brand.is_dir():
        raise UsageError(f"--brand {brand}: no such directory")
    if roles and each_role:
        raise click.UsageError("--role and --each-role exclude each other")
    request = BuildRequest(directory, wanted, out, lang, brand, roles, each_role, templates,
                           reference_docx, single_pass=True if single_pass else None,
                           page_numbers=not no_page_numbers, changes_since=changes_since,
                           pdf_variant=pdf_variant.lower() if pdf_variant else None,
                           cache=cache_dir, use_cache=not no_cache,
                           cache_limit=_cache_size(cache_size))
    started = time.perf_counter()
    with BuildProgress(enabled=not quiet, verbose=verbose) as progress:
        result = run_build(request, progress)
    if quiet:
        return
    for problem in result.warnings:
        click.echo(str(problem), err=True)
    for notice in result.notices:
        click.echo(f"handbook: note: {notice}", err=True)
    shown = result.written if verbose or len(result.written) <= 12 else result.written[:6]
    for path in shown:
        click.echo(f"wrote {path} ({_describe_output(path)})", err=True)
    if len(shown) < len(result.written):
        click.echo(f"… and {len(result.written) - len(shown)} more files (--verbose lists them)",
                   err=True)
    click.echo(f"built {directory} in {time.perf_counter() - started:.1f} s: "
               f"{_plural(len(result.written), 'file')}", err=True)


def _cache_size(text: str) -> int:
    """--cache-size in bytes: ``500M``, ``2G``, ``800K`` or a number of bytes."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    value = text.strip().lower().removesuffix("b").removesuffix("i")
    try:
        number = float(value[:-1] if value[-1:] in units else value)
    except ValueError:
        number = -1
    if not number >= 0:
        raise click.BadParameter(f"{text!r} is not a size such as 500M or 2G",
                                 param_hint="--cache-size")
    return int(number * units.get(value[-1:], 1))


@cli.command(name="diff")
@click.argument("old")
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "html"]),
              default="text", show_default=True, help="json: a list of changes, for scripts.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are changes (as git diff).")
def diff_command(old: str, new: Path, output_format: str, exit_code: bool) -> None:
    """What changed from OLD to NEW, position by position.

    OLD is a handbook directory or a git revision (HEAD~1, v2.0) of the repository holding
    NEW, read without touching the working tree. Content is compared, not files:
    reformatting and comments are no change; a file renamed with its `code` kept is a rename.
    """
    from .gitsource import handbook_at
    from .versions import load_versions  # before pydantic: see its docstring

    if not (new / "handbook.yml").is_file():
        raise UsageError(f"{new}: not a handbook (no handbook.yml in it)")
    with contextlib.ExitStack() as stack:
        try:
            older_dir = Path(old) if Path(old).is_dir() else stack.enter_context(
                handbook_at(old, new))
        except UsageError:
            from .validate import load_handbook

            load_handbook(new)  # the new version's content errors come first, as they did
            raise
        newer, older = load_versions(new, older_dir)
    from .diff import compare
    from .diffview import render_html, render_json, render_text, summary

    result = compare(older, newer)
    if output_format == "json":
        click.echo(render_json(result))
    elif output_format == "html":
        click.echo(render_html(result, old, str(new)), nl=False)
    elif result.changed:
        click.echo(render_text(result))
    click.echo(f"{old} → {new}: {summary(result)}", err=True)
    if exit_code and result.changed:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--stale", is_flag=True, required=True,
              help="Positions due for review under `review_every`.")
@click.option("--today", type=_TODAY, metavar="YYYY-MM-DD",
              help="The date reviews are due against (default: SOURCE_DATE_EPOCH or today).")
def report(directory: Path, stale: bool, today) -> None:
    """Reports on the handbook in DIRECTORY: --stale lists positions past their review."""
    from .review import stale_roles
    from .review import today as review_today
    from .validate import load_handbook

    handbook, _ = load_handbook(directory)
    if handbook.review_every is None:
        click.echo(f"{directory}: no `review_every` in handbook.yml, so no review is due",
                   err=True)
        return
    due = stale_roles(handbook, review_today(today and today.date()))
    for item in due:
        click.echo(f"{item.role.title}\t{item.role.id}\t{item.reviewed or 'never'}\t"
                   f"{item.due or 'now'}")
    click.echo(f"{directory}: {_plural(len(due), 'position')} due for review "
               f"(review_every: {handbook.review_every})", err=True)


def _describe_output(path: Path) -> str:
    """Size, and pages for a PDF: what a person checks before sending a file on."""
    size = _size(path.stat().st_size)
    if path.suffix == ".pdf":
        import pikepdf

        with pikepdf.open(path) as pdf:
            pages = len(pdf.pages)
        return f"{size}, {_plural(pages, 'page')}"
    return size


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


@cli.command()
@click.option("--kind", type=click.Choice(["handbook", "role"]),
              help="Only the schema of handbook.yml or of a role file.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help=f"Write {' and '.join(SCHEMA_FILES.values())} into this directory.")
@click.option("--lang", type=_LANGUAGES, default="zh-Hans", show_default=True,
              help="Language of the examples editors show.")
def schema(kind: str | None, out_dir: Path | None, lang: str) -> None:
    """Print the JSON Schema of the content files (for editors such as VS Code)."""
    from .schema import schema_json

    labels = parse_tag(lang).labels
    if out_dir is None:
        click.echo(schema_json(kind, labels))
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, filename in SCHEMA_FILES.items():
        if kind in (None, name):
            (out_dir / filename).write_text(schema_json(name, labels) + "\n", encoding="utf-8")
            click.echo(f"wrote {out_dir / filename}", err=True)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--lang", type=_LANGUAGES,
              help="Language (a BCP 47 tag) of the starter content; asked on a terminal, "
                   "else the system locale's.")
def init(directory: Path, lang: str | None) -> None:
    """Create a small, valid handbook in DIRECTORY to start from."""
    from .scaffold import init_handbook

    if lang is None:
        lang = _starter_language()
    written = init_handbook(directory, lang)
    click.echo(f"created {directory} ({len(written)} files, language: {lang}); next: "
               f"handbook check {directory}", err=True)


def _starter_language() -> str:
    """The language a person starting a handbook works in: asked on a terminal (the system
    locale's as the default answer), the system locale's in a script."""
    system = system_tag()
    if not _interactive():
        return system
    answer = click.prompt("Language of the handbook", default=system,
                          type=click.Choice(LANGUAGE_TAGS, case_sensitive=False),
                          show_choices=True, err=True)
    return parse_tag(answer).tag


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


@cli.command(name="import")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--organization", help="Organization name for a one-sheet table (default: the "
              "file's name).")
@click.option("--update", is_flag=True,
              help="Merge a workbook from `handbook export` into the handbook in DIRECTORY.")
@click.option("--prune", is_flag=True,
              help="With --update: delete positions that are not in the workbook.")
def import_command(source: Path, directory: Path, organization: str | None, update: bool,
                   prune: bool) -> None:
    """Turn a spreadsheet into a handbook: a workbook written by `handbook export` comes back
    as it was; a one-sheet HR table (SOURCE .csv or .xlsx, one row per position) starts one.

    Recognised headers (Simplified, Traditional or English): 部门/department, 岗位/title,
    岗位编号/code, 直接上级/reports_to (a title or a code), 编制/headcount, 在岗/filled,
    职级/grade, 工作地点/location, 主要职责/duties, 任职要求/requirements.
    """
    from .importer import import_spreadsheet

    if prune and not update:
        raise click.UsageError("--prune goes with --update")
    result = import_spreadsheet(source, directory, organization=organization, update=update,
                                prune=prune)
    for problem in sort_problems(result.problems):
        click.echo(str(problem), err=True)
    if update and result.sync is not None:
        _report_sync(directory, result.sync)
        return
    click.echo(f"wrote {directory}: {_plural(result.departments, 'department')}, "
               f"{_plural(result.roles, 'position')}; next: handbook check {directory}",
               err=True)


def _report_sync(directory: Path, sync) -> None:
    """What a merge did, file by file, the way `git status` would say it."""
    for path, keys in sync.changed.items():
        click.echo(f"updated {path.relative_to(directory)}: {', '.join(keys)}", err=True)
    for path in sync.added:
        click.echo(f"added {path.relative_to(directory)}", err=True)
    for path in sync.removed:
        click.echo(f"deleted {path.relative_to(directory)}", err=True)
    click.echo(f"{directory}: {len(sync.changed)} updated, {len(sync.added)} added, "
               f"{len(sync.removed)} deleted, {sync.unchanged} unchanged", err=True)


@cli.command(name="export")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--xlsx", "xlsx", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The Excel file to write.")
def export_command(directory: Path, xlsx: Path) -> None:
    """Export the whole handbook to an Excel workbook (a sheet per concern) that HR can edit
    and `handbook import --update` merges back."""
    from .export import export_xlsx
    from .validate import load_handbook

    handbook, _ = load_handbook(directory)
    export_xlsx(handbook, xlsx)
    click.echo(f"wrote {xlsx} ({_plural(len(handbook.roles), 'position')}, "
               f"{_plural(len(handbook.departments), 'department')})", err=True)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; keep the default unless you mean to share the preview.")
@click.option("--lang", type=_LANGUAGES, help="Output language.")
@click.option("--brand", type=click.Path(file_okay=False, path_type=Path), help="A brand.")
def serve(directory: Path, port: int, host: str, lang: str | None, brand: Path | None) -> None:
    """Live preview of the handbook, rebuilt and reloaded on every save; its PDF is rebuilt in
    the background (through the build cache) and opened from the preview's corner."""
    from .build import BuildRequest
    from .serve import PreviewServer

    if not (directory / "handbook.yml").is_file():
        raise UsageError(f"{directory}: not a handbook (no handbook.yml in it)")
    try:
        server = PreviewServer(BuildRequest(directory, ("html",), None, lang, brand),
                               host=host, port=port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    server.start()
    click.echo(f"previewing {directory} at {server.url} (Ctrl-C to stop)", err=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.stop()


def _summary(directory: Path, problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return f"{directory}: ok"
    return f"{directory}: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        status = cli.main(args=argv, prog_name="handbook", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("handbook: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        return exc.exit_code
    except UsageError as exc:
        click.echo(f"handbook: error: {exc}", err=True)
        return exc.exit_code
    except HandbookError as exc:
        click.echo(f"handbook: error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("handbook: interrupted", err=True)
        return 130
    except Exception as exc:  # a bug: one line, the traceback only on request
        if debug:
            traceback.print_exc()
        click.echo(f"handbook: internal error ({type(exc).__name__}: {exc}); please report it at "
                   f"{ISSUES_URL}" + ("" if debug else " (run with --debug for details)"),
                   err=True)
        return 70
    return status if isinstance(status, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
