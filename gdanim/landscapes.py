"""Catalog of 2-D loss landscapes with analytic, vectorised values and gradients for the engine.

Numpy only: this module must not import manim (or sympy, except lazily for custom formulas).
"""

import copy
import difflib
import inspect
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

Domain = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True, eq=False)
class Landscape:
    """A loss surface f(x, y) plus everything a lesson needs to plot it and start a descent."""

    name: str
    latex: str
    domain: Domain
    minima: np.ndarray
    min_value: float | None
    default_start: tuple[float, float]
    params: dict
    log_display: bool
    _value: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    _gradient: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    data: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    _batch_gradient: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = field(default=None, repr=False)
    title: str = ""  # the name headings and captions use ("Six-hump camel")

    def value(self, xy) -> np.ndarray:
        """f at points of shape (..., 2); returns shape (...)."""
        xy = _points(xy)
        # Implementations work in place on arrays, so a single point goes through as a batch of one.
        return self._value(xy[None])[0] if xy.ndim == 1 else self._value(xy)

    def gradient(self, xy) -> np.ndarray:
        """Analytic gradient at points of shape (..., 2); returns shape (..., 2)."""
        xy = _points(xy)
        return self._gradient(xy[None])[0] if xy.ndim == 1 else self._gradient(xy)

    def batch_gradient(self, xy, idx) -> np.ndarray:
        """Gradient of the mean loss over the samples idx[..., :] chosen for each point (SGD)."""
        if self._batch_gradient is None:
            raise ValueError(f"landscape {self.name!r} has no data samples, so it has no mini-batch gradient")
        xy = _points(xy)
        idx = np.asarray(idx)
        if not np.issubdtype(idx.dtype, np.integer) or idx.shape[:-1] != xy.shape[:-1] or idx.shape[-1] == 0:
            raise ValueError(
                f"idx must be a non-empty integer array of shape {xy.shape[:-1]} + (batch,), "
                f"got {idx.dtype} array of shape {idx.shape}"
            )
        return self._batch_gradient(xy, idx)

    @property
    def n_samples(self) -> int:
        """Number of data samples (0 for analytic landscapes)."""
        return 0 if self.data is None else len(self.data[0])

    def spec(self) -> dict:
        """Canonical JSON-serialisable identity, used for content hashes; get_landscape(**spec) rebuilds it."""
        return {"name": self.name, **copy.deepcopy(self.params)}


def _points(xy) -> np.ndarray:
    xy = np.asarray(xy, dtype=np.float64)
    if xy.ndim == 0 or xy.shape[-1] != 2:
        raise ValueError(f"points must have shape (..., 2), got {xy.shape}")
    return xy


def _frozen(array) -> np.ndarray:
    array = np.array(array, dtype=np.float64).reshape(-1, 2)
    array.flags.writeable = False
    return array


NO_MINIMA = _frozen(np.empty((0, 2)))


def _sin_hav(xy: np.ndarray, frequency: float) -> tuple[np.ndarray, np.ndarray]:
    """sin(theta) and hav(theta) = sin^2(theta/2) = (1 - cos theta)/2 at theta = frequency * xy, via one tan.

    numpy's float64 sin and cos run scalar libm code (~16 ns per element on x86-64), while tan
    is SIMD-vectorised on AVX-512 CPUs (about 10x faster) and costs about the same as sin elsewhere.
    With t = tan(theta/2), sin = 2t/(1+t^2) and hav = t^2/(1+t^2) keep ~1e-16 relative accuracy
    and, unlike 1 - cos, do not cancel near the minima.
    """
    t = (0.5 * frequency) * xy
    np.tan(t, out=t)
    sin = t * t
    sin += 1.0
    np.divide(t, sin, out=sin)
    hav = np.multiply(t, sin, out=t)
    sin += sin
    return sin, hav


def _num(v: float) -> str:
    """Compact number for LaTeX: 100.0 -> '100', 0.2 -> '0.2'."""
    return f"{v:g}"


