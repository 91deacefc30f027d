"""The course gallery: one static, relative-linked index.html over a media folder. A "course
page" section shows one scene as a page embeds it (loop, poster, captions, the command that
regenerates it); then a card per rendered scene with its video, clips, parameters, links and
command. Reads the manifest; never renders (explorer pages come from gdanim.explore).
"""

from __future__ import annotations

import html
import importlib.util
import os
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from gdanim.catalog import description
from gdanim.config import as_dict, param_table, regenerate_command, shown_value
from gdanim.embed import (PAUSE_CONTROL, VIDEO_TYPES, clip_entries, entry_files, out_flag, page_url,
                          pause_button, shown_entries, source_types, video_tag)
from gdanim.pages import PAGE_HEAD
from gdanim.render import FORMATS, OutputSettings, cli_flags, settings_from_record
from gdanim.slides import cues_from_subtitles, data_uri

LABELS = {"webm": "WebM", "loop": "loop MP4", "mp4": "MP4", "gif": "GIF", "poster": "poster",
          "vtt": "captions .vtt", "srt": ".srt", "slides": "slides", "explore": "explorer"}


class ParamRow(NamedTuple):
    name: str
    value: object  # as rendered (JSON form: tuples are lists)
    default: object
    help: str

    @property
    def changed(self) -> bool:
        return self.value != self.default


class Clip(NamedTuple):
    """A short loop cut from the card's render (gdanim.clips): its span and caption."""

    label: str
    start: float
    end: float
    caption: str
    links: dict  # kind (webm, mp4, poster) -> URL relative to the gallery page
    types: dict = {}  # video kind -> <source> type with codecs (embed.source_types)


class Card(NamedTuple):
    scene: str
    quality: str
    description: str
    duration: float
    links: dict  # kind (embed.MEDIA_KINDS, slides, explore) -> URL relative to the gallery page
    sizes: dict  # kind -> bytes
    params: list
    command: str
    captions: str = ""  # the .vtt text, inlined in the page so captions show from file:// too
    caption_mode: str = "screen"  # how the video was rendered (--captions): "soft" draws none itself
    clips: tuple = ()
    embed: str = ""  # the `gdanim embed` command that prints this output's snippet
    types: dict = {}  # video kind -> <source> type with codecs (embed.source_types)

    @property
    def label(self) -> str:
        return f"{self.scene}: {self.description}" if self.description else self.scene


def render_command(scene: str, params: dict, defaults: dict, settings: OutputSettings, *,
                   pinned=()) -> str:
    """``gdanim render`` for this output: the end card's command (``--set`` for each value not at
    its default), plus a ``--set`` for each key a course config sets (``pinned``), so that
    gdanim.toml cannot change it when the command is pasted in the course folder."""
    flags = cli_flags(settings) + out_flag(settings.out_dir)
    return regenerate_command(scene, params, {k: v for k, v in defaults.items() if k not in pinned}, flags)


def gallery_cards(out_dir: Path, scenes: dict[str, type], *, quality: str | None = None,
                  pinned: dict | None = None) -> tuple[list[Card], list[str]]:
    """A card per scene rendered in ``out_dir`` (its best quality, or ``quality``), in course
    order; and the names of rendered scenes left out (unknown scene or no media file left)."""
    out_dir = Path(out_dir)
    best = shown_entries(out_dir, quality)
    order = {name: i for i, name in enumerate(scenes)}
    cards, skipped = [], []
    for name in sorted(best, key=lambda n: (order.get(n, len(order)), n)):
        entry, cls = best[name], scenes.get(name)
        files = entry_files(out_dir, entry)
        if cls is None or not ({"gif", *VIDEO_TYPES} & set(files)):
            skipped.append(name)
            continue
        cards.append(_card(out_dir, entry, cls, files, (pinned or {}).get(name, ())))
    return cards, skipped


def _card(out_dir: Path, entry: dict, cls: type, files: dict, pinned) -> Card:
    name, quality = entry["scene"], entry["quality"]
    links = {kind: page_url(path, out_dir) for kind, path in files.items()}
    if (out_dir / "slides" / f"{name}.html").is_file():
        links["slides"] = f"slides/{quote(name)}.html"
    defaults = as_dict(cls.Params())
    rows = [ParamRow(p, entry["params"].get(p, defaults[p]), defaults[p], help_text)
            for p, _, _, help_text in param_table(cls.Params)]
    record = entry.get("settings") or {"formats": [k for k in FORMATS if k in entry.get("files", {})]}
    settings = settings_from_record(record, quality, out_dir)
    clips = clip_entries(out_dir, entry)
    command = render_command(name, {r.name: r.value for r in rows}, defaults, settings, pinned=pinned)
    command += "".join(f" --clip {_clip_request(clip['clip'])}" for clip in clips)  # the card's clips too
    embed = " ".join(["gdanim", "embed", name, "--quality", quality, *out_flag(out_dir)])
    return Card(name, quality, description(cls), float(entry.get("duration", 0.0)), links,
                {kind: path.stat().st_size for kind, path in files.items()}, rows, command,
                files["vtt"].read_text(encoding="utf-8") if "vtt" in files else "", settings.captions,
                tuple(_clip(out_dir, clip) for clip in clips), embed, source_types(files))


