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

    from gdanim.catalog import description, discover_scenes
    from gdanim.config import param_table

    console = _console()
    for name, cls in discover_scenes().items():
        table = Table(title=f"[bold]{name}[/bold]: {description(cls)}",
                      title_justify="left", show_edge=False, pad_edge=False)
        for column in ("parameter", "default", "type", "meaning"):
            table.add_column(column)
        for pname, default, type_name, help_text in param_table(cls.Params):
            table.add_row(pname, repr(default), type_name, help_text)
        console.print(table)
        console.print()


def _format_list(ctx, param, value: str) -> tuple[str, ...]:
    """--format: a comma list of formats and shorthands (gdanim.render.parse_formats)."""
    from gdanim.render import parse_formats

    try:
        return parse_formats(value)
    except ValueError as exc:
        raise Failure(str(exc)) from None


@main.command()
@click.argument("scenes", nargs=-1)
@click.option("--quality", type=click.Choice(list(QUALITIES)), default="medium", show_default=True,
              help="manim preset: low 480p15, medium 720p30, high 1080p60, 4k")
@click.option("--format", "fmt", default="mp4", show_default=True, callback=_format_list, metavar="LIST",
              help="comma list of mp4, gif, webm (muted AV1 web loop), loop (muted H.264 web loop, "
                   ".loop.mp4); both = mp4,gif, web = webm,loop. Every render also writes a poster .png")
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
@click.option("--gif-width", "--web-width", "gif_width", type=click.IntRange(min=16), default=480, show_default=True,
              help="width in px of the web formats: gif, webm, loop (and then the poster)")
@click.option("--gif-fps", "--web-fps", "gif_fps", type=click.IntRange(min=1, max=50), default=12, show_default=True,
              help="frame rate of the web formats: gif, webm, loop (loops: at most the render's; "
                   "--clip keeps the render's, cut frame-exactly)")
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
@click.option("--clip", "clips", multiple=True, metavar="BEAT|START:END",
              help="also cut a muted web loop (<= 8 s; .mp4, .webm, poster) of caption beat BEAT (numbered as "
                   "`gdanim script` numbers them) or of START:END seconds, into OUT/<quality>/clips/; repeatable")
@click.pass_context
def render(ctx, scenes, quality, fmt, overrides, config_path, jobs, scheduler, force, out, gif_width, gif_fps,
           voice, burn_captions, end_card, captions, clips):
    """Render SCENES (default: every scene in the config) to OUT/<quality>/<Scene>.mp4|gif|webm|loop.mp4,
    with a poster <Scene>.png.

    \b
    Examples:
      gdanim render GradientDescent3D --quality low
      gdanim render GradientDescent3D --format mp4,web   # + course-page loops (.webm, .loop.mp4)
      gdanim render LearningRateEffects --set LearningRateEffects.lrs=[0.001,0.01,0.1]
      gdanim render --format both --jobs 2
      gdanim render GradientDescent3D --clip 2 --clip 12.5:18   # two short web loops
      gdanim render GradientDescent3D --quality high --scheduler tcp://10.0.0.5:8786
    """
    from rich.table import Table

    from gdanim.batch import plan_jobs, run_batch
    from gdanim.catalog import discover_scenes
    from gdanim.render import OutputSettings

    formats = fmt  # a tuple, in FORMATS order (_format_list)
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
    known = discover_scenes()
    planned = _guard(ctx, lambda: plan_jobs(list(scenes), settings, config_path=config_path,
                                            overrides=list(overrides), scenes=known))
    from gdanim.clips import check_clips, cut_clips

    clip_requests = _guard(ctx, lambda: check_clips(planned, list(clips), known)) if clips else []
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
    for made in _guard(ctx, lambda: cut_clips(results, clip_requests, known)) if clips else []:
        paths = [out / f["path"] for f in made.entry["files"].values()]
        click.echo(f"clip {made.span.label} of {made.entry['scene']} ({made.span.start:g}-{made.span.end:g} s, "
                   f"{made.status}): {paths[0].with_suffix('')}.{{{','.join(p.suffix[1:] for p in paths)}}}")
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
    from gdanim.still import preview_frame
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
@click.argument("landscape", required=False)
@click.option("--optimizers", metavar="A,B,...", help="optimizers to compare [default: gd,momentum,adam]")
@click.option("--lrs", metavar="LOW:HIGH:COUNT|A,B,...",
              help="the learning-rate slider's grid: COUNT log-spaced rates, or a list (at most 60) "
                   "[default: readable rates around the course's own for this landscape]")
