"""Absence risk factors: one row per factor with its adjusted rate ratio, 95 % CI and exposure counts.

A dbt Python model (dbt-duckdb runs it in-process) because the fit needs a statistics library that SQL
has not: statsmodels' Poisson GLM of absent days per pupil and quarter (int_pupil_absence_risk_quarters)
with log(school days) as offset, adjusted for grade, season (calendar quarter) and school year and for
the other factors at once, with standard errors clustered by school (robust to overdispersion and to
pupils of one school being alike). DuckDB-only: disabled on other targets (the yml says so).
Suppression and the published columns are applied by the mart (marts.absence_risk_factors).

school_change is the one factor that changes within a pupil, and only about 3 % of pupils change school:
between pupils, whose absence differs far more than any such effect, its interval is too wide to say
anything. So it is estimated within pupils (statsmodels' conditional Poisson: a pupil effect for every
pupil, each changer's quarters after the change against the same pupil's other quarters, adjusted for
grade, season, school year and the two sizes; everything constant about the pupil, the household
included, is adjusted for by design), with a sandwich variance clustered by pupil (a changer belongs to
two schools, so pupils, not schools, are the independent units here).

A factor the data cannot estimate - fewer than `min_n` pupils exposed or unexposed, a size that does not
vary, fewer than `min_clusters` schools - stays out of the design and gets NULL figures (the mart
withholds it), so a small municipality builds instead of failing.
"""

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
from statsmodels.discrete.conditional_models import ConditionalPoisson

BINARY = ("parents_apart", "parent_unknown", "no_parent_in_work", "school_change")
FACTORS = (
    "parents_apart",
    "parent_unknown",
    "no_parent_in_work",
    "school_size",
    "class_size",
    "school_change",
)
Z95 = 1.959963984540054
MIN_CLUSTERS = 2  # cluster-robust errors need more than one school


def _exposure(used: pd.DataFrame, factor: str) -> tuple[int, int, int]:
    """(pupils exposed, pupils unexposed, pupil-school years exposed); a size factor: everyone."""
    if factor not in BINARY:
        everyone = int(used["child_key"].nunique())
        return everyone, everyone, len(used.drop_duplicates(["child_key", "school_id", "school_year"]))
    flag = used[factor].astype(bool)
    exposed = used[flag]
    return (
        int(exposed["child_key"].nunique()),
        int(used.loc[~flag, "child_key"].nunique()),
        len(exposed.drop_duplicates(["child_key", "school_id", "school_year"])),
    )


def _method(n_schools: int, n_rows: int) -> str:
    return (
        f"Poisson-GLM (statsmodels {statsmodels.__version__}) af fraværsdage pr. elev og kvartal med "
        "log(skoledage) som offset; justeret for klassetrin, årstid (kvartal), skoleår og de øvrige "
        f"faktorer; klyngerobuste standardfejl pr. skole ({n_schools} skoler, {n_rows} elevkvartaler)"
    )


def _within_method(n_pupils: int, n_rows: int) -> str:
    return (
        f"Betinget Poisson-model (statsmodels {statsmodels.__version__}) inden for eleven: elevens kvartaler "
        "efter et skoleskift mod samme elevs andre kvartaler, log(skoledage) som offset; justeret for "
        "klassetrin, årstid (kvartal), skoleår, skole- og klassestørrelse og alt, der er fast for eleven "
        f"(fx husstanden); robuste standardfejl pr. elev ({n_pupils} elever, der skiftede skole, "
        f"{n_rows} elevkvartaler)"
    )


def _within_school_change(used: pd.DataFrame, sizes: pd.DataFrame) -> tuple[float, float, int, int] | None:
    """(coefficient, standard error, pupils, rows) of school_change from a conditional Poisson model
    among the pupils whose school_change varies (the only ones informative for it within pupils)."""
    varies = used.groupby("child_key")["school_change"].transform("nunique") > 1
    d = used[varies]
    if d["child_key"].nunique() < 2:
        return None
    exog = pd.concat(
        [
            d[["school_change"]].astype(float),
            sizes.loc[d.index],
            pd.get_dummies(
                d[["grade", "calendar_quarter", "school_year"]].astype(str), drop_first=True, dtype=float
            ),
        ],
        axis=1,
    )
    exog = exog.loc[:, exog.std() > 0]
    groups = pd.factorize(d["child_key"])[0]
    # Identified only if school_change is not a combination of the other columns within pupils.
    within = exog - exog.groupby(groups).transform("mean")
    others = within.drop(columns="school_change").to_numpy()
    if np.linalg.matrix_rank(within.to_numpy()) <= (np.linalg.matrix_rank(others) if others.size else 0):
        return None
    offset = np.log(d["school_days"].astype(float).to_numpy())
    model = ConditionalPoisson(
        d["absent_days"].astype(float).to_numpy(), exog.to_numpy(), groups=groups, offset=offset
    )
    result = model.fit(method="bfgs", maxiter=1000, skip_hessian=True)  # the sandwich below is the variance
    params = np.asarray(result.params)
    # Sandwich clustered by pupil: H^-1 (sum over pupils of score_g score_g') H^-1, the pupil's score
    # being sum_j x_j (y_j - y_+ e_j / sum_k e_k) with e_j = exp(x_j b + offset_j).
    x, y = exog.to_numpy(), d["absent_days"].astype(float).to_numpy()
    e = np.exp(x @ params + offset)
    frame = pd.DataFrame({"g": groups, "y": y, "e": e})
    share = e / frame.groupby("g")["e"].transform("sum").to_numpy()
    resid = y - frame.groupby("g")["y"].transform("sum").to_numpy() * share
    scores = pd.DataFrame(x * resid[:, None]).groupby(groups).sum().to_numpy()
    bread = np.linalg.pinv(-model.hessian(params))
    cov = bread @ (scores.T @ scores) @ bread
    k = list(exog.columns).index("school_change")
    return float(params[k]), float(np.sqrt(cov[k, k])), int(d["child_key"].nunique()), len(d)