def _clip(out_dir: Path, entry: dict) -> Clip:
    clip = entry["clip"]
    files = entry_files(out_dir, entry)
    return Clip(str(clip.get("label", "")), float(clip.get("start", 0)), float(clip.get("end", 0)),
                str(clip.get("caption") or ""), {kind: page_url(path, out_dir) for kind, path in files.items()},
                source_types(files))


def _clip_request(clip: dict) -> str:
    """``--clip``'s value that cuts ``clip`` again: its beat, else its seconds."""
    return str(clip["beat"]) if clip.get("beat") is not None else f"{clip['start']:g}:{clip['end']:g}"


def link_explorers(out_dir: Path, cards: list[Card]) -> tuple[list[Card], str]:
    """Link each card to its landscape's explorer, OUT/explore/<landscape>.html, writing the
    page only where there is none (one made by `gdanim explore` with other rates or optimizers
    is kept). Without plotly (or gdanim.explore) the cards are returned as they are, with the
    reason."""
    if importlib.util.find_spec("plotly") is None:
        return cards, "no landscape explorers: plotly is not installed (pip install 'gdanim[explore]')"
    try:
        from gdanim.explore import landscape_of, write_explorer
    except ImportError as exc:
        return cards, f"no landscape explorers: {exc}"
    written, failed, linked = set(), {}, []
    for card in cards:
        landscape = landscape_of({r.name: r.value for r in card.params})
        if landscape is not None and landscape not in written | failed.keys():
            page = Path(out_dir) / "explore" / f"{landscape}.html"
            try:
                if not page.is_file():
                    write_explorer(landscape, page)
                written.add(landscape)
            except (ValueError, OSError) as exc:
                failed[landscape] = str(exc)
        linked.append(card._replace(links={**card.links, "explore": f"explore/{quote(landscape)}.html"})
                      if landscape in written else card)
    return linked, "; ".join(f"no explorer for {name}: {why}" for name, why in failed.items())


def gallery_html(cards: list[Card], title: str = "Course gallery") -> str:
    e = html.escape
    shown = course_page_card(cards)
    section = course_page_html(shown) if shown else ""
    body = "\n".join(card_html(card) for card in cards) if cards else \
        "<p>No rendered scenes yet: run <code>gdanim render</code>.</p>"
    return _PAGE.format(title=e(title), count=len(cards), plural="" if len(cards) == 1 else "s",
                        body=section + body, pause_control=PAUSE_CONTROL)


def course_page_card(cards: list[Card]) -> Card | None:
    """The scene the course-page section shows: the first with a web loop, else with a video."""
    return next((c for c in cards if {"webm", "loop"} & set(c.links)),
                next((c for c in cards if "mp4" in c.links), None))


def _track_src(card: Card) -> str | None:
    # inlined: a file:// page may not fetch a .vtt file (Chromium), a data: URI it may
    return data_uri(card.captions.encode(), "text/vtt") if card.captions else None


def _video(card: Card, *, autoplay: bool = False) -> str:
    return video_tag(card.links, label=card.label, caption_mode=card.caption_mode, track_src=_track_src(card),
                     autoplay=autoplay, types=card.types)


def course_page_html(card: Card) -> str:
    """One scene as a course page embeds it, side by side: the muted loop (it plays by itself,
    so a Pause button; still for prefers-reduced-motion), the poster, the captions and the
    commands that regenerate and embed it."""
    e = html.escape
    loop = next(k for k in VIDEO_TYPES if k in card.links)
    sizes = LABELS[loop] + (f" {_size(card.sizes[loop])}" if loop in card.sizes else "")
    if {loop, "gif"} <= set(card.sizes):
        sizes += f", {100 * card.sizes[loop] / card.sizes['gif']:.0f}% of the GIF ({_size(card.sizes['gif'])})"
    poster = (f'<figure><img src="{e(card.links["poster"])}" alt="Poster of {e(card.label)}"><figcaption>Poster'
              + (f" (PNG {_size(card.sizes['poster'])})" if "poster" in card.sizes else "")
              + ": shown before the loop plays</figcaption></figure>" if "poster" in card.links else "")
    cues = "".join(f"<li><time>{_clock(c.start)}</time> {e(' '.join(c.text.split()))}</li>"
                   for c in cues_from_subtitles(card.captions))
    captions = (f'<div class="cues"><h3>Captions</h3><ol>{cues}</ol><p class="note">'
                + ("drawn in the picture too; the track is for the player's CC button"
                   if card.caption_mode == "screen" else "shown by the player from the .vtt track")
                + "</p></div>" if cues else "")
    return f"""<section class="course-page" aria-labelledby="course-page-title">
<h2 id="course-page-title">Course page: {e(card.scene)}</h2>
<p class="desc">What a course page embeds for one scene: <code>{e(card.embed)}</code> prints it as HTML or Markdown.</p>
<div class="course-grid">
<figure class="gdanim-loop">{_video(card, autoplay=True)}
{pause_button()}<figcaption>Muted loop: {e(sizes)}</figcaption></figure>
{poster}{captions}<div class="regenerate"><h3>Regenerate</h3>{_command(card.command)}
<h3>Embed</h3>{_command(card.embed)}</div>
</div>
</section>
"""


