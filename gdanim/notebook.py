"""gdanim in Jupyter: ``show``, ``preview`` and ``script`` a scene from a notebook cell, plus the
``%gdanim`` magic (``%load_ext gdanim.notebook``) and ``sliders``.

Everything goes through the CLI's own path (gdanim.batch: the same checks, cache, manifest and
files as ``gdanim render``); keyword parameters are turned into ``--set`` texts, so they are read
and checked exactly like the command line's. Imported lazily (``gdanim.show`` etc., see
gdanim/__init__.py), never by the CLI: IPython and ipywidgets (extra ``gdanim[notebook]``) load here only.
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import inspect
import math
import shlex
import tomllib
import typing
from pathlib import Path
from time import perf_counter

import gdanim.still
from gdanim.config import ConfigError, brief, toml_value
from gdanim.slides import data_uri


class OneLineError(Exception):
    """An error IPython shows as its one line, without the traceback (its ``_render_traceback_``
    hook): the message already names the fix."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


class RequestError(OneLineError, ConfigError):
    """A scene, parameter or value to fix (a ValueError, like the CLI's ConfigError)."""


class RenderFailed(OneLineError, RuntimeError):
    """The scene itself failed while rendering (the CLI's exit code 1)."""


# --- the three calls ------------------------------------------------------------------------


def show(scene: str, *, quality: str = "low", captions: str = "screen", out="media", config=None,
         force: bool = False, **params) -> Clip:
    """Render ``scene`` as ``gdanim render SCENE --quality QUALITY`` would (or reuse that render,
    instantly, when it is cached) and show the MP4 inline with its captions track. Keyword
    parameters are the scene's Params fields (``lrs={"adam": 0.05}``), on top of ./gdanim.toml
    like ``--set``. ``quality`` defaults to low (480p15), a notebook's draft."""
    from gdanim.batch import plan_jobs, run_batch
    from gdanim.catalog import description, discover_scenes
    from gdanim.render import CAPTION_MODES, OutputSettings

    _choice("captions", captions, CAPTION_MODES)
    settings = OutputSettings(quality=_quality(quality), captions=captions, out_dir=_folder(out))
    scenes = discover_scenes()
    (job,) = _checked(lambda: plan_jobs([scene], settings, config_path=_path(config),
                                        overrides=as_overrides(scene, params), scenes=scenes))
    start = perf_counter()
    (result,) = run_batch([job], force=force, console=_console(), show_progress=True)
    if result.status == "failed":
        raise RenderFailed(f"{job.scene} failed to render: {result.error}")
    return Clip(scene=job.scene, status=result.status, seconds=perf_counter() - start,
                mp4=job.output_path("mp4"), vtt=_existing(job.output_path("vtt")), captions=captions,
                label=description(scenes[job.scene]) or job.scene, command=_command(job, scenes[job.scene], config))


def preview(scene: str, time: float | None = None, step: float | None = None, *, quality: str = "low",
            out="media", config=None, **params):
    """One frame of ``scene`` as an inline PNG, in seconds (``gdanim preview``): the frame at
    ``time`` seconds, or when the optimizer reaches ``step``, or the last frame."""
    from IPython.display import Image

    from gdanim.catalog import discover_scenes

    if time is not None and step is not None:
        raise RequestError("give time or step, not both")
    for what, value in (("time", time), ("step", step)):
        if value is not None and not _non_negative(value):
            raise RequestError(f"{what} must be a number of {'seconds' if what == 'time' else 'steps'} "
                               f">= 0, got {brief(value)}")
    quality, out_dir = _quality(quality), _folder(out)
    name, cls, checked = _resolved(scene, params, config, discover_scenes())
    path = _checked(lambda: gdanim.still.preview_frame(cls, checked, at_time=time, step=step,
                                                         quality=quality, out_dir=out_dir))
    return Image(filename=str(path))


def script(scene: str, *, config=None, **params):
    """The narration ``scene`` will speak for these parameters, as Markdown (``gdanim script``):
    title, every caption in order, the takeaway. Nothing is rendered."""
    from collections import ChainMap

    from IPython.display import Markdown

    from gdanim.lessons import lesson_modules
    from gdanim.lessons.script import to_markdown

    lessons = lesson_modules()
    if scene not in lessons:  # a scene of the teacher's own (GDANIM_SCENE_MODULES)
        from gdanim.catalog import discover_scenes

        lessons = ChainMap(lessons, discover_scenes())
    name, holder, checked = _resolved(scene, params, config, lessons)
    if not hasattr(holder, "plan"):
        raise RequestError(f"{name} has no lesson plan (a plan(params) function), so it has no script")
    return Markdown(to_markdown(name, _checked(lambda: holder.plan(checked))))


# --- parameters: keyword arguments read as --set texts --------------------------------------


