"""Absence risk factors: one row per factor with its adjusted rate ratio, 95 % CI and exposure counts.

A dbt Python model (dbt-duckdb runs it in-process) because the fit needs a statistics library that SQL
has not: statsmodels' Poisson GLM of absent days per pupil and quarter (int_pupil_absence_risk_quarters)
with log(school days) as offset, adjusted for grade, season (calendar quarter) and school year and for
the other factors at once, with standard errors clustered by school (robust to overdispersion and to
pupils of one school being alike). DuckDB-only: disabled on other targets (the yml says so).
Suppression and the published columns are applied by the mart (marts.absence_risk_factors).

DuckDB does the set work (counts, the cells the GLM fits, the changers' rows); pandas and statsmodels see
small frames only. The GLM fits pupil-quarters summed into cells of one school, season, grade and
covariate values: a sum of Poisson counts with one rate is Poisson with the summed offset, and scores
summed within a school are unchanged, so estimates and cluster-robust errors equal the pupil-level fit's.

school_change is the one factor that changes within a pupil, and only about 3 % of pupils change school:
between pupils, whose absence differs far more than any such effect, its interval is too wide to say
anything. So it is estimated within pupils (conditional Poisson, `conditional_poisson`: a pupil effect for
every pupil, each changer's quarters after the change against the same pupil's other quarters, adjusted for
grade, season, school year and the two sizes; everything constant about the pupil, the household
included, is adjusted for by design), with a sandwich variance clustered by pupil (a changer belongs to
two schools, so pupils, not schools, are the independent units here).

A factor the data cannot estimate - fewer than `min_n` pupils exposed or unexposed, a size that does not
vary, fewer than 2 schools, a change that coincides with the season - gets NULL figures (the mart
withholds it), so a small municipality builds instead of failing.
"""

import duckdb
import numpy as np
import pandas as pd
import statsmodels
from scipy import sparse

# the modules the fit uses, not statsmodels.api, which imports all of statsmodels: about 0.3 s less of
# every build that fits (docs/benchmarks.md)
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.tools import add_constant

BINARY = ("parents_apart", "parent_unknown", "no_parent_in_work", "school_change")
SIZES = ("school_size", "class_size")
FACTORS = (
    "parents_apart",
    "parent_unknown",
    "no_parent_in_work",
    "school_size",
    "class_size",
    "school_change",
)
# Adjusted for, not reported: grade, class type (special classes and special schools are small and
# gather pupils with learning difficulties, who are absent more), season and school year.
ADJUST = ("grade", "class_type", "calendar_quarter", "school_year")
Z95 = 1.959963984540054
MIN_CLUSTERS = 2  # cluster-robust errors need more than one school


def _method(n_schools: int, n_rows: int) -> str:
    return (
        f"Poisson-GLM (statsmodels {statsmodels.__version__}) af fraværsdage pr. elev og kvartal med "
        "log(skoledage) som offset; justeret for klassetrin, klassetype, årstid (kvartal), skoleår og de "
        f"øvrige faktorer; klyngerobuste standardfejl pr. skole ({n_schools} skoler, {n_rows} elevkvartaler)"
    )


def _within_method(n_pupils: int, n_rows: int) -> str:
    return (
        "Betinget Poisson-model (maksimum-likelihood, Newtons metode) inden for eleven: elevens kvartaler "
        "efter et skoleskift mod samme elevs andre kvartaler, log(skoledage) som offset; justeret for "
        "klassetrin, klassetype, årstid (kvartal), skoleår, skole- og klassestørrelse og alt, der er fast "
        f"for eleven (fx husstanden); robuste standardfejl pr. elev ({n_pupils} elever, der skiftede skole, "
        f"{n_rows} elevkvartaler)"
    )


def _ci(beta: float, se: float) -> tuple[float, float, float] | None:
    if not (np.isfinite(beta) and np.isfinite(se)):
        return None
    return float(np.exp(beta)), float(np.exp(beta - Z95 * se)), float(np.exp(beta + Z95 * se))


