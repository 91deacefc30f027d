"""Lecture slides from a rendered scene: each narration beat is one step of a self-contained HTML
presentation that plays the beat and pauses at its end (no manim, no rendering here).

Pure functions (cues -> beats -> HTML) plus one atomic writer; the CLI renders or reuses the
scene's MP4 through gdanim.batch and hands over the video and its subtitle cues.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
from pathlib import Path
from typing import NamedTuple

from gdanim.pages import PAGE_HEAD
from gdanim.subtitles import Cue

MIN_BEAT_SECONDS = 0.05  # cues starting closer together than this share one beat
_STAMP = r"(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})"
_TIMING = re.compile(rf"{_STAMP}\s*-->\s*{_STAMP}")


class Beat(NamedTuple):
    start: float  # seconds into the video
    end: float
    text: str  # the caption shown during the beat: the lecturer's note


def cues_from_subtitles(text: str) -> list[Cue]:
    """Cues from .vtt or .srt text (the files gdanim.subtitles writes beside each video)."""
    cues = []
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        for i, line in enumerate(lines):
            match = _TIMING.search(line)
            if match:
                g = match.groups()
                cues.append(Cue(_seconds(g[:4]), _seconds(g[4:]), "\n".join(lines[i + 1:]).strip()))
                break
    return cues


def _seconds(parts) -> float:
    hours, minutes, seconds, millis = (int(p or 0) for p in parts)
    return hours * 3600 + minutes * 60 + seconds + millis / 1000


def beats_from_cues(cues: list[Cue], duration: float) -> list[Beat]:
    """One beat per caption, covering the whole video without gaps: a beat ends where its
    caption's cue ends, so the slide pauses on the caption's own picture (a lesson's beats draw
    nothing of the next beat while a caption is up); the transition to the next caption (the
    fade, a panel swap) plays with the next beat. The first starts at 0, the last ends with the
    video. No cues: the video is one beat."""
    ordered = sorted((c for c in cues if c.start < duration), key=lambda c: c.start)
    starts, ends, texts = [], [], []
    for cue in ordered:
        if starts and cue.start - starts[-1] < MIN_BEAT_SECONDS:
            texts[-1] = f"{texts[-1]}\n{cue.text}"
            ends[-1] = max(ends[-1], min(cue.end, duration))
            continue
        starts.append(max(cue.start, 0.0))
        ends.append(min(cue.end, duration))
        texts.append(cue.text)
    if not starts:
        return [Beat(0.0, duration, "")]
    ends[-1] = duration
    starts = [0.0] + ends[:-1]
    return [Beat(round(s, 3), round(e, 3), t) for s, e, t in zip(starts, ends, texts)]


def data_uri(video: bytes, mime: str = "video/mp4") -> str:
    return f"data:{mime};base64,{base64.b64encode(video).decode('ascii')}"


def slides_html(scene: str, description: str, beats: list[Beat], video_src: str) -> str:
    """The presentation page: the video, a beat counter, speaker notes (toggled with 'n'), and
    keys Right/Space/PageDown (next beat), Left/PageUp (previous), Home, End, f (full screen).

    The page's state is on <body>: data-beat (0-based index) and data-phase (ready: paused at
    the beat's start; playing; done: paused at the beat's last frame).
    """
    beats_json = json.dumps([b._asdict() for b in beats]).replace("<", "\\u003c")
    title = html.escape(f"{scene} - {description}" if description else scene)
    return _PAGE.format(title=title, video_src=html.escape(video_src, quote=True), beats_json=beats_json,
                        count=len(beats), first_note=html.escape(beats[0].text))


def write_slides(target: Path, scene: str, description: str, beats: list[Beat], video: Path,
                 *, embed: bool = True) -> Path:
    """Write ``target`` (an .html file) atomically. ``embed``: the MP4 goes inside the page as a
    data URI (one file to mail or upload); else it is copied beside the page as <Scene>.mp4."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if embed:
        src = data_uri(video.read_bytes())
    else:
        beside = target.with_suffix(".mp4")
        _atomic_copy(video, beside)
        src = beside.name
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(slides_html(scene, description, beats, src), encoding="utf-8")
    os.replace(tmp, target)
    return target


def _atomic_copy(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)


