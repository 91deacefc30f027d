"""The course gallery: one static, relative-linked index.html over a media folder, a card per
rendered scene with its GIF, its MP4 with captions, its parameters and the command that
regenerates it. Reads the manifest; never renders.
"""

from __future__ import annotations

import base64
import html
import os
import shlex
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from gdanim.config import as_dict, param_table
from gdanim.render import FORMATS, QUALITIES, OutputSettings, cli_flags, settings_from_record
from gdanim.store import Store
from gdanim.config import regenerate_command, shown_value

MEDIA_KINDS = ("gif", "mp4", "vtt", "srt")


class ParamRow(NamedTuple):
    name: str
    value: object  # as rendered (JSON form: tuples are lists)
    default: object
    help: str

    @property
    def changed(self) -> bool:
        return self.value != self.default


class Card(NamedTuple):
    scene: str
    quality: str
    description: str
    duration: float
    links: dict  # kind (gif, mp4, vtt, srt, slides) -> URL relative to the gallery page
    sizes: dict  # kind -> bytes
    params: list
    command: str
    captions: str = ""  # the .vtt text, inlined in the page so captions show from file:// too
    caption_mode: str = "screen"  # how the video was rendered (--captions): "soft" draws none itself


def render_command(scene: str, params: dict, defaults: dict, settings: OutputSettings, *,
                   pinned=()) -> str:
    """``gdanim render`` for this output: the end card's command (``--set`` for each value not at
    its default), plus a ``--set`` for each key a course config sets (``pinned``), so that
    gdanim.toml cannot change it when the command is pasted in the course folder."""
    flags = cli_flags(settings)
    if Path(settings.out_dir) != Path("media"):
        flags += ["--out", shlex.quote(str(settings.out_dir))]
    return regenerate_command(scene, params, {k: v for k, v in defaults.items() if k not in pinned}, flags)


def gallery_cards(out_dir: Path, scenes: dict[str, type], *, quality: str | None = None,
                  pinned: dict | None = None) -> tuple[list[Card], list[str]]:
    """A card per scene rendered in ``out_dir`` (its best quality, or ``quality``), in course
    order; and the names of rendered scenes left out (unknown scene or no media file left)."""
    out_dir = Path(out_dir)
    best: dict[str, dict] = {}
    rank = {q: i for i, q in enumerate(QUALITIES)}
    for entry in Store(out_dir).entries().values():
        if quality is not None and entry.get("quality") != quality:
            continue
        current = best.get(entry["scene"])
        if current is None or rank.get(entry["quality"], -1) > rank.get(current["quality"], -1):
            best[entry["scene"]] = entry
    order = {name: i for i, name in enumerate(scenes)}
    cards, skipped = [], []
    for name in sorted(best, key=lambda n: (order.get(n, len(order)), n)):
        entry, cls = best[name], scenes.get(name)
        links, sizes = {}, {}
        for kind in MEDIA_KINDS:
            path = out_dir / entry["quality"] / f"{name}.{kind}"
            if path.is_file():
                links[kind], sizes[kind] = f"{quote(entry['quality'])}/{quote(name)}.{kind}", path.stat().st_size
        if cls is None or not ({"gif", "mp4"} & set(links)):
            skipped.append(name)
            continue
        if (out_dir / "slides" / f"{name}.html").is_file():
            links["slides"] = f"slides/{quote(name)}.html"
        defaults = as_dict(cls.Params())
        rows = [ParamRow(p, entry["params"].get(p, defaults[p]), defaults[p], help_text)
                for p, _, _, help_text in param_table(cls.Params)]
        record = entry.get("settings") or {"formats": [k for k in FORMATS if k in entry.get("files", {})]}
        settings = settings_from_record(record, entry["quality"], out_dir)
        command = render_command(name, {r.name: r.value for r in rows}, defaults, settings,
                                 pinned=(pinned or {}).get(name, ()))
        doc = (cls.__doc__ or "").strip().splitlines()
        description = doc[0] if doc else ""
        vtt = out_dir / entry["quality"] / f"{name}.vtt"
        cards.append(Card(name, entry["quality"], description, float(entry.get("duration", 0.0)), links,
                          sizes, rows, command, vtt.read_text(encoding="utf-8") if "vtt" in links else "",
                          settings.captions))
    return cards, skipped


