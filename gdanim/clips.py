"""Short highlight clips: one caption beat (or START:END seconds) of a rendered scene as a muted
web loop (H.264 MP4 + WebM + poster) at the web width, to embed beside the text it illustrates.

A clip is cut from the scene's installed MP4, the file whose sha256 the manifest records, so it
is the same whether the scene was rendered just now or cached; its manifest entry names that
render's key (``source_key``): a clip of another render is stale, re-cut by the next ``--clip``
and never listed (gdanim.embed.clip_entries). Requests are checked against the scene's timeline
before anything renders (``check_clips``), then cut after it (``cut_clips``).
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path
from typing import NamedTuple

from gdanim import web
from gdanim.config import build_params
from gdanim.render import add_extras, dry_run, frame_rate, probe, run_ffmpeg, work_folder
from gdanim.slides import Beat, beats_from_cues, cues_from_subtitles
from gdanim.store import Store
from gdanim.subtitles import Cue

MAX_CLIP_SECONDS = 8.0  # issue 13: "a short loop (e.g. one beat, <= 8 s)"


class ClipError(ValueError):
    """A clip request that cannot be met: one line naming the fix (exit 2)."""


class ClipRequest(NamedTuple):
    text: str  # as typed after --clip
    beat: int | None  # 1-based caption number, as `gdanim script` numbers them
    start: float | None  # seconds (START:END requests)
    end: float | None


class Span(NamedTuple):
    """Where a clip lies in its scene's video, on frame boundaries."""

    label: str  # names the clip: beat3, 12.5-18
    start: float
    end: float
    beat: int | None
    caption: str  # the caption the clip's picture illustrates


class Timeline(NamedTuple):
    cues: list  # subtitle cues, as the .vtt says them
    duration: float  # seconds
    fps: float


def parse_clip(text: str) -> ClipRequest:
    """``3`` (caption beat 3) or ``12.5:18`` (seconds); checks what needs no video."""
    hint = "give a caption number as `gdanim script` numbers them (e.g. --clip 2) or START:END seconds (e.g. 12.5:18)"
    if ":" not in text:
        try:
            beat = int(text)
        except ValueError:
            raise ClipError(f"--clip {text!r}: {hint}") from None
        if beat < 1:
            raise ClipError(f"--clip {text}: beats are numbered from 1, as `gdanim script` numbers them")
        return ClipRequest(text, beat, None, None)
    try:
        start, end = (float(part) for part in text.split(":"))
    except ValueError:
        raise ClipError(f"--clip {text!r}: {hint}") from None
    if not (math.isfinite(start) and math.isfinite(end)) or start < 0:
        raise ClipError(f"--clip {text}: START and END must be seconds from 0 on, e.g. --clip 12.5:18")
    if end <= start:
        raise ClipError(f"--clip {text}: END must come after START, e.g. --clip {start:g}:{start + 4:g}")
    if end - start > MAX_CLIP_SECONDS + 1e-9:
        raise ClipError(f"--clip {text} spans {end - start:g} s; clips are at most {MAX_CLIP_SECONDS:g} s: "
                        f"e.g. --clip {start:g}:{start + MAX_CLIP_SECONDS:g}")
    return ClipRequest(text, None, start, end)


def caption_beats(timeline: Timeline, card_texts: set[str]) -> list[Beat]:
    """The video's beats (gdanim.slides: a caption's beat ends as its cue ends, with its own
    picture; it starts where the previous one ended) without the title and takeaway cards', so
    they are numbered as `gdanim script` numbers captions. The last beat, too, ends with its cue
    (a slide's runs on to the video's end: over an end card, say)."""
    beats = beats_from_cues(timeline.cues, timeline.duration)
    if timeline.cues:
        beats[-1] = beats[-1]._replace(end=min(max(c.end for c in timeline.cues), timeline.duration))
    return [b for b in beats if b.text not in card_texts]


