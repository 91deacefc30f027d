"""The gdanim command line. Knows scenes only through their Params dataclasses.

Exit codes: 0 ok, 1 a scene failed, 2 usage or config error (one line, no traceback
unless --verbose).
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from gdanim.render import CAPTION_MODES, FORMATS, QUALITIES


class Failure(click.ClickException):
    """A one-line error with exit code 2 (usage/config) or 1 (a render failed)."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.exit_code = code


def _out_folder(ctx, param, value: str) -> Path:
    """--out must name a folder that can exist: not empty text, not under a file."""
    if not value.strip():
        raise Failure("--out is empty: give a folder, e.g. --out media")
    path = Path(value)
    for parent in (path, *path.parents):
        if parent.exists() and not parent.is_dir():
            raise Failure(f"--out {value}: {parent} is a file, not a folder; pick another --out")
    return path


def _console():
    from rich.console import Console

    return Console(stderr=False, highlight=False)


class OneLineErrors(click.Group):
    """Usage errors (a bad option value, an unknown command) in one line: the message names the
    valid values, and --help shows the rest."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            exc.ctx = None  # no "Usage: ..." and "Try ..." lines before the error
            raise


@click.group(cls=OneLineErrors)
@click.option("--verbose", is_flag=True, help="show tracebacks on errors")
@click.pass_context
def main(ctx, verbose):
    """Render gradient-descent lessons as videos and course-page GIFs."""
    from gdanim.lifetime import interrupt_on_sigterm

    interrupt_on_sigterm()
    ctx.obj = {"verbose": verbose}


def _guard(ctx, fn):
    """Run fn, turning expected errors into one clean line (tracebacks with --verbose)."""
    from gdanim.config import ConfigError

    try:
        return fn()
    except (ConfigError, KeyError, ValueError) as exc:
        if ctx.obj.get("verbose"):
            traceback.print_exc()
        message = exc.args[0] if exc.args else str(exc)
        raise Failure(str(message)) from None


@main.command("list")
def list_scenes():
    """Every scene with its description and parameters."""
    from rich.table import Table

    from gdanim.catalog import discover_scenes
    from gdanim.config import param_table

    console = _console()
    for name, cls in discover_scenes().items():
        table = Table(title=f"[bold]{name}[/bold]: {(cls.__doc__ or '').strip().splitlines()[0]}",
                      title_justify="left", show_edge=False, pad_edge=False)
        for column in ("parameter", "default", "type", "meaning"):
            table.add_column(column)
        for pname, default, type_name, help_text in param_table(cls.Params):
            table.add_row(pname, repr(default), type_name, help_text)
        console.print(table)
        console.print()


@main.command()
@click.argument("scenes", nargs=-1)
@click.option("--quality", type=click.Choice(list(QUALITIES)), default="medium", show_default=True,
              help="manim preset: low 480p15, medium 720p30, high 1080p60, 4k")
@click.option("--format", "fmt", type=click.Choice([*FORMATS, "both"]), default="mp4", show_default=True)
@click.option("--set", "overrides", multiple=True, metavar="Scene.param=value",
              help="override a parameter (TOML value), repeatable")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="course config [default: ./gdanim.toml if present]")
@click.option("--jobs", type=click.IntRange(min=1, max=32), default=1, show_default=True,
              help="worker processes: scenes render in parallel, and fewer scenes than workers are split "
                   "into segments (same video)")
@click.option("--scheduler", metavar="tcp://HOST:8786",
              help="render scenes' segments on this Dask cluster (pip install 'gdanim[dask]'; see README)")
@click.option("--force", is_flag=True, help="render even when a cached output matches")
@click.option("--out", default="media", callback=_out_folder,
              show_default=True, help="where outputs and the manifest go")
@click.option("--gif-width", type=click.IntRange(min=16), default=480, show_default=True)
@click.option("--gif-fps", type=click.IntRange(min=1, max=50), default=12, show_default=True)
@click.option("--voice", is_flag=True,
              help="speak the captions offline (espeak-ng) into the MP4's audio; beats last their speech")
@click.option("--burn-captions", is_flag=True,
              help="GIF with --captions soft: draw the caption beats at GIF size in a band below the clean "
                   "picture (with on-screen captions the picture already carries them: no band)")
@click.option("--captions", type=click.Choice(CAPTION_MODES), default="screen", show_default=True,
              help="screen: drawn in the video and in .srt/.vtt; soft: only in .srt/.vtt (a clean "
                   "picture, for live narration or a player's captions button); none: nowhere")
@click.option("--end-card", is_flag=True,
              help="close the video on a card with its parameters and the command that regenerates it")
@click.pass_context
def render(ctx, scenes, quality, fmt, overrides, config_path, jobs, scheduler, force, out, gif_width, gif_fps,
           voice, burn_captions, end_card, captions):
    """Render SCENES (default: every scene in the config) to OUT/<quality>/<Scene>.mp4|gif.

    \b
    Examples:
      gdanim render GradientDescent3D --quality low
      gdanim render LearningRateEffects --set LearningRateEffects.lrs=[0.001,0.01,0.1]
      gdanim render --format both --jobs 2
      gdanim render GradientDescent3D --quality high --scheduler tcp://10.0.0.5:8786
    """
    from rich.table import Table

    from gdanim.batch import plan_jobs, run_batch
    from gdanim.catalog import discover_scenes
    from gdanim.render import OutputSettings

    formats = FORMATS if fmt == "both" else (fmt,)
    if burn_captions and captions == "none":
        raise Failure("--burn-captions draws the captions into GIFs, but --captions none has none: "
                      "use --captions soft (captions in the GIF band and the .srt/.vtt only) or drop one")
    if burn_captions and "gif" not in formats:
        raise Failure("--burn-captions draws into GIFs: add --format gif or --format both "
                      "(MP4s carry their captions as .srt/.vtt)")
    if voice:
        from gdanim.voice import VoiceUnavailable, engine_path

        try:
            engine_path()
        except VoiceUnavailable as exc:
            raise Failure(str(exc)) from None
    settings = OutputSettings(quality=quality, formats=formats, gif_width=gif_width, gif_fps=gif_fps,
                              out_dir=out, voice=voice, burn_captions=burn_captions, end_card=end_card,
                              captions=captions, scheduler=scheduler)
    planned = _guard(ctx, lambda: plan_jobs(list(scenes), settings, config_path=config_path,
                                            overrides=list(overrides), scenes=discover_scenes()))
    segment_workers = jobs
    if scheduler is not None:
        from gdanim.cluster import ClusterError, check_cluster

        try:
            segment_workers = check_cluster(scheduler)
        except ClusterError as exc:
            raise Failure(str(exc)) from None
    console = _console()
    results = run_batch(planned, jobs_in_parallel=jobs, segment_workers=segment_workers, force=force,
                        console=console, show_progress=sys.stdout.isatty())
    table = Table(show_edge=False, pad_edge=False)
    for column in ("scene", "status", "video s", "render s", "outputs"):
        table.add_column(column)
    for r in results:
        files = ", ".join(f"{k} {r.size.get(k, 0) / 1e6:.2f} MB" for k in FORMATS if k in r.files) or r.error
        style = {"failed": "red", "cached": "dim"}.get(r.status, "")
        table.add_row(r.job.scene, f"[{style}]{r.status}[/]" if style else r.status,
                      f"{r.duration:.1f}", f"{r.seconds:.1f}", files)
    console.print(table)
    console.print(f"outputs in {out / quality}/, manifest {out / 'manifest.json'}")
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise Failure(f"{len(failed)} of {len(results)} scenes failed: "
                      + "; ".join(f"{r.job.scene}: {r.error}" for r in failed), code=1)


@main.command()
@click.argument("scene")
@click.option("--time", "at_time", type=click.FloatRange(min=0), help="seconds into the video")
@click.option("--step", type=click.FloatRange(min=0), help="the moment the optimizer reaches step K")
@click.option("--set", "overrides", multiple=True, metavar="Scene.param=value")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--quality", type=click.Choice(list(QUALITIES)), default="low", show_default=True)
@click.option("--out", default="media", callback=_out_folder,
              show_default=True)
@click.pass_context
def preview(ctx, scene, at_time, step, overrides, config_path, quality, out):
    """One PNG frame of SCENE (default: its last frame), to check a tweak in seconds.

    \b
    Examples:
      gdanim preview OptimizerRace --step 200
      gdanim preview GradientDescent3D --time 12.5 --set GradientDescent3D.lr=0.05
    """
    from gdanim.batch import plan_jobs
    from gdanim.catalog import discover_scenes, get_scene
    from gdanim.config import build_params
    from gdanim.preview import preview_frame
    from gdanim.render import OutputSettings

    if at_time is not None and step is not None:
        raise Failure("give --time or --step, not both")
    scenes = discover_scenes()
    (job,) = _guard(ctx, lambda: plan_jobs([scene], OutputSettings(quality=quality, out_dir=out),
                                           config_path=config_path, overrides=list(overrides),
                                           scenes=scenes))
    cls = get_scene(job.scene, scenes)
    params = build_params(cls.Params, job.params, where=job.scene)
    path = _guard(ctx, lambda: preview_frame(cls, params, at_time=at_time, step=step, quality=quality,
                                             out_dir=out))
    click.echo(str(path))


@main.command()
@click.argument("scene")
@click.option("--set", "overrides", multiple=True, metavar="Scene.param=value",
              help="override a parameter (TOML value), repeatable")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="course config [default: ./gdanim.toml if present]")
@click.option("--format", "fmt", type=click.Choice(["md", "srt"]), default="md", show_default=True,
              help="md: title, captions and takeaway as Markdown; srt: the subtitles with their "
                   "times (a dry run of the scene, no frame drawn)")
@click.option("--out", default="media", callback=_out_folder,
              show_default=True, help="media folder whose TeX/text cache the srt dry run reuses")
@click.pass_context
def script(ctx, scene, overrides, config_path, fmt, out):
    """Print SCENE's script for these parameters, without rendering: every caption the video
    will show, true for the runs these parameters produce.

    \b
    Examples:
      gdanim script LearningRateEffects --set 'LearningRateEffects.lrs=[0.001, 0.01, 0.1]'
      gdanim script GradientDescent3D --set GradientDescent3D.optimizer=adam > notes.md
      gdanim script OptimizerRace --format srt > race.srt
    """
    from collections import ChainMap

    from gdanim.batch import resolve_params
    from gdanim.lessons import lesson_modules
    from gdanim.lessons.script import to_markdown

    lessons = lesson_modules()
    if scene not in lessons:  # a scene of the teacher's own (GDANIM_SCENE_MODULES)
        from gdanim.catalog import discover_scenes

        lessons = ChainMap(lessons, discover_scenes())
    ((name, holder, params),) = _guard(ctx, lambda: resolve_params(
        [scene], config_path=config_path, overrides=list(overrides), scenes=lessons))
    if not hasattr(holder, "plan"):
        raise Failure(f"{name} has no lesson plan (a plan(params) function), so it has no script")
    lesson = _guard(ctx, lambda: holder.plan(params))
    if fmt == "md":
        click.echo(to_markdown(name, lesson), nl=False)
        return
    from gdanim.catalog import discover_scenes, get_scene
    from gdanim.render import dry_run_cues
    from gdanim.subtitles import to_srt

    cues = dry_run_cues(get_scene(name, discover_scenes()), params, out_dir=out)
    click.echo(to_srt(cues), nl=False)


@main.command()
@click.option("--out", default="media", callback=_out_folder,
              show_default=True)
@click.option("--all", "everything", is_flag=True, help="also delete finished outputs and the manifest")
def clean(out, everything):
    """Remove caches and intermediates (finished outputs stay unless --all)."""
    import shutil

    from gdanim.render import remove_stale_work

    remove_stale_work(out / ".work")
    targets = [out / ".cache", out / "preview"]
    targets += [out / name for name in ("Tex", "texts", "videos", "images")]  # plain-manim leftovers
    if everything:
        targets += [out / q for q in QUALITIES] + [out / "manifest.json"]
    removed = [t for t in targets if t.exists()]
    for target in removed:
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    if (out / ".work").is_dir() and not any((out / ".work").iterdir()):
        (out / ".work").rmdir()
    click.echo(f"removed {len(removed)} item(s) from {out}" + ("" if everything else "; finished outputs kept"))


@main.command()
@click.argument("scene")
@click.option("--set", "overrides", multiple=True, metavar="Scene.param=value",
              help="override a parameter (TOML value), repeatable")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="course config [default: ./gdanim.toml if present]")
@click.option("--quality", type=click.Choice(list(QUALITIES)), default="medium", show_default=True)
@click.option("--out", default="media", callback=_out_folder,
              show_default=True, help="media folder; the page goes to OUT/slides/<Scene>.html")
@click.option("--embed/--no-embed", default=True, show_default=True,
              help="video inside the page (one file), or copied beside it as OUT/slides/<Scene>.mp4")
@click.pass_context
def slides(ctx, scene, overrides, config_path, quality, out, embed):
    """SCENE as an HTML presentation, one narration beat per step, for live lecturing.

    Renders the MP4 like `gdanim render` (or reuses the cached one); each caption starts a beat
    that plays and pauses at its end. Keys: Right/Space/PageDown next beat, Left/PageUp
    previous, Home/End, n speaker notes, f full screen.

    \b
    Examples:
      gdanim slides GradientDescent3D --quality low
      gdanim slides OptimizerRace --no-embed --set OptimizerRace.steps=300
    """
    from gdanim.batch import plan_jobs, run_batch
    from gdanim.catalog import discover_scenes
    from gdanim.render import OutputSettings, settings_from_record
    from gdanim.slides import beats_from_cues, cues_from_subtitles, write_slides
    from gdanim.store import Store

    scenes = discover_scenes()

    def plan(settings):
        return _guard(ctx, lambda: plan_jobs([scene], settings, config_path=config_path,
                                             overrides=list(overrides), scenes=scenes))[0]

    job = plan(OutputSettings(quality=quality, out_dir=out))
    # render exactly as this scene's output at this quality was rendered (GIF, burned captions,
    # caption mode...): the cached output is reused and never replaced by a plainer one
    previous = Store(out).entries().get(job.manifest_id)
    if previous is not None:
        job = plan(settings_from_record(previous["settings"], quality, out))
    console = _console()
    (result,) = run_batch([job], console=console, show_progress=sys.stdout.isatty())
    if result.status == "failed":
        raise Failure(f"{job.scene} failed to render: {result.error}", code=1)
    subtitles = job.output_path("vtt")
    cues = cues_from_subtitles(subtitles.read_text()) if subtitles.is_file() else []
    beats = beats_from_cues(cues, result.duration)
    doc = (scenes[job.scene].__doc__ or "").strip().splitlines()
    page = write_slides(out / "slides" / f"{job.scene}.html", job.scene, doc[0] if doc else "", beats,
                        job.output_path("mp4"), embed=embed)
    click.echo(f"{page} ({len(beats)} beat{'s' if len(beats) != 1 else ''}, video {result.status}"
               + (", embedded" if embed else f", beside it as {page.with_suffix('.mp4').name}") + ")")


@main.command()
@click.option("--out", default="media", callback=_out_folder,
              show_default=True, help="media folder to index; the page is OUT/index.html")
@click.option("--quality", type=click.Choice(list(QUALITIES)),
              help="show this quality only [default: each scene's best rendered quality]")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="course config whose values the commands pin [default: ./gdanim.toml if present]")
@click.pass_context
def gallery(ctx, out, quality, config_path):
    """A static course page over OUT: each scene's GIF, MP4 with captions, parameters and the
    command that regenerates it. Links are relative: copy the folder to a course site.

    \b
    Examples:
      gdanim render --format both && gdanim gallery
    """
    from gdanim.batch import DEFAULT_CONFIG
    from gdanim.catalog import discover_scenes
    from gdanim.config import load_config
    from gdanim.gallery import gallery_cards, write_gallery

    if not (out / "manifest.json").is_file():
        raise Failure(f"no {out / 'manifest.json'}: render first, e.g. gdanim render --format both --out {out}")
    path = config_path or (DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None)
    config = _guard(ctx, lambda: load_config(path)) if path is not None else {"scenes": {}}
    pinned = {name: set(values) for name, values in config["scenes"].items()}
    cards, skipped = gallery_cards(out, discover_scenes(), quality=quality, pinned=pinned)
    if not cards:
        raise Failure(f"no rendered scene with a GIF or MP4 in {out}"
                      + (f" at quality {quality}" if quality else "") + "; run gdanim render --format both")
    page = write_gallery(out, cards)
    click.echo(f"{page} ({len(cards)} scene{'s' if len(cards) != 1 else ''})")
    if skipped:
        click.echo(f"left out (not a scene of this course, or its files are gone): {', '.join(skipped)}", err=True)
