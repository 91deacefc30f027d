"""`gdanim embed`: copy-paste snippets for a rendered scene (gdanim.embed), as pure functions over
hand-made manifests, through the CLI, and in headless Chromium on a tiny test scene."""

import json
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from markdown_it import MarkdownIt

from gdanim.embed import (Media, clip_entries, media_of, shown_entries, snippet, snippet_html, snippet_markdown,
                          takeaway_of)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.chromium import Browser, needs_chromium, png_size, serve  # noqa: E402
from tests.test_course_pages import Elements, gdanim  # noqa: E402

EVIL = '</video><script>alert("x")</script> & "q"'
VTT = ("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nGradient descent: <feel> the slope\n\n"
       "00:00:01.500 --> 00:00:04.000\nTakeaway: small steps\nconverge & stay.\n")
NAMES = {"webm": "Les son.webm", "loop": "Les son.loop.mp4", "mp4": "Les son.mp4", "gif": "Les son.gif",
         "poster": "Les son.png", "vtt": "Les son.vtt", "srt": "Les son.srt"}


def fake_render(out: Path, kinds, *, scene="Lesson", quality="low", captions="screen", key="k1", extra=None):
    """A manifest entry and its files as gdanim.store records them (contents do not matter here)."""
    files = {}
    for kind in kinds:
        path = out / quality / NAMES[kind]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(VTT if kind == "vtt" else kind)
        files[kind] = {"path": f"{quality}/{NAMES[kind]}", "bytes": path.stat().st_size, "sha256": "0" * 64}
    entry = {"scene": scene, "quality": quality, "key": key, "params": {}, "files": files, "duration": 4.0,
             "frames": 60, "size": {}, "settings": {"captions": captions, "formats": ["mp4"]}}
    manifest = out / "manifest.json"
    outputs = json.loads(manifest.read_text())["outputs"] if manifest.is_file() else {}
    outputs[f"{quality}/{scene}"] = entry
    outputs.update(extra or {})
    manifest.write_text(json.dumps({"outputs": outputs}))
    return entry


ALL_KINDS = ("webm", "loop", "mp4", "gif", "poster", "vtt", "srt")


# --- pure functions -----------------------------------------------------------------------------


def test_snippet_links_resolve_from_the_page_to_the_files(tmp_path):
    """Each URL, resolved the way a browser does against the page's own URL, names the file on
    disk; for the default page folder (the out folder) and a page elsewhere."""
    out = tmp_path / "course media"
    fake_render(out, ALL_KINDS)
    for page in (out / "index.html", tmp_path / "docs" / "lessons" / "page one.md"):
        text = snippet(out, "Lesson", "A lesson.", page_dir=page.parent)
        urls = [v for _, attrs in Elements(text).tags for k, v in attrs.items() if k in ("src", "href", "poster")]
        assert len(urls) == 7  # poster, 3 sources, track, fallback link and image
        for url in urls:
            assert not url.startswith("/") and " " not in url
            target = Path(unquote(urljoin(page.as_uri(), url)[len("file://"):]))
            assert target.is_file() and target.parent == out / "low", url


def test_snippet_video_attributes_sources_in_order_and_escaped_words(tmp_path):
    out = tmp_path / "media"
    fake_render(out, ALL_KINDS)
    text = snippet(out, "Lesson", EVIL)
    elements = Elements(text)
    (video,) = elements.all("video")
    assert {"controls", "muted", "loop", "playsinline", "poster"} <= set(video) and "autoplay" not in video
    assert video["poster"] == "low/Les%20son.png" and video["aria-label"] == f"Lesson: {EVIL}"
    assert [(s["src"], s["type"]) for s in elements.all("source")] == [
        ("low/Les%20son.webm", "video/webm"), ("low/Les%20son.loop.mp4", "video/mp4"),
        ("low/Les%20son.mp4", "video/mp4")]
    (track,) = elements.all("track")
    assert track == {"kind": "captions", "src": "low/Les%20son.vtt", "srclang": "en", "label": "English"}
    assert "<script" not in text and "</video><script>" not in text  # the description is text, not markup
    assert text.count("</video>") == 1 and "&lt;/video&gt;&lt;script&gt;" in text
    caption = text[text.index("<figcaption>"):text.index("</figcaption>")]
    assert "<strong>Takeaway:</strong> small steps converge &amp; stay." in caption  # from the .vtt's last cue
    assert not any(k in text for k in ("gif", ".srt"))  # the GIF and .srt are no part of a video embed


def test_track_is_default_only_when_the_picture_has_no_captions(tmp_path):
    for mode, default in (("screen", False), ("soft", True)):
        out = tmp_path / mode
        fake_render(out, ("mp4", "vtt"), captions=mode)
        (track,) = Elements(snippet(out, "Lesson", "x")).all("track")
        assert ("default" in track) is default