def card_html(card: Card) -> str:
    e = html.escape
    if any(k in card.links for k in VIDEO_TYPES):
        sources = " / ".join(LABELS[k] for k in VIDEO_TYPES if k in card.links)
        media = (f"<figure>{_video(card)}<figcaption>{sources}{' with captions' if card.captions else ''}"
                 f"</figcaption></figure>")
    else:  # an older render with a GIF only: it plays by itself, so it gets a pause control
        media = (f'<figure class="gdanim-still"><img src="{e(card.links["gif"])}" alt="{e(card.label)}">'
                 f"{pause_button()}<figcaption>GIF for course pages</figcaption></figure>")
    clips = "".join(_clip_html(card.scene, clip) for clip in card.clips if VIDEO_TYPES.keys() & clip.links.keys())
    files = " &middot; ".join(
        f'<a href="{e(card.links[k])}"{" download" if k in card.sizes else ""}>{label}</a>'
        + (f" <span class=size>{_size(card.sizes[k])}</span>" if k in card.sizes else "")
        for k, label in LABELS.items() if k in card.links)
    rows = "\n".join(
        f'<tr{" class=changed" if r.changed else ""}><th scope=row>{e(r.name)}</th>'
        f"<td><code>{e(shown_value(r.value))}</code>"
        + (f' <span class=default>default <code>{e(shown_value(r.default))}</code></span>' if r.changed else "")
        + f"</td><td>{e(r.help)}</td></tr>" for r in card.params)
    return f"""<article class="scene" id="{e(card.scene)}">
<h2>{e(card.scene)}</h2>
<p class="desc">{e(card.description)}</p>
<p class="files">{e(card.quality)} &middot; {card.duration:.1f} s &middot; {files}</p>
<div class="media">{media}{f'<div class="clips"><h3>Clips</h3>{clips}</div>' if clips else ""}</div>
<table class="params"><caption>Parameters (changed ones highlighted)</caption>
<thead><tr><th scope=col>name</th><th scope=col>value</th><th scope=col>meaning</th></tr></thead>
<tbody>
{rows}
</tbody></table>
{_command(card.command)}
</article>"""


def _clip_html(scene: str, clip: Clip) -> str:
    """A clip as a small loop (not playing by itself: a card may list several) with its caption."""
    e = html.escape
    video = video_tag(clip.links, label=f"{scene} clip {clip.label}: {clip.caption}", caption_mode="screen",
                      track_src=None, types=clip.types)
    said = f": {e(clip.caption)}" if clip.caption else ""
    return (f'<figure class="clip">{video}<figcaption><b>{e(clip.label)}</b> '
            f"{clip.start:.1f}&ndash;{clip.end:.1f} s{said}</figcaption></figure>")


def _command(text: str) -> str:
    return (f'<div class="command"><pre><code>{html.escape(text)}</code></pre>'
            '<button type="button" class="copy">Copy</button></div>')


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(n / 1e3, 0.1):.0f} kB" if n >= 1e3 else f"{n} B"


def write_gallery(out_dir: Path, cards: list[Card]) -> Path:
    """Write ``out_dir/index.html`` atomically."""
    target = Path(out_dir) / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".index.html.{os.getpid()}.tmp")
    tmp.write_text(gallery_html(cards), encoding="utf-8")
    os.replace(tmp, target)
    return target


