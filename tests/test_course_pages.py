"""Course pages: slides (beats from cues, a presentation that steps beat by beat) and the gallery
(index.html over media/), as pure functions and in headless Chromium on tiny test scenes."""

import base64
import html.parser
import json
import math
import re
import shlex
import sys
from pathlib import Path

import imageio_ffmpeg
import pytest
from click.testing import CliRunner

from gdanim.batch import plan_jobs
from gdanim.catalog import discover_scenes
from gdanim.cli import main
from gdanim.config import parse_override
from gdanim.gallery import Card, Clip, ParamRow, gallery_html, link_explorers, render_command
from gdanim.render import OutputSettings, settings_from_record, settings_record
from gdanim.slides import Beat, beats_from_cues, cues_from_subtitles, slides_html
from gdanim.subtitles import Cue, to_srt, to_vtt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.chromium import Browser, needs_chromium, png_size, serve  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MODULES = "tests.scenes_for_tests.tiny,tests.scenes_for_tests.beats"
FORMATS = "mp4,gif,webm,loop"
KINDS = ("mp4", "gif", "webm", "loop", "poster", "vtt", "srt")  # the files a render with FORMATS records


def gdanim(*args, check=0):
    """The CLI in this process (no interpreter and manim start-up per call); renders still run in
    spawned worker processes, which get this process's sys.path and environment."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the test scene modules
    done = CliRunner().invoke(main, list(args), env={"GDANIM_SCENE_MODULES": MODULES})
    assert done.exit_code == check, f"{done.stdout}{done.stderr}{done.exception!r}"
    return done


# --- pure functions -----------------------------------------------------------------------------


def test_cues_read_back_from_vtt_and_srt():
    cues = [Cue(0.0, 2.4, "Gradient descent: feel the slope"), Cue(2.8, 4.0, "two\nlines"),
            Cue(3723.5, 3725.25, "an hour in")]
    assert cues_from_subtitles(to_vtt(cues)) == cues
    assert cues_from_subtitles(to_srt(cues).replace("\n", "\r\n")) == cues
    assert cues_from_subtitles("WEBVTT\n\n01:02.500 --> 01:03.000\nno hours\n") == [Cue(62.5, 63.0, "no hours")]


def test_beats_cover_the_video_each_ending_with_its_caption():
    """A slide pauses where its caption's cue ends (the caption's own picture); the transition to
    the next caption plays with the next beat."""
    cues = [Cue(0.0, 2.4, "title"), Cue(2.8, 5.0, "one"), Cue(5.2, 7.5, "two"),
            Cue(7.52, 8.0, "three"), Cue(9.0, 12.0, "takeaway"), Cue(12.5, 13.0, "after the end")]
    assert beats_from_cues(cues, 12.0) == [
        Beat(0.0, 2.4, "title"), Beat(2.4, 5.0, "one"), Beat(5.0, 7.5, "two"),
        Beat(7.5, 8.0, "three"), Beat(8.0, 12.0, "takeaway")]
    late_first = beats_from_cues([Cue(1.0, 2.0, "a"), Cue(2.0, 3.0, "b")], 3.4)
    assert late_first == [Beat(0.0, 2.0, "a"), Beat(2.0, 3.4, "b")]  # the lead-in belongs to beat 1
    assert beats_from_cues([Cue(0.0, 1.0, "x"), Cue(0.02, 1.5, "y")], 2.0) == [Beat(0.0, 2.0, "x\ny")]
    assert beats_from_cues([], 4.2) == [Beat(0.0, 4.2, "")]


def _beats_in(page: str) -> list:
    return json.loads(re.search(r'<script id="beats" type="application/json">(.*?)</script>', page, re.S)[1])


def test_slides_page_escapes_titles_and_notes():
    evil = '</script><script>alert("x")</script> & <b>'
    beats = [Beat(0.0, 1.0, evil), Beat(1.0, 2.0, "second")]
    page = slides_html("Scene", f"desc {evil}", beats, 'clip".mp4')
    assert page.count("</script>") == 2  # the beats JSON and the page script: nothing injected
    assert "<script>alert" not in page and '<b>' not in page.split("<body")[1].split("<script")[0]
    assert _beats_in(page)[0]["text"] == evil  # the note survives exactly
    assert "<title>Scene - desc &lt;/script&gt;" in page and 'src="clip&quot;.mp4"' in page
    assert '<span id="counter">1 / 2</span>' in page


VALUES = [0.001, 1e-05, 2.0, -3.5, math.inf, 7, 0, True, False, "rosenbrock", 'say "hi"\n\\ ok',
          "ünïcode ✓ 🙂", [0.001, 0.01, 0.1], [[1, 2], [3.5, -4.0]], [], {"adam": 0.01, "two words": [1, 2]},
          {"nested": {"a": "b"}}]


@pytest.mark.parametrize("value", VALUES, ids=[repr(v)[:20] for v in VALUES])
def test_regenerate_command_round_trips_through_the_config_parser(value):
    command = render_command("Lesson", {"k": value, "same": 1.5}, {"k": None, "same": 1.5},
                             OutputSettings(quality="low"))
    args = shlex.split(command)
    assert args[:5] == ["gdanim", "render", "Lesson", "--quality", "low"]
    (override,) = [args[i + 1] for i, a in enumerate(args) if a == "--set"]  # unchanged 'same' left out
    assert parse_override(override) == ("Lesson", "k", value)


def test_regenerate_command_sets_changed_and_config_pinned_values_only():
    params = {"lr": 0.05, "start": [-2.2, 1.2], "steps": 60, "name": "valley"}
    defaults = {"lr": 0.085, "start": [-2.2, 1.2], "steps": 60, "name": "valley"}
    command = render_command("GD", params, defaults, OutputSettings(quality="medium", formats=("mp4", "gif")),
                             pinned={"steps"})
    assert command == "gdanim render GD --quality medium --format both --set GD.lr=0.05 --set GD.steps=60"
    gif = OutputSettings(quality="low", formats=("gif",), out_dir=Path("course media"))
    assert render_command("GD", defaults, defaults, gif) == "gdanim render GD --quality low --format gif --out 'course media'"
    assert render_command("GD", {**params, "name": "ring 2"}, defaults, OutputSettings(quality="tiny")) \
        == """gdanim render GD --quality tiny --set GD.lr=0.05 --set 'GD.name="ring 2"'"""
    burned = OutputSettings(quality="low", formats=("mp4", "gif"), burn_captions=True, captions="soft", gif_width=320)
    assert render_command("GD", defaults, defaults, burned) == ("gdanim render GD --quality low --format both "
                                                                "--gif-width 320 --burn-captions --captions soft")


def test_settings_round_trip_through_the_manifest_record():
    settings = OutputSettings(quality="low", formats=("mp4", "gif"), gif_width=320, gif_fps=10, voice=True,
                              burn_captions=True, end_card=True, captions="soft", out_dir=Path("m"))
    assert settings_from_record(json.loads(json.dumps(settings_record(settings))), "low", Path("m")) == settings
    assert settings_from_record({}, "tiny", Path("m")) == OutputSettings(quality="tiny", out_dir=Path("m"))


def test_gallery_page_escapes_descriptions_and_values():
    evil = '<img src=x onerror=alert(1)> & "q"'
    card = Card("Lesson", "low", evil, 3.0, {"gif": "low/Lesson.gif"}, {"gif": 2048},
                [ParamRow("label", evil, "dot", "what <it> is")], "gdanim render Lesson --set 'Lesson.label=\"<x>\"'")
    page = gallery_html([card])
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;" in page
    assert "what &lt;it&gt; is" in page and "--set &#x27;Lesson.label=&quot;&lt;x&gt;&quot;&#x27;" in page
    assert '<tr class=changed><th scope=row>label</th>' in page and "2 kB" in page


class Elements(html.parser.HTMLParser):
    """Every start tag as (tag, attributes), in document order."""

    def __init__(self, text):
        super().__init__()
        self.tags = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag):
        return [attrs for t, attrs in self.tags if t == tag]


WEB_LINKS = {"webm": "low/A.webm", "loop": "low/A.loop.mp4", "mp4": "low/A.mp4", "gif": "low/A.gif",
             "poster": "low/A.png", "vtt": "low/A.vtt"}
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nfirst <cue>\n\n00:01:01.500 --> 00:01:02.000\nsecond\n  line\n"


def _card_html(page: str, scene: str) -> str:
    return page[page.index(f'<article class="scene" id="{scene}"'):].split("</article>")[0]


@pytest.mark.parametrize("mode", ["screen", "soft"])
def test_gallery_card_plays_web_loops_first_with_its_track_default_only_for_soft_captions(mode):
    card = Card("A", "low", "Desc <b>", 61.5, WEB_LINKS, {k: 1000 for k in WEB_LINKS}, [], "gdanim render A",
                VTT, mode)
    page = gallery_html([card])
    elements = Elements(_card_html(page, "A"))
    (video,) = elements.all("video")
    assert {"controls", "muted", "loop", "playsinline", "poster"} <= set(video) and "autoplay" not in video
    assert video["aria-label"] == "A: Desc <b>" and video["poster"] == "low/A.png"
    assert [s["src"] for s in elements.all("source")] == ["low/A.webm", "low/A.loop.mp4", "low/A.mp4"]
    (track,) = elements.all("track")
    assert ("default" in track) is (mode == "soft")
    assert base64.b64decode(track["src"].split(",")[1]).decode() == VTT
    assert [i["src"] for i in elements.all("img")] == ["low/A.png"]  # no GIF picture: the GIF is a download
    assert {"href": "low/A.gif", "download": None} in elements.all("a")
    # the course-page section: the same scene's loop playing by itself, with a pause control
    section = Elements(page[page.index("<section"):page.index("</section>")])
    assert "autoplay" in section.all("video")[0] and section.all("button")[0]["class"] == "gdanim-pause"
    assert "<li><time>0:00.0</time> first &lt;cue&gt;</li><li><time>1:01.5</time> second line</li>" in page
    assert "Muted loop: WebM 1 kB, 100% of the GIF (1 kB)" in page


def test_gallery_lists_clips_under_their_scene():
    clips = (Clip("beat-2", 2.0, 4.2, 'two <em>', {"webm": "low/clips/A.clip-beat-2.webm",
                                                     "mp4": "low/clips/A.clip-beat-2.mp4",
                                                     "poster": "low/clips/A.clip-beat-2.png"}),
             Clip("0-1", 0.0, 1.0, "", {"poster": "low/clips/gone.png"}))  # no video left: not listed
    cards = [Card("A", "low", "d", 5.0, WEB_LINKS, {}, [], "c", clips=clips),
             Card("B", "low", "d", 5.0, {"mp4": "low/B.mp4"}, {}, [], "c")]
    page = gallery_html(cards)
    clip = Elements(_card_html(page, "A")[_card_html(page, "A").index('class="clips"'):])
    assert [s["src"] for s in clip.all("source")] == ["low/clips/A.clip-beat-2.webm", "low/clips/A.clip-beat-2.mp4"]
    assert clip.all("video")[0]["aria-label"] == "A clip beat-2: two <em>"
    assert "<b>beat-2</b> 2.0&ndash;4.2 s: two &lt;em&gt;" in page and "gone.png" not in page
    assert 'class="clips"' not in _card_html(page, "B")


def test_gallery_links_each_landscape_explorer_once(tmp_path, monkeypatch):
    """With plotly, the gallery writes one explorer page per landscape the cards draw and links it;
    without, the cards stay as they were and the reason is given."""
    written = []

    class Explore:
        @staticmethod
        def landscape_of(params):
            return params.get("landscape")

        @staticmethod
        def write_explorer(landscape, path):
            if landscape == "broken":
                raise ValueError("unknown landscape 'broken'")
            written.append(landscape)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(landscape)
            return path

    monkeypatch.setitem(sys.modules, "gdanim.explore", Explore)
    monkeypatch.setattr("importlib.util.find_spec", lambda name: object())
    cards = [Card(name, "low", "", 1.0, {"mp4": f"low/{name}.mp4"}, {},
                  [ParamRow("landscape", land, "bowl", "")] if land else [], "c")
             for name, land in (("A", "rosenbrock"), ("B", None), ("C", "rosenbrock"), ("D", "saddle point"),
                                ("E", "broken"))]
    linked, note = link_explorers(tmp_path, cards)
    assert note == "no explorer for broken: unknown landscape 'broken'" and written == ["rosenbrock", "saddle point"]
    assert [c.links.get("explore") for c in linked] == ["explore/rosenbrock.html", None, "explore/rosenbrock.html",
                                                        "explore/saddle%20point.html", None]
    assert (tmp_path / "explore" / "saddle point.html").read_text() == "saddle point"
    assert 'href="explore/rosenbrock.html">explorer</a>' in gallery_html(linked)
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    assert link_explorers(tmp_path, cards) == (cards, "no landscape explorers: plotly is not installed "
                                                      "(pip install 'gdanim[explore]')")


def test_gallery_writes_the_real_explorer_of_a_cards_landscape(tmp_path):
    pytest.importorskip("plotly")  # gdanim[explore], optional
    card = Card("A", "low", "", 1.0, {"mp4": "low/A.mp4"}, {}, [ParamRow("landscape", "bowl", "valley", "")], "c")
    (linked,), note = link_explorers(tmp_path, [card])
    assert note == "" and linked.links["explore"] == "explore/bowl.html"
    page = (tmp_path / "explore" / "bowl.html").read_text()
    assert page.startswith("<!doctype html>") and "Plotly" in page and len(page) > 1e6  # plotly.js inlined


# --- the CLI on tiny scenes ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """ThreeBeats (3 captions, 6.6 s) with two changed params and DotA, every format (MP4, GIF,
    web loops), then slides for both (embedded / beside), a clip of ThreeBeats' beat 2 and the gallery."""
    out = tmp_path_factory.mktemp("course") / "media"
    gdanim("render", "ThreeBeats", "DotA", "--quality", "tiny", "--format", FORMATS, "--out", str(out), "--jobs", "2",
           "--set", "ThreeBeats.shift=0.5", "--set", "ThreeBeats.label='ball <b>'")
    slides = gdanim("slides", "ThreeBeats", "--quality", "tiny", "--out", str(out),
                    "--set", "ThreeBeats.shift=0.5", "--set", "ThreeBeats.label='ball <b>'")
    gdanim("slides", "DotA", "--quality", "tiny", "--out", str(out), "--no-embed")
    # cached (unless gdanim's code changed meanwhile); the clip is cut from the render the gallery shows
    gdanim("render", "ThreeBeats", "--quality", "tiny", "--format", FORMATS, "--out", str(out), "--clip", "2",
           "--set", "ThreeBeats.shift=0.5", "--set", "ThreeBeats.label='ball <b>'")
    gallery = gdanim("gallery", "--out", str(out))
    return out, slides, gallery


