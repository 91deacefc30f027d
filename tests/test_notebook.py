"""gdanim in Jupyter (gdanim.notebook): keyword parameters read exactly like ``--set``, one-line
errors, the magic, slider ranges; and scripts/course_notebook.ipynb executed headless (nbclient,
a kernel on this interpreter) on a tiny test scene, its video checked in headless Chromium."""

import base64
import contextlib
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from click.testing import CliRunner
from nbclient import NotebookClient

from gdanim.cli import main
from gdanim.config import parse_override
from gdanim.lessons.gradient_descent_3d import Params as DescentParams
from gdanim.notebook import (RenderFailed, RequestError, as_overrides, gdanim_magic, numeric_fields, script, show,
                             slider, sliders)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.chromium import Browser, needs_chromium, png_size, serve  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "scripts" / "course_notebook.ipynb"
MODULES = "tests.scenes_for_tests.tiny,tests.scenes_for_tests.beats"
TINY = 'scene, params, step, quality = "DotA", {"shift": 2.0}, 5, "tiny"  # injected by the test'


def cli(*args, folder: Path):
    """The CLI in ``folder`` (no gdanim.toml there, like the kernel's folder): (exit code, output)."""
    with contextlib.chdir(folder):
        done = CliRunner().invoke(main, list(args), env={"GDANIM_SCENE_MODULES": MODULES})
    return done.exit_code, done.output


# --- the API, in this process -----------------------------------------------------------------


def test_import_gdanim_stays_light_and_names_the_calls():
    code = ("import gdanim, sys; assert 'manim' not in sys.modules and 'IPython' not in sys.modules; "
            "calls = gdanim.show, gdanim.script, gdanim.sliders, gdanim.preview; "
            "assert 'manim' not in sys.modules and 'IPython' not in sys.modules, 'heavy notebook layer'; "
            "assert all(map(callable, calls))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("value", [0.05, 3, True, "rosenbrock", "1e-2", "two words", [0.001, 0.01],
                                   (-1.2, 1.0), {"adam": 0.05, "gd": 2e-3}, {"runs": {"bowl": {"lr": 0.1}}},
                                   np.float64(0.1), np.array([1.5, 2.0]), np.int64(7)])
def test_keyword_values_reach_the_params_as_given(value):
    """Each keyword becomes a --set text that the CLI's parser reads back as the same value."""
    (text,) = as_overrides("Scene", {"p": value})
    scene, name, parsed = parse_override(text)
    expected = value.tolist() if isinstance(value, (np.ndarray, np.generic)) else value
    expected = list(expected) if isinstance(expected, tuple) else expected
    assert (scene, name, parsed) == ("Scene", "p", expected) and type(parsed) is type(expected)


