"""Absence risk factors: one row per factor with its adjusted rate ratio, 95 % CI and exposure counts.

A dbt Python model (dbt-duckdb runs it in-process) because the fit needs a statistics library that SQL
has not: statsmodels' Poisson GLM of absent days per pupil and quarter (int_pupil_absence_risk_quarters)
with log(school days) as offset, adjusted for grade, season (calendar quarter) and school year and for
the other factors at once, with standard errors clustered by school (robust to overdispersion and to
pupils of one school being alike). DuckDB-only: disabled on other targets (the yml says so).
Suppression and the published columns are applied by the mart (marts.absence_risk_factors).

A factor the data cannot estimate - fewer than `min_n` pupils exposed or unexposed, a size that does not
vary, fewer than `min_clusters` schools - stays out of the design and gets NULL figures (the mart
withholds it), so a small municipality builds instead of failing.
"""

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm

BINARY = ("parents_apart", "parent_unknown", "no_parent_in_work", "school_change")
FACTORS = ("parents_apart", "parent_unknown", "no_parent_in_work", "school_size", "class_size", "school_change")
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
        "log(skoledage) som offset; justeret for klassetrin, årstid (kvartal), skoleår og de øvrige faktorer; "
        f"klyngerobuste standardfejl pr. skole ({n_schools} skoler, {n_rows} elevkvartaler)"
    )


def fit(obs: pd.DataFrame, school_unit: float, class_unit: float, min_n: int = 5) -> pd.DataFrame:
    """The GLM on complete observations; one row per factor of FACTORS, NULL figures where not estimable."""
    used = obs.dropna(subset=[*BINARY, "school_pupils", "class_pupils", "grade"])
    used = used[used["school_days"] > 0].sort_values(["child_key", "school_id", "quarter_id"])
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
    if estimable:
        adjust = pd.get_dummies(
            used[["grade", "calendar_quarter", "school_year"]].astype(str), drop_first=True, dtype=float
        )
        design = pd.DataFrame({f: values[f] for f in estimable}, index=used.index)
        exog = sm.add_constant(pd.concat([design, adjust], axis=1), has_constant="add")
        result = sm.GLM(
            used["absent_days"].astype(float),
            exog,
            family=sm.families.Poisson(),
            offset=np.log(used["school_days"].astype(float)),
        ).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(used["school_id"])[0]})
        for factor in estimable:
            beta, se = float(result.params[factor]), float(result.bse[factor])
            if np.isfinite(beta) and np.isfinite(se):
                estimates[factor] = (np.exp(beta), np.exp(beta - Z95 * se), np.exp(beta + Z95 * se))
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
                "method": _method(n_schools, len(used)),
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