def test_slides_cli_writes_one_self_contained_page(media):
    out, done, _ = media
    page = (out / "slides" / "ThreeBeats.html").read_text()
    # the MP4 comes from the cache, unless gdanim's own code changed between the two commands
    assert re.search(r"ThreeBeats\.html \(3 beats, video (cached|rendered), embedded\)$", done.stdout.strip())
    beats = _beats_in(page)
    assert [b["text"] for b in beats] == [f"Beat {n}: the ball <b> moves." for n in (1, 2, 3)]
    assert [b["start"] for b in beats] == [0.0, 2.0, 4.2] and beats[-1]["end"] == pytest.approx(6.6, abs=0.01)
    src = re.search(r'<video id="video" src="data:video/mp4;base64,([^"]+)"', page)[1]
    assert base64.b64decode(src) == (out / "tiny" / "ThreeBeats.mp4").read_bytes()
    assert not list((out / "slides").glob(".*.tmp")) and not (out / "slides" / "ThreeBeats.mp4").exists()
    beside = (out / "slides" / "DotA.html").read_text()
    assert 'src="DotA.mp4"' in beside
    assert (out / "slides" / "DotA.mp4").read_bytes() == (out / "tiny" / "DotA.mp4").read_bytes()


def test_each_beat_shows_its_own_caption_until_it_ends(media):
    """The frame a slides beat pauses on shows that beat's caption, not the next one's: from its
    fade-in to its cue's end the caption strip does not change, and the beat ends at that cue's end
    (LessonScene.say once added the next caption before waiting out the current one's reading time)."""
    out = media[0]
    reader = imageio_ffmpeg.read_frames(str(out / "tiny" / "ThreeBeats.mp4"))
    width, height = next(reader)["size"]
    captions = [bytes(frame)[int(height * 0.78) * width * 3:] for frame in reader]  # the caption strip
    fps, fade_in = 5, 0.2
    cues = cues_from_subtitles((out / "tiny" / "ThreeBeats.vtt").read_text())
    beats = _beats_in((out / "slides" / "ThreeBeats.html").read_text())
    assert [b["end"] for b in beats[:-1]] == [round(c.end, 3) for c in cues[:-1]]
    spans = [range(round((cue.start + fade_in) * fps), round(cue.end * fps)) for cue in cues]
    own = [captions[span[0]] for span in spans]

    def distance(a, b):
        return sum(abs(x - y) for x, y in zip(a, b)) / len(a)

    for cue, span, mine in zip(cues, spans, own):  # every frame shows this cue's caption, not another's
        others = [o for o in own if o is not mine]
        for i in span:
            assert all(distance(captions[i], mine) < distance(captions[i], o) for o in others), \
                f"frame {i} of the beat {cue.text!r} shows another caption"


