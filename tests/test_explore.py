"""The explorer page: its embedded paths are the engine's trajectories, bad input is one line and
exit 2 with nothing written, and in headless Chromium the sliders draw the engine's runs."""

import base64
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from gdanim.cli import main
from gdanim.engine import simulate
from gdanim.explore import (MAX_RATES, READABLE, TOL_GRAD, course_rates, default_rates, formula_html,
                            landscape_of, parse_rates, rates_text, theme_colors, write_explorer)
from gdanim.landscapes import LANDSCAPES, get_landscape
from gdanim.optimizers import OPTIMIZERS
from gdanim.wording import point, rate_value, sci

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.chromium import Browser, needs_chromium, png_size  # noqa: E402

# (landscape, optimizers, rates, steps): every case holds a rate at which GD leaves the plot
CASES = [
    ("valley", ["gd", "momentum", "adam"], [0.01, 0.085, 0.2], 80),  # GD at 0.2: |1 - 20α| = 3 per step
    ("rosenbrock", ["gd", "adam"], [0.001, 0.2, 0.01], 120),
    ("himmelblau", ["gd", "nesterov", "rmsprop"], [0.005, 0.02, 0.5], 60),
]


def page_data(path: Path) -> dict:
    """The data a page embeds (base64 of gzipped JSON), unpacked as the page's script does."""
    blob = re.search(r'id="explorer-data">([^<]*)</script>', path.read_text()).group(1)
    return json.loads(gzip.decompress(base64.b64decode(blob)), parse_constant=pytest.fail)


def drawn_until(land, traj) -> int:
    """The last step to draw: the engine's stop, or the step before the first outside the plot."""
    (x0, x1), (y0, y1) = land.domain
    stop = int(traj.stop_step[0])
    xy = traj.positions[0, : stop + 1]
    outside = np.flatnonzero((xy[:, 0] < x0) | (xy[:, 0] > x1) | (xy[:, 1] < y0) | (xy[:, 1] > y1))
    return int(outside[0]) - 1 if len(outside) else stop


def edge_point(land, a, b) -> np.ndarray:
    """Where the straight step from ``a`` (inside the plot) to ``b`` (outside) crosses its edge."""
    lows, highs = np.array(land.domain).T
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(b > highs, (highs - a) / (b - a), np.where(b < lows, (lows - a) / (b - a), np.inf))
    return a + t.min() * (b - a)


def engine_run(land, name, lr, steps, start=None):
    """One run on its own (not the page's vectorised call over the grid)."""
    return simulate(land, name, land.default_start if start is None else start, steps, lr=lr, tol_grad=TOL_GRAD)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explore")
    return {land: write_explorer(land, folder / f"{land}.html", optimizers=names, lrs=lrs, steps=steps)
            for land, names, lrs, steps in CASES}


# --- the page's data ----------------------------------------------------------------------------


@pytest.mark.parametrize("land_name, names, lrs, steps", CASES)
def test_embedded_paths_are_the_engines_trajectories(pages, land_name, names, lrs, steps):
    data = page_data(pages[land_name])
    land = get_landscape(land_name)
    assert data["lrs"] == sorted(lrs) and data["steps"] == steps
    assert [o["name"] for o in data["optimizers"]] == names
    left = 0
    for opt in data["optimizers"]:
        assert opt["color"] == OPTIMIZERS[opt["name"]].color
        for lr, run in zip(data["lrs"], opt["runs"]):
            traj = engine_run(land, opt["name"], lr, steps)
            last = drawn_until(land, traj)
            xy = traj.positions[0, : last + 1]
            np.testing.assert_allclose(run["x"], xy[:, 0], rtol=5e-4, atol=1e-12)
            np.testing.assert_allclose(run["y"], xy[:, 1], rtol=5e-4, atol=1e-12)
            np.testing.assert_allclose(run["loss"], traj.losses[0, : last + 1], rtol=0.05)
            np.testing.assert_allclose(run["grad"], np.linalg.norm(traj.gradients[0, : last + 1], axis=1), rtol=0.05)
            knots = run["knots"] or range(last + 1)  # the 3D trail passes through every step
            np.testing.assert_allclose(np.take(run.get("x3", run["x"]), knots), run["x"])
            assert len(run["z3"]) == (knots[-1] + 1)
            stop, reason = int(traj.stop_step[0]), str(traj.stop_reason[0])
            if last < stop:
                left += 1
                assert run["kind"] == "left the plot" and run["event"] == last + 1
                edge = edge_point(land, traj.positions[0, last], traj.positions[0, last + 1])
                np.testing.assert_allclose(run["exit"][:2], edge, rtol=5e-4, atol=1e-9)
                assert run["status"].startswith(f"left the plot at step {last + 1}")
            else:
                assert run["event"] == stop and "exit" not in run
                assert run["kind"] == {"converged_grad": "converged", "max_steps": "max steps",
                                       "diverged": "diverged"}[reason]
    assert left >= 1  # the diverging rate is in every case, and stops at the plot's edge


