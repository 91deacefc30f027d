"""The gdanim CLI end to end, on tiny test scenes: cache, manifest, outputs, errors, crashes."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import imageio_ffmpeg
import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "GDANIM_SCENE_MODULES": "tests.scenes_for_tests.tiny", "PYTHONPATH": str(ROOT)}


def gdanim(*args, cwd=ROOT, check=None, env_extra=None):
    done = subprocess.run([sys.executable, "-m", "gdanim", *args], cwd=cwd, env={**ENV, **(env_extra or {})},
                          capture_output=True, text=True, timeout=300)
    if check is not None:
        assert done.returncode == check, done.stdout + done.stderr
    return done


def render(out, *args, check=0):
    return gdanim("render", "--quality", "tiny", "--out", str(out), *args, check=check)


def manifest(out):
    return json.loads((out / "manifest.json").read_text())["outputs"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("media")
    done = render(out, "DotA", "DotB", "--format", "both", "--jobs", "2")
    return out, done


def test_outputs_are_probed_and_recorded(rendered):
    out, done = rendered
    entries = manifest(out)
    assert set(entries) == {"tiny/DotA", "tiny/DotB"}
    entry = entries["tiny/DotA"]
    assert {fmt: r["path"] for fmt, r in entry["files"].items()} == {  # relative to the out folder
        "srt": "tiny/DotA.srt", "vtt": "tiny/DotA.vtt", "mp4": "tiny/DotA.mp4", "gif": "tiny/DotA.gif",
        "poster": "tiny/DotA.png"}
    mp4, gif = out / "tiny" / "DotA.mp4", out / "tiny" / "DotA.gif"
    assert all(r["bytes"] == (out / r["path"]).stat().st_size and len(r["sha256"]) == 64
               for r in entry["files"].values())
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(mp4))
    # a caption (0.4 s fade) over a 1 s move, held to its 2 s reading time, at 5 fps
    assert seconds == pytest.approx(2.0, abs=0.25) and frames == pytest.approx(10, abs=1)
    assert entry["frames"] == frames and entry["duration"] == pytest.approx(seconds, abs=0.01)
    meta = next(imageio_ffmpeg.read_frames(str(mp4)))
    assert tuple(meta["size"]) == (256, 144) and meta["fps"] == 5
    gif_meta = next(imageio_ffmpeg.read_frames(str(gif)))
    assert gif_meta["size"][0] <= 256  # never upscaled past the source
    assert entry["size"]["mp4"] == mp4.stat().st_size and entry["size"]["gif"] == gif.stat().st_size
    assert entry["params"] == {"shift": 1.0, "seconds": 1.0}
    assert set(entry["versions"]) == {"gdanim", "gdanim_source", "manim"}
    assert len(entry["key"]) == 64 and entry["render_seconds"] > 0
    assert (out / "tiny" / "DotA.srt").read_text().startswith("1\n00:00:00,000 --> ")
    assert not any((out / ".work").iterdir())  # work folders cleaned up


def test_unchanged_scenes_are_skipped(rendered):
    out, _ = rendered
    before = {p: p.stat().st_mtime_ns for p in (out / "tiny").iterdir()}
    done = render(out, "DotA", "DotB", "--format", "both")
    assert done.stdout.count("cached") == 2
    assert {p: p.stat().st_mtime_ns for p in (out / "tiny").iterdir()} == before


def test_one_parameter_change_rerenders_one_scene(rendered):
    out, _ = rendered
    b_before = (out / "tiny" / "DotB.mp4").stat().st_mtime_ns
    old_key = manifest(out)["tiny/DotA"]["key"]
    done = render(out, "DotA", "DotB", "--format", "both", "--set", "DotA.shift=2.5")
    assert "rendered" in done.stdout and done.stdout.count("cached") == 1
    entry = manifest(out)["tiny/DotA"]
    assert entry["params"]["shift"] == 2.5 and entry["key"] != old_key
    assert (out / "tiny" / "DotB.mp4").stat().st_mtime_ns == b_before


def test_config_file_selects_scenes_and_overrides(tmp_path):
    config = tmp_path / "course.toml"
    config.write_text("[scenes.DotB]\nseconds = 0.4\n")
    out = tmp_path / "media"
    render(out, "--config", str(config))
    entries = manifest(out)
    assert list(entries) == ["tiny/DotB"] and entries["tiny/DotB"]["params"]["seconds"] == 0.4


@pytest.mark.parametrize("args, config, message", [
    (["DotC"], None, "unknown scene 'DotC'; did you mean DotB, DotA?"),
    (["DotA", "--set", "DotA.shfit=2"], None, "unknown parameter 'shfit' for DotA (did you mean 'shift'?)"),
    (["DotA", "--set", "DotA.shift='far'"], None, "DotA.shift expects float, got 'far'"),
    (["DotA", "--set", "DotA.shift"], None, "must look like Scene.param=value"),
    (["--config", "{cfg}"], "[scenes.DotA\nshift = 1", "malformed TOML"),
    (["--config", "{cfg}"], "[scenes.DotA]\nwobble = 1\n", "unknown parameter 'wobble'"),
    (["--config", "{cfg}"], "[scenes.Nope]\n", "unknown scene 'Nope'"),
    (["--config", "missing.toml"], None, "config file missing.toml not found"),
])
def test_bad_requests_exit_2_with_one_line_and_write_nothing(tmp_path, args, config, message):
    cfg = tmp_path / "bad.toml"
    if config is not None:
        cfg.write_text(config)
    out = tmp_path / "media"
    done = render(out, *[a.replace("{cfg}", str(cfg)) for a in args], check=2)
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not out.exists()


def test_a_failing_scene_does_not_stop_the_others(tmp_path):
    out = tmp_path / "media"
    done = render(out, "Broken", "DotA", check=1)
    assert "Broken" in done.stderr and "broken on purpose" in done.stderr
    assert (out / "tiny" / "DotA.mp4").is_file() and not (out / "tiny" / "Broken.mp4").exists()
    assert list(manifest(out)) == ["tiny/DotA"]


def test_killed_render_leaves_previous_output_and_next_run_works(tmp_path):
    out = tmp_path / "media"
    render(out, "DotA")
    good = (out / "tiny" / "DotA.mp4").read_bytes()
    # a long render of the same output, killed mid-way
    proc = subprocess.Popen([sys.executable, "-m", "gdanim", "render", "DotA", "--quality", "tiny",
                             "--out", str(out), "--force", "--set", "DotA.seconds=60"],
                            cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and not any((out / ".work").glob("DotA-*/**/*.mp4")):
        time.sleep(0.2)
    assert any((out / ".work").glob("DotA-*")), "the render never started"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (out / "tiny" / "DotA.mp4").read_bytes() == good  # untouched
    assert sorted(p.name for p in (out / "tiny").iterdir()) == ["DotA.mp4", "DotA.png", "DotA.srt", "DotA.vtt"]
    render(out, "DotA", "--set", "DotA.seconds=0.6")
    assert manifest(out)["tiny/DotA"]["params"]["seconds"] == 0.6
    assert not any((out / ".work").iterdir())  # the dead render's folder was removed


def test_preview_at_a_step_and_a_time(tmp_path):
    out = tmp_path / "media"
    done = gdanim("preview", "DotA", "--step", "5", "--quality", "tiny", "--out", str(out), check=0)
    # the caption fades in over 0.2 s, then the tracker runs 0 -> 10 linearly over 1 s
    assert done.stdout.strip() == str(out / "preview" / "DotA-t0.70.png")
    frame = imageio_ffmpeg.read_frames(done.stdout.strip())
    assert tuple(next(frame)["size"]) == (256, 144)
    done = gdanim("preview", "DotA", "--time", "0.2", "--quality", "tiny", "--out", str(out), check=0)
    assert Path(done.stdout.strip()).name == "DotA-t0.20.png"
    done = gdanim("preview", "DotA", "--step", "11", "--quality", "tiny", "--out", str(out), check=2)
    assert "never reaches step 11" in done.stderr
    done = gdanim("preview", "DotZ", "--out", str(out), check=2)
    assert "unknown scene 'DotZ'" in done.stderr


def test_clean_keeps_outputs_unless_all(tmp_path):
    out = tmp_path / "media"
    render(out, "DotA")
    assert (out / ".cache").is_dir()
    gdanim("clean", "--out", str(out), check=0)
    assert not (out / ".cache").exists() and (out / "tiny" / "DotA.mp4").is_file()
    gdanim("clean", "--out", str(out), "--all", check=0)
    assert not (out / "tiny").exists() and not (out / "manifest.json").exists()


def test_eta_uses_the_last_duration_of_the_output_else_of_the_scene():
    from gdanim.batch import expected_duration
    from gdanim.render import Job, OutputSettings

    job = Job("DotA", {"n": 1}, OutputSettings(quality="low", formats=("mp4",), out_dir=Path("m")))
    other = {"scene": "DotA", "duration": 7.5}
    assert expected_duration(job, {"outputs": {}}) is None
    assert expected_duration(job, {"outputs": {"x": other, "y": {"scene": "DotB", "duration": 3.0}}}) == 7.5
    own = {"scene": "DotA", "duration": 9.25}
    assert expected_duration(job, {"outputs": {"x": other, job.manifest_id: own}}) == 9.25


def test_script_prints_the_plan_without_rendering(tmp_path):
    from gdanim.lessons.gradient_descent_3d import Params, plan

    done = gdanim("script", "GradientDescent3D", "--set", 'GradientDescent3D.optimizer="adam"', cwd=tmp_path, check=0)
    lesson = plan(Params(optimizer="adam"))
    assert done.stdout.startswith(f"# {lesson.title}\n")
    for beat in lesson.beats:
        assert beat.caption in done.stdout
    assert f"**Takeaway:** {lesson.takeaway}" in done.stdout
    assert not any(tmp_path.iterdir())  # nothing written


def test_script_srt_has_the_render_cues(tmp_path):
    from gdanim.lessons.gradient_descent_3d import Params, plan
    from gdanim.slides import cues_from_subtitles

    done = gdanim("script", "GradientDescent3D", "--format", "srt", "--set", "GradientDescent3D.steps=8",
                  "--out", str(tmp_path / "media"), cwd=tmp_path, check=0)
    cues = cues_from_subtitles(done.stdout)
    assert [c.text for c in cues] == plan(Params(steps=8)).cue_texts()
    assert all(a.end <= b.start + 1e-3 for a, b in zip(cues, cues[1:]))


@pytest.mark.parametrize("args, message", [
    (["NoSuchScene"], "unknown scene 'NoSuchScene'"),
    (["GradientDescent3D", "--set", "GradientDescent3D.lr=-1"], "lr must be in"),
    (["GradientDescent3D", "--set", "GradientDescent3D.steps=1000000000"], "steps must be a whole number"),
    (["GradientDescent3D", "--set", "GradientDescent3D.nope=1"], "unknown parameter 'nope'"),
    (["GradientDescent3D", "--config", "missing.toml"], "not found"),
])
def test_script_errors_like_render(args, message, tmp_path):
    done = gdanim("script", *args, cwd=tmp_path, check=2)
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_caption_modes_keep_cue_times_and_change_only_the_picture(tmp_path):
    """screen: captions drawn and in .srt/.vtt; soft: a clean picture, captions in .srt/.vtt only;
    none: neither. Cue times are the same in every mode (slides and voice depend on them)."""
    outs = {mode: tmp_path / mode for mode in ("screen", "soft", "none")}
    for mode, out in outs.items():
        render(out, "DotA", "--captions", mode)
    srt = (outs["screen"] / "tiny" / "DotA.srt").read_text()
    assert (outs["soft"] / "tiny" / "DotA.srt").read_text() == srt
    assert not (outs["none"] / "tiny" / "DotA.srt").exists() and not (outs["none"] / "tiny" / "DotA.vtt").exists()
    bands = {}
    for mode, out in outs.items():
        frames = imageio_ffmpeg.read_frames(str(out / "tiny" / "DotA.mp4"))
        width, height = next(frames)["size"]
        last = bytes(list(frames)[6])  # mid-beat: the caption fully up when drawn
        bands[mode] = last[int(height * 0.8) * width * 3:]
    differs = sum(abs(a - b) for a, b in zip(bands["screen"], bands["soft"])) / len(bands["soft"])
    assert differs > 1.0 and bands["soft"] == bands["none"]  # only the screen mode draws the caption
    keys = {mode: manifest(out)["tiny/DotA"]["key"] for mode, out in outs.items()}
    assert len(set(keys.values())) == 3
    assert manifest(outs["soft"])["tiny/DotA"]["settings"]["captions"] == "soft"
    assert "cached" in render(outs["soft"], "DotA", "--captions", "soft").stdout
    gdanim("gallery", "--out", str(outs["soft"]), check=0)  # soft: the page shows the track, and its
    page = (outs["soft"] / "index.html").read_text()          # command reproduces the mode
    assert 'data-captions="soft"' in page and "--captions soft" in page
    done = render(tmp_path / "x", "DotA", "--captions", "none", "--burn-captions", "--format", "gif", check=2)
    assert "--captions none" in done.stderr and not (tmp_path / "x").exists()


def test_slides_reuse_the_output_as_rendered_and_never_replace_it(tmp_path):
    """A course folder rendered with burned GIF captions: `gdanim slides` reuses that render (same
    settings, from the manifest) instead of re-rendering and overwriting the GIF with a plain one."""
    out = tmp_path / "media"
    render(out, "DotA", "--format", "both", "--burn-captions", "--gif-width", "200")
    gif = (out / "tiny" / "DotA.gif").read_bytes()
    done = gdanim("slides", "DotA", "--quality", "tiny", "--out", str(out), check=0)
    assert "video cached" in done.stdout
    assert (out / "tiny" / "DotA.gif").read_bytes() == gif
    assert manifest(out)["tiny/DotA"]["settings"]["burn_captions"] is True
    gdanim("gallery", "--out", str(out), check=0)
    assert "--gif-width 200 --burn-captions" in (out / "index.html").read_text()  # the command reproduces it
