"""The interactive explorer: one self-contained HTML page per landscape (plotly.js inlined), with a
rotatable 3D surface, a contour map, a learning-rate slider, optimizer toggles, a step slider and
a HUD.

Every path on the page is an engine trajectory computed here, ahead of time, over the whole rate
grid (one ``simulate`` call per optimizer, every rate a run); the page's JavaScript only picks
precomputed arrays, so the page and the videos always agree. Plotly is imported only when a page
is written (the optional extra ``gdanim[explore]``); manim never.
"""

from __future__ import annotations

import base64
import gzip
import html
import importlib.util
import json
import math
import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gdanim.display import HeightScale, domain_exit, domain_grid, inside_domain, shown_steps
from gdanim.engine import simulate
from gdanim.landscapes import Landscape
from gdanim.lessons import checks
from gdanim.lessons import learning_rate_effects as effects
from gdanim.lessons.landscape_tour import RUN_DEFAULTS
from gdanim.lessons.optimizer_race import GENERIC_STEPS, TUNED
from gdanim.optimizers import OPTIMIZERS
from gdanim.pages import PAGE_HEAD
from gdanim.wording import GRAD_NORM, STATUS_LABELS, landscape_name, optimizer_name, rate_value, sci

DEFAULT_LANDSCAPE = "valley"  # GradientDescent3D's, the course's first picture
DEFAULT_OPTIMIZERS = ("gd", "momentum", "adam")
TOL_GRAD = 1e-2  # "converged" as GradientDescent3D and LearningRateEffects say it: ‖∇L‖ below this
MAX_RATES = 60
MAX_STEPS = 2000
MAX_POINTS = 150_000  # optimizers x rates x (steps + 1): keeps the page's data within a few MB
READABLE = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)  # rates per decade a lecturer can say: 0.001, 0.0015, 0.002...
MARGIN = 1.5  # the default grid reaches this factor beyond the course's smallest and largest rate
MIN_SPAN = 100.0  # ... and spans at least two decades (small rates show "too slow")
NEAR = 0.15  # a readable rate this close to a course rate gives way to it
GRID = 101  # surface samples per side
CONTOUR_LEVELS = 16  # levels on the map (the videos', denser near the floor) and on the surface
POSITION_DIGITS = 4  # significant figures kept for positions and heights (sub-pixel at any size)
NUMBER_DIGITS = 2  # losses and gradient norms, as the captions and the video HUD quote them
DRAPE_SPACING = 60  # 3D trails get a point every 1/60 of the plot's width, draped on the surface
MAX_SUBSTEPS = 8
FLOOR_TICK = 0.04  # display height below which the 3D axis shows no tick
LIFT = 0.008  # 3D trails float this far (in display height) above the surface, never inside it
PLOTLY_HINT = "pip install 'gdanim[explore]'"


# --- what the gallery calls -------------------------------------------------------------------


def landscape_of(scene_params: dict) -> str | None:
    """The landscape a scene's resolved params draw, for the gallery's "explore" link.

    A scene with a ``landscape`` name draws that one (None when it sets ``landscape_params``,
    which the page, drawn from the name alone, would not show). LandscapeTour (``stops``) opens
    on its first stop, so it links there (unless its ``runs`` give that stop parameters). Scenes
    with neither (BatchVsStochastic fits its own data) get None: no link.
    """
    name = scene_params.get("landscape")
    if isinstance(name, str):
        return None if scene_params.get("landscape_params") else name
    stops = scene_params.get("stops")
    if isinstance(stops, (list, tuple)) and stops and isinstance(stops[0], str):
        first = (scene_params.get("runs") or {}).get(stops[0], {})
        return None if isinstance(first, dict) and first.get("landscape") else stops[0]
    return None


def write_explorer(landscape: str, path: Path, *, optimizers=None, lrs=None, start=None,
                   steps=None) -> Path:
    """Check the inputs, simulate every (optimizer, rate) run and write the page to ``path``
    atomically. Raises ValueError (one line naming the fix) before anything is written."""
    script = plotly_js()
    spec = ExplorerSpec.checked(landscape, optimizers, lrs, start, steps)
    page = explorer_html(explorer_data(spec), script)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def plotly_js() -> str:
    """plotly.min.js as shipped by the plotly package (the page inlines it: no CDN, no server)."""
    try:
        from plotly.offline import get_plotlyjs
    except ImportError:
        raise ValueError(f"gdanim explore needs plotly: {PLOTLY_HINT}") from None
    return get_plotlyjs()


