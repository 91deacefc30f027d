"""Values, analytic gradients, minima and safety of the landscape catalog."""

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest

from gdanim.landscapes import LANDSCAPES, Landscape, _sin_hav, get_landscape

CUSTOM_FORMULAS = ["x**2 + 3*sin(y)", "exp(-x**2) * cos(y) + 0.1*y**2", "sqrt(x**2 + y**2 + 1)"]

# Every registry entry with its defaults, plus non-default parameters and several custom formulas.
CASES = {name: {} for name in LANDSCAPES} | {
    "valley_k3": {"name": "valley", "k": 3.0},
    "rosenbrock_a-0.5_b20": {"name": "rosenbrock", "a": -0.5, "b": 20.0},
    "rastrigin_A3": {"name": "rastrigin", "A": 3.0},
    "ackley_a5_b0.5_c3": {"name": "ackley", "a": 5.0, "b": 0.5, "c": 3.0},
    "linear_regression_seed7": {"name": "linear_regression", "seed": 7, "n_samples": 20, "x_range": [0.0, 4.0]},
    **{f"custom:{f}": {"name": "custom", "formula": f} for f in CUSTOM_FORMULAS},
}


def build(case: str) -> Landscape:
    params = dict(CASES[case])
    return get_landscape(params.pop("name", case), **params)


def random_points(landscape: Landscape, n: int, seed: int = 0) -> np.ndarray:
    (x0, x1), (y0, y1) = landscape.domain
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def cases_with_minima():
    return [case for case in CASES if len(build(case).minima)]


def test_registry_has_every_required_landscape():
    required = {
        "bowl", "valley", "rosenbrock", "himmelblau", "rastrigin", "saddle", "beale", "booth",
        "six_hump_camel", "ackley", "goldstein_price", "linear_regression", "custom",
    }
    assert set(LANDSCAPES) == required


@pytest.mark.parametrize("case", CASES)
def test_gradient_matches_central_differences(case):
    landscape = build(case)
    points = random_points(landscape, 200)
    h = 1e-6 * np.maximum(1.0, np.abs(points))
    fd = np.empty_like(points)
    for axis in range(2):
        step = np.zeros_like(points)
        step[:, axis] = h[:, axis]
        fd[:, axis] = (landscape.value(points + step) - landscape.value(points - step)) / (2 * h[:, axis])
    analytic = landscape.gradient(points)
    # Round-off of a central difference is ~ eps |f| / h, so the absolute floor scales with |f|.
    floor = 1e-7 * np.maximum(1.0, np.abs(landscape.value(points)))[:, None]
    assert np.all(np.abs(analytic - fd) <= 1e-5 * np.abs(fd) + floor)


@pytest.mark.parametrize("case", cases_with_minima())
def test_documented_minima_are_minima(case):
    landscape = build(case)
    minima = landscape.minima
    assert minima.dtype == np.float64 and minima.ndim == 2 and minima.shape[1] == 2
    np.testing.assert_allclose(landscape.value(minima), landscape.min_value, rtol=0, atol=1e-12)
    gradients = landscape.gradient(minima)
    assert np.all(np.linalg.norm(gradients, axis=-1) < 1e-8)
    # A Newton step (Hessian from differences of the analytic gradient) must not move the point.
    h = 1e-5
    for minimum, gradient in zip(minima, gradients):
        hessian = np.column_stack(
            [(landscape.gradient(minimum + h * e) - landscape.gradient(minimum - h * e)) / (2 * h) for e in np.eye(2)]
        )
        assert np.linalg.norm(np.linalg.solve(hessian, gradient)) < 1e-11
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    ring = 1e-3 * np.column_stack([np.cos(angles), np.sin(angles)])
    for minimum in minima:
        assert np.all(landscape.value(minimum + ring) > landscape.min_value)


@pytest.mark.parametrize("case", cases_with_minima())
def test_minima_are_global_on_the_domain(case):
    landscape = build(case)
    (x0, x1), (y0, y1) = landscape.domain
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 301), np.linspace(y0, y1, 301)), axis=-1)
    assert landscape.value(grid).min() >= landscape.min_value - 1e-9
    inside = (x0 <= landscape.minima[:, 0]) & (landscape.minima[:, 0] <= x1)
    inside &= (y0 <= landscape.minima[:, 1]) & (landscape.minima[:, 1] <= y1)
    assert inside.all()