def test_default_grid_holds_the_course_rates_and_readable_ones():
    for name in ("valley", "rosenbrock", "himmelblau", "rastrigin", "bowl", "saddle"):
        land = get_landscape(name)
        grid = default_rates(land, ["gd", "momentum", "adam"])
        course = course_rates(land, ["gd", "momentum", "adam"])
        assert grid == sorted(set(grid)) and len(grid) <= MAX_RATES and grid[-1] / grid[0] >= 100
        assert set(course) <= set(grid)
        mantissas = {float(f"{v:e}".split("e")[0]) for v in set(grid) - set(course)}
        assert mantissas <= set(READABLE)
    valley = course_rates(get_landscape("valley"), ["gd"])
    assert 0.085 in valley and 0.11 in valley  # LandscapeTour's rate; 1.1 x GD's limit 2/20


def test_rates_parse_as_ranges_or_lists():
    assert parse_rates("0.01,0.1") == [0.01, 0.1]
    grid = parse_rates("0.001:0.3:25")
    assert len(grid) == 25 and grid[0] == 0.001 and grid[-1] == 0.3
    ratios = np.diff(np.log(grid))
    np.testing.assert_allclose(ratios, ratios.mean(), rtol=0.02)  # log-spaced, 3 figures each
    assert rates_text(grid) == "0.001:0.3:25" and rates_text([0.01, 0.1]) == "0.01,0.1"
    assert rates_text([0.001, 0.01, 0.2]) == "0.001,0.01,0.2"


def test_landscape_of_scene_params():
    assert landscape_of({"landscape": "rosenbrock", "optimizers": ["gd"]}) == "rosenbrock"
    assert landscape_of({"landscape": "valley", "landscape_params": {"k": 20}}) is None  # not the page's valley
    assert landscape_of({"landscape": "valley", "landscape_params": {}}) == "valley"
    assert landscape_of({"stops": ["bowl", "valley"], "runs": {}}) == "bowl"  # the tour opens on it
    assert landscape_of({"stops": ["valley"], "runs": {"valley": {"landscape": {"k": 3}}}}) is None
    assert landscape_of({"n_samples": 50, "lr": 0.1}) is None


def test_formulas_read_as_html_text():
    for name in LANDSCAPES:
        text = formula_html(get_landscape(name).latex)
        assert not re.search(r"[\\{}^_]", re.sub(r"</?su[bp]>", "", text)), (name, text)
    assert formula_html(r"(1 - x)^2 + 100\,(y - x^2)^2") == "(1 − x)<sup>2</sup> + 100\u2009(y − x<sup>2</sup>)<sup>2</sup>"
    assert formula_html(r"\left(4 + \tfrac{x^4}{3}\right)x^2") == "(4 + x<sup>4</sup>/3)x<sup>2</sup>"