def test_slides_cli_errors_are_one_line():
    done = gdanim("slides", "NoSuchScene", "--quality", "tiny", "--out", "/nonexistent/x", check=2)
    assert "unknown scene 'NoSuchScene'" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not Path("/nonexistent/x").exists()


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.captions = [], []

    def handle_starttag(self, tag, attrs):
        self.urls += [v for k, v in attrs if k in ("href", "src") and v != "data:,"]  # no favicon request
        self.captions += [base64.b64decode(v.split(",")[1]).decode() for k, v in attrs
                          if tag == "track" and k == "src" and v.startswith("data:text/vtt;base64,")]


def test_gallery_cli_links_every_file_relatively_with_a_working_command(media, monkeypatch):
    out, _, done = media
    assert done.stdout.strip() == f"{out / 'index.html'} (2 scenes)"
    page = (out / "index.html").read_text()
    parser = _Links()
    parser.feed(page)
    links = [u for u in parser.urls if not u.startswith("data:text/vtt")]
    manifest = json.loads((out / "manifest.json").read_text())["outputs"]
    clip = manifest["tiny/ThreeBeats/clip-beat2"]["files"]
    assert set(links) == {manifest[f"tiny/{s}"]["files"][k]["path"] for s in ("DotA", "ThreeBeats") for k in KINDS} \
        | {clip[k]["path"] for k in ("mp4", "webm", "poster")} | {"slides/DotA.html", "slides/ThreeBeats.html"}
    for url in links:
        assert (out / url).is_file(), url  # relative: the folder can move to a course site as is
    # the course-page section shows the first scene (DotA), then a card per scene
    assert parser.captions == [(out / "tiny" / f"{s}.vtt").read_text() for s in ("DotA", "DotA", "ThreeBeats")]
    assert page.index("Course page: DotA") < page.index('id="DotA"') < page.index('id="ThreeBeats"')
    # the card's command, pasted into a shell, asks for exactly the recorded parameters
    monkeypatch.setenv("GDANIM_SCENE_MODULES", MODULES)
    for scene in ("DotA", "ThreeBeats"):
        command = html.unescape(re.search(rf'id="{scene}".*?<pre><code>(.*?)</code>', page, re.S)[1])
        args = shlex.split(command)
        sets = [args[i + 1] for i, a in enumerate(args) if a == "--set"]
        assert args[:6] == ["gdanim", "render", scene, "--quality", "tiny", "--format"]
        assert set(args[6].split(",")) == set(FORMATS.split(","))
        (job,) = plan_jobs([scene], OutputSettings(quality="tiny"), config_path=None, overrides=sets,
                           scenes=discover_scenes())
        assert job.params == manifest[f"tiny/{scene}"]["params"]
        assert len(sets) == (2 if scene == "ThreeBeats" else 0)
        clips = [args[i + 1] for i, a in enumerate(args) if a == "--clip"]
        assert clips == (["2"] if scene == "ThreeBeats" else [])  # the card's clip is cut again


