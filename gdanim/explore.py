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
import json
import math
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from string import Template

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
from gdanim.theme import THEME
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
    """The videos' colours (gdanim.theme), so the page and the videos look alike."""
    ramp = THEME.surface_colors
    return {"background": THEME.background, "text": THEME.text, "muted": THEME.muted, "panel": THEME.panel,
            "axis": THEME.axis_color, "status": {**THEME.status_colors, "left the plot": THEME.status_colors["diverged"]},
            "colorscale": [[i / (len(ramp) - 1), c] for i, c in enumerate(ramp)],
            "surface_opacity": THEME.surface_opacity}


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
    """The page: gdanim/assets/explore.{html,css,js} with the data packed, the theme's colours
    as CSS variables, and plotly.js and the page's own script (which builds the figures and
    picks the arrays to draw) inlined."""
    land, theme = data["landscape"], data["theme"]
    colors = " ".join(f"--{name}: {theme[name]};" for name in ("background", "text", "muted", "panel", "axis"))
    body = Template(asset("explore.html")).substitute(
        heading=html.escape(land["title"]), formula=land["formula"], axes=", ".join(land["axes"]),
        grid_note=html.escape(data["grid_note"]), command=html.escape(data["command"]), steps=data["steps"],
        rates=len(data["lrs"]) - 1, rate=data["default_rate"], grad_norm=GRAD_NORM,
        toggles="".join(_toggle(o) for o in data["optimizers"]), rows="".join(_hud_row(o) for o in data["optimizers"]),
        data=packed(data), plotly=plotly_script.replace("</script", "<\\/script"), script=asset("explore.js"))
    return (PAGE_HEAD.format(title=html.escape(f"{land['title']}: gradient descent explorer"))
            + f"<style>\n:root {{ {colors} }}\n{asset('explore.css')}</style>\n</head>\n{body}")


def asset(name: str) -> str:
    """A file of the page's template (gdanim/assets: HTML, CSS and JavaScript kept as such)."""
    return (Path(__file__).parent / "assets" / name).read_text(encoding="utf-8")


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