def test_an_older_render_without_web_loops_or_poster_still_embeds(tmp_path):
    out = tmp_path / "media"
    fake_render(out, ("mp4", "gif", "srt"))
    elements = Elements(snippet(out, "Lesson", "Plain."))
    (video,) = elements.all("video")
    assert "poster" not in video and not elements.all("track") and not elements.all("img")
    assert [s["src"] for s in elements.all("source")] == ["low/Les%20son.mp4"]


def test_autoplay_adds_one_pause_button_and_its_script(tmp_path):
    out = tmp_path / "media"
    fake_render(out, ALL_KINDS)
    still, moving = (snippet(out, "Lesson", "x", autoplay=a) for a in (False, True))
    assert "<button" not in still and "<script" not in still
    elements = Elements(moving)
    assert "autoplay" in elements.all("video")[0] and elements.all("button") == [{"type": "button",
                                                                                  "class": "gdanim-pause"}]
    assert moving.count("<script>") == 1 and "prefers-reduced-motion: reduce" in moving
    assert moving.index("<button") < moving.index("<script>") < moving.index("<figcaption>")


def test_markdown_passes_the_figure_through_and_offers_a_poster_link(tmp_path):
    """CommonMark (markdown-it, as MyST and many static sites use) keeps the figure as one raw
    HTML block; with raw HTML off, the comment's image link is what to paste."""
    out = tmp_path / "media"
    fake_render(out, ALL_KINDS)
    text = snippet(out, "Lesson", "Under [brackets] *stars*", fmt="md", autoplay=True)
    rendered = MarkdownIt("commonmark").render(text)
    assert snippet(out, "Lesson", "Under [brackets] *stars*", autoplay=True) in rendered
    link = text.split("use instead: ")[1].split(" -->")[0]
    image = MarkdownIt("commonmark", {"html": False}).render(link)
    assert image.strip() == ('<p><a href="low/Les%20son.mp4"><img src="low/Les%20son.png" '
                             'alt="Lesson: Under [brackets] *stars*" /></a></p>')


def test_takeaway_is_the_last_takeaway_cue():
    assert takeaway_of(VTT) == "small steps converge & stay."
    assert takeaway_of("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nno takeaway here\n") == ""
    assert takeaway_of("") == ""


def test_best_quality_is_shown_and_clips_are_not_renders(tmp_path):
    out = tmp_path / "media"
    fake_render(out, ("mp4",), quality="low")
    clip = {"scene": "Lesson", "quality": "medium", "key": "c", "params": {}, "files": {}, "duration": 1.0,
            "frames": 1, "size": {}, "settings": {}, "source_key": "k2", "source_mp4": "0" * 64,
            "clip": {"label": "beat-2", "start": 1.5, "end": 4.0, "beat": 2, "caption": "two"}}
    medium = fake_render(out, ("mp4",), quality="medium", key="k2",
                         extra={"medium/Lesson/clip-beat-2": clip,
                                "medium/Lesson/clip-old": {**clip, "source_key": "k0"},
                                "medium/Lesson/clip-forced": {**clip, "source_mp4": "1" * 64},  # --force's bytes
                                "medium/Lesson/clip-0:1": {**clip, "clip": {**clip["clip"], "start": 0.0}}})
    assert shown_entries(out)["Lesson"]["quality"] == "medium"
    assert shown_entries(out, "low")["Lesson"]["quality"] == "low"
    starts = [c["clip"]["start"] for c in clip_entries(out, medium)]
    assert starts == [0.0, 1.5]  # in time order; stale clips (another key or other MP4 bytes) are left out


def test_snippet_without_a_video_raises():
    media = Media("Lesson", "Lesson", {"gif": "low/Lesson.gif"}, "screen", "", "")
    with pytest.raises(ValueError, match="no video"):
        snippet_html(media)
    with pytest.raises(ValueError, match="no video"):
        snippet_markdown(media)


def test_media_of_reads_only_files_still_on_disk(tmp_path):
    out = tmp_path / "media"
    entry = fake_render(out, ("webm", "mp4", "poster"))
    (out / "low" / NAMES["webm"]).unlink()
    media = media_of(out, entry, "d", out)
    assert set(media.urls) == {"mp4", "poster"} and media.takeaway == ""


# --- the CLI ------------------------------------------------------------------------------------


def test_embed_cli_errors_are_one_line_and_write_nothing(tmp_path):
    out = tmp_path / "media"
    done = gdanim("embed", "DotA", "--out", str(out), check=2)
    assert done.stderr.count("\n") == 1 and "no rendered video of DotA" in done.stderr
    assert f"gdanim render DotA --format mp4,webm,loop --out {out}" in done.stderr
    done = gdanim("embed", "DotA", "--out", str(out), "--quality", "low", check=2)
    assert "at quality low" in done.stderr and "gdanim render DotA --quality low" in done.stderr
    done = gdanim("embed", "NoSuchScene", "--out", str(out), check=2)
    assert "unknown scene 'NoSuchScene'" in done.stderr and done.stderr.count("\n") == 1
    done = gdanim("embed", "DotA", "--format", "pdf", check=2)
    assert "'pdf' is not one of 'html', 'md'" in done.stderr
    assert not out.exists()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """DotA at tiny with every web format, soft captions (the player shows the track)."""
    out = tmp_path_factory.mktemp("embed") / "media"
    gdanim("render", "DotA", "--quality", "tiny", "--format", "mp4,webm,loop", "--captions", "soft",
           "--out", str(out))
    return out