def as_overrides(scene: str, params: dict) -> list[str]:
    """``Scene.name=value`` texts for keyword parameters: the CLI's ``--set`` then reads and
    checks them, so a notebook accepts exactly what the command line accepts."""
    if not isinstance(scene, str):
        raise RequestError(f"scene must be a scene's name, e.g. 'OptimizerRace', got {brief(scene)}")
    texts = []
    for name, value in params.items():
        if value is None:
            raise RequestError(f"{name}=None: leave {name} out to use its default")
        try:
            texts.append(f"{scene}.{name}={toml_value(_plain(value))}")
        except ValueError:
            raise RequestError(f"{name}={brief(value)} is no parameter value; give numbers, text, "
                               "lists or dicts of them") from None
    return texts


def _plain(value):
    """numpy numbers and arrays as Python's (their repr is no TOML), through lists and dicts."""
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value.tolist() if hasattr(value, "tolist") else value


def _resolved(scene: str, params: dict, config, scenes) -> tuple[str, object, object]:
    """(name, scene or lesson module, checked params) as the CLI resolves them."""
    from gdanim.batch import resolve_params

    return _checked(lambda: resolve_params([scene], config_path=_path(config),
                                           overrides=as_overrides(scene, params), scenes=scenes))[0]


def _checked(call):
    """``call()``, its input errors re-raised as one-line RequestErrors (like the CLI's _guard)."""
    try:
        return call()
    except RequestError:
        raise
    except (ConfigError, KeyError, ValueError) as exc:
        raise RequestError(str(exc.args[0] if exc.args else exc)) from None


def _quality(quality: str) -> str:
    from gdanim.render import QUALITIES

    return _choice("quality", quality, QUALITIES)


def _choice(what: str, value, valid) -> str:
    if value not in valid:
        raise RequestError(f"{what} must be one of {', '.join(valid)}, got {brief(value)}")
    return value


def _folder(out) -> Path:
    """``out`` checked as ``--out`` is (a folder that can exist)."""
    import click

    from gdanim.cli import _out_folder

    try:
        return _out_folder(None, None, str(out))
    except click.ClickException as exc:
        raise RequestError(exc.message.replace("--out", "out")) from None


def _path(config) -> Path | None:
    return None if config is None else Path(config)


