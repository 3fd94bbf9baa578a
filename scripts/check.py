"""Check configuration files without any chain: `ape run check FILE...`.

    ape run check metadata/platform.yaml                       (and every file it names)
    ape run check metadata/collections/<slug>.yaml metadata/catalogue/catalogue.yaml metadata/quiz/firing-process.yaml

The kind of each file (platform, collection, catalogue, quiz bank, allowlist CSV) is recognised
from its content. Every problem is printed as `<file>: <field>: <what to write>`; the exit status
is 2 if any file has a problem. Field reference: docs/configuration.md.
"""

from __future__ import annotations

from pathlib import Path

import click

from gaoling import display
from gaoling.cli import Command, UserError
from gaoling.config_check import check_file

out = display.console(highlight=False, soft_wrap=True)


@click.command(cls=Command, help="Validate platform, collection, catalogue, quiz-bank and allowlist files offline "
                    "(no network, no account). Exit status 2 if any has a problem.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def cli(files: tuple[Path, ...]) -> None:
    failed = 0
    for path in files:
        result = check_file(path)
        if result.ok:
            out.print(f"[green]ok[/] {path} ({result.kind})")
            for line in result.summary:
                out.print(f"   {line}", markup=False)
        else:
            failed += 1
            out.print(f"[red]{len(result.problems)} problem(s)[/] in {path} ({result.kind}):")
            for line in result.problems:
                out.print(f"   {line}", markup=False, soft_wrap=True)
    if failed:
        raise UserError(f"{failed} of {len(files)} file(s) have problems (above); nothing was changed",
                        hint="fix each line above (every field: docs/configuration.md), then check again")