# --- inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExplorerSpec:
    """A page's checked inputs: the landscape, optimizers, rate grid, start and step budget,
    plus the options given (the regenerate command names only those)."""

    land: Landscape
    optimizers: tuple[str, ...]
    lrs: tuple[float, ...]
    start: tuple[float, float]
    steps: int
    given: frozenset[str]

    @classmethod
    def checked(cls, landscape, optimizers=None, lrs=None, start=None, steps=None) -> "ExplorerSpec":
        land = checks.landscape(landscape)
        names = checks.optimizers(list(DEFAULT_OPTIMIZERS if optimizers is None else optimizers),
                                  "optimizers", 1, len(OPTIMIZERS))
        grid = default_rates(land, names) if lrs is None else checks.rates(list(lrs), "lrs", 1, MAX_RATES)
        xy = land.default_start if start is None else checks.start(land, tuple(start))
        budget = default_steps(land) if steps is None else checks.whole(steps, "steps", 1, MAX_STEPS)
        points = len(names) * len(grid) * (budget + 1)
        if points > MAX_POINTS:
            raise ValueError(f"{len(names)} optimizers x {len(grid)} rates x {budget + 1} steps = {points} points, "
                             f"over the {MAX_POINTS} a page holds; lower steps, the rate count or the optimizers")
        given = {"optimizers": optimizers, "lrs": lrs, "start": start, "steps": steps}
        return cls(land, tuple(names), tuple(sorted(float(v) for v in grid)), tuple(float(v) for v in xy), budget,
                   frozenset(k for k, v in given.items() if v is not None))

    def command(self) -> str:
        """The `gdanim explore` command that writes this page again."""
        words = ["gdanim", "explore", self.land.name]
        if "optimizers" in self.given:
            words += ["--optimizers", ",".join(self.optimizers)]
        if "lrs" in self.given:
            words += ["--lrs", rates_text(self.lrs)]
        if "start" in self.given:
            words += ["--start=" + ",".join(map(str, self.start))]  # "=": a value may start with a minus
        if "steps" in self.given:
            words += ["--steps", str(self.steps)]
        return shlex.join(words)


def parse_rates(text: str) -> list[float]:
    """--lrs: LOW:HIGH:COUNT (COUNT log-spaced rates, 3 significant figures) or a list 0.01,0.1."""
    fix = "give LOW:HIGH:COUNT (e.g. 0.001:0.3:25) or a list (e.g. 0.01,0.05,0.1)"
    parts = text.split(":")
    if len(parts) not in (1, 3):
        raise ValueError(f"--lrs {text!r}: {fix}")
    try:
        numbers = [float(v) for v in text.split(",")] if len(parts) == 1 else [float(parts[0]), float(parts[1])]
        count = int(parts[2]) if len(parts) == 3 else None
    except ValueError:
        raise ValueError(f"--lrs {text!r}: not numbers; {fix}") from None
    if count is None:
        return checks.rates(numbers, "--lrs", 1, MAX_RATES)
    checks.whole(count, "--lrs COUNT", 2, MAX_RATES)
    low, high = checks.rate(numbers[0], "--lrs LOW"), checks.rate(numbers[1], "--lrs HIGH")
    if not low < high:
        raise ValueError(f"--lrs {text!r}: LOW must be below HIGH; {fix}")
    return checks.rates([float(f"{v:.3g}") for v in np.geomspace(low, high, count)], "--lrs", 1, MAX_RATES)


def rates_text(lrs) -> str:
    """--lrs for these rates: LOW:HIGH:COUNT when that gives exactly them, else the list."""
    compact = f"{lrs[0]}:{lrs[-1]}:{len(lrs)}"
    if len(lrs) > 2 and parse_rates(compact) == list(lrs):
        return compact
    return ",".join(map(str, lrs))  # the shortest exact form of each: the same rates again


def parse_start(text: str) -> tuple[float, float]:
    """--start X,Y."""
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise ValueError(f"--start {text!r}: give a point X,Y, e.g. --start -1.2,1") from None
    return x, y


def default_steps(land: Landscape) -> int:
    """The step budget OptimizerRace gives this landscape (tuned where it raced, else generic)."""
    return TUNED.get(land.name, {}).get("steps", GENERIC_STEPS)


def course_rates(land: Landscape, optimizers) -> list[float]:
    """The rates the course's lessons use on this landscape for these optimizers:
    LearningRateEffects' fractions of GD's limit 2/λmax, OptimizerRace's tuned rates and
    LandscapeTour's rate (its rates are GD's)."""
    rates = [v for name, v in TUNED.get(land.name, {}).get("lrs", {}).items() if name in optimizers]
    if "gd" in optimizers:
        limit = effects.stability_limit(land, land.default_start)
        if limit is not None:
            rates += [float(f"{f * limit[2]:.2g}") for f in effects.Params().stability_fractions]
        rates += [RUN_DEFAULTS[land.name]["lr"]] if land.name in RUN_DEFAULTS else []
    return sorted({float(v) for v in rates})


def default_rates(land: Landscape, optimizers) -> list[float]:
    """Readable rates (1, 1.5, 2, 3, 5, 7 per decade) from below the course's smallest rate to
    beyond its largest, spanning at least two decades, with the course's own rates in it."""
    course = course_rates(land, optimizers) or [0.01, 0.1]
    low, high = min(course) / MARGIN, max(course) * MARGIN
    low = min(low, high / MIN_SPAN)
    readable = [v for v in readable_rates(low, high) if all(abs(v / c - 1) > NEAR for c in course)]
    return sorted(readable + course)