def _dummies(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.get_dummies(frame[list(ADJUST)].astype(str), drop_first=True, dtype=float)


def _marginal(cells: pd.DataFrame, factors: list[str]) -> dict[str, tuple[float, float, float]]:
    """The Poisson GLM on the summed cells, clustered by school."""
    exog = add_constant(pd.concat([cells[factors], _dummies(cells)], axis=1), has_constant="add")
    result = GLM(
        cells["absent_days"], exog, family=families.Poisson(), offset=np.log(cells["school_days"])
    ).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(cells["school_id"])[0]})
    out = {}
    for factor in factors:
        estimate = _ci(float(result.params[factor]), float(result.bse[factor]))
        if estimate:
            out[factor] = estimate
    return out


def conditional_poisson(
    y: np.ndarray, x: np.ndarray, groups: np.ndarray, offset: np.ndarray, tol: float = 1e-12
) -> tuple[np.ndarray, np.ndarray]:
    """(coefficients, covariance clustered by group) of the conditional Poisson model: within each group
    (codes 0..G-1) the counts are multinomial given their sum, with shares p_j proportional to
    exp(x_j b + offset_j), so every group-level constant drops out. statsmodels' ConditionalPoisson maximises
    the same likelihood with a Python loop over the groups per iteration (seconds at Copenhagen's ~5,700
    changers); here each Newton step is a handful of array sums. A group whose counts sum to 0 carries no
    information and adds nothing to any sum. Without convergence the figures are NaN (withheld), not a
    guess.
    Score: sum_j x_j (y_j - n_g p_j); Hessian: -sum_g n_g (sum_j p_j x_j x_j' - m_g m_g') with
    m_g = sum_j p_j x_j; covariance H^-1 (sum over groups of score_g score_g') H^-1."""
    n_groups = int(groups.max()) + 1
    indicator = sparse.csr_matrix((np.ones(len(y)), (groups, np.arange(len(y)))), shape=(n_groups, len(y)))
    total = indicator @ y

    def parts(params: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        eta = x @ params + offset
        top = np.full(n_groups, -np.inf)
        np.maximum.at(top, groups, eta)
        e = np.exp(eta - top[groups])  # shifted per group: the shares are unchanged and exp cannot overflow
        denominator = indicator @ e
        share = e / denominator[groups]
        loglike = float(y @ (eta - top[groups] - np.log(denominator[groups])))
        resid = y - total[groups] * share
        weighted_mean = indicator @ (share[:, None] * x)
        weighted = (total[groups] * share)[:, None] * x
        hessian = -(x.T @ weighted - weighted_mean.T @ (total[:, None] * weighted_mean))
        return loglike, resid, hessian

    params = np.zeros(x.shape[1])
    loglike, resid, hessian = parts(params)
    for _ in range(100):
        step = np.linalg.lstsq(-hessian, x.T @ resid, rcond=None)[0]
        for _ in range(30):  # halve the step until the likelihood does not fall
            new = parts(params + step)
            if new[0] >= loglike - 1e-12 * abs(loglike):
                break
            step /= 2
        params = params + step
        gain = new[0] - loglike
        loglike, resid, hessian = new
        # on the likelihood, not the steps: a nuisance dummy whose category has no absence at all drifts
        # towards -inf without changing the fit (or school_change's estimate)
        if gain < tol * (1 + abs(loglike)):
            break
    else:
        return np.full(x.shape[1], np.nan), np.full((x.shape[1], x.shape[1]), np.nan)
    scores = indicator @ (x * resid[:, None])
    bread = np.linalg.pinv(-hessian)
    return params, bread @ (scores.T @ scores) @ bread


def _within_school_change(d: pd.DataFrame) -> tuple[float, float, int, int] | None:
    """(coefficient, standard error, pupils, rows) of school_change from a conditional Poisson model on
    the pupils whose school_change varies (the only ones informative for it within pupils)."""
    if d["child_key"].nunique() < 2:
        return None
    exog = pd.concat([d[["school_change", *SIZES]], _dummies(d)], axis=1)
    exog = exog.loc[:, exog.std() > 0]
    groups = pd.factorize(d["child_key"])[0]
    # Identified only if school_change is not a combination of the other columns within pupils.
    # (Ranks of the small cross-product matrix: the same rank as the tall one, far cheaper.)
    within = (exog - exog.groupby(groups).transform("mean")).to_numpy()
    gram = within.T @ within
    k = list(exog.columns).index("school_change")
    others = np.delete(np.delete(gram, k, axis=0), k, axis=1)
    if np.linalg.matrix_rank(gram) <= (np.linalg.matrix_rank(others) if others.size else 0):
        return None
    x, y = exog.to_numpy(dtype=float), d["absent_days"].to_numpy(dtype=float)
    params, cov = conditional_poisson(y, x, groups, np.log(d["school_days"].to_numpy(dtype=float)))
    return float(params[k]), float(np.sqrt(cov[k, k])), int(d["child_key"].nunique()), len(d)


def fit(obs: duckdb.DuckDBPyRelation, school_unit: float, class_unit: float, min_n: int = 5) -> pd.DataFrame:
    """The fits on complete observations; one row per factor of FACTORS, NULL figures where not estimable."""
    complete = " and ".join(f"{c} is not null" for c in (*BINARY, "school_pupils", "class_pupils", "grade"))
    used = obs.filter(f"{complete} and school_days > 0").project(
        "child_key, school_id, school_year, calendar_quarter, grade, "
        "coalesce(class_type, 'normal') as class_type, absent_days, school_days, "
        + ", ".join(f"cast({f} as double) as {f}" for f in BINARY)
        + f", school_pupils / {school_unit} as school_size, class_pupils / {class_unit} as class_size"
    )
    pupils = "count(distinct child_key)"
    pupil_years = "count(distinct (child_key, school_id, school_year))"
    counts = used.query(
        "used",
        "select "
        + ", ".join(
            f"{pupils} filter (where {f} = 1), {pupils} filter (where {f} = 0), "
            f"{pupil_years} filter (where {f} = 1), count(distinct {f})"
            for f in BINARY
        )
        + f", {pupils}, {pupil_years}, count(distinct school_size), count(distinct class_size), "
        "count(distinct school_id), count(*) from used",
    ).fetchone()
    everyone, all_years, n_school_sizes, n_class_sizes, n_schools, n_rows = counts[4 * len(BINARY) :]
    exposure = {f: counts[4 * i : 4 * i + 3] for i, f in enumerate(BINARY)}
    exposure.update({f: (everyone, everyone, all_years) for f in SIZES})
    varies = {f: counts[4 * i + 3] > 1 for i, f in enumerate(BINARY)}
    varies.update({"school_size": n_school_sizes > 1, "class_size": n_class_sizes > 1})
    estimable = [
        f for f in FACTORS if min(exposure[f][:2]) >= min_n and varies[f] and n_schools >= MIN_CLUSTERS
    ]
    estimates: dict[str, tuple[float, float, float]] = {}
    methods = {f: _method(n_schools, n_rows) for f in FACTORS}
    marginal = [f for f in estimable if f != "school_change"]
    if marginal:
        cells = used.query(
            "used",
            f"select school_id, {', '.join(ADJUST)}, {', '.join(marginal)}, "
            "sum(absent_days)::double as absent_days, sum(school_days)::double as school_days "
            "from used group by all order by all",
        ).df()
        estimates.update(_marginal(cells, marginal))
    if "school_change" in estimable:
        changers = used.query(
            "used",
            "select * from used where child_key in "
            "(select child_key from used group by child_key having count(distinct school_change) > 1) "
            "order by child_key, school_id, school_year, calendar_quarter",
        ).df()
        within = _within_school_change(changers)
        if within is not None and (estimate := _ci(*within[:2])):
            estimates["school_change"] = estimate
            methods["school_change"] = _within_method(*within[2:])
    units = {"school_size": f"pr. {school_unit:g} elever", "class_size": f"pr. {class_unit:g} elever"}
    rows = []
    for factor in FACTORS:
        rate_ratio, ci_low, ci_high = estimates.get(factor, (None, None, None))
        exposed, unexposed, years = exposure[factor]
        rows.append(
            {
                "factor": factor,
                "unit": units.get(factor, "ja/nej"),
                "rate_ratio": rate_ratio,
                "ci_low": ci_low,
                "ci_high": ci_high,
                "pupils_exposed": int(exposed),
                "pupils_unexposed": int(unexposed),
                "pupil_years": int(years),
                "method": methods[factor],
            }
        )
    return pd.DataFrame(rows).astype({"rate_ratio": float, "ci_low": float, "ci_high": float})


def model(dbt, session):
    dbt.config(materialized="table")
    return fit(
        dbt.ref("int_pupil_absence_risk_quarters"),
        float(dbt.config.get("school_size_unit")),
        float(dbt.config.get("class_size_unit")),
        int(dbt.config.get("suppression_min_n")),
    )