def resolve(request: ClipRequest, timeline: Timeline, beats: list[Beat], scene: str) -> tuple[Span, str]:
    """The request's span in this video, and a note for stderr ("" if none). A beat longer than
    MAX_CLIP_SECONDS keeps its last seconds: the caption's picture is complete at its end."""
    note = ""
    if request.beat is not None:
        check_beat(request.beat, len(beats), scene)
        beat = beats[request.beat - 1]
        start, end, caption = beat.start, beat.end, beat.text
        if end - start > MAX_CLIP_SECONDS:
            note = (f"gdanim: {scene} beat {request.beat} lasts {end - start:.1f} s; its clip keeps the last "
                    f"{MAX_CLIP_SECONDS:g} s (clips are at most {MAX_CLIP_SECONDS:g} s)")
            start = end - MAX_CLIP_SECONDS
        label = f"beat{request.beat}"
    else:
        start, end = request.start, min(request.end, timeline.duration)
        if request.end > timeline.duration + 1 / timeline.fps or start >= end:
            raise ClipError(f"--clip {request.text}: {scene} is {timeline.duration:.2f} s long; "
                            f"pick START:END within 0:{timeline.duration:.2f}")
        caption = _most_overlapping(beats, start, end)
        label = f"{request.start:g}-{request.end:g}"
    first, last = _frame(start, timeline.fps, math.ceil), _frame(end, timeline.fps, math.floor)
    if last <= first:
        raise ClipError(f"--clip {request.text}: shorter than one frame at {timeline.fps:g} fps; "
                        f"pick a longer span")
    return Span(label, round(first / timeline.fps, 3), round(last / timeline.fps, 3), request.beat, caption), note


def check_beat(number: int, count: int, scene: str) -> None:
    if number > count:
        raise ClipError(f"--clip {number}: {scene} has {count} caption beat{'s' if count != 1 else ''}; "
                        f"pick 1 to {count} (`gdanim script {scene}` numbers them)")


def _frame(seconds: float, fps: float, to_whole) -> int:
    """The frame index nearest ``seconds`` (cue times are whole frames, rounded to ms in a
    .vtt); ``to_whole`` decides for times between frames."""
    exact = seconds * fps
    return round(exact) if abs(exact - round(exact)) < 0.05 else to_whole(exact)


def _most_overlapping(beats: list[Beat], start: float, end: float) -> str:
    overlaps = [(min(b.end, end) - max(b.start, start), b.text) for b in beats]
    best = max(overlaps, default=(0.0, ""))
    return best[1] if best[0] > 0 else ""


# --- timelines: what the video's cues and length are ------------------------------------------


def card_texts(scene_cls: type, params) -> set[str]:
    """The cues shown on full-screen cards (title, takeaway), which `gdanim script` does not
    number: from the scene's lesson plan (numpy only, instant). A scene without a plan has no
    script; its every cue is a beat, as in its slides."""
    if not hasattr(scene_cls, "plan"):
        return set()
    texts = scene_cls.plan(params).cue_texts()
    return {texts[0], texts[-1]}


def entry_timeline(store: Store, entry: dict) -> Timeline:
    """A rendered output's timeline: its .vtt cues and its MP4's length and frame rate."""
    files = entry["files"]
    cues = cues_from_subtitles(store.file_path(files["vtt"]).read_text()) if "vtt" in files else []
    return Timeline(cues, float(entry["duration"]), frame_rate(store.file_path(files["mp4"])))


def dry_run_timeline(job, scene_cls: type, params) -> Timeline:
    """A scene not rendered yet: its cues and length from a dry run (no frame drawn) with the
    render's extras (voice, end card), on the render's own frame clock."""
    scene = dry_run(scene_cls, params, out_dir=job.settings.out_dir, quality=job.settings.quality,
                    prepare=lambda s: add_extras(s, scene_cls, job))
    return Timeline(list(scene.cues), float(scene.renderer.time), float(scene.camera.frame_rate))


def _timeline(job, scene_cls: type, params) -> Timeline:
    store = Store(job.settings.out_dir)
    entry = store.cached(job)
    return entry_timeline(store, entry) if entry is not None else dry_run_timeline(job, scene_cls, params)


# --- before the render: every request checked, nothing written --------------------------------


def check_clips(jobs: list, texts: list[str], scenes: dict) -> list[ClipRequest]:
    """Parse the --clip texts and check them against each job's video: a request that cannot be
    met raises ClipError before anything is rendered. Beats are counted by the lesson plan
    (instant); seconds need the video's length: its cached render's, else a dry run's."""
    requests = list({r.text: r for r in map(parse_clip, texts)}.values())
    for job in jobs:
        _check_settings(job, requests)
        cls = scenes[job.scene]
        params = build_params(cls.Params, job.params, where=job.scene)
        if hasattr(cls, "plan") and all(r.beat is not None for r in requests):
            count = len(cls.plan(params).beats)
            for request in requests:
                check_beat(request.beat, count, job.scene)
            continue
        timeline = _timeline(job, cls, params)
        beats = caption_beats(timeline, card_texts(cls, params))
        for request in requests:
            resolve(request, timeline, beats, job.scene)
    return requests


def _check_settings(job, requests: list[ClipRequest]) -> None:
    if "mp4" not in job.settings.formats:
        raise ClipError("--clip cuts from the scene's MP4: add mp4 to --format (e.g. --format mp4,gif)")
    if job.settings.captions == "none" and any(r.beat is not None for r in requests):
        raise ClipError("--clip BEAT finds beats by their captions' times, which --captions none does not "
                        "write: use --captions soft (a clean picture) or --clip START:END")


