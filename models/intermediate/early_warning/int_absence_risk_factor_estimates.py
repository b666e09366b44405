"""Absence risk factors: one row per factor with its adjusted rate ratio, 95 % CI and exposure counts.

A dbt Python model (dbt-duckdb runs it in-process) because the fit needs a statistics library that SQL
has not: statsmodels' Poisson GLM of absent days per pupil and quarter (int_pupil_absence_risk_quarters)
with log(school days) as offset, adjusted for grade, season (calendar quarter) and school year and for
the other factors at once, with standard errors clustered by school (robust to overdispersion and to
pupils of one school being alike). DuckDB-only: disabled on other targets (the yml says so).
Suppression and the published columns are applied by the mart (marts.absence_risk_factors).
"""

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm

BINARY = ("parents_apart", "parent_unknown", "no_parent_in_work", "school_change")
Z95 = 1.959963984540054


def fit(obs: pd.DataFrame, school_unit: float, class_unit: float) -> pd.DataFrame:
    """The GLM on complete observations; returns one row per factor (binary and per-unit sizes)."""
    used = obs.dropna(subset=[*BINARY, "school_pupils", "class_pupils", "grade"])
    used = used[used["school_days"] > 0].sort_values(["child_key", "school_id", "quarter_id"])
    design = pd.DataFrame(
        {
            **{name: used[name].astype(float) for name in BINARY},
            "school_size": used["school_pupils"].astype(float) / school_unit,
            "class_size": used["class_pupils"].astype(float) / class_unit,
        },
        index=used.index,
    )
    adjust = pd.get_dummies(
        used[["grade", "calendar_quarter", "school_year"]].astype(str), drop_first=True, dtype=float
    )
    exog = sm.add_constant(pd.concat([design, adjust], axis=1), has_constant="add")
    groups = pd.factorize(used["school_id"])[0]
    result = sm.GLM(
        used["absent_days"].astype(float),
        exog,
        family=sm.families.Poisson(),
        offset=np.log(used["school_days"].astype(float)),
    ).fit(cov_type="cluster", cov_kwds={"groups": groups})
    rows = []
    pupil_years = used.drop_duplicates(["child_key", "school_year"])
    for factor, unit in (
        ("parents_apart", "ja/nej"),
        ("parent_unknown", "ja/nej"),
        ("no_parent_in_work", "ja/nej"),
        ("school_size", f"pr. {school_unit:g} elever"),
        ("class_size", f"pr. {class_unit:g} elever"),
        ("school_change", "ja/nej"),
    ):
        beta, se = result.params[factor], result.bse[factor]
        if factor in BINARY:
            exposed = used[used[factor].astype(bool)]
            years = len(exposed.drop_duplicates(["child_key", "school_year"]))
            pupils_exposed = int(exposed["child_key"].nunique())
            pupils_unexposed = int(used.loc[~used[factor].astype(bool), "child_key"].nunique())
        else:
            years = len(pupil_years)
            pupils_exposed = int(used["child_key"].nunique())
            pupils_unexposed = pupils_exposed
        rows.append(
            {
                "factor": factor,
                "unit": unit,
                "rate_ratio": float(np.exp(beta)),
                "ci_low": float(np.exp(beta - Z95 * se)),
                "ci_high": float(np.exp(beta + Z95 * se)),
                "pupils_exposed": pupils_exposed,
                "pupils_unexposed": pupils_unexposed,
                "pupil_years": years,
                "method": (
                    f"Poisson-GLM (statsmodels {statsmodels.__version__}) af fraværsdage pr. elev og kvartal "
                    "med log(skoledage) som offset; justeret for klassetrin, årstid (kvartal), skoleår og de "
                    f"øvrige faktorer; klyngerobuste standardfejl pr. skole ({len(set(groups))} skoler, "
                    f"{len(used)} elevkvartaler)"
                ),
            }
        )
    return pd.DataFrame(rows)


def model(dbt, session):
    dbt.config(materialized="table")
    obs = dbt.ref("int_pupil_absence_risk_quarters").df()
    school_unit = float(dbt.config.get("school_size_unit"))
    class_unit = float(dbt.config.get("class_size_unit"))
    return fit(obs, school_unit, class_unit)