@pytest.mark.parametrize("case", CASES)
def test_metadata_is_consistent(case):
    landscape = build(case)
    (x0, x1), (y0, y1) = landscape.domain
    assert x0 < x1 and y0 < y1
    sx, sy = landscape.default_start
    assert x0 <= sx <= x1 and y0 <= sy <= y1
    assert np.linalg.norm(landscape.gradient(landscape.default_start)) > 1e-3
    assert (landscape.min_value is None) == (len(landscape.minima) == 0)
    if landscape.min_value is not None:
        assert landscape.value(landscape.default_start) > landscape.min_value + 1e-3
    assert landscape.latex and landscape.name in LANDSCAPES
    spec = landscape.spec()
    assert json.loads(json.dumps(spec)) == spec
    rebuilt = get_landscape(**spec)
    assert rebuilt.spec() == spec
    points = random_points(landscape, 50, seed=1)
    np.testing.assert_array_equal(rebuilt.value(points), landscape.value(points))


def test_log_display_only_for_huge_value_ranges():
    assert {name for name in LANDSCAPES if get_landscape(name).log_display} == {
        "rosenbrock", "beale", "goldstein_price",
    }


def test_saddle_has_no_minima():
    saddle = get_landscape("saddle")
    assert saddle.minima.shape == (0, 2) and saddle.min_value is None
    assert abs(saddle.default_start[1]) < 0.01 * abs(saddle.default_start[0])