def test_gallery_without_renders_exits_2(tmp_path):
    done = gdanim("gallery", "--out", str(tmp_path / "empty"), check=2)
    assert "render first" in done.stderr and not (tmp_path / "empty").exists()


# --- headless Chromium ----------------------------------------------------------------------------


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()


@pytest.fixture
def server(media):
    with serve(media[0]) as url:
        yield url


MEDIA_STATE = """[...document.querySelectorAll('img, video, track')].map(e => ({
  tag: e.tagName, src: e.tagName === 'VIDEO' ? e.currentSrc.slice(document.baseURI.lastIndexOf('/') + 1)
    : e.getAttribute('src').split(',')[0],
  ok: e.tagName === 'IMG' ? e.complete && e.naturalWidth > 0
    : e.tagName === 'VIDEO' ? e.readyState >= 1 && !e.error : e.readyState === 2,
  size: e.tagName === 'IMG' ? [e.naturalWidth, e.naturalHeight]
    : e.tagName === 'VIDEO' ? [e.videoWidth, e.videoHeight, e.duration] : e.track.cues.length}))"""
LOOP = "document.querySelector('.course-page video')"


@needs_chromium
@pytest.mark.parametrize("scheme", ["http", "file"])
def test_gallery_loads_every_media_file_without_console_errors(browser, media, server, tmp_path, scheme):
    browser.open(f"{server}/index.html" if scheme == "http" else (media[0] / "index.html").as_uri())
    browser.wait_for(f"{MEDIA_STATE}.every(m => m.ok)")
    state = browser.eval(MEDIA_STATE)
    # the course page's loop (DotA, the first scene) and its poster, then a card per scene; each video
    # plays its first source (the WebM loop) and holds its captions track and a poster fallback
    video = [("VIDEO", "tiny/{}.webm"), ("TRACK", "data:text/vtt;base64"), ("IMG", "tiny/{}.png")]
    expected = [(tag, src.format(scene)) for scene in ("DotA", "poster", "DotA", "ThreeBeats")
                for tag, src in (video if scene != "poster" else [("IMG", "tiny/DotA.png")])]
    clip = [("VIDEO", "tiny/clips/ThreeBeats.clip-beat2.webm"), ("IMG", "tiny/clips/ThreeBeats.clip-beat2.png")]
    assert [(m["tag"], m["src"]) for m in state] == expected + clip  # the clip, listed under its scene
    assert browser.eval("document.querySelector('#ThreeBeats .clip figcaption').textContent") \
        == "beat2 2.0\u20134.2 s: Beat 2: the ball <b> moves."
    assert state[-2]["size"][2] == pytest.approx(2.2, abs=0.21)  # the beat's span, within a frame
    sizes = [m["size"] for m in state]
    assert sizes[7][:2] == [256, 144] and sizes[7][2] == pytest.approx(6.6, abs=0.1)  # ThreeBeats.webm
    assert [sizes[i] for i in (1, 5, 8)] == [1, 1, 3]  # captions parsed: 1, 1 and 3 cues
    assert sizes[3] == [256, 144]  # the poster, at the video's size
    # the videos draw their captions: the tracks are loaded for the captions button, not shown twice
    assert browser.eval("[...document.querySelectorAll('track')].map(t => [t.default, t.track.mode])") \
        == [[False, "hidden"]] * 3
    # the GIF is a download link; only the course page's loop plays by itself, muted, with a Pause button
    gifs = "[...document.querySelectorAll('a[download]')].filter(a => a.href.endsWith('.gif')).length"
    assert browser.eval(gifs) == 2
    browser.wait_for(f"{LOOP}.currentTime > 0.3")
    assert browser.eval(f"[{LOOP}.muted, {LOOP}.paused]") == [True, False]
    assert browser.eval("[...document.querySelectorAll('.scene video')].map(v => [v.autoplay, v.paused])") \
        == [[False, True]] * 3
    browser.eval("document.querySelector('.course-page button.gdanim-pause').click()")
    assert browser.eval(f"[{LOOP}.paused, document.querySelector('.course-page button.gdanim-pause').textContent]") \
        == [True, "Play"]
    assert browser.eval("[...document.querySelectorAll('.cues li')].map(li => li.textContent)") \
        == ["0:00.0 A dot moves."]
    assert browser.eval("document.querySelector('#ThreeBeats .desc').textContent") == \
        'Three captions, three moves: <one> beat each & "quoted".'
    assert browser.eval("[...document.querySelectorAll('#ThreeBeats tr.changed th')].map(e => e.textContent)") \
        == ["shift", "label"]
    copied = "const b = document.querySelector('#ThreeBeats button.copy'); b.click(); " \
             "new Promise(done => setTimeout(() => done(b.textContent), 300))"
    assert browser.eval(copied) in ("Copied", "Ctrl+C")  # the clipboard, or the command selected
    assert browser.errors() == []
    assert png_size(browser.screenshot(tmp_path / f"gallery-{scheme}.png")) == (1280, 900)