def gallery_html(cards: list[Card], title: str = "Course gallery") -> str:
    e = html.escape
    articles = []
    for card in cards:
        media = []
        if "gif" in card.links:
            media.append(f'<figure><img src="{e(card.links["gif"])}" alt="{e(card.scene)}: '
                         f'{e(card.description)}"><figcaption>GIF for course pages</figcaption></figure>')
        if "mp4" in card.links:
            # inlined: a file:// page may not fetch a .vtt file (Chromium), a data: URI it may.
            # Not `default`: a video rendered with --captions screen draws them itself, and a default
            # track would show them twice; the page loads the track hidden, for the player's
            # captions button, and shows it at once for a --captions soft video.
            vtt = "data:text/vtt;base64," + base64.b64encode(card.captions.encode()).decode()
            track = (f'<track kind="captions" src="{vtt}" srclang="en" label="English">'
                     if card.captions else "")
            media.append(f'<figure><video controls preload="metadata" data-captions="{e(card.caption_mode)}" '
                         f'src="{e(card.links["mp4"])}">{track}'
                         f'</video><figcaption>MP4{" with captions" if track else ""}</figcaption></figure>')
        files = " &middot; ".join(
            f'<a href="{e(card.links[k])}">{label}</a>'
            + (f" <span class=size>{_size(card.sizes[k])}</span>" if k in card.sizes else "")
            for k, label in (("gif", "GIF"), ("mp4", "MP4"), ("vtt", "captions .vtt"), ("srt", ".srt"),
                             ("slides", "slides")) if k in card.links)
        rows = "\n".join(
            f'<tr{" class=changed" if r.changed else ""}><th scope=row>{e(r.name)}</th>'
            f"<td><code>{e(shown_value(r.value))}</code>"
            + (f' <span class=default>default <code>{e(shown_value(r.default))}</code></span>' if r.changed else "")
            + f"</td><td>{e(r.help)}</td></tr>" for r in card.params)
        articles.append(f"""<article class="scene" id="{e(card.scene)}">
<h2>{e(card.scene)}</h2>
<p class="desc">{e(card.description)}</p>
<p class="files">{e(card.quality)} &middot; {card.duration:.1f} s &middot; {files}</p>
<div class="media">{"".join(media)}</div>
<table class="params"><caption>Parameters (changed ones highlighted)</caption>
<thead><tr><th scope=col>name</th><th scope=col>value</th><th scope=col>meaning</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<div class="command"><pre><code>{e(card.command)}</code></pre><button type="button" class="copy">Copy</button></div>
</article>""")
    body = "\n".join(articles) if articles else "<p>No rendered scenes yet: run <code>gdanim render</code>.</p>"
    return _PAGE.format(title=e(title), count=len(cards), plural="" if len(cards) == 1 else "s", body=body)


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


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>
  body {{ margin: 0 auto; max-width: 1180px; padding: 1.5em; background: #f5f6f8; color: #1b2029;
         font: 15px/1.45 "DejaVu Sans", system-ui, sans-serif; }}
  h1 {{ margin: 0 0 .2em; }}
  header p {{ margin: 0 0 1.2em; color: #55606e; }}
  .scene {{ background: #fff; border: 1px solid #dde1e7; border-radius: 8px; padding: 1em 1.3em 1.2em;
            margin-bottom: 1.5em; }}
  .scene h2 {{ margin: 0; font-size: 1.35em; }}
  .desc {{ margin: .2em 0 .4em; }}
  .files {{ margin: 0 0 .8em; color: #55606e; font-size: .9em; }}
  .size {{ color: #8c96a3; }}
  .media {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1em; }}
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
  button.copy {{ padding: .5em .9em; cursor: pointer; }}
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