def readable_rates(low: float, high: float) -> list[float]:
    decades = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    slack = 1e-9  # 0.15 / 100 must still reach 0.0015
    return [v for e in decades for m in READABLE if low * (1 - slack) <= (v := float(f"{m:g}e{e}")) <= high * (1 + slack)]


def default_rate_index(land: Landscape, lrs: list[float]) -> int:
    """The slider's first position: LandscapeTour's rate for this landscape, else the grid's middle."""
    if land.name not in RUN_DEFAULTS:
        return len(lrs) // 2
    target = math.log(RUN_DEFAULTS[land.name]["lr"])
    return min(range(len(lrs)), key=lambda i: abs(math.log(lrs[i]) - target))


# --- the page's data ------------------------------------------------------------------------


def rounded(values, digits: int) -> list[float]:
    """Each value to ``digits`` significant figures, as wording.sci rounds before it prints."""
    return [float(f"{v:.{digits - 1}e}") for v in np.ravel(values)]


def explorer_data(spec: ExplorerSpec) -> dict:
    """Everything the page shows, as JSON-able lists: grid, surface, and per optimizer per rate
    the run's path (up to where it stops or leaves the plot), loss, gradient norm and status."""
    land, scale = spec.land, HeightScale.for_landscape(spec.land)
    optimizers = []
    for name in spec.optimizers:
        traj = simulate(land, name, spec.start, spec.steps, lr=np.asarray(spec.lrs), tol_grad=TOL_GRAD)
        last = shown_steps(traj)
        runs = [run_data(traj, r, int(last[r]), scale) for r in range(traj.n_runs)]
        optimizers.append({"name": name, "title": optimizer_name(name), "color": OPTIMIZERS[name].color,
                           "runs": runs})
    return {
        "landscape": {"name": land.name, "title": landscape_name(land), "formula": formula_html(land.latex),
                      "domain": [list(side) for side in land.domain], "axes": axis_names(land)},
        "lrs": list(spec.lrs), "rate_labels": [rate_value(v) for v in spec.lrs],
        "default_rate": default_rate_index(land, spec.lrs), "steps": spec.steps, "levels": CONTOUR_LEVELS,
        "start": list(spec.start), "command": spec.command(), "optimizers": optimizers,
        "surface": surface_data(land, scale), "theme": theme_colors(),
        "grid_note": grid_note(spec),
    }


def run_data(traj, run: int, last: int, scale: HeightScale) -> dict:
    """One run's arrays up to ``last`` (its stop, or its last step inside the plot), its 3D trail
    draped on the surface (``knots``: each step's index in it; None when no step needed draping),
    where it crosses the plot's edge if it leaves (``exit``: x, y, height) and the status it ends
    with, from step ``event`` on."""
    land = traj.landscape
    xy = traj.positions[run, : last + 1]
    grad = np.hypot(*traj.gradients[run, : last + 1].T)
    trail, knots = draped(land, xy)
    data = {"x": rounded(xy[:, 0], POSITION_DIGITS), "y": rounded(xy[:, 1], POSITION_DIGITS),
            "loss": rounded(traj.losses[run, : last + 1], NUMBER_DIGITS), "grad": rounded(grad, NUMBER_DIGITS),
            "z3": rounded(scale(land.value(trail)) + LIFT, POSITION_DIGITS), "knots": knots}
    if knots is not None:
        data["x3"], data["y3"] = rounded(trail[:, 0], POSITION_DIGITS), rounded(trail[:, 1], POSITION_DIGITS)
    crossing = domain_exit(land, traj.positions[run, : last + 2]) if last < traj.stop_step[run] else None
    if crossing is not None:
        edge = crossing[1]
        data["exit"] = rounded([*edge, scale(land.value(edge)) + LIFT], POSITION_DIGITS)
    return {**data, **run_status(traj, run, last)}


def draped(land: Landscape, xy: np.ndarray) -> tuple[np.ndarray, list[int] | None]:
    """The path with extra points along long steps, so its 3D trail follows the surface instead
    of cutting through hills; and each recorded step's index in it (None: no extra points)."""
    (x0, x1), (y0, y1) = land.domain
    lengths = np.linalg.norm(np.diff(xy, axis=0), axis=1)
    substeps = np.clip(np.ceil(lengths * DRAPE_SPACING / max(x1 - x0, y1 - y0)), 1, MAX_SUBSTEPS).astype(int)
    if not len(substeps) or substeps.max() == 1:
        return xy, None
    starts = np.repeat(xy[:-1], substeps, axis=0)
    moves = np.repeat(np.diff(xy, axis=0), substeps, axis=0)
    fractions = np.concatenate([np.arange(n) / n for n in substeps])
    trail = np.concatenate([starts + fractions[:, None] * moves, xy[-1:]])
    return trail, [0, *np.cumsum(substeps).tolist()]


