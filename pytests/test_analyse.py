"""The pieces of `boernedata analyse` and of the risk-factor fit that need no pipeline: the suppression of
the segment table (no withheld count follows from a row or column sum), and the GLM recovering rate
ratios planted in simulated data (and staying up when the data cannot estimate a factor)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from boernedata.analyse import suppression

MODEL = (
    Path(__file__).resolve().parent.parent
    / "models/intermediate/early_warning/int_absence_risk_factor_estimates.py"
)


def _model():
    spec = importlib.util.spec_from_file_location("int_absence_risk_factor_estimates", MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fit(obs: pd.DataFrame, min_n: int = 5) -> pd.DataFrame:
    """The model's fit() on a DuckDB relation of the frame, as dbt hands it the observations."""
    module = _model()
    con = duckdb.connect()
    con.register("obs", obs)
    return module.fit(con.table("obs"), 100, 5, min_n).set_index("factor")


def _relations_hold(grid: np.ndarray, reason: np.ndarray) -> list[str]:
    rows, cols = grid.shape[0] - 1, grid.shape[1] - 1
    problems = []
    for parts, total in suppression._relations(rows, cols):
        hidden = [p for p in [*parts, total] if reason[p]]
        if not hidden:
            continue
        hidden_sum = sum(grid[p] for p in parts if reason[p])
        if len(hidden) < 2:
            problems.append(f"{total}: one withheld entry alone")
        elif not reason[total] and hidden_sum < 5 and any(not reason[p] for p in parts):
            problems.append(f"{total}: withheld parts cover {hidden_sum} < 5")
    return problems


def test_suppression_worked_example():
    # School A: 6, 2, 0 (total 8); school B: 7, 5, 1 (13); school C: 9, 6, 5 (20).
    grid = suppression.with_totals(np.array([[6, 2, 0], [7, 5, 1], [9, 6, 5]]))
    reason = suppression.suppress(grid)
    # primary: A's 2 and B's 1; row A needs a second: its smallest non-zero other, 6 (zeros add no
    # cover); row B: the 1 and its smallest other, 5 (cover 6); column 3: B's 1 alone -> C's 5;
    # column 1: A's 6 alone -> B's 7 (smallest); column 2: A's 2 + B's 5 = 7 already two; row C: its
    # 5 alone -> its 6; column 2 then has 2 + 5 + 6; row B: 7, 5, 1 all hidden with the total shown.
    assert reason[0, 1] == "n_lt_5" and reason[1, 2] == "n_lt_5"
    assert reason[0, 0] == "complementary" and reason[0, 2] == ""
    assert not _relations_hold(grid, reason)
    assert grid[-1, -1] == 41 and reason[-1, -1] == ""


@pytest.mark.parametrize("seed", range(30))
def test_suppression_leaves_no_sum_with_one_withheld_entry(seed):
    rng = np.random.default_rng(seed)
    counts = rng.poisson(rng.uniform(0.5, 12), (rng.integers(1, 9), 5))
    grid = suppression.with_totals(counts)
    reason = suppression.suppress(grid)
    assert all(reason[p] for p in zip(*np.nonzero((grid > 0) & (grid < 5)), strict=True))
    assert not _relations_hold(grid, reason)


def test_one_school_with_one_pupil_is_withheld_whole():
    grid = suppression.with_totals(np.array([[0, 1, 0, 0, 0]]))
    reason = suppression.suppress(grid)
    assert reason[0, 1] and reason[0, -1] and reason[-1, 1] and reason[-1, -1]


