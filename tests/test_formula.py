"""Custom formulas stay bounded: size and nesting limits, constants and powers a float can hold,
values finite over the plot, refused fast with one line, and nothing in them ever runs."""

import math
import time

import numpy as np
import pytest

from gdanim.formula import MAX_DEPTH, MAX_NODES, compile_formula, parse_formula
from gdanim.landscapes import FINITE_GRID, get_landscape

# (payload, what the one-line refusal says): the overflow cases and their relatives
OVERFLOWS = [
    ("1e308*10", "beyond a float's range"),  # sympy holds 1e309 exactly; a float cannot
    ("10**400", "beyond a float's range"),
    ("9**9**9", "beyond a float's range"),
    ("9.0**9.0**9.0", "beyond a float's range"),
    ("1.5**1e300", "beyond a float's range"),
    ("x + " + "9" * 400, "beyond a float's range"),
    ("(x+1)**(10**400)", "beyond a float's range"),
    ("exp(exp(exp(x)))", "is inf at"),  # finite at x = -3, overflows inside the plot
    ("x**(10**10)", "is inf at"),
    ("e**e**e**e**e", "is inf at"),
    ("exp(10**300)", "is inf at"),
    ("pi**pi**pi**pi", "no real float value"),
    ("(-8)**(1/3)", "no real float value"),  # a complex constant
    ("1/x", "is inf at (0, "),  # the grid has an odd number of points: 0 is on it
    ("log(x)", "is nan at"),
    ("tan(pi/2)", "not finite and real"),
]

TOO_BIG = [
    "+".join(["x"] * 120),  # 239 nodes
    "x**" * 60 + "x",  # a power tower: sympy's printer recursed without end
    "-" * 200 + "x",
    "sin(" * 45 + "x" + ")" * 45,
]


def refusal(formula: str) -> tuple[str, float]:
    """The one-line message refusing ``formula`` and the CPU seconds it took."""
    start = time.process_time()
    with pytest.raises(ValueError) as excinfo:
        get_landscape("custom", formula=formula)
    return str(excinfo.value), time.process_time() - start


@pytest.mark.parametrize(("formula", "says"), OVERFLOWS)
def test_overflowing_constants_powers_and_values_are_refused_fast(formula, says):
    message, seconds = refusal(formula)
    assert says in message and "\n" not in message and len(message) < 300
    assert seconds < 1.0


@pytest.mark.parametrize("formula", TOO_BIG)
def test_size_and_nesting_are_limited(formula):
    message, seconds = refusal(formula)
    assert "too big" in message and f"at most {MAX_NODES} parts nested {MAX_DEPTH} deep" in message
    assert seconds < 1.0


def test_limits_leave_room_for_real_formulas():
    goldstein_price = ("(1 + (x + y + 1)**2 * (19 - 14*x + 3*x**2 - 14*y + 6*x*y + 3*y**2))"
                       " * (30 + (2*x - 3*y)**2 * (18 - 32*x + 12*x**2 + 48*y - 36*x*y + 27*y**2))")
    formula = compile_formula(goldstein_price)
    assert formula.value(np.array([0.0, -1.0])) == pytest.approx(3.0)
    assert get_landscape("custom", formula="+".join(["x"] * 30)).value((1.0, 0.0)) == 30.0
    assert compile_formula("2**1023").value(np.zeros(2)) == 2.0**1023  # the largest power of 2 a float holds


def test_huge_integers_evaluate_as_floats():
    """numpy takes integers past 64 bits as Python objects its functions refuse; the compiled
    formula gives it floats, while the formula's text keeps the exact number."""
    land = get_landscape("custom", formula="sin(10**300)*x + 10**30")
    assert land.value((1.0, 0.0)) == pytest.approx(math.sin(1e300) + 1e30)
    assert land.spec()["formula"].endswith("+ 1000000000000000000000000000000")


def test_the_whole_plot_is_checked_not_only_its_corners():
    """exp(exp(exp(x))) is finite at x = 2 and overflows before x = 3: the message names the first
    bad grid point, which lies inside the plot."""
    message, _ = refusal("exp(exp(exp(x)))")
    x = float(message.split(" at (")[1].split(",")[0])
    with np.errstate(over="ignore"):
        tower = np.exp(np.exp(np.exp([x - 6.0 / (FINITE_GRID - 1), x])))  # the grid point before, and x
    assert -3.0 < x < 3.0 and np.isfinite(tower[0]) and np.isinf(tower[1])
    narrow = get_landscape("custom", formula="exp(exp(exp(x)))", domain=((-3.0, 1.0), (-1.0, 1.0)))
    assert np.isfinite(narrow.value((1.0, 0.0)))


@pytest.mark.parametrize("domain", [((-1e300, 1e300), (0, 1)), ((0, 1e-9), (0, 1)), ((0, 1), (0, 2e4))])
def test_custom_domains_are_plottable(domain):
    with pytest.raises(ValueError, match="domain.*within ±10000.*0.001 wide"):
        get_landscape("custom", formula="x*y", domain=domain)


def test_nothing_in_a_formula_runs(tmp_path):
    marker = tmp_path / "ran"
    for payload in [f"__import__('pathlib').Path('{marker}').touch()", f"open('{marker}', 'w')",
                    "(lambda: 1)()", "x.__class__.__bases__", "[c for c in ()]"]:
        with pytest.raises(ValueError, match="not allowed"):
            parse_formula(payload)
    assert not marker.exists()


def test_echoed_text_is_cut_to_a_line():
    message, _ = refusal("(" * 150 + "x" + ")" * 150 + "+")
    assert "..." in message and len(message) < 200