@pytest.mark.parametrize("case", CASES)
def test_any_leading_shape(case):
    landscape = build(case)
    points = random_points(landscape, 12, seed=2)
    per_point_values = np.array([landscape.value(p) for p in points])
    per_point_gradients = np.array([landscape.gradient(p) for p in points])
    assert np.shape(landscape.value(points[0])) == ()
    assert landscape.gradient(points[0]).shape == (2,)
    assert landscape.value(points).shape == (12,)
    assert landscape.gradient(points).shape == (12, 2)
    grid = points.reshape(3, 4, 2)
    np.testing.assert_allclose(landscape.value(grid), per_point_values.reshape(3, 4), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(landscape.gradient(grid), per_point_gradients.reshape(3, 4, 2), rtol=1e-13, atol=1e-13)
    assert landscape.value(points.tolist()).dtype == np.float64


def test_bad_point_shape_is_rejected():
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        get_landscape("bowl").value(np.zeros((4, 3)))


@pytest.mark.parametrize(
    ("name", "point", "value", "gradient"),
    [
        ("rosenbrock", (0.0, 0.0), 1.0, (-2.0, 0.0)),
        ("rosenbrock", (1.0, 1.0), 0.0, (0.0, 0.0)),
        ("rosenbrock", (-1.0, 2.0), 104.0, (396.0, 200.0)),
        ("himmelblau", (0.0, 0.0), 170.0, (-14.0, -22.0)),
        ("himmelblau", (1.0, 1.0), 106.0, (-46.0, -38.0)),
        ("booth", (0.0, 0.0), 74.0, (-34.0, -38.0)),
        ("booth", (1.0, 1.0), 20.0, (-16.0, -20.0)),
        ("bowl", (1.0, -2.0), 5.0, (2.0, -4.0)),
        ("valley", (1.0, 1.0), 11.0, (2.0, 20.0)),
        ("saddle", (1.0, 2.0), -3.0, (2.0, -4.0)),
        ("goldstein_price", (0.0, 0.0), 600.0, (720.0, 720.0)),
    ],
)
def test_hand_computed_values(name, point, value, gradient):
    landscape = get_landscape(name)
    assert landscape.value(point) == pytest.approx(value, abs=1e-12)
    np.testing.assert_allclose(landscape.gradient(point), gradient, atol=1e-12)


def test_ackley_gradient_at_origin_is_zero_without_warnings():
    ackley = get_landscape("ackley")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gradient = ackley.gradient(np.zeros((3, 2)))
        value = ackley.value((0.0, 0.0))
    np.testing.assert_array_equal(gradient, 0.0)
    assert abs(value) < 1e-12


def test_sin_hav_matches_numpy_trigonometry():
    theta = np.concatenate([np.random.default_rng(6).uniform(-200, 200, 100_000), [0.0, np.pi, -np.pi, 1e-9]])
    sin, hav = _sin_hav(theta, 1.0)
    np.testing.assert_allclose(sin, np.sin(theta), rtol=1e-15, atol=3e-16)
    np.testing.assert_allclose(hav, np.sin(theta / 2) ** 2, rtol=2e-15, atol=0)


def test_linear_regression_data_is_seeded():
    first, again, other = (get_landscape("linear_regression", seed=s) for s in (0, 0, 1))
    np.testing.assert_array_equal(first.data[0], again.data[0])
    np.testing.assert_array_equal(first.data[1], again.data[1])
    assert not np.allclose(first.data[0], other.data[0])
    assert first.n_samples == 50 and len(first.data[1]) == 50
    assert get_landscape("bowl").n_samples == 0 and get_landscape("bowl").data is None


def test_linear_regression_value_and_gradient_match_the_samples():
    landscape = get_landscape("linear_regression")
    x, y = landscape.data
    points = random_points(landscape, 25, seed=3)
    w, b = points[:, :1], points[:, 1:]
    residual = w * x + b - y
    np.testing.assert_allclose(landscape.value(points), np.mean(residual**2, axis=1), rtol=1e-12)
    per_sample = np.stack([2 * residual * x, 2 * residual], axis=-1)
    np.testing.assert_allclose(landscape.gradient(points), per_sample.mean(axis=1), rtol=1e-10, atol=1e-12)
    all_indices = np.broadcast_to(np.arange(landscape.n_samples), (len(points), landscape.n_samples))
    np.testing.assert_allclose(landscape.batch_gradient(points, all_indices), landscape.gradient(points), rtol=1e-10, atol=1e-12)


def test_linear_regression_batch_gradient_uses_each_runs_samples():
    landscape = get_landscape("linear_regression")
    x, y = landscape.data
    points = random_points(landscape, 6, seed=4)
    idx = np.random.default_rng(5).integers(0, landscape.n_samples, size=(6, 8))
    expected = []
    for (w, b), rows in zip(points, idx):
        r = w * x[rows] + b - y[rows]
        expected.append([2 * np.mean(r * x[rows]), 2 * np.mean(r)])
    np.testing.assert_allclose(landscape.batch_gradient(points, idx), expected, rtol=1e-12)
    single = landscape.batch_gradient(points, idx[:, :1])
    r = points[:, 0] * x[idx[:, 0]] + points[:, 1] - y[idx[:, 0]]
    np.testing.assert_allclose(single, np.column_stack([2 * r * x[idx[:, 0]], 2 * r]), rtol=1e-12)
    with pytest.raises(ValueError, match="idx"):
        landscape.batch_gradient(points, idx[:3])


def test_batch_gradient_needs_data():
    with pytest.raises(ValueError, match="no data samples"):
        get_landscape("rosenbrock").batch_gradient(np.zeros((2, 2)), np.zeros((2, 1), dtype=int))


def test_linear_regression_minimum_is_the_least_squares_fit():
    landscape = get_landscape("linear_regression", seed=3)
    x, y = landscape.data
    w, b = np.polyfit(x, y, 1)
    np.testing.assert_allclose(landscape.minima, [[w, b]], rtol=1e-10)
    assert landscape.min_value == pytest.approx(np.mean((w * x + b - y) ** 2), rel=1e-12)


@pytest.mark.parametrize(
    "formula",
    [
        "__import__('os').system('echo hi')",
        "x.__class__",
        "(lambda: 1)()",
        "open('f')",
        "x if y else 1",
        '"abc"',
        "z + 1",
        "sin(x, y)",
        "sin(x=1)",
        "x[0]",
        "x < y",
        "x ^ 2",
        "9**9**9",
        "1/0",
        "sqrt(-1)",
        "x +",
        "True",
    ],
)
def test_custom_rejects_unsafe_or_invalid_formulas(formula):
    with pytest.raises(ValueError) as excinfo:
        get_landscape("custom", formula=formula)
    message = str(excinfo.value)
    assert "formula" in message and "\n" not in message


@pytest.mark.parametrize(
    ("formula", "culprit"),
    [("__import__('os').system('echo hi')", "__import__"), ("x.__class__", "attribute"), ("z + 1", "'z'")],
)
def test_custom_error_names_the_culprit_and_the_whitelist(formula, culprit):
    with pytest.raises(ValueError, match="not allowed") as excinfo:
        get_landscape("custom", formula=formula)
    assert culprit in str(excinfo.value) and "sin" in str(excinfo.value) and "**" in str(excinfo.value)


@pytest.mark.parametrize(("formula", "gradient"), [("x + 2*y", (1.0, 2.0)), ("3", (0.0, 0.0)), ("x**2 + 5", None)])
def test_custom_constant_parts_broadcast(formula, gradient):
    landscape = get_landscape("custom", formula=formula)
    points = np.ones((3, 4, 2))
    assert landscape.value(points).shape == (3, 4)
    result = landscape.gradient(points)
    assert result.shape == (3, 4, 2)
    if gradient is not None:
        np.testing.assert_array_equal(result, np.broadcast_to(gradient, (3, 4, 2)))


def test_custom_spec_normalises_and_round_trips():
    landscape = get_landscape("custom", formula=" sqrt(x**2) + e*pi + arctan(y)", domain=((-1, 2), (0, 5)))
    assert landscape.spec() == {"name": "custom", "formula": "Abs(x) + atan(y) + E*pi", "domain": [[-1.0, 2.0], [0.0, 5.0]]}
    assert landscape.minima.shape == (0, 2) and landscape.min_value is None
    assert landscape.latex == r"\left|{x}\right| + \operatorname{atan}{\left(y \right)} + e \pi"
    again = get_landscape(**landscape.spec())
    assert again.spec() == landscape.spec()
    assert again.value((1.0, 1.0)) == pytest.approx(1.0 + np.pi / 4 + np.e * np.pi)


def test_custom_start_is_checked_and_recorded():
    landscape = get_landscape("custom", formula="x*y", start=(0.5, -0.5))
    assert landscape.default_start == (0.5, -0.5)
    assert landscape.spec()["start"] == [0.5, -0.5]
    with pytest.raises(ValueError, match="inside the domain"):
        get_landscape("custom", formula="x*y", start=(10, 0))


def test_unknown_name_lists_choices_and_suggests():
    with pytest.raises(ValueError) as excinfo:
        get_landscape("rosenbrok")
    message = str(excinfo.value)
    assert "unknown landscape 'rosenbrok'" in message
    assert ", ".join(sorted(LANDSCAPES)) in message
    assert "did you mean 'rosenbrock'?" in message
    with pytest.raises(ValueError, match="choose one of") as excinfo:
        get_landscape("qqqq")
    assert "did you mean" not in str(excinfo.value)


def test_unknown_parameter_names_the_valid_ones():
    with pytest.raises(ValueError, match=r"'c'.*'rosenbrock'.*valid parameters are: a, b"):
        get_landscape("rosenbrock", c=1.0)
    with pytest.raises(ValueError, match="takes no parameters"):
        get_landscape("bowl", k=1.0)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("rosenbrock", {"b": "100"}),
        ("valley", {"k": -1.0}),
        ("valley", {"k": True}),
        ("ackley", {"a": float("nan")}),
        ("ackley", {"c": 0.0}),
        ("linear_regression", {"n_samples": 2.5}),
        ("linear_regression", {"x_range": (3.0, 1.0)}),
        ("custom", {"domain": "big"}),
        ("custom", {"formula": 3}),
    ],
)
def test_bad_parameter_values(name, params):
    with pytest.raises(ValueError):
        get_landscape(name, **params)


def test_existing_landscape_passes_through():
    landscape = get_landscape("booth")
    assert get_landscape(landscape) is landscape
    with pytest.raises(ValueError):
        get_landscape(landscape, k=1.0)


def test_landscape_arrays_are_read_only():
    landscape = get_landscape("linear_regression")
    for array in (landscape.minima, *landscape.data):
        with pytest.raises(ValueError):
            array[0] = 0.0


def test_importing_landscapes_stays_numpy_only():
    code = "import gdanim.landscapes, sys; assert 'sympy' not in sys.modules and 'manim' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