def run_status(traj, run: int, last: int) -> dict:
    """How the run ends, in the HUD's words, and the step from which the page says so."""
    reason, stop = str(traj.stop_reason[run]), int(traj.stop_step[run])
    kind = STATUS_LABELS[reason]
    if reason == "converged_grad":
        text = f"converged at step {stop}: {GRAD_NORM} < {sci(TOL_GRAD)}"
    elif reason == "diverged":
        text = f"diverged at step {stop}"
    else:
        text = f"max steps: used the whole budget of {stop} steps"
    if last < stop:  # shown_steps cut the path before it left the plot
        left = last + 1
        engine = f"engine: {text}" if reason != "diverged" else text
        return {"kind": "left the plot", "event": left,
                "status": f"left the plot at step {left} (drawn to the edge); {engine}"}
    return {"kind": kind, "event": stop, "status": text}


def surface_data(land: Landscape, scale: HeightScale) -> dict:
    """The grid, its display heights (the surface) and contour coordinate (the map), and loss
    ticks for both: heights are log1p-scaled on landscapes with huge ranges, as in the videos;
    the map's coordinate is the square root of height elsewhere, so uniform levels are the
    videos' contour levels (denser near the bottom)."""
    points = domain_grid(land, GRID)
    heights = scale(land.value(points))
    level = heights if scale.log else np.sqrt(heights)
    ticks = loss_ticks(scale)
    raised = ticks[scale(ticks) >= FLOOR_TICK]  # the 3D axis: the floor's tick would sit on the y axis' labels
    return {"x": rounded(points[0, :, 0], POSITION_DIGITS), "y": rounded(points[:, 0, 1], POSITION_DIGITS),
            "h": [rounded(row, POSITION_DIGITS) for row in heights],
            "c": "h" if scale.log else [rounded(row, POSITION_DIGITS) for row in level],
            "ticks": {"h": rounded(scale(ticks), POSITION_DIGITS),
                      "c": rounded(scale(ticks) if scale.log else np.sqrt(scale(ticks)), POSITION_DIGITS),
                      "text": [sci(v) for v in ticks],
                      "h3": rounded(scale(raised), POSITION_DIGITS), "text3": [sci(v) for v in raised]},
            "minima": minima_data(land, scale)}


def loss_ticks(scale: HeightScale) -> np.ndarray:
    """Loss values to label the height and colour axes with: the floor and the powers of ten
    above it on log-scaled landscapes, else round multiples (1, 2 or 5 x 10ⁿ), four to ten."""
    low, high = scale.floor, scale.ceiling
    if scale.log:
        powers = [10.0**e for e in range(0, math.floor(math.log10(max(high, 1.0))) + 1)]
        values = [float(f"{low:.1e}")] + [v for v in powers if low < v <= high]
    else:
        raw = (high - low) / 4
        size = 10.0 ** math.floor(math.log10(raw))
        step = max(m * size for m in (1, 2, 5) if m * size <= raw)
        values = [float(f"{v:.6g}") for v in np.arange(math.ceil(low / step), math.floor(high / step) + 1) * step]
    values = np.array(values)
    return values[(values >= low) & (values <= high)]


def minima_data(land: Landscape, scale: HeightScale) -> dict:
    inside = land.minima[inside_domain(land, land.minima)]
    return {"x": rounded(inside[:, 0], POSITION_DIGITS), "y": rounded(inside[:, 1], POSITION_DIGITS),
            "h": rounded(scale(land.value(inside)) + LIFT, POSITION_DIGITS) if len(inside) else []}


def axis_names(land: Landscape) -> list[str]:
    """The parameters' names: (w, b) for the regression landscape, else (x, y)."""
    return ["w", "b"] if land.name == "linear_regression" else ["x", "y"]


def grid_note(spec: ExplorerSpec) -> str:
    lrs = spec.lrs
    head = f"{len(lrs)} rates from {rate_value(lrs[0])} to {rate_value(lrs[-1])}"
    if "lrs" in spec.given:
        return head
    course = course_rates(spec.land, spec.optimizers)
    own = f", with the course's own {', '.join(rate_value(v) for v in course)}" if course else ""
    return f"{head}: 1, 1.5, 2, 3, 5, 7 per decade{own}"


def theme_colors() -> dict:
    """The videos' colours, from gdanim.visual.theme (read from its file: gdanim.visual imports manim)."""
    theme = _theme()
    ramp = theme.surface_colors
    return {"background": theme.background, "text": theme.text, "muted": theme.muted, "panel": theme.panel,
            "axis": theme.axis_color, "status": {**theme.status_colors, "left the plot": theme.status_colors["diverged"]},
            "colorscale": [[i / (len(ramp) - 1), c] for i, c in enumerate(ramp)],
            "surface_opacity": theme.surface_opacity}


def _theme():
    """THEME, from the module already imported, else run from its file (it needs only
    gdanim.optimizers), registered just while its dataclass is built."""
    if "gdanim.visual.theme" in sys.modules:
        return sys.modules["gdanim.visual.theme"].THEME
    spec = importlib.util.spec_from_file_location("gdanim_explore_theme", Path(__file__).parent / "visual" / "theme.py")
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module.THEME


# --- TeX to HTML, for the formula in the heading ------------------------------------------------