@click.option("--start", metavar="X,Y", help="common start [default: the landscape's default start]")
@click.option("--steps", type=int, help="step budget, 1 to 2000 [default: OptimizerRace's for the landscape, else 300]")
@click.option("--out", default="media", callback=_out_folder,
              show_default=True, help="media folder; the page goes to OUT/explore/<landscape>.html")
@click.pass_context
def explore(ctx, landscape, optimizers, lrs, start, steps, out):
    """An interactive page for LANDSCAPE [default: valley]: a rotatable 3D surface and a contour
    map, a learning-rate slider, optimizer toggles, a step slider and the run's numbers. Every
    path is computed by the engine ahead of time; the page (plotly.js inlined) needs no server.

    \b
    Examples:
      gdanim explore rosenbrock
      gdanim explore himmelblau --optimizers gd,adam --lrs 0.001:0.3:25 --start -0.5,0
    """
    from gdanim.explore import DEFAULT_LANDSCAPE, parse_rates, parse_start, write_explorer

    name = landscape or DEFAULT_LANDSCAPE

    def write():
        return write_explorer(name, out / "explore" / f"{name}.html",
                              optimizers=None if optimizers is None else [v.strip() for v in optimizers.split(",")],
                              lrs=None if lrs is None else parse_rates(lrs),
                              start=None if start is None else parse_start(start), steps=steps)

    page = _guard(ctx, write)
    click.echo(f"{page} ({page.stat().st_size / 1e6:.1f} MB)")


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
    from gdanim.catalog import description, discover_scenes
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
    page = write_slides(out / "slides" / f"{job.scene}.html", job.scene, description(scenes[job.scene]), beats,
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
    """A static course page over OUT: one scene as a course page shows it (loop, poster,
    captions, commands), then each scene's video with captions, clips, downloads, landscape
    explorer (with plotly), parameters and the command that regenerates it. Links are relative:
    copy the folder to a course site.

    \b
    Examples:
      gdanim render --format mp4,gif,webm,loop && gdanim gallery
    """
    from gdanim.batch import DEFAULT_CONFIG
    from gdanim.catalog import discover_scenes
    from gdanim.config import load_config
    from gdanim.gallery import gallery_cards, link_explorers, write_gallery

    if not (out / "manifest.json").is_file():
        raise Failure(f"no {out / 'manifest.json'}: render first, e.g. gdanim render --format both --out {out}")
    path = config_path or (DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None)
    config = _guard(ctx, lambda: load_config(path)) if path is not None else {"scenes": {}}
    pinned = {name: set(values) for name, values in config["scenes"].items()}
    cards, skipped = gallery_cards(out, discover_scenes(), quality=quality, pinned=pinned)
    if not cards:
        raise Failure(f"no rendered scene with a video or GIF in {out}"
                      + (f" at quality {quality}" if quality else "")
                      + "; run gdanim render --format mp4,gif,webm,loop")
    cards, no_explorers = link_explorers(out, cards)
    page = write_gallery(out, cards)
    click.echo(f"{page} ({len(cards)} scene{'s' if len(cards) != 1 else ''})")
    if skipped:
        click.echo(f"left out (not a scene of this course, or its files are gone): {', '.join(skipped)}", err=True)
    if no_explorers:
        click.echo(no_explorers, err=True)


@main.command()
@click.argument("scene")
@click.option("--quality", type=click.Choice(list(QUALITIES)),
              help="the rendered quality to embed [default: the best one rendered]")
@click.option("--out", default="media", callback=_out_folder, show_default=True,
              help="media folder the scene was rendered into")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True,
              help="html: a <figure> to paste into any page; md: the same as a raw HTML block for Jupyter "
                   "Book / MkDocs, with a poster-image link for sites that strip HTML")
@click.option("--autoplay/--no-autoplay", default=False, show_default=True,
              help="start the muted loop by itself, with a Pause button (never for readers who ask for "
                   "reduced motion)")
@click.option("--page", type=click.Path(path_type=Path),
              help="the page the snippet goes into: links are relative to its folder [default: OUT]")
@click.pass_context
def embed(ctx, scene, quality, out, fmt, autoplay, page):
    """Print a copy-paste snippet that embeds SCENE's rendered video in a course page: muted
    looping video with its poster, web loops and captions track, and a caption. Writes nothing.

    \b
    Examples:
      gdanim embed GradientDescent3D --quality low --autoplay
      gdanim embed OptimizerRace --format md --page docs/lessons/race.md
    """
    from gdanim.catalog import description, get_scene
    from gdanim.embed import snippet

    about = description(_guard(ctx, lambda: get_scene(scene)))
    page_dir = None if page is None else page if page.is_dir() else page.parent
    click.echo(_guard(ctx, lambda: snippet(out, scene, about, quality=quality, page_dir=page_dir,
                                           fmt=fmt, autoplay=autoplay)), nl=False)