def _marginal(used: pd.DataFrame, values: dict, factors: list[str]) -> dict[str, tuple[float, float, float]]:
    """The Poisson GLM clustered by school. Pupil-quarters with the same school, covariates and season are
    summed first (absent days and school days): a sum of Poisson counts with one rate is Poisson with the
    summed offset, and the scores summed within a school are unchanged, so the estimates and the
    cluster-robust errors are those of the pupil-level fit, from far fewer rows."""
    keys = ["school_id", "school_year", "calendar_quarter", "grade", *factors]
    frame = pd.DataFrame({f: values[f] for f in factors}, index=used.index)
    frame[["school_id", "school_year", "calendar_quarter", "grade"]] = used[
        ["school_id", "school_year", "calendar_quarter", "grade"]
    ].astype(str)
    frame["absent_days"] = used["absent_days"].astype(float)
    frame["school_days"] = used["school_days"].astype(float)
    cells = frame.groupby(keys, as_index=False, sort=True)[["absent_days", "school_days"]].sum()
    adjust = pd.get_dummies(cells[["grade", "calendar_quarter", "school_year"]], drop_first=True, dtype=float)
    exog = sm.add_constant(pd.concat([cells[factors], adjust], axis=1), has_constant="add")
    result = sm.GLM(
        cells["absent_days"], exog, family=sm.families.Poisson(), offset=np.log(cells["school_days"])
    ).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(cells["school_id"])[0]})
    out = {}
    for factor in factors:
        beta, se = float(result.params[factor]), float(result.bse[factor])
        if np.isfinite(beta) and np.isfinite(se):
            out[factor] = (np.exp(beta), np.exp(beta - Z95 * se), np.exp(beta + Z95 * se))
    return out


def fit(obs: pd.DataFrame, school_unit: float, class_unit: float, min_n: int = 5) -> pd.DataFrame:
    """The GLM on complete observations; one row per factor of FACTORS, NULL figures where not estimable."""
    used = obs.dropna(subset=[*BINARY, "school_pupils", "class_pupils", "grade"])
    used = used[used["school_days"] > 0]
    values = {
        **{name: used[name].astype(float) for name in BINARY},
        "school_size": used["school_pupils"].astype(float) / school_unit,
        "class_size": used["class_pupils"].astype(float) / class_unit,
    }
    exposure = {factor: _exposure(used, factor) for factor in FACTORS}
    n_schools = int(used["school_id"].nunique())
    estimable = [
        f
        for f in FACTORS
        if min(exposure[f][:2]) >= min_n and values[f].nunique() > 1 and n_schools >= MIN_CLUSTERS
    ]
    estimates: dict[str, tuple[float, float, float]] = {}
    methods = {f: _method(n_schools, len(used)) for f in FACTORS}
    if "school_change" in estimable:
        within = _within_school_change(
            used, pd.DataFrame({f: values[f] for f in ("school_size", "class_size")})
        )
        estimable.remove("school_change")
        if within is not None:
            beta, se, pupils, n_rows = within
            if np.isfinite(beta) and np.isfinite(se):
                estimates["school_change"] = (np.exp(beta), np.exp(beta - Z95 * se), np.exp(beta + Z95 * se))
                methods["school_change"] = _within_method(pupils, n_rows)
    if estimable:
        estimates.update(_marginal(used, values, estimable))
    units = {"school_size": f"pr. {school_unit:g} elever", "class_size": f"pr. {class_unit:g} elever"}
    rows = []
    for factor in FACTORS:
        rate_ratio, ci_low, ci_high = estimates.get(factor, (None, None, None))
        exposed, unexposed, pupil_years = exposure[factor]
        rows.append(
            {
                "factor": factor,
                "unit": units.get(factor, "ja/nej"),
                "rate_ratio": rate_ratio,
                "ci_low": ci_low,
                "ci_high": ci_high,
                "pupils_exposed": exposed,
                "pupils_unexposed": unexposed,
                "pupil_years": pupil_years,
                "method": methods[factor],
            }
        )
    return pd.DataFrame(rows).astype({"rate_ratio": float, "ci_low": float, "ci_high": float})


def model(dbt, session):
    dbt.config(materialized="table")
    obs = dbt.ref("int_pupil_absence_risk_quarters").df()
    return fit(
        obs,
        float(dbt.config.get("school_size_unit")),
        float(dbt.config.get("class_size_unit")),
        int(dbt.config.get("suppression_min_n")),
    )