_PAGE = PAGE_HEAD + """<style>
  body {{ margin: 0 auto; max-width: 1180px; padding: 1.5em; background: #f5f6f8; color: #1b2029;
         font: 15px/1.45 "DejaVu Sans", system-ui, sans-serif; }}
  h1 {{ margin: 0 0 .2em; }}
  [hidden] {{ display: none !important; }}
  header p {{ margin: 0 0 1.2em; color: #55606e; }}
  .scene {{ background: #fff; border: 1px solid #dde1e7; border-radius: 8px; padding: 1em 1.3em 1.2em;
            margin-bottom: 1.5em; }}
  .scene h2 {{ margin: 0; font-size: 1.35em; }}
  .desc {{ margin: .2em 0 .4em; }}
  .files {{ margin: 0 0 .8em; color: #55606e; font-size: .9em; }}
  .size {{ color: #8c96a3; }}
  .media {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 480px), 1fr)); gap: 1em; }}
  figure {{ margin: 0; }}
  figure img, figure video {{ display: block; width: 100%; height: auto; background: #11141a; border-radius: 4px; }}
  figcaption {{ color: #8c96a3; font-size: .8em; margin-top: .2em; }}
  table {{ border-collapse: collapse; width: 100%; margin-top: 1em; font-size: .9em; }}
  caption {{ text-align: left; font-weight: bold; padding-bottom: .3em; }}
  th, td {{ text-align: left; vertical-align: top; padding: .25em .6em; border-bottom: 1px solid #eceff3; }}
  thead th {{ color: #55606e; font-weight: normal; }}
  tbody th {{ font-family: "DejaVu Sans Mono", monospace; font-weight: normal; white-space: nowrap; }}
  td code {{ overflow-wrap: anywhere; }}
  tr.changed {{ background: #fff6df; }}
  .default {{ color: #8c96a3; font-size: .85em; }}
  .command {{ display: flex; gap: .6em; align-items: flex-start; margin-top: 1em; }}
  .command pre {{ flex: 1; margin: 0; padding: .6em .8em; background: #1b2029; color: #eceff4;
                  border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }}
  button.copy, button.gdanim-pause {{ padding: .5em .9em; cursor: pointer; }}
  button.gdanim-pause {{ margin-top: .4em; }}
  figure canvas {{ display: block; width: 100%; height: auto; border-radius: 4px; }}
  .course-page {{ background: #fff; border: 2px solid #9fb3c8; border-radius: 8px; padding: 1em 1.3em 1.2em;
                  margin-bottom: 1.5em; }}
  .course-page h2 {{ margin: 0; font-size: 1.35em; }}
  .course-page h3, .clips h3 {{ margin: 0 0 .3em; font-size: 1em; }}
  .course-grid {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr));
                  gap: 1em 1.5em; margin-top: .6em; }}
  .cues ol {{ margin: 0; padding-left: 1.4em; }}
  .cues li {{ margin-bottom: .3em; }}
  .cues time {{ font-family: "DejaVu Sans Mono", monospace; color: #55606e; font-size: .85em; }}
  .note {{ color: #55606e; font-size: .85em; margin: .4em 0 0; }}
  .regenerate .command {{ margin: 0 0 .8em; }}
  .clips {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: .6em;
            align-content: start; }}
  .clips h3 {{ grid-column: 1 / -1; }}
  .clip figcaption {{ color: #1b2029; font-size: .85em; }}
</style>
</head>
<body>
<header><h1>{title}</h1>
<p>{count} scene{plural} rendered with gdanim. Each card's command regenerates that scene
(run it in the course folder; unchanged scenes come from the cache).</p></header>
<main>
{body}
</main>
<script>
"use strict";
for (const video of document.querySelectorAll("video")) {{  // captions loaded; shown where the video has none
  for (const track of video.textTracks) track.mode = video.dataset.captions === "soft" ? "showing" : "hidden";
}}
document.querySelectorAll("figure.gdanim-loop").forEach({pause_control});
document.querySelectorAll("figure.gdanim-still").forEach(function (figure) {{
  // a GIF cannot pause: a canvas holding its current frame stands in while paused
  const image = figure.querySelector("img"), button = figure.querySelector("button.gdanim-pause");
  const still = document.createElement("canvas");
  still.setAttribute("role", "img");
  still.setAttribute("aria-label", image.alt);
  still.hidden = true;
  image.after(still);
  const pause = () => {{
    still.width = image.naturalWidth; still.height = image.naturalHeight;
    still.getContext("2d").drawImage(image, 0, 0);
    image.hidden = true; still.hidden = false; button.textContent = "Play";
  }};
  const play = () => {{ image.hidden = false; still.hidden = true; button.textContent = "Pause"; }};
  button.addEventListener("click", () => image.hidden ? play() : pause());
  if (matchMedia("(prefers-reduced-motion: reduce)").matches) {{
    if (image.complete) pause(); else image.addEventListener("load", pause);
  }}
}});
for (const button of document.querySelectorAll("button.copy")) {{
  button.addEventListener("click", () => {{
    const code = button.parentElement.querySelector("code");
    const selectIt = () => {{ const range = document.createRange(); range.selectNodeContents(code);
      const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range); button.textContent = "Ctrl+C"; }};
    if (navigator.clipboard) navigator.clipboard.writeText(code.textContent)
      .then(() => {{ button.textContent = "Copied"; }}, selectIt);
    else selectIt();
  }});
}}
</script>
</body>
</html>
"""
