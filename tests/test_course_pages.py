"""Course pages: slides (beats from cues, a presentation that steps beat by beat) and the gallery
(index.html over media/), as pure functions and in headless Chromium on tiny test scenes."""

import base64
import fcntl
import functools
import html.parser
import http.server
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import imageio_ffmpeg
import pytest
from click.testing import CliRunner

from gdanim.batch import plan_jobs
from gdanim.catalog import discover_scenes
from gdanim.cli import main
from gdanim.config import parse_override
from gdanim.gallery import Card, ParamRow, gallery_html, render_command
from gdanim.render import OutputSettings, settings_from_record, settings_record
from gdanim.slides import Beat, beats_from_cues, cues_from_subtitles, slides_html
from gdanim.subtitles import Cue, to_srt, to_vtt

ROOT = Path(__file__).resolve().parents[1]
MODULES = "tests.scenes_for_tests.tiny,tests.scenes_for_tests.beats"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = os.environ.get("GDANIM_SCREENSHOTS")  # keep the screenshots here, to look at them
needs_chromium = pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                                    reason="needs Debian's chromium (make test installs it)")


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


# --- the CLI on tiny scenes ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """ThreeBeats (3 captions, 6.6 s) with two changed params and DotA, both formats, then slides
    for both (embedded / beside) and the gallery."""
    out = tmp_path_factory.mktemp("course") / "media"
    gdanim("render", "ThreeBeats", "DotA", "--quality", "tiny", "--format", "both", "--out", str(out), "--jobs", "2",
           "--set", "ThreeBeats.shift=0.5", "--set", "ThreeBeats.label='ball <b>'")
    slides = gdanim("slides", "ThreeBeats", "--quality", "tiny", "--out", str(out),
                    "--set", "ThreeBeats.shift=0.5", "--set", "ThreeBeats.label='ball <b>'")
    gdanim("slides", "DotA", "--quality", "tiny", "--out", str(out), "--no-embed")
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
    assert set(links) == {f"tiny/{s}.{k}" for s in ("DotA", "ThreeBeats") for k in ("gif", "mp4", "vtt", "srt")} \
        | {"slides/DotA.html", "slides/ThreeBeats.html"}
    for url in links:
        assert (out / url).is_file(), url  # relative: the folder can move to a course site as is
    assert parser.captions == [(out / "tiny" / f"{s}.vtt").read_text() for s in ("DotA", "ThreeBeats")]
    assert page.index('id="DotA"') < page.index('id="ThreeBeats"')  # course (module) order
    # the card's command, pasted into a shell, asks for exactly the recorded parameters
    manifest = json.loads((out / "manifest.json").read_text())["outputs"]
    monkeypatch.setenv("GDANIM_SCENE_MODULES", MODULES)
    for scene in ("DotA", "ThreeBeats"):
        command = html.unescape(re.search(rf'id="{scene}".*?<pre><code>(.*?)</code>', page, re.S)[1])
        args = shlex.split(command)
        sets = [args[i + 1] for i, a in enumerate(args) if a == "--set"]
        assert args[:7] == ["gdanim", "render", scene, "--quality", "tiny", "--format", "both"]
        (job,) = plan_jobs([scene], OutputSettings(quality="tiny"), config_path=None, overrides=sets,
                           scenes=discover_scenes())
        assert job.params == manifest[f"tiny/{scene}"]["params"]
        assert len(sets) == (2 if scene == "ThreeBeats" else 0)


def test_gallery_without_renders_exits_2(tmp_path):
    done = gdanim("gallery", "--out", str(tmp_path / "empty"), check=2)
    assert "render first" in done.stderr and not (tmp_path / "empty").exists()


# --- headless Chromium ----------------------------------------------------------------------------


class Browser:
    """Chromium over --remote-debugging-pipe: the DevTools protocol as NUL-separated JSON on fds
    3 (to Chromium) and 4 (from it), so no websocket library is needed."""

    def __init__(self, width=1280, height=900):
        self.profile = tempfile.mkdtemp(prefix="gdanim-chromium-")
        to_chrome, from_chrome = os.pipe(), os.pipe()
        child_in = fcntl.fcntl(to_chrome[0], fcntl.F_DUPFD, 10)  # above 3 and 4 before dup2 there
        child_out = fcntl.fcntl(from_chrome[1], fcntl.F_DUPFD, 10)
        os.close(to_chrome[0])
        os.close(from_chrome[1])
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--mute-audio",
               f"--user-data-dir={self.profile}", f"--window-size={width},{height}",
               "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(cmd, pass_fds=(3, 4), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL,
                                     preexec_fn=lambda: (os.dup2(child_in, 3), os.dup2(child_out, 4)))
        os.close(child_in)
        os.close(child_out)
        self.writer, self.reader = to_chrome[1], from_chrome[0]
        self.buffer, self.last_id, self.events = b"", 0, []
        page = next(t for t in self.send("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)

    def send(self, method, session=None, **params):
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.writer, json.dumps(message).encode() + b"\0")
        deadline = time.time() + 30
        while time.time() < deadline:
            while b"\0" not in self.buffer:
                chunk = os.read(self.reader, 1 << 16)
                assert chunk, "chromium closed the DevTools pipe"
                self.buffer += chunk
            raw, _, self.buffer = self.buffer.partition(b"\0")
            reply = json.loads(raw)
            if reply.get("id") == self.last_id:
                assert "error" not in reply, f"{method}: {reply['error']}"
                return reply["result"]
            self.events.append(reply)
        raise TimeoutError(method)

    def call(self, method, **params):
        return self.send(method, session=self.session, **params)

    def eval(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_for(self, expression, timeout=15.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.eval(expression)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {expression}")

    def open(self, url):
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'")

    def press(self, key, code, key_code, text=None):
        extra = {"text": text} if text else {}
        self.call("Input.dispatchKeyEvent", type="keyDown", key=key, code=code, windowsVirtualKeyCode=key_code, **extra)
        self.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=key_code)

    def errors(self):
        """Console errors, uncaught exceptions and failed loads seen so far."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                found.append(params["args"])
            elif method == "Runtime.exceptionThrown":
                found.append(params["exceptionDetails"])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"{params['entry']['text']} {params['entry'].get('url', '')}")
        return found

    def screenshot(self, path: Path) -> bytes:
        png = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        path.write_bytes(png)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(SHOTS) / path.name)
        return png

    def close(self):
        self.proc.kill()
        self.proc.wait()
        os.close(self.writer)
        os.close(self.reader)
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()


