"""Render jobs: one scene + params + output settings -> finished files, written atomically.

A job renders its scene once in a private work folder. An MP4 alone is encoded as it is drawn
(H.264, yuv420p, crf 18; manim encodes each play in turn, on the cores drawing leaves idle) and
only remuxed (faststart, the voice track). The web formats (a GIF with a palette per scene, the
WebM and MP4 loops of gdanim.web) are made from a lossless render (libx264rgb, crf 0), and the
MP4 next to them is encoded from the same frames. Every render also gets a poster (a PNG of a
representative frame, gdanim.web). Every encode uses imageio-ffmpeg's bundled ffmpeg or manim's
PyAV; each file is moved into place only when finished. A killed render leaves no partial file
where a finished one belongs; stale work folders of dead processes are removed by the next run.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import fcntl
import hashlib
import importlib.metadata
import inspect
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from gdanim import __version__
from gdanim.store import Store
from gdanim.subtitles import write_subtitles

QUALITIES = {
    "tiny": {"pixel_width": 256, "pixel_height": 144, "frame_rate": 5},  # tests
    "low": {"quality": "low_quality"},
    "medium": {"quality": "medium_quality"},
    "high": {"quality": "high_quality"},
    "4k": {"quality": "fourk_quality"},
}
FORMATS = ("mp4", "gif", "webm", "loop")  # loop: the web-loop MP4 (gdanim.web), <Scene>.loop.mp4
FORMAT_GROUPS = {"both": ("mp4", "gif"), "web": ("webm", "loop")}  # --format shorthands
WEB_FORMATS = ("gif", "webm", "loop")  # made from lossless frames at the web width (gif_width)
FILE_SUFFIXES = {"loop": "loop.mp4", "poster": "png"}  # output file suffix, where not the format's name
# captions: drawn on screen (and in .srt/.vtt), only in .srt/.vtt (a clean picture), or nowhere
CAPTION_MODES = ("screen", "soft", "none")
# manim's dry_run still draws every frame; skipping every play runs the scene's logic only
SKIP_EVERY_PLAY = {"dry_run": True, "from_animation_number": 10**9}
ENCODING_VERSION = 3  # bump when the encoder settings below change, to expire cached outputs
LOSSLESS = {"video_codec": "libx264rgb", "pixel_format": "rgb24",
            "video_encoder_options": {"crf": "0", "preset": "ultrafast"}}
MP4 = {"video_codec": "libx264", "pixel_format": "yuv420p",
       "video_encoder_options": {"crf": "18", "preset": "medium"}}


def drawn_encoding(settings) -> dict:
    """How manim encodes the frames it draws: as the final MP4 when that is all we make (no
    second encode, no lossless file), losslessly when a web format is made from the same frames
    (each is then one lossy encode from the true picture, not a copy of the MP4's losses)."""
    return LOSSLESS if web_formats(settings) else MP4


def web_formats(settings) -> list[str]:
    return [fmt for fmt in WEB_FORMATS if fmt in settings.formats]


def parse_formats(text: str) -> tuple[str, ...]:
    """``--format``'s value, a comma list of FORMATS and FORMAT_GROUPS names, as formats in
    FORMATS order; ValueError names the choices."""
    names = [name.strip().lower() for name in text.split(",")]
    unknown = [name for name in names if name not in FORMATS and name not in FORMAT_GROUPS]
    if unknown:
        groups = ", ".join(f"{group} ({','.join(fmts)})" for group, fmts in FORMAT_GROUPS.items())
        raise ValueError(f"--format {text!r}: unknown {unknown[0]!r}; give a comma list of {', '.join(FORMATS)} "
                         f"or {groups}, e.g. --format mp4,webm,gif")
    chosen = {fmt for name in names for fmt in FORMAT_GROUPS.get(name, (name,))}
    return tuple(fmt for fmt in FORMATS if fmt in chosen)


def format_option(formats: tuple[str, ...]) -> str:
    """The ``--format`` value that asks for ``formats`` (its shorthand if one names them)."""
    groups = {fmts: group for group, fmts in FORMAT_GROUPS.items()}
    return groups.get(tuple(formats), ",".join(formats))


def drawing_config(job: Job, media_dir: Path, cache: Path) -> dict:
    """manim's config for drawing ``job``'s frames into ``media_dir``, encoded as
    ``drawn_encoding`` says; TeX and text drawings come from (and go to) ``cache``, private
    to one process at a time."""
    return {
        **QUALITIES[job.settings.quality], **drawn_encoding(job.settings), "media_dir": str(media_dir),
        "tex_dir": str(cache / "Tex"), "text_dir": str(cache / "texts"),
        "verbosity": "WARNING", "progress_bar": "none", "disable_caching": True,
        "output_file": job.scene, "format": "mp4",
    }


@dataclass(frozen=True)
class OutputSettings:
    """What to produce and where: shared by every job of a run."""

    quality: str = "medium"
    formats: tuple[str, ...] = ("mp4",)
    gif_width: int = 480  # the web formats' width (gif, webm, loop)
    gif_fps: int = 12  # the web formats' frame rate (at most the render's)
    out_dir: Path = Path("media")
    voice: bool = False  # speak the cues (gdanim.voice), beats timed to the speech, AAC in the MP4
    burn_captions: bool = False  # GIF: captions in a band below a clean picture (gdanim.burn, burns_band)
    end_card: bool = False  # close on the parameter card (gdanim.visual.end_card)
    captions: str = "screen"  # one of CAPTION_MODES
    segments: int = 1  # processes to split each scene across (gdanim.segments); same output for any count
    scheduler: str | None = None  # a Dask scheduler's address: segments render there (gdanim.cluster)


RECORDED_SETTINGS = ("formats", "gif_width", "gif_fps", "voice", "burn_captions", "end_card", "captions")


def burns_band(settings: OutputSettings) -> bool:
    """Whether the GIF gets a caption band (gdanim.burn): each caption is seen exactly once, so
    only under a clean picture (``captions="soft"``). With ``"screen"`` the picture draws each
    caption already and a band would repeat it; with ``"none"`` there is nothing to burn."""
    return settings.burn_captions and settings.captions == "soft" and "gif" in settings.formats


def settings_record(settings: OutputSettings) -> dict:
    """The render settings a manifest entry keeps, so its output can be reproduced exactly."""
    return {name: list(v) if isinstance(v := getattr(settings, name), tuple) else v for name in RECORDED_SETTINGS}


def settings_from_record(record: dict, quality: str, out_dir: Path) -> OutputSettings:
    """The settings an entry was rendered with (defaults for what an older manifest lacks)."""
    known = {k: (tuple(v) if k == "formats" else v) for k, v in record.items() if k in RECORDED_SETTINGS}
    return OutputSettings(quality=quality, out_dir=Path(out_dir), **known)


@dataclass(frozen=True)
class Job:
    scene: str
    params: dict  # resolved parameters, JSON-able
    settings: OutputSettings
    key: str = ""

    @property
    def folder(self) -> Path:
        return self.settings.out_dir / self.settings.quality

    def output_path(self, fmt: str) -> Path:
        return self.folder / f"{self.scene}.{FILE_SUFFIXES.get(fmt, fmt)}"

    @property
    def manifest_id(self) -> str:
        return f"{self.settings.quality}/{self.scene}"


@dataclass
class JobResult:
    job: Job
    status: str  # rendered / cached / failed
    files: dict = field(default_factory=dict)
    duration: float = 0.0
    frames: int = 0
    size: dict = field(default_factory=dict)
    seconds: float = 0.0
    error: str = ""


def versions() -> dict:
    return {"gdanim": __version__, "gdanim_source": source_digest(Path(__file__).parent),
            "manim": importlib.metadata.version("manim")}


def source_digest(root: Path) -> str:
    """Hash of a package's code (gdanim's own: a kit change re-renders, like a version bump would)."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def job_key(scene_cls: type, params: dict, settings: OutputSettings) -> str:
    """Content hash of everything that shapes the output files."""
    blob = {
        "scene": scene_cls.__name__, "source": inspect.getsource(inspect.getmodule(scene_cls)),
        "params": params, "quality": settings.quality, "formats": sorted(settings.formats),
        "web": [settings.gif_width, settings.gif_fps] if web_formats(settings) else None,  # GIF, WebM, loop
        "versions": versions(), "encoding": ENCODING_VERSION,
    }
    if settings.voice:  # only when on: default renders keep their keys
        from gdanim.voice import voice_key

        blob["voice"] = voice_key()
    if burns_band(settings):
        blob["burn_captions"] = True
    if settings.end_card:
        blob["end_card"] = cli_flags(settings)
    if settings.captions != "screen":
        blob["captions"] = settings.captions
    return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()


def cli_flags(settings: OutputSettings) -> list[str]:
    """The ``gdanim render`` options that produce outputs like ``settings``' (for the end card)."""
    default = OutputSettings()
    flags = ["--quality", settings.quality]
    if tuple(settings.formats) != default.formats:
        flags += ["--format", format_option(settings.formats)]
    if web_formats(settings):
        flags += ["--gif-width", str(settings.gif_width)] if settings.gif_width != default.gif_width else []
        flags += ["--gif-fps", str(settings.gif_fps)] if settings.gif_fps != default.gif_fps else []
    if "gif" in settings.formats:
        flags += ["--burn-captions"] if settings.burn_captions else []
    flags += ["--voice"] if settings.voice else []
    flags += ["--end-card"] if settings.end_card else []
    flags += ["--captions", settings.captions] if settings.captions != "screen" else []
    return flags


# --- rendering ------------------------------------------------------------------------------


def render_scene(scene_cls: type, params, *, quality: str = "medium", out_dir: Path = Path("media"),
                 dry_run: bool = False) -> Path | None:
    """Render one scene to ``out_dir/<quality>/<Scene>.mp4`` (a convenience over ``run_job``)."""
    from gdanim.config import as_dict

    settings = OutputSettings(quality=quality, formats=("mp4",), out_dir=Path(out_dir))
    job = Job(scene_cls.__name__, as_dict(params), settings)
    result = run_job(job, scene_cls=scene_cls, params_obj=params, dry_run=dry_run, raise_errors=True)
    return None if dry_run else result.files["mp4"]


def dry_run(scene_cls: type, params, *, out_dir: Path = Path("media"), prepare=None, quality: str = "low"):
    """Play the scene through in skip mode, drawing no frame, and return it (its ``cues`` are
    timed, on ``quality``'s frame clock). ``prepare(scene)`` runs before ``construct`` (e.g. to
    watch its plays). TeX and
    text come from a private copy of the scene's cache under ``out_dir``: a render of the scene
    may be writing to that cache right now (it holds the scene's lock; a dry run need not wait)."""
    from manim import tempconfig

    shared = Path(out_dir) / ".cache" / scene_cls.__name__
    with tempfile.TemporaryDirectory(prefix="gdanim-dry-") as work:
        cache = Path(work) / "cache"
        if shared.is_dir():
            shutil.copytree(shared, cache, ignore=shutil.ignore_patterns("*.lock"))
        else:  # no render to copy from: this process's own cache, so the next dry run skips TeX
            cache = _dry_run_cache(scene_cls.__name__)
        heal_text_cache(cache)  # a file caught mid-write
        settings = {**QUALITIES[quality], **SKIP_EVERY_PLAY, "media_dir": work, "write_to_movie": False,
                    "tex_dir": str(cache / "Tex"), "text_dir": str(cache / "texts"),
                    "verbosity": "ERROR", "progress_bar": "none", "disable_caching": True}
        with tempconfig(settings):
            scene = scene_cls(params=params)
            draw_nothing(scene)
            if prepare is not None:
                prepare(scene)
            scene.render()
            return scene


_DRY_RUN_CACHES: dict[str, Path] = {}


def _dry_run_cache(scene: str) -> Path:
    """A TeX and text cache for ``scene``'s dry runs, private to this process (nothing else
    writes it) and removed at exit: drawings are named by their content, so any dry run of the
    scene may reuse them (a cold one spent a quarter of its time compiling TeX)."""
    if scene not in _DRY_RUN_CACHES:
        folder = Path(tempfile.mkdtemp(prefix="gdanim-dry-cache-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _DRY_RUN_CACHES[scene] = folder
    return _DRY_RUN_CACHES[scene]


def dry_run_cues(scene_cls: type, params, *, out_dir: Path = Path("media")) -> list:
    """The scene's subtitle cues, timed, from a dry run (no frame drawn)."""
    return list(dry_run(scene_cls, params, out_dir=out_dir).cues)


def draw_nothing(scene) -> None:
    """A dry run's scene skips every play, yet manim still draws a static frame per play (a
    third of a dry run's time): nobody looks at those frames, so draw none."""
    scene.renderer.update_frame = lambda *args, **kwargs: None


def run_job(job: Job, *, scene_cls: type | None = None, params_obj=None, dry_run: bool = False,
            progress=None, raise_errors: bool = False, force: bool = True) -> JobResult:
    """Render ``job`` and install its files and manifest entry (gdanim.store), holding the
    scene's lock: a second render of the scene waits, then finds it cached (unless ``force``).
    ``progress(seconds_done)`` is called as frames are written. Errors become a failed
    JobResult unless ``raise_errors``."""
    t0 = time.perf_counter()
    store = Store(job.settings.out_dir)
    try:
        with contextlib.nullcontext() if dry_run else store.scene_lock(job.scene):
            if not force and not dry_run and (entry := store.cached(job)) is not None:
                return cached_result(job, entry)
            if scene_cls is None:
                from gdanim.catalog import get_scene
                from gdanim.config import build_params

                scene_cls = get_scene(job.scene)
                params_obj = build_params(scene_cls.Params, job.params, where=job.scene)
            entry = _render_files(job, scene_cls, params_obj, dry_run, progress, t0)
    except Exception as exc:
        remove_empty_folders(job)
        if raise_errors:
            raise
        return JobResult(job, "failed", seconds=time.perf_counter() - t0,
                         error=f"{type(exc).__name__}: {exc}".splitlines()[0])
    if entry is None:
        return JobResult(job, "rendered", seconds=time.perf_counter() - t0)
    return dataclasses.replace(cached_result(job, entry), status="rendered", seconds=time.perf_counter() - t0)


def cached_result(job: Job, entry: dict) -> JobResult:
    """The result a manifest entry describes (no render seconds: nothing was rendered now)."""
    root = job.settings.out_dir
    return JobResult(job, "cached", files={fmt: root / r["path"] for fmt, r in entry["files"].items()},
                     duration=entry["duration"], frames=entry["frames"], size=entry["size"])


def remove_empty_folders(job: Job) -> None:
    """A failed run leaves no empty output or work folder behind."""
    for folder in (job.folder, job.settings.out_dir / ".work"):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only if empty


def _render_files(job: Job, scene_cls, params_obj, dry_run, progress, t0: float) -> dict | None:
    from manim import tempconfig

    job.folder.mkdir(parents=True, exist_ok=True)
    cache = job.settings.out_dir / ".cache" / job.scene
    remove_stale_work(job.settings.out_dir / ".work")
    heal_text_cache(cache)
    with work_folder(job.settings.out_dir, f"{job.scene}-") as work:
        from gdanim.segments import render_segmented

        if (job.settings.segments > 1 or job.settings.scheduler) and not dry_run:
            with segment_runner(job.settings) as run:
                done = render_segmented(scene_cls, params_obj, job, job.settings.segments, work=work, cache=cache,
                                        run=run, progress=progress)
            intermediate, cues, voice = done.path, done.cues, done.voice
        else:
            # the cache is private to this render (it holds the scene's lock): no TeX races
            with tempconfig({**drawing_config(job, work, cache), **(SKIP_EVERY_PLAY if dry_run else {})}):
                scene = scene_cls(params=params_obj)
                if dry_run:
                    draw_nothing(scene)
                voice = add_extras(scene, scene_cls, job)
                if progress is not None:
                    _report_frames(scene, progress)
                scene.render()
                if dry_run:
                    return None
                intermediate = Path(scene.renderer.file_writer.movie_file_path)
                cues = getattr(scene, "cues", [])  # a plain manim scene has none
        keep_lossless(intermediate, job)
        staged = {}
        if "mp4" in job.settings.formats:
            audio = None
            if voice is not None:
                audio = voice.track(cues, probe(intermediate)[1], work / "voice.wav")
            finish = encode_mp4 if drawn_encoding(job.settings) is LOSSLESS else remux_mp4
            staged["mp4"] = finish(intermediate, work / "final.mp4", audio=audio)
        if "gif" in job.settings.formats:
            staged["gif"] = encode_gif(intermediate, work / "final.gif", job.settings.gif_width,
                                       job.settings.gif_fps,
                                       captions=cues if burns_band(job.settings) else None)
        staged |= encode_web_loops(intermediate, work, job.settings)
        # before install: a probe failure installs nothing
        frames, duration = probe(next((staged[fmt] for fmt in ("mp4", "loop", "webm", "gif") if fmt in staged),
                                      intermediate))
        poster = make_poster(intermediate, work / "poster.png", cues, duration, job.settings)
        subtitles = write_subtitles(cues if job.settings.captions != "none" else [], work / "final.mp4")
        # subtitles and poster first: a finished video never lacks its captions or its still
        outputs = {path.suffix.lstrip("."): path for path in subtitles} | {"poster": poster} | staged
        entry = manifest_entry(job, frames, duration, {fmt: staged[fmt].stat().st_size for fmt in staged},
                               time.perf_counter() - t0)
        return Store(job.settings.out_dir).install(
            job.manifest_id, entry, {fmt: (path, job.output_path(fmt)) for fmt, path in outputs.items()})


def keep_lossless(intermediate: Path, job: Job) -> None:
    """With GDANIM_KEEP_LOSSLESS=<folder>, copy the lossless frames the web formats are made from
    to <folder>/<Scene>.mp4: what their PSNR is measured against (scripts/bench_web.py, tests)."""
    folder = os.environ.get("GDANIM_KEEP_LOSSLESS")
    if folder and drawn_encoding(job.settings) is LOSSLESS:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(intermediate, Path(folder) / f"{job.scene}.mp4")


def encode_web_loops(intermediate: Path, work: Path, settings: OutputSettings) -> dict[str, Path]:
    """The muted web loops ``settings`` asks for (gdanim.web) at the web width and frame rate (the
    GIF's: a like-for-like replacement for it), staged in ``work``."""
    from gdanim.web import encode_loop_mp4, encode_webm

    encoders = {"webm": (encode_webm, "final.webm"), "loop": (encode_loop_mp4, "final.loop.mp4")}
    return {fmt: encode(intermediate, work / name, width=settings.gif_width, fps=settings.gif_fps)
            for fmt, (encode, name) in encoders.items() if fmt in settings.formats}


def make_poster(intermediate: Path, target: Path, cues: list, duration: float, settings: OutputSettings) -> Path:
    """The render's still (gdanim.web.poster_time over its cues), at the web width when web
    formats are made (it stands in for their first frame) and at the video's size otherwise."""
    from gdanim.web import poster_time, write_poster

    width = settings.gif_width if web_formats(settings) else None
    return write_poster(intermediate, target, poster_time(cues, duration), width=width)


def segment_runner(settings: OutputSettings):
    """Where a segmented render's segments run (a context): on the Dask cluster ``settings``
    names, else in local processes (``None``: ``gdanim.segments.LocalProcesses``)."""
    if settings.scheduler is None:
        return contextlib.nullcontext(None)
    from gdanim.cluster import DaskSegments

    return DaskSegments(settings.scheduler)


def add_extras(scene, scene_cls, job: Job):
    """Give the scene its caption mode, voice and end card as the settings ask; returns the voice."""
    scene.caption_mode = job.settings.captions
    voice = None
    if job.settings.voice:
        from gdanim.voice import Voice

        voice = scene.voice = Voice(job.settings.out_dir / ".cache" / "voice")
    if job.settings.end_card:
        from gdanim.config import as_dict, regenerate_command
        from gdanim.visual.end_card import EndCard

        defaults = as_dict(scene_cls.Params())
        command = regenerate_command(job.scene, job.params, defaults, cli_flags(job.settings))
        scene.end_card = EndCard(job.scene, job.params, __version__, command)
    return voice


def _report_frames(scene, progress) -> None:
    """Wrap the renderer's frame writer to report seconds of video done."""
    renderer = scene.renderer
    add_frame = renderer.add_frame

    def counting_add_frame(frame, num_frames=1):
        add_frame(frame, num_frames)
        progress(renderer.time)

    renderer.add_frame = counting_add_frame


def heal_text_cache(cache: Path) -> None:
    """Delete cached text and TeX drawings that a killed or failed render left half-written:
    manim reuses any file of the right name, so one bad SVG would fail every later render.
    An SVG is whole when it ends with its closing tag; a TeX output (dvi/xdv) when not empty.
    (Renders of one scene never overlap: they hold its lock, gdanim.store.Store.scene_lock.)"""
    if not cache.is_dir():
        return
    for path in cache.rglob("*"):
        if path.suffix not in (".svg", ".dvi", ".xdv") or not path.is_file():
            continue
        with open(path, "rb") as f:
            f.seek(max(path.stat().st_size - 64, 0))
            tail = f.read()
        if not tail or (path.suffix == ".svg" and b"</svg>" not in tail):
            for stale in path.parent.glob(path.stem + ".*"):  # with its .tex source's outputs
                if stale.suffix != ".tex":
                    stale.unlink(missing_ok=True)


@contextlib.contextmanager
def work_folder(out_dir: Path, prefix: str):
    """A private folder under OUT/.work for one render or cut, removed when done. Its lock is
    held while this process lives, however it ends: remove_stale_work removes the folder of a
    killed process, never a live one's."""
    root = Path(out_dir) / ".work"
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=prefix, dir=root))
    lock = open(work / ".lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
        lock.close()


def remove_stale_work(work_root: Path) -> None:
    """Delete work folders whose renderer is gone (killed mid-render): their lock is free.

    The kernel releases a process's locks when it exits, even if it lingers as a zombie,
    which a pid check would mistake for a live process.
    """
    if not work_root.is_dir():
        return
    for folder in work_root.iterdir():
        try:
            with open(folder / ".lock", "r") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live render
        except FileNotFoundError:  # being created right now, unless it is old
            if time.time() - folder.stat().st_mtime < 60:
                continue
        shutil.rmtree(folder, ignore_errors=True)


# --- ffmpeg ---------------------------------------------------------------------------------


def ffmpeg_exe() -> str:
    """imageio-ffmpeg's bundled binary: never whatever ffmpeg is (or is not) on PATH."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(*args: str, cwd: Path | None = None) -> None:
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}")


def encode_mp4(source: Path, target: Path, audio: Path | None = None) -> Path:
    """H.264 yuv420p (plays everywhere), even frame size, moov atom first for the web.
    ``audio`` (a WAV as long as the video, e.g. the voice track) is muxed in as AAC."""
    options = MP4["video_encoder_options"]
    run_ffmpeg("-i", str(source), *(["-i", str(audio)] if audio is not None else []),
            "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-c:v", MP4["video_codec"],
            "-pix_fmt", MP4["pixel_format"], "-crf", options["crf"], "-preset", options["preset"],
            "-movflags", "+faststart", *_sound(audio), str(target))
    return target


def remux_mp4(source: Path, target: Path, audio: Path | None = None) -> Path:
    """An MP4 manim already encoded as ``MP4``: packets copied, moov atom first, ``audio`` muxed in."""
    run_ffmpeg("-i", str(source), *(["-i", str(audio)] if audio is not None else []),
            "-c:v", "copy", "-movflags", "+faststart", *_sound(audio), str(target))
    return target


def _sound(audio: Path | None) -> list[str]:
    """ffmpeg options for the audio: none, or ``audio`` (the second input) as AAC."""
    return ["-an"] if audio is None else ["-map", "0:v", "-map", "1:a", "-c:a", "aac", "-b:a", "96k"]


GIF_MAX_BYTES = 5_000_000  # GitHub's image proxy limit: embeddable on course pages
GIF_STEPS = ((1.0, 1.0, 256), (1.0, 0.75, 128), (0.8, 0.75, 128), (0.67, 0.6, 96), (0.5, 0.5, 64))


def encode_gif(source: Path, target: Path, width: int, fps: int, max_bytes: int = GIF_MAX_BYTES,
               captions: list | None = None) -> Path:
    """A looping GIF with a palette made for this clip (diff stats) and ordered dithering,
    which keeps files small and free of banding, unlike a fixed palette. If it comes out
    over ``max_bytes``, width, fps and colours are stepped down until it fits.

    ``captions`` (cues) are burned in at the GIF's resolution into a band added below the picture
    (gdanim.burn), after the palette is made from the clip itself, so the picture above the band
    is exactly that of a plain GIF, in every frame."""
    source, target = Path(source).resolve(), Path(target).resolve()
    for width_scale, fps_scale, colors in GIF_STEPS:
        w = max(int(width * width_scale) // 2 * 2, 16)
        burn = None
        if captions:
            from gdanim.burn import burn_filters

            in_w, in_h = frame_size(source)
            out_w = min(w, in_w)
            burn = burn_filters(captions, out_w, round(out_w * in_h / in_w / 2) * 2,
                                target.parent / "captions.ass")
        graph = (f"fps={max(fps * fps_scale, 1):g},scale='min({w},iw)':-2:flags=lanczos,split[a][b];"
                 f"[a]palettegen=stats_mode=diff:max_colors={colors}[p];"
                 + (f"[b]{burn}[c];[c][p]" if burn else "[b][p]")
                 + "paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle")
        run_ffmpeg("-i", str(source), "-filter_complex", graph, "-loop", "0", str(target), cwd=target.parent)
        if target.stat().st_size <= max_bytes:
            break
    return target


def frame_size(path: Path) -> tuple[int, int]:
    """(width, height) of a video, from imageio-ffmpeg's reader metadata."""
    return tuple(_video_metadata(path)["size"])


def frame_rate(path: Path) -> float:
    """Frames per second of a video, from imageio-ffmpeg's reader metadata."""
    return float(_video_metadata(path)["fps"])


def _video_metadata(path: Path) -> dict:
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path))
    try:
        return next(reader)
    finally:
        reader.close()


def probe(path: Path) -> tuple[int, float]:
    """(frame count, seconds) of a video or GIF: from the header where it records them (MP4s: a
    decode of a 1080p lossless render took seconds), else by decoding with the bundled ffmpeg."""
    import av
    import imageio_ffmpeg

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if stream.frames and stream.duration:
            return int(stream.frames), float(stream.duration * stream.time_base)
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    return int(frames), float(seconds)


# --- manifest ---------------------------------------------------------------------------


def manifest_entry(job: Job, frames: int, duration: float, size: dict, seconds: float) -> dict:
    """What the manifest says of a job's output (gdanim.store adds the files and checksums)."""
    return {
        "scene": job.scene, "quality": job.settings.quality, "params": job.params, "key": job.key,
        "duration": round(duration, 3), "frames": frames, "size": size, "render_seconds": round(seconds, 2),
        "settings": settings_record(job.settings), "versions": versions(),
    }
