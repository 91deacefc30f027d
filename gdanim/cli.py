"""The gdanim command line: list scenes and render them. Knows scenes only by their params."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from gdanim.render import QUALITIES


@click.group()
def main():
    """Render gradient-descent lessons as videos."""


@main.command("list")
def list_scenes():
    """Every scene with its description and parameters."""
    from gdanim.catalog import discover_scenes
    from gdanim.config import param_table

    for name, cls in discover_scenes().items():
        click.echo(f"{name}: {(cls.__doc__ or '').strip().splitlines()[0]}")
        for name, default, type_name, help_text in param_table(cls.Params):
            click.echo(f"    {name} = {default!r}  ({type_name})  {help_text}")


@main.command()
@click.argument("scenes", nargs=-1, required=True)
@click.option("--quality", type=click.Choice(list(QUALITIES)), default="medium", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("media"),
              show_default=True, help="where finished videos go")
def render(scenes, quality, out):
    """Render SCENES to OUT/<quality>/<Scene>.mp4."""
    from gdanim.catalog import discover_scenes, get_scene
    from gdanim.render import render_scene

    available = discover_scenes()
    try:
        classes = [get_scene(name, available) for name in scenes]
    except KeyError as err:
        raise click.UsageError(err.args[0]) from None
    failed = 0
    for cls in classes:
        t0 = time.perf_counter()
        click.echo(f"rendering {cls.__name__} ({quality}) ...")
        try:
            path = render_scene(cls, cls.Params(), quality=quality, out_dir=out)
        except Exception as exc:  # one failing scene must not stop the others
            failed += 1
            click.echo(f"error: {cls.__name__} failed: {exc}", err=True)
            continue
        click.echo(f"  {path}  ({time.perf_counter() - t0:.1f} s)")
    sys.exit(1 if failed else 0)