@pytest.fixture
def server(media):
    """The media folder over http://127.0.0.1 (a course site): captions tracks need http, since
    Chromium treats each file:// page as its own origin."""
    out = media[0]
    handler = functools.partial(_QuietHandler, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


MEDIA_STATE = """[...document.querySelectorAll('img, video, track')].map(e => ({
  tag: e.tagName, src: e.getAttribute('src'),
  ok: e.tagName === 'IMG' ? e.complete && e.naturalWidth > 0
    : e.tagName === 'VIDEO' ? e.readyState >= 2 && !e.error : e.readyState === 2,
  size: e.tagName === 'IMG' ? [e.naturalWidth, e.naturalHeight]
    : e.tagName === 'VIDEO' ? [e.videoWidth, e.videoHeight, e.duration] : e.track.cues.length}))"""


@needs_chromium
@pytest.mark.parametrize("scheme", ["http", "file"])
def test_gallery_loads_every_media_file_without_console_errors(browser, media, server, tmp_path, scheme):
    browser.open(f"{server}/index.html" if scheme == "http" else (media[0] / "index.html").as_uri())
    browser.wait_for(f"{MEDIA_STATE}.every(m => m.ok)")
    state = browser.eval(MEDIA_STATE)
    sources = [m["src"] if m["tag"] != "TRACK" else m["src"].split(",")[0] for m in state]
    assert sources == [f"tiny/{scene}.{ext}" if ext else "data:text/vtt;base64" for scene in ("DotA", "ThreeBeats")
                       for ext in ("gif", "mp4", None)]
    sizes = [m["size"] for m in state]
    assert sizes[4][:2] == [256, 144] and sizes[4][2] == pytest.approx(6.6, abs=0.1)  # ThreeBeats.mp4
    assert sizes[5] == 3 and sizes[2] == 1  # captions parsed: 3 and 1 cues
    assert sizes[3] == [256, 144]  # the GIF, never upscaled
    # the videos draw their captions: the tracks are loaded for the captions button, not shown twice
    assert browser.eval("[...document.querySelectorAll('track')].map(t => [t.default, t.track.mode])") \
        == [[False, "hidden"], [False, "hidden"]]
    assert browser.eval("document.querySelector('#ThreeBeats .desc').textContent") == \
        'Three captions, three moves: <one> beat each & "quoted".'
    assert browser.eval("[...document.querySelectorAll('#ThreeBeats tr.changed th')].map(e => e.textContent)") \
        == ["shift", "label"]
    copied = "const b = document.querySelector('#ThreeBeats button.copy'); b.click(); " \
             "new Promise(done => setTimeout(() => done(b.textContent), 300))"
    assert browser.eval(copied) in ("Copied", "Ctrl+C")  # the clipboard, or the command selected
    assert browser.errors() == []
    assert _png_size(browser.screenshot(tmp_path / f"gallery-{scheme}.png")) == (1280, 900)


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
    assert _png_size(browser.screenshot(tmp_path / "slides.png")) == (1280, 900)


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