_PAGE = PAGE_HEAD + """<style>
  html, body {{ margin: 0; height: 100%; background: #000; color: #ECEFF4;
               font: 16px/1.4 "DejaVu Sans", system-ui, sans-serif; }}
  body {{ display: flex; flex-direction: column; }}
  #stage {{ flex: 1; min-height: 0; display: flex; cursor: pointer; }}
  video {{ width: 100%; height: 100%; object-fit: contain; background: #11141a; }}
  #notes {{ display: none; padding: .6em 1.2em; background: #1B2029; border-top: 1px solid #2c3440;
            font-size: 1.3em; white-space: pre-line; }}
  body.notes #notes {{ display: block; }}
  #next {{ color: #8C96A3; font-size: .75em; margin-top: .3em; }}
  #bar {{ display: flex; gap: 1.5em; align-items: center; padding: .35em 1.2em; color: #8C96A3;
          font-size: 13px; background: #11141a; }}
  #counter {{ color: #ECEFF4; font-variant-numeric: tabular-nums; font-weight: bold; }}
  #keys {{ margin-left: auto; }}
  kbd {{ border: 1px solid #5B6573; border-radius: 3px; padding: 0 .3em; font-family: inherit; }}
</style>
</head>
<body data-beat="0" data-phase="ready">
<div id="stage"><video id="video" src="{video_src}" preload="auto" playsinline></video></div>
<div id="notes" aria-live="polite"><div id="note">{first_note}</div><div id="next"></div></div>
<div id="bar">
  <span id="counter">1 / {count}</span><span id="phase">ready</span>
  <span id="keys"><kbd>&rarr;</kbd> <kbd>Space</kbd> next &middot; <kbd>&larr;</kbd> previous &middot;
    <kbd>Home</kbd> <kbd>End</kbd> &middot; <kbd>n</kbd> notes &middot; <kbd>f</kbd> full screen</span>
</div>
<script id="beats" type="application/json">{beats_json}</script>
<script>
"use strict";
const beats = JSON.parse(document.getElementById("beats").textContent);
const video = document.getElementById("video");
const EPSILON = 0.001;  // pause just before the next beat's first frame
let index = 0, phase = "ready";

function show() {{
  document.body.dataset.beat = index;
  document.body.dataset.phase = phase;
  document.getElementById("counter").textContent = (index + 1) + " / " + beats.length;
  document.getElementById("phase").textContent = phase;
  document.getElementById("note").textContent = beats[index].text;
  document.getElementById("next").textContent =
    index + 1 < beats.length ? "next: " + beats[index + 1].text : "last beat";
}}
function seek(t) {{
  video.currentTime = Math.max(0, isFinite(video.duration) ? Math.min(t, video.duration) : t);
}}
function ready(i) {{  // paused at the start of beat i
  index = i; phase = "ready"; video.pause(); seek(beats[i].start); show();
}}
function finish(i) {{  // paused on the last frame of beat i
  index = i; phase = "done"; video.pause(); seek(Math.max(beats[i].start, beats[i].end - EPSILON)); show();
}}
function play(i) {{  // beat i from its start; pauses itself at the beat's end
  index = i; phase = "playing"; seek(beats[i].start); show();
  const started = video.play();
  if (started) started.catch(() => {{ if (phase === "playing") {{ phase = "ready"; show(); }} }});
  requestAnimationFrame(watch);
}}
function watch() {{
  if (phase !== "playing") return;
  if (video.ended || video.currentTime >= beats[index].end - EPSILON) finish(index);
  else requestAnimationFrame(watch);
}}
function next() {{
  if (phase === "ready") play(index);
  else if (index + 1 < beats.length) play(index + 1);
  else if (phase === "playing") finish(index);
}}
function previous() {{
  if (index > 0) play(index - 1);
  else ready(0);
}}
video.addEventListener("ended", () => {{ if (phase === "playing") finish(index); }});
document.getElementById("stage").addEventListener("click", next);
document.addEventListener("keydown", (event) => {{
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  switch (event.key) {{
    case "ArrowRight": case " ": case "PageDown": next(); break;
    case "ArrowLeft": case "PageUp": previous(); break;
    case "Home": ready(0); break;
    case "End": finish(beats.length - 1); break;
    case "n": case "N": document.body.classList.toggle("notes"); break;
    case "f": case "F":
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(() => {{}});
      break;
    default: return;
  }}
  event.preventDefault();
}});
show();
</script>
</body>
</html>
"""