_TEX_WORDS = {r"\pi": "π", r"\cdot": "·", r"\times": "×", r"\,": "\u2009", r"\;": " ",
              r"\!": "", r"\ ": " ", r"\left": "", r"\right": ""}
_TEX_TOKEN = re.compile(r"\\[a-zA-Z]+|\\.|[{}^_]|[^\\{}^_]")


def formula_html(latex: str) -> str:
    """A landscape's TeX as HTML text with <sup>/<sub> (no MathJax: the page works offline)."""
    tokens = _TEX_TOKEN.findall(latex)
    out, _ = _tex_group(tokens, 0)
    return re.sub(r"\s+\)", ")", out)


def _tex_group(tokens: list[str], i: int, single: bool = False) -> tuple[str, int]:
    """HTML for tokens from ``i`` to the closing brace (or one argument when ``single``)."""
    out = []
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if tok == "}":
            break
        if tok == "{":
            text, i = _tex_group(tokens, i)
        elif tok in "^_":
            arg, i = _tex_group(tokens, i, single=True)
            tag = "sup" if tok == "^" else "sub"
            text = f"<{tag}>{arg}</{tag}>"
        elif tok in (r"\frac", r"\tfrac"):
            top, i = _tex_group(tokens, i, single=True)
            bottom, i = _tex_group(tokens, i, single=True)
            text = f"{_wrapped(top)}/{_wrapped(bottom)}"
        elif tok == r"\sqrt":
            arg, i = _tex_group(tokens, i, single=True)
            text = f"√({arg})"
        elif tok in _TEX_WORDS:
            text = _TEX_WORDS[tok]
        elif tok.startswith("\\"):  # cos, sin, exp, sum: set off from a number before them, as TeX does
            text = {r"\sum": "Σ"}.get(tok, tok[1:])
            text = ("\u2009" if out and out[-1][-1:].isalnum() else "") + text
        else:
            text = html.escape(tok.replace("-", "−"))
        out.append(text)
        if single:
            break
    return "".join(out), i


def _wrapped(text: str) -> str:
    return f"({text})" if re.search(r"[+−\s]", re.sub(r"<[^>]+>", "", text)) else text


# --- the page ----------------------------------------------------------------------------------


def explorer_html(data: dict, plotly_script: str) -> str:
    """The page: its data packed, plotly.js and the page's own script (which builds the figures
    and picks the arrays to draw) inlined."""
    land = data["landscape"]
    title = f"{land['title']}: gradient descent explorer"
    blob = packed(data)
    return _PAGE.format(
        title=html.escape(title), heading=html.escape(land["title"]), formula=land["formula"],
        axes=", ".join(land["axes"]), grid_note=html.escape(data["grid_note"]),
        command=html.escape(data["command"]), steps=data["steps"], rates=len(data["lrs"]) - 1,
        rate=data["default_rate"], background=data["theme"]["background"], text=data["theme"]["text"],
        muted=data["theme"]["muted"], panel=data["theme"]["panel"], axis=data["theme"]["axis"],
        toggles="".join(_toggle(o) for o in data["optimizers"]),
        rows="".join(_hud_row(o) for o in data["optimizers"]),
        grad_norm=GRAD_NORM, data=blob, plotly=plotly_script.replace("</script", "<\\/script"), script=_SCRIPT,
    )


def packed(data: dict) -> str:
    """The page's data as base64 of gzipped JSON: a fifth of the JSON's size (the browser
    unpacks it with DecompressionStream, from file:// too); mtime 0 keeps pages reproducible."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return base64.b64encode(gzip.compress(text.encode(), compresslevel=9, mtime=0)).decode()


def _toggle(opt: dict) -> str:
    name, color = html.escape(opt["name"]), opt["color"]
    return (f'<label class="toggle"><input type="checkbox" checked data-optimizer="{name}">'
            f'<span class="swatch" style="background:{color}"></span>{html.escape(opt["title"])}</label>')


def _hud_row(opt: dict) -> str:
    name = html.escape(opt["name"])
    return (f'<tr data-optimizer="{name}"><th scope="row"><span class="swatch" style="background:{opt["color"]}">'
            f'</span>{html.escape(opt["title"])}</th><td class="step"></td><td class="position"></td>'
            f'<td class="loss"></td><td class="grad"></td><td class="status"></td></tr>')


_PAGE = PAGE_HEAD + """<style>
body {{ margin: 0; background: {background}; color: {text}; font: 15px/1.45 "DejaVu Sans", system-ui, sans-serif; }}
header, .controls, .hud, footer {{ max-width: 1280px; margin: 0 auto; padding: 0 16px; }}
h1 {{ font-size: 1.5em; margin: 14px 0 2px; }}
.formula {{ font-size: 1.15em; margin: 0; }}
.hint, .note, footer {{ color: {muted}; font-size: 0.92em; }}
.plots {{ display: flex; flex-wrap: wrap; gap: 8px; max-width: 1280px; margin: 8px auto; padding: 0 8px; }}
.plots figure {{ flex: 1 1 460px; min-width: 300px; margin: 0; }}
.plots figcaption {{ color: {muted}; font-size: 0.9em; text-align: center; }}
.plot {{ height: 480px; }}
.controls {{ display: grid; grid-template-columns: auto 1fr auto; gap: 6px 12px; align-items: center; }}
.controls input[type=range] {{ width: 100%; }}
.controls output {{ font-family: "DejaVu Sans Mono", monospace; min-width: 12ch; }}
.toggles {{ grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 14px; }}
.swatch {{ display: inline-block; width: 0.9em; height: 0.9em; border-radius: 50%; margin: 0 6px -1px 4px; }}
button {{ background: {panel}; color: {text}; border: 1px solid {axis}; border-radius: 4px; padding: 3px 12px;
  font: inherit; cursor: pointer; }}
