"""A rendered scene as a course page embeds it: the <video> markup (web-loop sources, poster,
captions track, an accessible pause control) shared by `gdanim embed`'s copy-paste snippets and
the gallery. Reads the manifest; never renders, never writes a file.
"""

from __future__ import annotations

import html
import os
import shlex
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from gdanim.render import FORMATS, QUALITIES
from gdanim.slides import cues_from_subtitles
from gdanim.store import Store

# <source> order: the browser plays the first it can, so the smallest web loop comes first
VIDEO_TYPES = {"webm": "video/webm", "loop": "video/mp4", "mp4": "video/mp4"}
MEDIA_KINDS = (*VIDEO_TYPES, "gif", "poster", "vtt", "srt")
TAKEAWAY = "Takeaway: "  # gdanim.lessons.plan.takeaway_cue: the cue a lesson closes on

# One pause control for every video that plays by itself (WCAG 2.2.2: motion that starts on its own
# and lasts over 5 s can be paused), inlined in each snippet and run over the gallery's loops. It
# also stops the video for readers who ask the system for reduced motion.
PAUSE_CONTROL = """function (figure) {
  var video = figure.querySelector("video"), button = figure.querySelector("button.gdanim-pause");
  function label() { button.textContent = video.paused ? "Play" : "Pause"; }
  if (matchMedia("(prefers-reduced-motion: reduce)").matches) { video.autoplay = false; video.pause(); label(); }
  video.addEventListener("play", label);
  video.addEventListener("pause", label);
  button.addEventListener("click", function () { if (video.paused) video.play(); else video.pause(); });
}"""


class Media(NamedTuple):
    """What a page shows of one rendered output: URLs relative to the page, and its words."""

    scene: str
    label: str  # the video's accessible name: "Scene: description"
    urls: dict  # kind (MEDIA_KINDS) -> URL relative to the page
    caption_mode: str  # --captions it was rendered with: "screen" draws them in the picture
    description: str  # the scene's, first line of its docstring
    takeaway: str  # the lesson's closing sentence, as its captions say it ("" if none)
    types: dict = {}  # video kind -> its <source> type with codecs (source_types)


def shown_entries(out_dir: Path, quality: str | None = None) -> dict[str, dict]:
    """Scene -> the manifest entry a page shows: its best rendered quality, or ``quality``.
    Clip entries (cut from a render) are not renders of their own."""
    rank = {q: i for i, q in enumerate(QUALITIES)}
    best: dict[str, dict] = {}
    for entry in Store(out_dir).entries().values():
        if "clip" in entry or (quality is not None and entry.get("quality") != quality):
            continue
        current = best.get(entry["scene"])
        if current is None or rank.get(entry["quality"], -1) > rank.get(current["quality"], -1):
            best[entry["scene"]] = entry
    return best


def clip_entries(out_dir: Path, entry: dict) -> list[dict]:
    """The clips cut from ``entry``'s render, in time order; a clip of an older render of the
    scene (another key, or other MP4 bytes: --force renders again under the same key) is stale
    and left out."""
    mp4 = (entry.get("files", {}).get("mp4") or {}).get("sha256")
    clips = [e for e in Store(out_dir).entries().values()
             if isinstance(e.get("clip"), dict) and e.get("scene") == entry["scene"]
             and e.get("quality") == entry["quality"] and e.get("source_key") == entry.get("key")
             and e.get("source_mp4") == mp4]
    return sorted(clips, key=lambda e: (float(e["clip"].get("start", 0)), str(e["clip"].get("label", ""))))


def entry_files(out_dir: Path, entry: dict) -> dict[str, Path]:
    """Kind -> file, for each media file the entry records that is still on disk."""
    files = {}
    for kind in MEDIA_KINDS:
        record = entry.get("files", {}).get(kind)
        if isinstance(record, dict) and (Path(out_dir) / record["path"]).is_file():
            files[kind] = Path(out_dir) / record["path"]
    return files


def page_url(path: Path, page_dir: Path) -> str:
    """``path`` as a link from a page in ``page_dir``: relative, / separated, percent-encoded."""
    relative = os.path.relpath(Path(path).resolve(), Path(page_dir).resolve())
    return quote(Path(relative).as_posix())


def takeaway_of(vtt: str) -> str:
    """The lesson's takeaway, as its last cue says it ("" for a scene without one)."""
    said = [c.text for c in cues_from_subtitles(vtt) if c.text.startswith(TAKEAWAY)]
    return " ".join(said[-1][len(TAKEAWAY):].split()) if said else ""


def media_of(out_dir: Path, entry: dict, description: str, page_dir: Path) -> Media:
    files = entry_files(out_dir, entry)
    vtt = files["vtt"].read_text(encoding="utf-8") if "vtt" in files else ""
    return Media(entry["scene"], f"{entry['scene']}: {description}" if description else entry["scene"],
                 {kind: page_url(path, page_dir) for kind, path in files.items()},
                 (entry.get("settings") or {}).get("captions", "screen"), description, takeaway_of(vtt),
                 source_types(files))


def source_types(files: dict) -> dict[str, str]:
    """Video kind -> ``<source>`` type with its codecs (gdanim.web.source_type): a browser that
    cannot decode the AV1 4:4:4 WebM (Safari) then plays the loop MP4 instead of failing."""
    from gdanim.web import source_type

    types = {}
    for kind, path in files.items():
        if kind in VIDEO_TYPES:
            try:
                types[kind] = source_type(path)
            except Exception:  # not a video ffmpeg reads (moved, half-copied): the plain type
                types[kind] = VIDEO_TYPES[kind]
    return types