def _real(name: str, value, *, positive: bool = False, nonnegative: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"parameter {name!r} must be a finite number, got {value!r}")
    if positive and value <= 0:
        raise ValueError(f"parameter {name!r} must be positive, got {value!r}")
    if nonnegative and value < 0:
        raise ValueError(f"parameter {name!r} must not be negative, got {value!r}")
    return float(value)


def _integer(name: str, value, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"parameter {name!r} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _interval(name: str, value) -> tuple[float, float]:
    if isinstance(value, str) or not hasattr(value, "__len__") or len(value) != 2:
        raise ValueError(f"parameter {name!r} must be a pair (low, high), got {value!r}")
    low, high = (_real(name, v) for v in value)
    if not low < high:
        raise ValueError(f"parameter {name!r} must have low < high, got {value!r}")
    return low, high


def bowl() -> Landscape:
    """x^2 + y^2: the perfectly conditioned baseline."""

    def value(xy):
        x, y = xy[..., 0], xy[..., 1]
        return x * x + y * y

    return Landscape(
        name="bowl",
        title="Bowl",
        latex=r"x^2 + y^2",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=_frozen([[0.0, 0.0]]),
        min_value=0.0,
        default_start=(-1.6, 1.2),
        params={},
        log_display=False,
        _value=value,
        _gradient=lambda xy: 2.0 * xy,
    )


def valley(k: float = 10.0) -> Landscape:
    """x^2 + k y^2: an ill-conditioned ravine (condition number k) that makes plain GD zigzag."""
    k = _real("k", k, positive=True)

    def value(xy):
        x, y = xy[..., 0], xy[..., 1]
        return x * x + k * (y * y)

    def gradient(xy):
        g = np.empty_like(xy)
        np.multiply(xy[..., 0], 2.0, out=g[..., 0])
        np.multiply(xy[..., 1], 2.0 * k, out=g[..., 1])
        return g

    return Landscape(
        name="valley",
        title="Valley",
        latex=rf"x^2 + {_num(k)}\,y^2",
        domain=((-2.5, 2.5), (-1.5, 1.5)),
        minima=_frozen([[0.0, 0.0]]),
        min_value=0.0,
        default_start=(2.0, 1.0),
        params={"k": k},
        log_display=False,
        _value=value,
        _gradient=gradient,
    )


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Landscape:
    """(a - x)^2 + b (y - x^2)^2: the banana valley where GD crawls along a curved floor."""
    a = _real("a", a)
    b = _real("b", b, positive=True)

    def value(xy):
        x, y = xy[..., 0], xy[..., 1]
        u = a - x
        r = y - x * x
        return u * u + b * (r * r)

    def gradient(xy):
        x, y = xy[..., 0], xy[..., 1]
        r = y - x * x
        g = np.empty_like(xy)
        g[..., 0] = 2.0 * (x - a) - (4.0 * b) * x * r
        g[..., 1] = (2.0 * b) * r
        return g

    return Landscape(
        name="rosenbrock",
        title="Rosenbrock",
        latex=rf"({_num(a)} - x)^2 + {_num(b)}\,(y - x^2)^2",
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        minima=_frozen([[a, a * a]]),
        min_value=0.0,
        default_start=(-1.2, 1.0),
        params={"a": a, "b": b},
        log_display=True,
        _value=value,
        _gradient=gradient,
    )


HIMMELBLAU_MINIMA = [
    [3.0, 2.0],
    [-2.805118086952744853, 3.131312518250572966],
    [-3.779310253377746892, -3.283185991286169412],
    [3.584428340330491745, -1.848126526964403554],
]


def himmelblau() -> Landscape:
    """(x^2 + y - 11)^2 + (x + y^2 - 7)^2: four equal minima, so the start decides the answer."""

    def value(xy):
        x, y = xy[..., 0], xy[..., 1]
        p = x * x + y - 11.0
        q = x + y * y - 7.0
        return p * p + q * q

    def gradient(xy):
        x, y = xy[..., 0], xy[..., 1]
        p = x * x + y - 11.0
        q = x + y * y - 7.0
        g = np.empty_like(xy)
        g[..., 0] = 4.0 * x * p + 2.0 * q
        g[..., 1] = 2.0 * p + 4.0 * y * q
        return g

    return Landscape(
        name="himmelblau",
        title="Himmelblau",
        latex=r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=_frozen(HIMMELBLAU_MINIMA),
        min_value=0.0,
        default_start=(-0.5, 0.0),
        params={},
        log_display=False,
        _value=value,
        _gradient=gradient,
    )


def rastrigin(A: float = 10.0) -> Landscape:
    """2A + sum(x_i^2 - A cos(2 pi x_i)): a grid of local minima that traps plain GD."""
    A = _real("A", A, nonnegative=True)

    def value(xy):
        # A (1 - cos 2 pi x) = 2 A hav(2 pi x): no cancellation near the minima.
        x, y = xy[..., 0], xy[..., 1]
        _, hav = _sin_hav(xy, 2.0 * np.pi)
        total = hav[..., 0] + hav[..., 1]
        total *= 2.0 * A
        total += x * x
        total += y * y
        return total

    def gradient(xy):
        g, _ = _sin_hav(xy, 2.0 * np.pi)
        g *= 2.0 * np.pi * A
        g += xy
        g += xy
        return g

    return Landscape(
        name="rastrigin",
        title="Rastrigin",
        latex=rf"{_num(2 * A)} + x^2 - {_num(A)}\cos(2\pi x) + y^2 - {_num(A)}\cos(2\pi y)",
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        minima=_frozen([[0.0, 0.0]]),
        min_value=0.0,
        default_start=(3.2, -2.3),
        params={"A": A},
        log_display=False,
        _value=value,
        _gradient=gradient,
    )


def saddle() -> Landscape:
    """x^2 - y^2: unbounded below; GD started near the x axis stalls at the saddle before escaping."""

    def value(xy):
        x, y = xy[..., 0], xy[..., 1]
        return x * x - y * y

    def gradient(xy):
        g = np.empty_like(xy)
        np.multiply(xy[..., 0], 2.0, out=g[..., 0])
        np.multiply(xy[..., 1], -2.0, out=g[..., 1])
        return g

    return Landscape(
        name="saddle",
        title="Saddle",
        latex=r"x^2 - y^2",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=NO_MINIMA,
        min_value=None,
        default_start=(1.8, 1e-3),
        params={},
        log_display=False,
        _value=value,
        _gradient=gradient,
    )


BEALE_CONSTANTS = (1.5, 2.25, 2.625)


def beale() -> Landscape:
    """Beale's function: flat plateaus and steep walls around a minimum at (3, 0.5)."""

    # f = sum_k t_k^2 with t_k = c_k - x + x y^k for k = 1, 2, 3.
    def value(xy):
        x, y = xy[..., 0], xy[..., 1]
        x_yk = x * y
        total = np.zeros_like(x)
        for c in BEALE_CONSTANTS:
            t = x_yk - x
            t += c
            t *= t
            total += t
            x_yk *= y
        return total

    def gradient(xy):
        x, y = xy[..., 0], xy[..., 1]
        g = np.zeros_like(xy)
        gx, gy = g[..., 0], g[..., 1]
        y_k1 = np.ones_like(y)  # y^(k-1)
        for k, c in enumerate(BEALE_CONSTANTS, start=1):
            y_k = y_k1 * y
            t2 = x * y_k  # becomes 2 t_k
            t2 -= x
            t2 += c
            t2 += t2
            d_x = y_k - 1.0  # dt_k/dx
            d_x *= t2
            gx += d_x
            t2 *= y_k1  # dt_k/dy = k x y^(k-1); x is applied once below
            t2 *= k
            gy += t2
            y_k1 = y_k
        gy *= x
        return g

    return Landscape(
        name="beale",
        title="Beale",
        latex=r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        minima=_frozen([[3.0, 0.5]]),
        min_value=0.0,
        default_start=(1.0, 1.5),
        params={},
        log_display=True,
        _value=value,
        _gradient=gradient,
    )


def booth() -> Landscape:
    """(x + 2y - 7)^2 + (2x + y - 5)^2: a tilted quadratic bowl with its minimum at (1, 3)."""

    def value(xy):
        x, y = xy[..., 0], xy[..., 1]
        u = x + 2.0 * y - 7.0
        v = 2.0 * x + y - 5.0
        return u * u + v * v

    def gradient(xy):
        x, y = xy[..., 0], xy[..., 1]
        u = x + 2.0 * y - 7.0
        v = 2.0 * x + y - 5.0
        g = np.empty_like(xy)
        g[..., 0] = 2.0 * u + 4.0 * v
        g[..., 1] = 4.0 * u + 2.0 * v
        return g

    return Landscape(
        name="booth",
        title="Booth",
        latex=r"(x + 2y - 7)^2 + (2x + y - 5)^2",
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=_frozen([[1.0, 3.0]]),
        min_value=0.0,
        default_start=(-6.0, -8.0),
        params={},
        log_display=False,
        _value=value,
        _gradient=gradient,
    )


CAMEL_X, CAMEL_Y = 0.089842013100318062, -0.71265640302073963
CAMEL_MIN = -1.0316284534898773504


def six_hump_camel() -> Landscape:
    """Six-hump camel: six local minima, two of them global and mirror images of each other."""

    def value(xy):
        x, y = xy[..., 0], xy[..., 1]
        x2 = x * x
        y2 = y * y
        return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (4.0 * y2 - 4.0) * y2

    def gradient(xy):
        x, y = xy[..., 0], xy[..., 1]
        x2 = x * x
        g = np.empty_like(xy)
        g[..., 0] = x * (8.0 - 8.4 * x2 + 2.0 * x2 * x2) + y
        g[..., 1] = x + y * (16.0 * y * y - 8.0)
        return g

    return Landscape(
        name="six_hump_camel",
        title="Six-hump camel",
        latex=r"\left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (4y^2 - 4)\,y^2",
        domain=((-2.0, 2.0), (-1.0, 1.0)),
        minima=_frozen([[CAMEL_X, CAMEL_Y], [-CAMEL_X, -CAMEL_Y]]),
        min_value=CAMEL_MIN,
        default_start=(-1.0, -0.6),
        params={},
        log_display=False,
        _value=value,
        _gradient=gradient,
    )


def ackley(a: float = 20.0, b: float = 0.2, c: float = 2.0 * math.pi) -> Landscape:
    """Ackley's function: a nearly flat, bumpy outer region around one deep funnel at the origin."""
    a = _real("a", a, positive=True)
    b = _real("b", b, positive=True)
    c = _real("c", c, positive=True)

    # With S = hav(cx) + hav(cy) = 1 - (cos cx + cos cy)/2 the function is
    # -a expm1(-b r) - e expm1(-S), which is exactly 0 at the origin and cancels nowhere.
    def radius(xy):
        x, y = xy[..., 0], xy[..., 1]
        r = x * x
        r += y * y
        r *= 0.5
        return np.sqrt(r, out=r)

    def wave_sum(hav):
        s = hav[..., 0] + hav[..., 1]
        return np.negative(s, out=s)

    def value(xy):
        r = radius(xy)
        r *= -b
        np.expm1(r, out=r)
        r *= -a
        _, hav = _sin_hav(xy, c)
        s = wave_sum(hav)
        np.expm1(s, out=s)
        s *= math.e
        r -= s
        return r

    def gradient(xy):
        r = radius(xy)
        # d/dx of -a exp(-b r) is a b exp(-b r) x / (2 r). Skipping r = 0 leaves a finite factor
        # that multiplies x = y = 0 below, giving the subgradient 0 at the origin without a warning.
        radial = np.exp(-b * r)
        radial *= 0.5 * a * b
        np.divide(radial, r, out=radial, where=r > 0)
        # d/dx of -exp((cos cx + cos cy)/2) is (c/2) sin(cx) e^(1 - S).
        g, hav = _sin_hav(xy, c)
        wave = wave_sum(hav)
        wave += 1.0
        np.exp(wave, out=wave)
        wave *= 0.5 * c
        g[..., 0] *= wave
        g[..., 1] *= wave
        g[..., 0] += radial * xy[..., 0]
        g[..., 1] += radial * xy[..., 1]
        return g

    c_tex = r"2\pi" if math.isclose(c, 2.0 * math.pi) else _num(c)
    return Landscape(
        name="ackley",
        title="Ackley",
        latex=(
            rf"-{_num(a)}\,e^{{-{_num(b)}\sqrt{{(x^2 + y^2)/2}}}}"
            rf" - e^{{(\cos({c_tex} x) + \cos({c_tex} y))/2}} + e + {_num(a)}"
        ),
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=_frozen([[0.0, 0.0]]),
        min_value=0.0,
        default_start=(3.3, -2.6),
        params={"a": a, "b": b, "c": c},
        log_display=False,
        _value=value,
        _gradient=gradient,
    )


def goldstein_price() -> Landscape:
    """Goldstein-Price: values spanning six orders of magnitude, global minimum 3 at (0, -1)."""

    # f depends on x, y only through s = x + y and v = 2x - 3y: f = A(s) B(v) with
    #   A = 1 + (s + 1)^2 (3s^2 - 14s + 19) = 3s^4 - 8s^3 - 6s^2 + 24s + 20,  A' = 12 (s - 2)(s - 1)(s + 1),
    #   B = 30 + v^2 (3v^2 - 16v + 18),  B' = 12 v (v - 1)(v - 3).
    def factors(xy):
        x, y = xy[..., 0], xy[..., 1]
        s = x + y
        v = 2.0 * x
        v -= 3.0 * y
        first = 3.0 * s
        first -= 8.0
        first *= s
        first -= 6.0
        first *= s
        first += 24.0
        first *= s
        first += 20.0
        second = 3.0 * v
        second -= 16.0
        second *= v
        second += 18.0
        second *= v
        second *= v
        second += 30.0
        return s, v, first, second

    def value(xy):
        _, _, first, second = factors(xy)
        first *= second
        return first

    def gradient(xy):
        s, v, first, second = factors(xy)
        d_first = s - 2.0
        d_first *= s * s - 1.0
        d_first *= 12.0
        d_first *= second  # dA/ds * B
        d_second = v - 1.0
        d_second *= v - 3.0
        d_second *= v
        d_second *= 12.0
        d_second *= first  # A * dB/dv
        g = np.empty_like(xy)
        np.multiply(d_second, 2.0, out=g[..., 0])
        np.multiply(d_second, -3.0, out=g[..., 1])
        g[..., 0] += d_first
        g[..., 1] += d_first
        return g

    return Landscape(
        name="goldstein_price",
        title="Goldstein-Price",
        latex=(
            r"\left[1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\right]"
            r"\left[30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\right]"
        ),
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=_frozen([[0.0, -1.0]]),
        min_value=3.0,
        default_start=(-1.0, -1.5),
        params={},
        log_display=True,
        _value=value,
        _gradient=gradient,
    )


def linear_regression(
    n_samples: int = 50,
    true_w: float = 2.0,
    true_b: float = -1.0,
    noise_std: float = 0.5,
    x_range: tuple[float, float] = (-1.0, 3.0),
    seed: int = 0,
) -> Landscape:
    """Mean squared error of y = w x + b over (w, b) on a seeded synthetic data set, for (S)GD lessons."""
    n_samples = _integer("n_samples", n_samples, minimum=2)
    true_w = _real("true_w", true_w)
    true_b = _real("true_b", true_b)
    noise_std = _real("noise_std", noise_std, nonnegative=True)
    x_low, x_high = _interval("x_range", x_range)
    seed = _integer("seed", seed, minimum=0)

    rng = np.random.default_rng(seed)
    xs = rng.uniform(x_low, x_high, n_samples)
    ys = true_w * xs + true_b + rng.normal(0.0, noise_std, n_samples)
    xs.flags.writeable = False
    ys.flags.writeable = False

    solution = np.linalg.lstsq(np.column_stack([xs, np.ones(n_samples)]), ys, rcond=None)[0]
    residual = solution[0] * xs + solution[1] - ys
    min_value = float(np.mean(residual * residual))
    # The MSE is exactly min_value + d^T H d with d = (w, b) - solution, which stays accurate near the minimum.
    mean_x = float(np.mean(xs))
    mean_xx = float(np.mean(xs * xs))
    w_star, b_star = (float(s) for s in solution)

    def value(xy):
        dw = xy[..., 0] - w_star
        db = xy[..., 1] - b_star
        return min_value + mean_xx * (dw * dw) + (2.0 * mean_x) * (dw * db) + db * db

    def gradient(xy):
        dw = xy[..., 0] - w_star
        db = xy[..., 1] - b_star
        g = np.empty_like(xy)
        g[..., 0] = (2.0 * mean_xx) * dw + (2.0 * mean_x) * db
        g[..., 1] = (2.0 * mean_x) * dw + 2.0 * db
        return g

    def batch_gradient(xy, idx):
        bx = xs[idx]
        r = xy[..., 0, None] * bx + xy[..., 1, None] - ys[idx]
        g = np.empty_like(xy)
        g[..., 0] = 2.0 * np.mean(r * bx, axis=-1)
        g[..., 1] = 2.0 * np.mean(r, axis=-1)
        return g

    # Centre the view on a rounded solution, wide enough to include the default start (0, 0).
    cw, cb = (round(2.0 * c) / 2.0 for c in (w_star, b_star))
    half = max(3.0, math.ceil(3.0 * max(abs(cw), abs(cb))) / 2.0)
    return Landscape(
        name="linear_regression",
        title="Linear regression",
        latex=rf"\frac{{1}}{{{n_samples}}}\sum_{{i=1}}^{{{n_samples}}} (w\,x_i + b - y_i)^2",
        domain=((cw - half, cw + half), (cb - half, cb + half)),
        minima=_frozen([solution]),
        min_value=min_value,
        default_start=(0.0, 0.0),
        params={
            "n_samples": n_samples,
            "true_w": true_w,
            "true_b": true_b,
            "noise_std": noise_std,
            "x_range": [x_low, x_high],
            "seed": seed,
        },
        log_display=False,
        _value=value,
        _gradient=gradient,
        data=(xs, ys),
        _batch_gradient=batch_gradient,
    )


def custom(
    formula: str = "x**2 + 3*sin(y)",
    domain: Domain = ((-3.0, 3.0), (-3.0, 3.0)),
    start: tuple[float, float] | None = None,
) -> Landscape:
    """A user formula in x and y, parsed safely; its gradient is derived symbolically."""
    from gdanim.formula import compile_formula  # sympy is heavy: load it only for custom formulas

    if isinstance(domain, str) or not hasattr(domain, "__len__") or len(domain) != 2:
        raise ValueError(f"parameter 'domain' must be ((xmin, xmax), (ymin, ymax)), got {domain!r}")
    x_range, y_range = (_plot_interval(side) for side in domain)
    compiled = compile_formula(formula)
    params = {"formula": compiled.text, "domain": [list(x_range), list(y_range)]}
    if start is None:
        start = (x_range[0] + 0.25 * (x_range[1] - x_range[0]), y_range[0] + 0.75 * (y_range[1] - y_range[0]))
    else:
        if isinstance(start, str) or not hasattr(start, "__len__") or len(start) != 2:
            raise ValueError(f"parameter 'start' must be a point (x, y), got {start!r}")
        start = (_real("start", start[0]), _real("start", start[1]))
        if not (x_range[0] <= start[0] <= x_range[1] and y_range[0] <= start[1] <= y_range[1]):
            raise ValueError(f"parameter 'start' {start} must lie inside the domain {params['domain']}")
        params["start"] = list(start)
    return Landscape(
        name="custom",
        title="Custom",
        latex=compiled.latex,
        domain=(x_range, y_range),
        minima=NO_MINIMA,
        min_value=None,
        default_start=start,
        params=params,
        log_display=False,
        _value=compiled.value,
        _gradient=compiled.gradient,
    )


CUSTOM_EXTENT = 1e4  # a plot's axes, ticks and step sizes need sensible numbers
CUSTOM_MIN_WIDTH = 1e-3
FINITE_GRID = 33  # points per side where a landscape's value must be finite: odd, so 0 is among them


def _plot_interval(side) -> tuple[float, float]:
    """One side of a custom domain: a pair low < high within ±CUSTOM_EXTENT, not vanishingly narrow."""
    low, high = _interval("domain", side)
    if max(abs(low), abs(high)) > CUSTOM_EXTENT or high - low < CUSTOM_MIN_WIDTH:
        raise ValueError(f"parameter 'domain' sides must lie within ±{CUSTOM_EXTENT:g} and be at least "
                         f"{CUSTOM_MIN_WIDTH:g} wide, got {side!r}")
    return low, high


def require_finite(landscape: Landscape) -> Landscape:
    """``landscape`` if its value is finite across its plot and its gradient at its default start;
    an overflowing formula (exp(exp(exp(x)))) or parameter would otherwise plot and descend on inf/nan."""
    (x0, x1), (y0, y1) = landscape.domain
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, FINITE_GRID), np.linspace(y0, y1, FINITE_GRID)), axis=-1)
    fix = "change the formula or the domain" if landscape.name == "custom" else "change its parameters"
    try:
        with np.errstate(all="ignore"):
            values = landscape.value(grid)
            slope = landscape.gradient(np.asarray(landscape.default_start))
    except (ArithmeticError, TypeError, ValueError) as exc:  # overflowing or complex constants
        raise ValueError(f"landscape {landscape.name!r} has no real float value on its plot "
                         f"({type(exc).__name__}: {str(exc)[:60]}): {fix}") from None
    bad = ~np.isfinite(values)
    if bad.any():
        x, y = grid[bad][0]
        raise ValueError(f"landscape {landscape.name!r} is {values[bad][0]} at ({x:g}, {y:g}) of its plot, "
                         f"not a finite real number: {fix}")
    if not np.isfinite(slope).all():
        raise ValueError(f"landscape {landscape.name!r} has no finite gradient at its start "
                         f"{landscape.default_start}: {fix}")
    return landscape