.hud table {{ width: 100%; border-collapse: collapse; background: {panel}; margin: 10px 0;
  font-family: "DejaVu Sans Mono", monospace; font-size: 0.92em; }}
.hud th, .hud td {{ text-align: left; padding: 4px 8px; border-bottom: 1px solid {axis}; }}
.hud thead th {{ color: {muted}; font-weight: normal; }}
.hud tr.hidden {{ display: none; }}
.hud .scroll {{ overflow-x: auto; }}
@media (max-width: 600px) {{ .hud table {{ font-size: 0.78em; }} .hud th, .hud td {{ padding: 3px 4px; }} }}
code {{ background: {panel}; padding: 1px 5px; border-radius: 3px; }}
</style>
</head>
<body>
<header>
<h1>{heading}: gradient descent explorer</h1>
<p class="formula">L({axes}) = {formula}</p>
<p class="hint">Drag the 3D view to rotate it, scroll to zoom. Move the learning rate α to change every path,
tick optimizers to compare them on the same landscape, and step through the optimization (or press play).
Every path was computed by gdanim's engine ahead of time; the page only shows it.</p>
</header>
<div class="plots">
<figure><figcaption>surface: drag to rotate, scroll to zoom</figcaption><div id="surface" class="plot" role="img" aria-label="{heading} loss surface in 3D with the runs' paths"></div></figure>
<figure><figcaption>contour map</figcaption><div id="contour" class="plot" role="img" aria-label="{heading} contour map with the runs' paths"></div></figure>
</div>
<div class="controls">
<label for="rate">learning rate</label><input id="rate" type="range" min="0" max="{rates}" value="{rate}" step="1">
<output id="rate-label" for="rate"></output>
<label for="step">step</label><input id="step" type="range" min="0" max="{steps}" value="0" step="1">
<output id="step-label" for="step"></output>
<div class="toggles"><button id="play" type="button">▶ play</button>{toggles}</div>
</div>
<div class="hud"><div class="scroll"><table>
<thead><tr><th scope="col">optimizer</th><th scope="col">step</th><th scope="col">position</th>
<th scope="col">loss</th><th scope="col">{grad_norm}</th><th scope="col">status</th></tr></thead>
<tbody>{rows}</tbody></table></div>
<p class="note">α grid: {grid_note}. The same α for every optimizer; the slider steps through the grid.
A path ends where its run converges or diverges, or at the plot's edge where it leaves the plot.</p></div>
<footer><p>Regenerate this page: <code>{command}</code></p></footer>
<script type="application/octet-stream" id="explorer-data">{data}</script>
<script>{plotly}</script>
<script>{script}</script>
</body>
</html>
"""

_SCRIPT = r"""
(function () {
  "use strict";
  const SUP = {"-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹"};
  const minus = (text) => text.replace("-", "−");
  const plain = (v) => minus(String(v));

  // wording.sci: `digits` significant figures, plain from 0.001 to 9999, else a×10ⁿ
  function sci(value, digits) {
    if (value === 0 || !isFinite(value)) return plain(value);
    const rounded = Number(value.toExponential(digits - 1));
    const size = Math.abs(rounded);
    if (size >= 1e-3 && size < 1e4) {
      const decimals = Math.max(digits - 1 - Math.floor(Math.log10(size)), 0);
      const text = rounded.toFixed(decimals);
      return decimals ? plain(Number(text)) : minus(text);
    }
    const [mantissa, exponent] = rounded.toExponential(digits - 1).split("e");
    return plain(Number(mantissa)) + "×10" + String(parseInt(exponent, 10)).split("").map((c) => SUP[c]).join("");
  }

  async function unpack(element) {
    const bytes = Uint8Array.from(atob(element.textContent.trim()), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  function start(D) {
    const T = D.theme, S = D.surface, L = D.landscape;

    const state = {rate: D.default_rate, step: 0, visible: {}, timer: null};
    D.optimizers.forEach((o) => { state.visible[o.name] = true; });
    const axisStyle = {color: T.text, gridcolor: T.axis, zerolinecolor: T.axis, linecolor: T.axis};
    const [xName, yName] = L.axes;
    const [[x0, x1], [y0, y1]] = L.domain;
    const config = {responsive: true, displaylogo: false,
                    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toImage", "sendDataToCloud"]};

    function pathTraces(threeD) {
      const traces = [];
      D.optimizers.forEach((o) => {
        const line = {color: o.color, width: threeD ? 6 : 2};
        const ball = {color: o.color, size: threeD ? 6 : 12, line: {color: T.text, width: threeD ? 1 : 1.5}};
        if (threeD) {
          traces.push({type: "scatter3d", mode: "lines", name: o.title, line: line, x: [], y: [], z: [],
                       hoverinfo: "skip", meta: {optimizer: o.name, role: "path"}});
          traces.push({type: "scatter3d", mode: "markers", name: o.title, marker: ball, x: [], y: [], z: [],
                       hoverinfo: "skip", meta: {optimizer: o.name, role: "ball"}});
        } else {
          traces.push({type: "scatter", mode: "lines+markers", name: o.title, line: line,
                       marker: {color: o.color, size: 4}, x: [], y: [], hoverinfo: "skip",
                       meta: {optimizer: o.name, role: "path"}});
          traces.push({type: "scatter", mode: "markers", name: o.title, marker: ball, x: [], y: [],
                       hovertemplate: o.title + " (%{x}, %{y})<extra></extra>", meta: {optimizer: o.name, role: "ball"}});
        }
      });
      return traces;
    }

    const lossAxis = {title: {text: "loss"}, tickvals: S.ticks.h3, ticktext: S.ticks.text3, range: [0, 1 + 0.05]};
    const surfaceFigure = {
      data: [
        {type: "surface", x: S.x, y: S.y, z: S.h, colorscale: T.colorscale, showscale: false,
         opacity: T.surface_opacity, hovertemplate: xName + " %{x}, " + yName + " %{y}<extra></extra>",
         contours: {z: {show: true, start: 0, end: 1, size: 1 / D.levels, color: T.muted, width: 1}},
         meta: {role: "surface"}},
        {type: "scatter3d", mode: "markers", name: "minimum", x: S.minima.x, y: S.minima.y, z: S.minima.h,
         marker: {symbol: "diamond", size: 4, color: T.text}, hoverinfo: "skip", meta: {role: "minima"}},
      ].concat(pathTraces(true)),
      layout: {
        paper_bgcolor: T.background, font: {color: T.text}, margin: {l: 12, r: 0, t: 0, b: 0}, showlegend: false,
        scene: {xaxis: Object.assign({title: {text: xName}, range: [x0, x1]}, axisStyle),
                yaxis: Object.assign({title: {text: yName}, range: [y0, y1]}, axisStyle),
                zaxis: Object.assign({}, lossAxis, axisStyle),
                aspectmode: "manual", aspectratio: {x: 1, y: (y1 - y0) / (x1 - x0), z: 0.55},
                camera: {eye: {x: -0.9, y: -1.2, z: 1.5}}, bgcolor: T.background},
      },
    };
    const contourFigure = {
      data: [
        {type: "contour", x: S.x, y: S.y, z: S.c === "h" ? S.h : S.c, colorscale: T.colorscale, zmin: 0, zmax: 1,
         contours: {start: 0, end: 1, size: 1 / D.levels, coloring: "fill"}, line: {color: T.muted, width: 0.6},
         colorbar: {title: {text: "loss"}, tickvals: S.ticks.c, ticktext: S.ticks.text, outlinewidth: 0},
         hovertemplate: xName + " %{x}, " + yName + " %{y}<extra></extra>", meta: {role: "contour"}},
        {type: "scatter", mode: "markers", name: "minimum", x: S.minima.x, y: S.minima.y,
         marker: {symbol: "x-thin", size: 10, line: {color: T.text, width: 2}}, hoverinfo: "skip", meta: {role: "minima"}},
        {type: "scatter", mode: "markers", name: "start", x: [D.start[0]], y: [D.start[1]],
         marker: {symbol: "circle-open", size: 14, line: {color: T.text, width: 2}}, hoverinfo: "skip", meta: {role: "start"}},
      ].concat(pathTraces(false)),
      layout: {
        paper_bgcolor: T.background, plot_bgcolor: T.background, font: {color: T.text}, showlegend: false,
        margin: {l: 56, r: 10, t: 34, b: 46},
        xaxis: Object.assign({title: {text: xName}, range: [x0, x1], constrain: "domain"}, axisStyle),
        yaxis: Object.assign({title: {text: yName}, range: [y0, y1], scaleanchor: "x", constrain: "domain"}, axisStyle),
      },
    };

    const surfaceDiv = document.getElementById("surface"), contourDiv = document.getElementById("contour");
    const rateInput = document.getElementById("rate"), stepInput = document.getElementById("step");
    const playButton = document.getElementById("play");

    function traceIndex(div, name, role) {
      return div.data.findIndex((t) => t.meta && t.meta.optimizer === name && t.meta.role === role);
    }

    // the run's last drawn step at global step k, and that step's index in the 3D trail
    function at(run, k) {
      const e = Math.min(k, run.x.length - 1);
      return {e: e, n: run.knots ? run.knots[e] : e};
    }

    function draw() {
      const k = state.step;
      const s = {x: [], y: [], z: [], idx: []}, c = {x: [], y: [], idx: []};
      D.optimizers.forEach((o) => {
        const run = o.runs[state.rate], p = at(run, k);
        // a run that left the plot goes on to the plot's edge, where the ball stops (as in the videos)
        const edge = run.exit && k >= run.event ? run.exit : null;
        const upTo = (values, n, i) => {
          const shown = values.slice(0, n + 1);
          if (edge) shown.push(edge[i]);
          return [shown, [shown[shown.length - 1]]];
        };
        s.x.push(...upTo(run.x3 || run.x, p.n, 0));
        s.y.push(...upTo(run.y3 || run.y, p.n, 1));
        s.z.push(...upTo(run.z3, p.n, 2));
        s.idx.push(traceIndex(surfaceDiv, o.name, "path"), traceIndex(surfaceDiv, o.name, "ball"));
        c.x.push(...upTo(run.x, p.e, 0));
        c.y.push(...upTo(run.y, p.e, 1));
        c.idx.push(traceIndex(contourDiv, o.name, "path"), traceIndex(contourDiv, o.name, "ball"));
        hud(o, run, p.e, k);
      });
      Plotly.restyle(surfaceDiv, {x: s.x, y: s.y, z: s.z}, s.idx);
      Plotly.restyle(contourDiv, {x: c.x, y: c.y}, c.idx);
      const rate = "α = " + D.rate_labels[state.rate], step = "step " + k + " of " + D.steps;
      document.getElementById("rate-label").textContent = rate;
      document.getElementById("step-label").textContent = step;
      rateInput.setAttribute("aria-valuetext", rate);
      stepInput.setAttribute("aria-valuetext", step);
    }

    function hud(o, run, e, k) {
      const row = document.querySelector('tr[data-optimizer="' + o.name + '"]');
      const done = k >= run.event;
      row.querySelector(".step").textContent = String(e);
      row.querySelector(".position").textContent = "(" + sci(run.x[e], 4) + ", " + sci(run.y[e], 4) + ")";
      row.querySelector(".loss").textContent = sci(run.loss[e], 2);
      row.querySelector(".grad").textContent = sci(run.grad[e], 2);
      const status = row.querySelector(".status");
      status.textContent = done ? run.status : "running";
      status.style.color = T.status[done ? run.kind : "running"] || T.text;
    }

    function setVisible(name, on) {
      state.visible[name] = on;
      const indices = (div) => [traceIndex(div, name, "path"), traceIndex(div, name, "ball")];
      Plotly.restyle(surfaceDiv, {visible: on}, indices(surfaceDiv));
      Plotly.restyle(contourDiv, {visible: on}, indices(contourDiv));
      document.querySelector('tr[data-optimizer="' + name + '"]').classList.toggle("hidden", !on);
      document.querySelector('input[data-optimizer="' + name + '"]').checked = on;
    }

    // the last step at which any shown run still changes: play stops there
    function lastEvent() {
      let last = 0;
      D.optimizers.forEach((o) => {
        if (state.visible[o.name]) last = Math.max(last, Math.min(o.runs[state.rate].event, D.steps));
      });
      return last;
    }

    function pause() {
      clearInterval(state.timer);
      state.timer = null;
      playButton.textContent = "▶ play";
    }

    function play() {
      if (state.timer) return;
      const end = lastEvent();
      if (state.step >= end) setStep(0);
      const stride = Math.max(1, Math.round(end / 150));
      playButton.textContent = "❚❚ pause";
      state.timer = setInterval(() => {
        if (state.step >= end) return pause();
        setStep(Math.min(state.step + stride, end));
      }, 50);
    }

    function setRate(i) {
      state.rate = Math.max(0, Math.min(D.lrs.length - 1, i | 0));
      rateInput.value = state.rate;
      draw();
    }

    function setStep(k) {
      state.step = Math.max(0, Math.min(D.steps, k | 0));
      stepInput.value = state.step;
      draw();
    }

    rateInput.addEventListener("input", () => setRate(Number(rateInput.value)));
    stepInput.addEventListener("input", () => { pause(); setStep(Number(stepInput.value)); });
    playButton.addEventListener("click", () => (state.timer ? pause() : play()));
    document.querySelectorAll("input[data-optimizer]").forEach((box) => {
      box.addEventListener("change", () => setVisible(box.dataset.optimizer, box.checked));
    });

    Object.assign(window.explorer, {data: D, state: state, setRate: setRate, setStep: setStep,
                                    setVisible: setVisible, play: play, pause: pause});
    return Promise.all([Plotly.newPlot(surfaceDiv, surfaceFigure.data, surfaceFigure.layout, config),
                        Plotly.newPlot(contourDiv, contourFigure.data, contourFigure.layout, config)])
      .then(() => setRate(state.rate));
  }

  // the page's API (tests and the curious): setRate(i), setStep(k), setVisible(name, on), play(), pause()
  window.explorer = {sci: sci};
  window.explorer.ready = unpack(document.getElementById("explorer-data")).then(start);
})();
"""