@needs_chromium
def test_gallery_loop_stays_still_for_reduced_motion(browser, server):
    browser.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-reduced-motion", "value": "reduce"}])
    browser.open(f"{server}/index.html")
    browser.wait_for(f"{LOOP}.readyState >= 1")
    browser.eval("new Promise(done => setTimeout(done, 500))")
    assert browser.eval(f"[{LOOP}.paused, {LOOP}.currentTime, {LOOP}.autoplay]") == [True, 0, False]
    assert browser.eval("document.querySelector('.course-page button.gdanim-pause').textContent") == "Play"
    assert browser.errors() == []


GIF_STATE = """(() => { const f = document.querySelector('figure.gdanim-still'), c = f.querySelector('canvas');
  return [f.querySelector('img').hidden, c.hidden, f.querySelector('button').textContent,
          c.hidden ? null : [c.width, c.height]]; })()"""


@needs_chromium
@pytest.mark.parametrize("reduced", [False, True])
def test_a_gif_only_card_can_be_paused(browser, media, server, reduced):
    """An older render with only a GIF: the GIF plays by itself, so its card has a pause control
    that swaps in a still of the current frame (and starts still for reduced motion)."""
    out = media[0]
    card = Card("DotA", "tiny", "A dot moves right.", 2.2, {"gif": "tiny/DotA.gif"},
                {"gif": (out / "tiny" / "DotA.gif").stat().st_size}, [], "gdanim render DotA --format gif")
    (out / "gif-only.html").write_text(gallery_html([card]))
    if reduced:
        browser.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-reduced-motion", "value": "reduce"}])
    browser.open(f"{server}/gif-only.html")
    browser.wait_for("document.querySelector('figure.gdanim-still img').complete")
    playing = [False, True, "Pause", None]
    still = [True, False, "Play", [256, 144]]  # a still of the GIF's frame, at its size
    assert browser.eval(GIF_STATE) == (still if reduced else playing)
    browser.eval("document.querySelector('figure.gdanim-still button').click()")
    assert browser.eval(GIF_STATE) == (playing if reduced else still)
    assert not browser.eval("!!document.querySelector('.course-page')")  # no video: no course-page section
    assert browser.errors() == []