def _non_negative(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


# --- the inline video -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Clip:
    """A rendered scene as a notebook shows it: the MP4 inline (embedded, so the saved notebook
    plays it anywhere) with its captions track, what was done, and the command that
    regenerates the same file. The files stay in ``out`` like any ``gdanim render`` output."""

    scene: str
    status: str  # rendered / cached
    seconds: float  # wall time of this call's render (or cache check)
    mp4: Path
    vtt: Path | None
    captions: str  # screen / soft / none: the track is shown at once only when the picture has none
    label: str  # the scene's description, for screen readers
    command: str

    def _repr_html_(self) -> str:
        from gdanim.embed import caption_track

        e = html.escape
        track = caption_track(data_uri(self.vtt.read_bytes(), "text/vtt"), self.captions) if self.vtt else ""
        size = self.mp4.stat().st_size / 1e6
        return (f'<figure class="gdanim-clip" style="margin:0">'
                f'<video controls playsinline preload="metadata" style="max-width:100%" aria-label="{e(self.label)}" '
                f'src="{data_uri(self.mp4.read_bytes())}">{track}</video>'
                f'<figcaption>{e(self.scene)}: {e(self.status)} in {self.seconds:.1f} s, {size:.2f} MB at '
                f'<code>{e(str(self.mp4))}</code><br>the same file from a shell: <code>{e(self.command)}</code>'
                f'</figcaption></figure>')


def _command(job, cls, config) -> str:
    """The ``gdanim render`` command that makes this very file (gdanim.gallery's), pinning the
    values the course config sets."""
    from gdanim.batch import DEFAULT_CONFIG
    from gdanim.config import as_dict, load_config
    from gdanim.gallery import render_command

    path = _path(config) or (DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None)
    pinned = load_config(path)["scenes"].get(job.scene, {}) if path is not None else {}
    return render_command(job.scene, job.params, as_dict(cls.Params()), job.settings, pinned=set(pinned))


def _console():
    """rich's console, which draws the CLI's progress bars in a notebook output."""
    from rich.console import Console

    return Console(highlight=False)


# --- sliders ----------------------------------------------------------------------------------

LINEAR_SCALES = (-4, -2, -1, -0.5, 0, 0.1, 0.25, 0.5, 1, 2, 4, 10)  # of a parameter's value
ZERO_TRIES = (0, 1, 2, 5, 10, 20)  # values tried for a parameter that is 0


def sliders(scene: str, *, time: float | None = None, step: float | None = None, quality: str = "low",
            out="media", config=None, **params):
    """ipywidgets sliders over ``scene``'s numbers (int and float parameters); releasing one
    draws the preview frame again (``preview`` with the sliders' values). A refused value shows
    its one-line error in place of the frame."""
    import ipywidgets as widgets

    from gdanim.catalog import discover_scenes

    name, _cls, base = _resolved(scene, params, config, discover_scenes())
    controls = {field: slider(base, field) for field in numeric_fields(base)}
    frame, message = widgets.Image(format="png"), widgets.HTML()

    def redraw(_change=None):
        values = {**params, **{field: control.value for field, control in controls.items()}}
        try:
            frame.value = preview(name, time, step, quality=quality, out=out, config=config, **values).data
            message.value = ""
        except (RequestError, RenderFailed) as exc:
            message.value = f'<b style="color:#b00">{html.escape(str(exc))}</b>'

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([*controls.values(), message, frame])


def numeric_fields(params) -> list[str]:
    """The parameters a slider can set: plain int or float (not bool, not optional)."""
    hints = typing.get_type_hints(type(params))
    return [f.name for f in dataclasses.fields(params) if hints[f.name] in (int, float)]


def slider(params, field: str):
    """A slider for one parameter, over the widest of a few multiples of its value that the
    scene's own checks accept: logarithmic when they refuse 0 (a rate, a tolerance)."""
    import ipywidgets as widgets

    value = getattr(params, field)
    whole = isinstance(value, int)
    tries = ZERO_TRIES if value == 0 else sorted({value * scale for scale in LINEAR_SCALES})
    accepted = [v for v in (round(t) if whole else t for t in tries) if _accepts(params, field, v)]
    low, high = min(accepted, default=value), max(accepted, default=value)
    meaning = next(f.metadata.get("help", "") for f in dataclasses.fields(params) if f.name == field)
    common = {"value": value, "description": field, "tooltip": meaning, "continuous_update": False,
              "style": {"description_width": "initial"}, "layout": {"width": "32em"}}
    if whole:
        return widgets.IntSlider(min=low, max=high, **common)
    if low > 0:
        return widgets.FloatLogSlider(min=math.log10(low), max=math.log10(high), step=0.05, base=10, **common)
    return widgets.FloatSlider(min=low, max=high, step=(high - low) / 200 or 0.01, **common)


def _accepts(params, field: str, value) -> bool:
    try:
        dataclasses.replace(params, **{field: value})
    except (ValueError, TypeError):
        return False
    return True


# --- %gdanim / %%gdanim ---------------------------------------------------------------------

CALLS = {"show": show, "preview": preview, "script": script}


class _MagicParser(argparse.ArgumentParser):
    def error(self, message):
        raise RequestError(f"%gdanim: {message}; e.g. %gdanim show OptimizerRace --quality low "
                           "--set OptimizerRace.steps=300")


def _magic_parser() -> argparse.ArgumentParser:
    parser = _MagicParser(prog="%gdanim", add_help=False)
    parser.add_argument("call", choices=list(CALLS))
    parser.add_argument("scene")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="Scene.param=value")
    for option in ("--quality", "--config", "--out", "--captions"):
        parser.add_argument(option)
    for option in ("--time", "--step"):
        parser.add_argument(option, type=float)
    parser.add_argument("--force", action="store_true")
    return parser


def gdanim_magic(line: str, cell: str | None = None):
    """``%gdanim show|preview|script SCENE [--quality Q] [--time T | --step K] [--set Scene.p=v]``;
    as ``%%gdanim``, the cell's lines are the scene's parameters in TOML (``lr = 0.05``)."""
    args = _magic_parser().parse_args(shlex.split(line))
    call = CALLS[args.call]
    options = {k: v for k, v in vars(args).items()
               if v is not None and v is not False and k not in ("call", "scene", "overrides")}
    stray = sorted(set(options) - set(inspect.signature(call).parameters))
    if stray:
        raise RequestError(f"%gdanim {args.call} takes no --{stray[0]}")
    return call(args.scene, **options, **_magic_params(args.scene, args.overrides, cell))


def _magic_params(scene: str, overrides: list[str], cell: str | None) -> dict:
    """The parameters of ``--set Scene.param=value`` options, then of the cell's TOML lines."""
    from gdanim.config import parse_override

    params = {}
    for text in overrides:
        named, name, value = _checked(lambda: parse_override(text))
        if named != scene:
            raise RequestError(f"--set {text} is for {named}, but this cell is {scene}")
        params[name] = value
    try:
        params.update(tomllib.loads(cell or ""))
    except tomllib.TOMLDecodeError as exc:
        raise RequestError(f"%%gdanim: the cell holds the parameters as TOML lines, e.g. lr = 0.05 "
                           f"({exc})") from None
    return params


def load_ipython_extension(ipython) -> None:
    """``%load_ext gdanim.notebook``: registers ``%gdanim`` and ``%%gdanim``."""
    ipython.register_magic_function(gdanim_magic, "line_cell", "gdanim")