def test_the_page_takes_the_videos_theme_without_manim():
    from gdanim.theme import THEME

    colors = theme_colors()
    assert colors["background"] == THEME.background and colors["status"]["converged"] == THEME.status_colors["converged"]
    assert [c for _, c in colors["colorscale"]] == list(THEME.surface_colors)
    code = ("import sys; from gdanim.explore import ExplorerSpec, explorer_data, theme_colors; theme_colors(); "
            "explorer_data(ExplorerSpec.checked('bowl', steps=5)); assert 'manim' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the command line ---------------------------------------------------------------------------


def explore(*args, check=0):
    done = CliRunner().invoke(main, ["explore", *args])
    assert done.exit_code == check, f"{done.stdout}{done.stderr}{done.exception!r}"
    return done


def test_explore_writes_one_page_and_prints_its_size(tmp_path):
    done = explore("bowl", "--out", str(tmp_path), "--lrs", "0.1,1.2", "--steps", "30", "--optimizers", "gd,adam")
    page = tmp_path / "explore" / "bowl.html"
    assert done.stdout.strip() == f"{page} ({page.stat().st_size / 1e6:.1f} MB)"
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["bowl.html"]  # no temp file left
    text = page.read_text()
    assert "gdanim explore bowl --optimizers gd,adam --lrs 0.1,1.2 --steps 30" in text
    assert not re.search(r'<(script|link|img)[^>]*(src|href)="(?!data:)', text)  # self-contained: nothing to fetch
    data = page_data(page)
    assert [r["kind"] for r in data["optimizers"][0]["runs"]] == ["converged", "left the plot"]  # GD at 1.2 diverges


@pytest.mark.parametrize("args, message", [
    (["bowel"], "unknown landscape 'bowel' (did you mean 'bowl'?)"),
    (["valley", "--optimizers", "gd,adamm"], "unknown optimizer 'adamm'"),
    (["valley", "--lrs", "-0.1,0.1"], "--lrs[0] must be in (0, 1000], got -0.1"),
    (["valley", "--lrs", "nan"], "--lrs[0] must be a finite number"),
    (["valley", "--lrs", "0.001:0.1:0"], "--lrs COUNT must be a whole number from 2 to 60, got 0"),
    (["valley", "--lrs", "0.001:0.1:61"], "--lrs COUNT must be a whole number from 2 to 60, got 61"),
    (["valley", "--lrs", ",".join(str(0.001 * (i + 1)) for i in range(61))], "lrs must hold 1 to 60"),
    (["valley", "--lrs", "fast"], "give LOW:HIGH:COUNT"),
    (["valley", "--start", "9,9"], "lies outside the valley plot"),
    (["valley", "--start", "1"], "give a point X,Y"),
    (["valley", "--steps", "0"], "steps must be a whole number from 1 to 2000, got 0"),
    (["valley", "--steps", "2001"], "steps must be a whole number from 1 to 2000, got 2001"),
    (["rosenbrock", "--optimizers", ",".join(OPTIMIZERS), "--steps", "2000"], "over the 150000 a page holds"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, args, message):
    done = explore(*args, "--out", str(tmp_path / "out"), check=2)
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "out").exists()


def test_missing_plotly_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "plotly", None)
    monkeypatch.setitem(sys.modules, "plotly.offline", None)
    done = explore("valley", "--out", str(tmp_path / "out"), check=2)
    assert "pip install 'gdanim[explore]'" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


# --- headless Chromium ----------------------------------------------------------------------------


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()


def drawn(browser, div: str, name: str, role: str) -> dict:
    """A trace's data as plotly holds it in the graph div (what is drawn)."""
    return browser.eval(f"""(() => {{ const gd = document.getElementById('{div}');
      const t = gd.data.find(t => t.meta && t.meta.optimizer === '{name}' && t.meta.role === '{role}');
      return {{x: Array.from(t.x), y: Array.from(t.y), z: t.z ? Array.from(t.z) : null, visible: t.visible}}; }})()""")


def hud(browser, name: str) -> list[str]:
    return browser.eval(f"[...document.querySelectorAll('tr[data-optimizer=\"{name}\"] td')].map(td => td.textContent)")


@needs_chromium
def test_page_draws_the_engines_run_for_the_chosen_rate_and_step(browser, pages, tmp_path):
    land, (_, names, lrs, steps) = get_landscape("valley"), CASES[0]
    browser.open(pages["valley"].as_uri())  # from disk: no server
    browser.eval("window.explorer.ready")
    assert browser.eval("window.explorer.state.rate") == 1  # LandscapeTour's 0.085
    browser.eval(f"window.explorer.setStep({steps})")  # the whole runs; the step stays while the rate moves
    for i, lr in enumerate(sorted(lrs)):
        browser.eval(f"(() => {{ const r = document.getElementById('rate'); r.value = {i}; "
                     f"r.dispatchEvent(new Event('input')); }})()")  # the slider itself
        for name in names:
            traj = engine_run(land, name, lr, steps)
            last = drawn_until(land, traj)
            path = drawn(browser, "contour", name, "path")
            xy = np.column_stack([path["x"], path["y"]])
            np.testing.assert_allclose(xy[: last + 1], traj.positions[0, : last + 1], rtol=5e-4, atol=1e-12)
            if last < traj.stop_step[0]:  # it left the plot: drawn on to the edge, and no further
                edge = edge_point(land, traj.positions[0, last], traj.positions[0, last + 1])
                assert len(xy) == last + 2
                np.testing.assert_allclose(xy[-1], edge, rtol=5e-4, atol=1e-9)
            else:
                assert len(xy) == last + 1
            trail, ball = drawn(browser, "surface", name, "path"), drawn(browser, "surface", name, "ball")
            assert trail["x"][-1] == path["x"][-1] == ball["x"][0] and len(trail["z"]) == len(trail["x"])
        assert browser.eval("document.getElementById('rate-label').textContent") == f"α = {rate_value(lr)}"
    # the step slider moves the balls and the HUD: GD at α = 0.01, step 7
    browser.eval("window.explorer.setRate(0)")
    browser.eval("(() => { const s = document.getElementById('step'); s.value = 7; s.dispatchEvent(new Event('input')); })()")
    traj = engine_run(land, "gd", 0.01, steps)
    ball = drawn(browser, "contour", "gd", "ball")
    np.testing.assert_allclose([ball["x"][0], ball["y"][0]], traj.positions[0, 7], rtol=5e-4)
    gx, gy = traj.gradients[0, 7]
    assert hud(browser, "gd") == ["7", point(traj.positions[0, 7], 4), sci(traj.losses[0, 7]),
                                  sci(float(np.hypot(gx, gy))), "running"]
    # GD at 0.2 leaves the plot; the HUD says so and holds the last numbers inside it
    browser.eval("window.explorer.setRate(2); window.explorer.setStep(40)")
    row = hud(browser, "gd")
    last = drawn_until(land, engine_run(land, "gd", 0.2, steps))
    assert row[0] == str(last) and row[4].startswith(f"left the plot at step {last + 1}")
    # a toggle hides an optimizer's paths and HUD row
    browser.eval("document.querySelector('input[data-optimizer=\"adam\"]').click()")
    assert drawn(browser, "surface", "adam", "path")["visible"] is False
    assert browser.eval("document.querySelector('tr[data-optimizer=\"adam\"]').classList.contains('hidden')")
    # play steps through the runs by itself
    browser.eval("window.explorer.setRate(1); window.explorer.setStep(0); document.getElementById('play').click()")
    browser.wait_for("window.explorer.state.step >= 2")
    browser.eval("window.explorer.pause()")
    # the HUD's numbers read as the captions write them (wording.sci, ported to the page)
    values = [0.0, 1.0, -1.0, 0.001, 0.00099996, 9999.7, 1234.0, 0.012499, -2.5e-6, 1.1e13, 162.0, 43.7,
              -0.0025, 3.4e-7, 0.1, 1e4, 999.95]
    for digits in (2, 4):
        assert browser.eval(f"{json.dumps(values)}.map(v => window.explorer.sci(v, {digits}))") \
            == [sci(v, digits) for v in values]
    assert browser.errors() == []
    assert png_size(browser.screenshot(tmp_path / "explore-valley.png")) == (1280, 900)