def _simulated(rng, n_pupils=3000, schools=20):
    pupil = np.arange(n_pupils)
    school = rng.integers(0, schools, n_pupils)
    apart = rng.random(n_pupils) < 0.3
    unknown, no_work, change = rng.random((3, n_pupils)) < [[0.05], [0.05], [0.03]]
    changed_before = rng.integers(2, 5, n_pupils)  # a changer's first quarter at the new school
    frailty = rng.gamma(2.0, 0.5, n_pupils)  # overdispersion between pupils
    size = 200 + 40 * (school % 5)
    rows = []
    for quarter in (1, 2, 3, 4):
        days = np.where(quarter == 3, 40, 60)
        rate = 0.05 * frailty * np.where(apart, 1.6, 1.0) * (1.2 if quarter == 1 else 1.0)
        rows.append(
            pd.DataFrame(
                {
                    "child_key": pupil.astype(str),
                    "school_id": school.astype(str),
                    "school_year": "2025/26",
                    "quarter_id": f"Q{quarter}",
                    "calendar_quarter": quarter,
                    "school_days": days,
                    "absent_days": rng.poisson(rate * days),
                    "grade": pupil % 10,
                    "class_type": np.where(pupil % 50 == 0, "special", "normal"),
                    "parents_apart": apart,
                    "parent_unknown": unknown,
                    "no_parent_in_work": no_work,
                    "school_pupils": size,
                    "class_pupils": 18 + pupil % 8,
                    "school_change": change & (quarter >= changed_before),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_fit_recovers_a_planted_rate_ratio():
    obs = _simulated(np.random.default_rng(5))
    out = _fit(obs)
    assert list(out.index) == [
        "parents_apart",
        "parent_unknown",
        "no_parent_in_work",
        "school_size",
        "class_size",
        "school_change",
    ]
    apart = out.loc["parents_apart"]
    assert apart.ci_low <= 1.6 <= apart.ci_high and abs(apart.rate_ratio / 1.6 - 1) < 0.1
    for factor in ("parent_unknown", "no_parent_in_work", "class_size", "school_change"):
        assert 0.75 <= out.loc[factor].rate_ratio <= 1.33, factor
        assert out.loc[factor].ci_low < out.loc[factor].rate_ratio < out.loc[factor].ci_high, factor
    assert out.loc["parents_apart"].pupils_exposed == obs.loc[obs.parents_apart, "child_key"].nunique()
    assert "statsmodels" in apart.method and "20 skoler" in apart.method


def test_fit_leaves_out_what_it_cannot_estimate():
    obs = _simulated(np.random.default_rng(6), n_pupils=300)
    obs["parent_unknown"] = False  # nobody exposed
    obs.loc[obs.child_key.isin(["1", "2"]), "school_change"] = True  # 2 pupils exposed
    obs.loc[~obs.child_key.isin(["1", "2"]), "school_change"] = False
    obs["school_pupils"] = 250  # does not vary
    out = _fit(obs)
    for factor in ("parent_unknown", "school_change", "school_size"):
        assert np.isnan(out.loc[factor].rate_ratio), factor
    assert out.loc["parent_unknown"].pupils_exposed == 0
    assert out.loc["school_change"].pupils_exposed == 2
    assert np.isfinite(out.loc["parents_apart"].rate_ratio)
    one_school = _fit(obs.assign(school_id="S1"))
    assert one_school.rate_ratio.isna().all()
    # a change that coincides with the season (every changer from the third quarter) is not estimable
    collinear = _simulated(np.random.default_rng(7), n_pupils=600)
    collinear["school_change"] = collinear.child_key.astype(int) % 10 == 0
    collinear["school_change"] &= collinear.calendar_quarter >= 3
    out = _fit(collinear)
    assert np.isnan(out.loc["school_change"].rate_ratio) and np.isfinite(out.loc["parents_apart"].rate_ratio)


def test_conditional_poisson_equals_statsmodels():
    """The vectorised conditional Poisson gives statsmodels' ConditionalPoisson estimates and, with its
    Hessian, the same pupil-clustered sandwich; groups whose counts are all 0 change nothing (statsmodels
    drops every group with constant counts; here none but the all-zero ones are constant)."""
    from statsmodels.discrete.conditional_models import ConditionalPoisson

    rng = np.random.default_rng(11)
    groups = np.repeat(np.arange(400), 6)
    x = np.column_stack([rng.random(len(groups)) < 0.4, rng.normal(size=len(groups))]).astype(float)
    offset = np.log(rng.integers(40, 61, len(groups)).astype(float))
    frailty = rng.gamma(2.0, 0.5, 400)[groups]
    y = rng.poisson(0.05 * frailty * np.exp(x @ [0.3, -0.2] + offset)).astype(float)
    y[groups < 20] = 0  # twenty pupils never absent
    constant = pd.Series(y).groupby(groups).transform("std").to_numpy() == 0
    assert constant[groups < 20].all() and (y[constant] == 0).all()
    params, cov = _model().conditional_poisson(y, x, groups, offset)
    reference = ConditionalPoisson(y, x, groups=groups, offset=offset)
    expected = reference.fit(method="newton", gtol=1e-12, maxiter=100, disp=False).params
    np.testing.assert_allclose(params, expected, rtol=1e-8)
    e = np.exp(x @ params + offset)
    share = e / pd.Series(e).groupby(groups).transform("sum").to_numpy()
    resid = y - pd.Series(y).groupby(groups).transform("sum").to_numpy() * share
    scores = pd.DataFrame(x * resid[:, None]).groupby(groups).sum().to_numpy()
    bread = np.linalg.inv(-reference.hessian(params))  # statsmodels differentiates its score numerically
    np.testing.assert_allclose(cov, bread @ scores.T @ scores @ bread, rtol=1e-4)
    assert 0.1 < params[0] < 0.5 and np.all(np.diag(cov) > 0)