LANDSCAPES: dict[str, Callable[..., Landscape]] = {
    "bowl": bowl,
    "valley": valley,
    "rosenbrock": rosenbrock,
    "himmelblau": himmelblau,
    "rastrigin": rastrigin,
    "saddle": saddle,
    "beale": beale,
    "booth": booth,
    "six_hump_camel": six_hump_camel,
    "ackley": ackley,
    "goldstein_price": goldstein_price,
    "linear_regression": linear_regression,
    "custom": custom,
}


def get_landscape(name: "str | Landscape", **params) -> Landscape:
    """Build a landscape by registry name with checked parameters (a Landscape passes through)."""
    if isinstance(name, Landscape):
        if params:
            raise ValueError("parameters cannot be applied to an already built Landscape")
        return name
    if not isinstance(name, str):
        raise ValueError(f"landscape must be a name or a Landscape, got {type(name).__name__}")
    if name not in LANDSCAPES:
        message = f"unknown landscape {name!r}; choose one of: {', '.join(sorted(LANDSCAPES))}"
        close = difflib.get_close_matches(name, LANDSCAPES, n=1)
        raise ValueError(message + (f"; did you mean {close[0]!r}?" if close else ""))
    factory = LANDSCAPES[name]
    valid = list(inspect.signature(factory).parameters)
    unknown = sorted(set(params) - set(valid))
    if unknown:
        accepted = f"valid parameters are: {', '.join(valid)}" if valid else "it takes no parameters"
        raise ValueError(f"unknown parameter(s) {', '.join(map(repr, unknown))} for landscape {name!r}; {accepted}")
    return require_finite(factory(**params))