def test_embed_cli_prints_the_snippet_for_the_rendered_files(rendered):
    manifest = json.loads((rendered / "manifest.json").read_text())["outputs"]["tiny/DotA"]
    page = rendered.parent / "site" / "lesson.md"
    page.parent.mkdir(exist_ok=True)
    text = gdanim("embed", "DotA", "--out", str(rendered), "--page", str(page), "--format", "md").stdout
    elements = Elements(text)
    expected = {kind: f"../media/{manifest['files'][kind]['path']}"
                for kind in ("webm", "loop", "mp4", "poster", "vtt")}
    assert [s["src"] for s in elements.all("source")] == [expected[k] for k in ("webm", "loop", "mp4")]
    # each source names its codecs, so Safari skips the AV1 4:4:4 (High profile) WebM for the loop MP4
    webm, loop, mp4 = (s["type"] for s in elements.all("source"))
    assert webm.startswith('video/webm; codecs="av01.1.') and loop.startswith('video/mp4; codecs="avc1.')
    assert mp4.startswith('video/mp4; codecs="avc1.')
    assert elements.all("video")[0]["poster"] == expected["poster"]
    assert elements.all("track")[0]["src"] == expected["vtt"] and "default" in elements.all("track")[0]
    assert "<figcaption>A dot moves right.</figcaption>" in text
    assert not page.exists() and sorted(p.name for p in page.parent.iterdir()) == []  # nothing written


# --- headless Chromium --------------------------------------------------------------------------


@pytest.fixture
def browser():
    b = Browser(width=900, height=700)
    yield b
    b.close()


@pytest.fixture
def site(rendered):
    """A course page beside the media folder, holding the --autoplay snippet, over http."""
    page = rendered.parent / "lesson" / "index.html"
    page.parent.mkdir(exist_ok=True)
    figure = gdanim("embed", "DotA", "--out", str(rendered), "--page", str(page), "--autoplay").stdout
    page.write_text(f'<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
                    f"<title>Lesson</title></head><body><h1>A lesson</h1>{figure}<p>Text beside it.</p></body></html>")
    with serve(rendered.parent) as url:
        yield f"{url}/lesson/index.html"


PLAYER = """(() => { const v = document.querySelector('video'), b = document.querySelector('button.gdanim-pause');
  return {paused: v.paused, muted: v.muted, time: v.currentTime, ready: v.readyState, error: !!v.error,
          src: v.currentSrc.split('/').pop(), button: b.textContent, width: v.videoWidth,
          cues: v.textTracks[0].cues ? v.textTracks[0].cues.length : -1, mode: v.textTracks[0].mode}; })()"""
POSTER = """new Promise(done => { const i = new Image(); i.onload = () => done([i.naturalWidth, i.naturalHeight]);
  i.onerror = () => done(null); i.src = document.querySelector('video').poster; })"""


@needs_chromium
def test_autoplaying_snippet_plays_muted_and_its_button_pauses_it(browser, site, tmp_path):
    browser.open(site)
    browser.wait_for("document.querySelector('video').currentTime > 0.3")
    state = browser.eval(PLAYER)
    assert state["src"] == "DotA.webm" and state["width"] == 256  # the first source the browser plays
    assert not state["paused"] and state["muted"] and state["ready"] >= 2 and not state["error"]
    assert state["button"] == "Pause" and state["mode"] == "showing" and state["cues"] == 1  # soft: shown
    assert browser.eval(POSTER) == [256, 144]
    browser.eval("document.querySelector('button.gdanim-pause').click()")
    state = browser.eval(PLAYER)
    assert state["paused"] and state["button"] == "Play"
    stopped = state["time"]
    assert browser.eval("new Promise(done => setTimeout(() => done(document.querySelector('video').currentTime), "
                        "400))") == stopped  # it stays paused
    browser.eval("document.querySelector('button.gdanim-pause').click()")
    browser.wait_for("!document.querySelector('video').paused")
    assert browser.eval(PLAYER)["button"] == "Pause"
    browser.eval("document.querySelector('button.gdanim-pause').click()")
    assert browser.errors() == []
    assert png_size(browser.screenshot(tmp_path / "embed.png")) == (900, 700)


@needs_chromium
def test_reduced_motion_keeps_the_snippet_still(browser, site):
    browser.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-reduced-motion", "value": "reduce"}])
    browser.open(site)
    browser.wait_for("document.querySelector('video').readyState >= 2")
    browser.eval("new Promise(done => setTimeout(done, 500))")
    state = browser.eval(PLAYER)
    assert state["paused"] and state["time"] == 0 and state["button"] == "Play"
    assert browser.eval("document.querySelector('video').autoplay") is False
    assert browser.errors() == []