SLIDE_STATE = "[+document.body.dataset.beat, document.body.dataset.phase, " \
              "document.getElementById('video').currentTime, document.getElementById('counter').textContent]"
KEYS = {"right": ("ArrowRight", "ArrowRight", 39), "left": ("ArrowLeft", "ArrowLeft", 37),
        "space": (" ", "Space", 32, " "), "pagedown": ("PageDown", "PageDown", 34),
        "pageup": ("PageUp", "PageUp", 33), "home": ("Home", "Home", 36), "end": ("End", "End", 35),
        "n": ("n", "KeyN", 78, "n")}


@needs_chromium
def test_slides_step_forward_and_back_beat_by_beat(browser, media, tmp_path):
    out = media[0]
    browser.open((out / "slides" / "ThreeBeats.html").as_uri())
    browser.wait_for("document.getElementById('video').readyState >= 2")
    assert browser.eval(SLIDE_STATE) == [0, "ready", 0, "1 / 3"]

    browser.press(*KEYS["right"])  # plays beat 1 and pauses on its last frame, before beat 2's caption
    assert browser.eval("document.body.dataset.phase") == "playing"
    browser.wait_for("document.body.dataset.phase === 'done'", timeout=10)
    beat, phase, at, counter = browser.eval(SLIDE_STATE)
    assert (beat, phase, counter) == (0, "done", "1 / 3") and at == pytest.approx(2.0 - 0.001, abs=1e-3)
    assert browser.eval("document.getElementById('video').paused")

    browser.press(*KEYS["space"])
    assert browser.eval(SLIDE_STATE)[:2] == [1, "playing"]
    browser.press(*KEYS["pagedown"])  # mid-beat: on to the next one at once
    beat, phase, at, counter = browser.eval(SLIDE_STATE)
    assert (beat, phase, counter) == (2, "playing", "3 / 3") and at >= 4.2
    browser.press(*KEYS["left"])  # back to the start of beat 2
    beat, phase, at, _ = browser.eval(SLIDE_STATE)
    assert (beat, phase) == (1, "playing") and 2.0 <= at < 3.0
    browser.press(*KEYS["pageup"])
    assert browser.eval(SLIDE_STATE)[:2] == [0, "playing"]
    browser.press(*KEYS["end"])  # the last beat's final frame
    beat, phase, at, counter = browser.eval(SLIDE_STATE)
    assert (beat, phase, counter) == (2, "done", "3 / 3") and at == pytest.approx(6.6, abs=0.01)
    browser.press(*KEYS["right"])  # nothing after the last beat
    assert browser.eval(SLIDE_STATE)[:2] == [2, "done"]

    assert browser.eval("getComputedStyle(document.getElementById('notes')).display") == "none"
    browser.press(*KEYS["n"])  # speaker notes: this beat's caption and the next
    assert browser.eval("getComputedStyle(document.getElementById('notes')).display") == "block"
    browser.press(*KEYS["home"])  # from a playing video: it may run on a fraction of a frame before it stops
    beat, phase, at, counter = browser.eval(SLIDE_STATE)
    assert (beat, phase, counter) == (0, "ready", "1 / 3") and at == pytest.approx(0, abs=0.01)
    assert browser.eval("[document.getElementById('note').textContent, document.getElementById('next').textContent]") \
        == ["Beat 1: the ball <b> moves.", "next: Beat 2: the ball <b> moves."]
    browser.press(*KEYS["right"])
    browser.wait_for("document.getElementById('video').currentTime > 1.0", timeout=10)
    browser.call("Runtime.evaluate", expression="document.getElementById('video').pause()")
    assert browser.errors() == []
    assert png_size(browser.screenshot(tmp_path / "slides.png")) == (1280, 900)


@needs_chromium
def test_slides_with_the_video_beside_the_page_play_over_file_urls(browser, media):
    out = media[0]
    browser.open((out / "slides" / "DotA.html").as_uri())
    browser.wait_for("document.getElementById('video').readyState >= 2")
    assert browser.eval(SLIDE_STATE) == [0, "ready", 0, "1 / 1"]
    browser.press(*KEYS["right"])
    browser.wait_for("document.body.dataset.phase === 'done'", timeout=10)
    assert browser.eval(SLIDE_STATE)[2] == pytest.approx(2.2, abs=0.01)  # the last beat ends with the video
    assert browser.errors() == []