@pytest.mark.parametrize("call, kwargs, cli_set", [
    (show, {"lrs": {"adam": -0.05}}, "OptimizerRace.lrs={adam=-0.05}"),
    (show, {"lr": 0.1}, "OptimizerRace.lr=0.1"),
    (script, {"steps": 0}, "OptimizerRace.steps=0"),
    (script, {"start": (9.0, 9.0)}, "OptimizerRace.start=[9.0, 9.0]"),
])
def test_bad_values_fail_with_the_clis_one_line(call, kwargs, cli_set, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, output = cli("script", "OptimizerRace", "--set", cli_set, folder=tmp_path)
    assert code == 2
    with pytest.raises(ValueError) as caught:
        call("OptimizerRace", out=tmp_path / "media", **kwargs) if call is show else call("OptimizerRace", **kwargs)
    assert isinstance(caught.value, RequestError)
    assert output.strip() == f"Error: {caught.value}" and "\n" not in str(caught.value)
    assert caught.value._render_traceback_() == [f"RequestError: {caught.value}"]
    assert not (tmp_path / "media").exists()


@pytest.mark.parametrize("call, args, kwargs, words", [
    (show, ("NoSuchScene",), {}, "unknown scene 'NoSuchScene'"),
    (show, ("OptimizerRace",), {"quality": "hd"}, "quality must be one of tiny, low, medium, high, 4k"),
    (show, ("OptimizerRace",), {"steps": None}, "leave steps out to use its default"),
    (show, ("OptimizerRace",), {"steps": object()}, "no parameter value"),
    (show, (42,), {}, "scene must be a scene's name"),
    (gdanim_magic, ("script OptimizerRace --set GradientDescent3D.lr=0.1",), {}, "is for GradientDescent3D"),
    (gdanim_magic, ("script OptimizerRace", "steps = = 3"), {}, "as TOML lines"),
    (gdanim_magic, ("script OptimizerRace --quality low",), {}, "takes no --quality"),
    (gdanim_magic, ("render OptimizerRace",), {}, "invalid choice: 'render'"),
])
def test_other_mistakes_are_one_line_too(call, args, kwargs, words, tmp_path):
    with pytest.raises(RequestError) as caught:
        call(*args, **kwargs)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_magic_reads_set_and_cell_toml_like_the_cli(tmp_path):
    code, expected = cli("script", "OptimizerRace", "--set", "OptimizerRace.steps=300",
                         "--set", "OptimizerRace.lrs={adam = 0.05}", folder=tmp_path)
    assert code == 0
    line = gdanim_magic("script OptimizerRace --set OptimizerRace.steps=300 --set 'OptimizerRace.lrs={adam=0.05}'")
    cell = gdanim_magic("script OptimizerRace", "steps = 300\nlrs = {adam = 0.05}\n")
    assert line.data == cell.data == expected


def _ends(control) -> tuple[float, float]:
    if type(control).__name__ == "FloatLogSlider":
        return 10 ** control.min, 10 ** control.max
    return control.min, control.max


def test_sliders_span_values_the_scene_accepts():
    params = DescentParams()
    fields = numeric_fields(params)
    assert {"lr", "steps", "camera_phi", "first_steps"} <= set(fields)
    assert not {"start", "landscape", "surface_shift"} & set(fields)  # no single number
    ends = {}
    for name in fields:
        control = slider(params, name)
        ends[name] = low, high = _ends(control)
        assert low <= getattr(params, name) <= high and low < high and not control.continuous_update
        for end in (low, high):  # the scene's own checks accept both ends
            DescentParams(**{name: type(getattr(params, name))(round(end, 9))})
    assert 0 < ends["lr"][0] and type(slider(params, "lr")).__name__ == "FloatLogSlider"  # a rate: 0 refused
    assert 0 <= ends["camera_phi"][0] < ends["camera_phi"][1] <= 180  # checks.number(camera_phi, 0, 180)
    assert 0 <= ends["first_steps"][0] < ends["first_steps"][1] <= 20
    assert 4 <= ends["surface_resolution"][0] < ends["surface_resolution"][1] <= 64


def test_sliders_redraw_the_frame_when_a_value_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("GDANIM_SCENE_MODULES", MODULES)
    box = sliders("DotA", quality="tiny", out=tmp_path / "media")
    shift = next(c for c in box.children if getattr(c, "description", "") == "shift")
    frame, message = box.children[-1], box.children[-2]
    before = frame.value
    shift.value = 3.0  # the dot ends further right
    assert png_size(before) == png_size(frame.value) == (256, 144) and frame.value != before
    assert message.value == ""


def test_a_scene_that_fails_to_render_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("GDANIM_SCENE_MODULES", MODULES)
    with pytest.raises(RenderFailed) as caught:
        show("Broken", quality="tiny", out=tmp_path / "media")
    assert str(caught.value).startswith("Broken failed to render: ") and "broken on purpose" in str(caught.value)
    assert "\n" not in str(caught.value)


# --- the example notebook, headless -----------------------------------------------------------


def venv_kernel(folder: Path) -> str:
    """A kernelspec running this interpreter (the venv's python) with the test scenes, in a
    private JUPYTER_PATH: nothing is installed for the user."""
    spec = folder / "kernels" / "gdanim-venv"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "gdanim (this venv)", "language": "python",
        "env": {"GDANIM_SCENE_MODULES": MODULES, "PYTHONPATH": str(ROOT)}}))
    return "gdanim-venv"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The example notebook run top to bottom in a fresh kernel, in an empty folder, with a tiny
    test scene put in for the rendered one (a cell after the "parameters" cell, as papermill does)."""
    folder = tmp_path_factory.mktemp("notebook")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(folder / "jupyter"))
        patch.setenv("JUPYTER_PLATFORM_DIRS", "1")
        kernel = venv_kernel(folder / "jupyter")
        nb = nbformat.read(NOTEBOOK, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells), "commit the notebook without outputs"
        at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
        nb.cells.insert(at + 1, nbformat.v4.new_code_cell(TINY))
        NotebookClient(nb, kernel_name=kernel, timeout=120,
                       resources={"metadata": {"path": str(folder)}}).execute()
    return folder, {c.source.strip(): c.get("outputs", []) for c in nb.cells if c.cell_type == "code"}


def _data(outputs, mime):
    return [o["data"][mime] for o in outputs if mime in o.get("data", {})]


def _clips(cells) -> list[str]:
    """The HTML each ``gdanim.show(scene, ...)`` cell returned (beside the progress bar's outputs)."""
    return [next(o["data"]["text/html"] for o in outputs if o["output_type"] == "execute_result")
            for source, outputs in cells.items() if source.startswith("gdanim.show(scene")]


def test_notebook_script_cells_print_the_clis_script(executed, tmp_path):
    _, cells = executed
    code, expected = cli("script", "OptimizerRace", "--set", "OptimizerRace.lrs={adam=0.05}", folder=tmp_path)
    shown = _data(cells['gdanim.script("OptimizerRace", lrs={"adam": 0.05})'], "text/markdown")
    assert code == 0 and shown == [expected]
    magic = next(v for k, v in cells.items() if k.startswith("%%gdanim script"))
    assert "**Takeaway:**" in _data(magic, "text/markdown")[0]


def test_notebook_preview_is_a_frame_at_the_quality_asked(executed):
    _, cells = executed
    (png,) = _data(cells["gdanim.preview(scene, step=step, quality=quality, **params)"], "image/png")
    assert png_size(base64.b64decode(png)) == (256, 144)  # tiny quality


def test_notebook_show_embeds_the_rendered_file_then_serves_it_cached(executed):
    folder, cells = executed
    first, again = _clips(cells)
    entry = json.loads((folder / "media" / "manifest.json").read_text())["outputs"]["tiny/DotA"]
    embedded = base64.b64decode(re.search(r'src="data:video/mp4;base64,([^"]+)"', first)[1])
    assert hashlib.sha256(embedded).hexdigest() == entry["files"]["mp4"]["sha256"]
    assert "DotA: rendered" in first and "DotA: cached" in again
    assert "gdanim render DotA --quality tiny --set DotA.shift=2.0" in first
    sliders_cell = cells["gdanim.sliders(scene, step=step, quality=quality, **params)"]
    assert _data(sliders_cell, "application/vnd.jupyter.widget-view+json")


def test_notebook_bad_value_is_one_clear_line(executed, tmp_path):
    _, cells = executed
    (error,) = [o for o in cells['gdanim.show("OptimizerRace", lrs={"adam": -0.05})'] if o["output_type"] == "error"]
    _, expected = cli("script", "OptimizerRace", "--set", "OptimizerRace.lrs={adam=-0.05}", folder=tmp_path)
    assert error["ename"] == "RequestError" and isinstance(RequestError(""), ValueError)
    assert error["traceback"] == [f"RequestError: {error['evalue']}"]
    assert f"Error: {error['evalue']}" == expected.strip()


@needs_chromium
def test_notebook_video_plays_with_its_captions_in_chromium(executed):
    folder, cells = executed
    first, _ = _clips(cells)
    page = f'<!doctype html><meta charset=utf-8><link rel="icon" href="data:,"><body>{first}</body>'
    (folder / "page.html").write_text(page)
    cues = (folder / "media" / "tiny" / "DotA.vtt").read_text().count(" --> ")
    seconds = json.loads((folder / "media" / "manifest.json").read_text())["outputs"]["tiny/DotA"]["duration"]
    browser = Browser(width=480, height=360)
    try:
        with serve(folder) as url:
            browser.open(f"{url}/page.html")
            browser.wait_for("document.querySelector('video').readyState >= 1")
            browser.eval("document.querySelector('video').textTracks[0].mode = 'showing'")
            browser.wait_for("document.querySelector('video').textTracks[0].cues?.length > 0")
            assert browser.eval("document.querySelector('video').textTracks[0].cues.length") == cues >= 1
            assert abs(browser.eval("document.querySelector('video').duration") - seconds) < 0.3
            browser.screenshot(folder / "notebook-video.png")
            assert browser.errors() == []
    finally:
        browser.close()