# --- after the render: cut, encode, install ---------------------------------------------------


class ClipOutput(NamedTuple):
    span: Span
    status: str  # cut / cached
    entry: dict  # its manifest entry


def cut_clips(results: list, requests: list[ClipRequest], scenes: dict) -> list[ClipOutput]:
    """Each rendered or cached job's clips, cut from its installed MP4 under the scene's lock (no
    render replaces that MP4 meanwhile), spans taken from the render's own .vtt."""
    made = []
    for result in results:
        if result.status == "failed" or not requests:
            continue
        job, cls = result.job, scenes[result.job.scene]
        store = Store(job.settings.out_dir)
        with store.scene_lock(job.scene):
            source = store.cached(job)
            if source is None:
                raise ClipError(f"{job.scene}'s render changed or was damaged while clipping; run the command again")
            timeline = entry_timeline(store, source)
            beats = caption_beats(timeline, card_texts(cls, build_params(cls.Params, job.params, where=job.scene)))
            for request in requests:
                span, note = resolve(request, timeline, beats, job.scene)
                if note:
                    print(note, file=sys.stderr)
                made.append(cut_clip(job, source, span, timeline))
    return made


class _ClipKey(NamedTuple):
    """What Store.cached needs to know of a clip."""

    manifest_id: str
    key: str


def clip_id(job, span: Span) -> str:
    return f"{job.manifest_id}/clip-{span.label}"


def clip_key(source: dict, span: Span, width: int) -> str:
    """Everything that shapes a clip's files: the render it is cut from (its key, and its MP4's
    bytes: --force re-renders under the same key), and where. The render's key covers gdanim's
    code, this module's and the encoders' (gdanim.web) included."""
    blob = {"source": [source["key"], source["files"]["mp4"]["sha256"]], "start": span.start, "end": span.end,
            "width": width}
    return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()


def cut_clip(job, source: dict, span: Span, timeline: Timeline) -> ClipOutput:
    """One clip of ``job``'s installed render ``source`` (its manifest entry), unless a clip
    of that exact render and span is installed and intact."""
    store = Store(job.settings.out_dir)
    width = web_width(job.settings)
    wanted = _ClipKey(clip_id(job, span), clip_key(source, span, width))
    if (entry := store.cached(wanted)) is not None:
        return ClipOutput(span, "cached", entry)
    with work_folder(job.settings.out_dir, "clip-") as work:
        frames = exact_frames(store.file_path(source["files"]["mp4"]), work / "span.mp4", span, timeline.fps)
        staged = {"mp4": web.encode_loop_mp4(frames, work / "clip.mp4", width=width),
                  "webm": web.encode_webm(frames, work / "clip.webm", width=width)}
        count, duration = probe(staged["mp4"])
        inside = [Cue(max(c.start, span.start) - span.start, min(c.end, span.end) - span.start, c.text)
                  for c in timeline.cues if c.end > span.start and c.start < span.end]
        staged["poster"] = web.write_poster(frames, work / "clip.png", web.poster_time(inside, duration), width=width)
        name = f"{job.scene}.clip-{span.label}"
        entry = {"scene": job.scene, "quality": job.settings.quality, "params": job.params, "key": wanted.key,
                 "source_key": source["key"], "source_mp4": source["files"]["mp4"]["sha256"], "clip": span._asdict(), "duration": round(duration, 3),
                 "frames": count, "size": {k: p.stat().st_size for k, p in staged.items()},
                 "settings": {"width": width}}
        entry = store.install(wanted.manifest_id, entry,
                              {k: (p, job.folder / "clips" / f"{name}{p.suffix}") for k, p in staged.items()})
    return ClipOutput(span, "cut", entry)


def exact_frames(video: Path, target: Path, span: Span, fps: float) -> Path:
    """``span``'s frames of ``video``, no more, no fewer, losslessly (H.264 qp 0, the source's
    yuv420p): the web encoders' own -ss/-t cuts gain or lose a frame at either end, so they
    encode this."""
    first, count = round(span.start * fps), round((span.end - span.start) * fps)
    run_ffmpeg("-ss", f"{web.seek_time(first / fps, fps, first + 1):.4f}", "-i", str(video), "-frames:v", str(count),
            "-an", "-sn", "-c:v", "libx264", "-qp", "0", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(target))
    return target


def web_width(settings) -> int:
    """The width course-page loops are encoded at (--gif-width)."""
    return settings.gif_width