def video_tag(urls: dict, *, label: str, caption_mode: str, track_src: str | None,
              autoplay: bool = False, types: dict | None = None) -> str:
    """``<video controls muted loop playsinline>`` with the poster, a <source> per video kind
    present and the captions track (``caption_track``). Browsers without video show the poster
    linked to the MP4 (and sanitisers that drop <video> keep it)."""
    e = html.escape
    poster = f' poster="{e(urls["poster"])}"' if "poster" in urls else ""
    types = {**VIDEO_TYPES, **(types or {})}
    sources = "".join(f'\n<source src="{e(urls[k])}" type="{e(types[k])}">' for k in VIDEO_TYPES if k in urls)
    track = f"\n{caption_track(track_src, caption_mode)}" if track_src else ""
    fallback = (f'<img src="{e(urls["poster"])}" alt="{e(label)}">' if "poster" in urls else e(label))
    return (f'<video controls muted loop playsinline{" autoplay" if autoplay else ""} preload="metadata"{poster} '
            f'style="display: block; max-width: 100%; height: auto" aria-label="{e(label)}" '
            f'data-captions="{e(caption_mode)}">'
            f'{sources}{track}\n<a href="{e(video_link(urls))}">{fallback}</a>\n</video>')


def caption_track(src: str, caption_mode: str) -> str:
    """The English captions ``<track>``: ``default`` (shown at once) only when the picture draws
    no captions itself (``--captions soft``): over on-screen captions it would show them twice."""
    return (f'<track kind="captions" src="{html.escape(src)}" srclang="en" label="English"'
            f'{" default" if caption_mode == "soft" else ""}>')


def video_link(urls: dict) -> str:
    """The video a plain link opens: the full MP4 (with sound, if voiced), else a loop."""
    return next((urls[k] for k in ("mp4", "loop", "webm") if k in urls), "")


def pause_button() -> str:
    return '<button type="button" class="gdanim-pause">Pause</button>'


def snippet_html(media: Media, *, autoplay: bool = False) -> str:
    """A <figure> to paste into a course page: the video (see ``video_tag``), with ``autoplay``
    a Pause button and its few lines of script, and the caption."""
    if not any(k in media.urls for k in VIDEO_TYPES):
        raise ValueError(f"{media.scene} has no video to embed")
    video = video_tag(media.urls, label=media.label, caption_mode=media.caption_mode,
                      track_src=media.urls.get("vtt"), autoplay=autoplay, types=media.types)
    control = (f"\n{pause_button()}\n<script>({PAUSE_CONTROL})(document.currentScript.parentElement);</script>"
               if autoplay else "")
    caption = html.escape(media.description or media.scene) + (
        f"<br><strong>Takeaway:</strong> {html.escape(media.takeaway)}" if media.takeaway else "")
    return (f'<figure class="gdanim">\n{video}{control}\n'
            f"<figcaption>{caption}</figcaption>\n</figure>\n")


def snippet_markdown(media: Media, *, autoplay: bool = False) -> str:
    """For Jupyter Book (MyST) and MkDocs pages: the HTML figure as a raw HTML block (both
    render it), then, in a comment, a plain Markdown image link to the poster for sites that
    strip raw HTML."""
    figure = snippet_html(media, autoplay=autoplay)
    target = video_link(media.urls)
    image = (f"[![{_markdown_text(media.label)}]({media.urls['poster']})]({target})" if "poster" in media.urls
             else f"[{_markdown_text(media.label)}]({target})")
    return f"{figure}\n<!-- where raw HTML is stripped, use instead: {image.replace('-->', '-- >')} -->\n"


def snippet(out_dir: Path, scene: str, description: str, *, quality: str | None = None,
            page_dir: Path | None = None, fmt: str = "html", autoplay: bool = False) -> str:
    """``gdanim embed``: the snippet for ``scene``'s rendered output in ``out_dir`` (its best
    quality, or ``quality``), its links relative to ``page_dir`` (default: ``out_dir``)."""
    entry = shown_entries(out_dir, quality).get(scene)
    media = media_of(out_dir, entry, description, page_dir or out_dir) if entry else None
    if media is None or not any(k in media.urls for k in VIDEO_TYPES):
        where = f"{out_dir}" + (f" at quality {quality}" if quality else "")
        raise ValueError(f"no rendered video of {scene} in {where}: run {render_hint(scene, out_dir, quality)}")
    return (snippet_markdown if fmt == "md" else snippet_html)(media, autoplay=autoplay)


def render_hint(scene: str, out_dir: Path, quality: str | None) -> str:
    """The command that renders what an embed needs: the video and its web loops."""
    formats = ",".join(kind for kind in ("mp4", "webm", "loop") if kind in FORMATS)
    return " ".join(["gdanim", "render", scene, *(["--quality", quality] if quality else []), "--format", formats,
                     *out_flag(out_dir)])


def out_flag(out_dir: Path) -> list[str]:
    """``--out`` for a command that must find ``out_dir`` again (none for the default)."""
    return [] if Path(out_dir) == Path("media") else ["--out", shlex.quote(str(out_dir))]


def _markdown_text(text: str) -> str:
    """Text safe inside a Markdown link's brackets."""
    return "".join(f"\\{c}" if c in "\\[]*_`<>" else c for c in text)
