"""The institutions' watch list (issue 22, capability 2; docs/watch_list.md) against the generator's
planted truth: on `small` (seed 3, not the demo's 42) the list of the latest half-year recalls at least
90 % of the planted deteriorating institutions (`truth.json`: `deteriorating_institutions`) with a
precision of at least 0.8, and it is built from published, non-withheld figures only.

Uses the session's `small_pipeline` (pytests/conftest.py: generate -> land -> build through the CLI), so
the small build is shared with the other tests that need it.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from boernedata.datapakke.content import watch_reasons

MIN_RECALL = 0.9
MIN_PRECISION = 0.8


@pytest.fixture(scope="module")
def watch_list(small_pipeline) -> list[dict]:
    con = duckdb.connect(str(small_pipeline.published_db), read_only=True)
    try:
        cur = con.execute("select * from marts.institution_watch_list order by period_id, watch_score desc")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


@pytest.fixture(scope="module")
def planted(small_pipeline) -> set[str]:
    truth = json.loads(small_pipeline.truth.read_text(encoding="utf-8"))
    ids = {d["institution_id"] for d in truth["deteriorating_institutions"]}
    assert len(ids) >= 4  # small plants 2 schools and 2 daycare institutions
    return ids


def test_the_latest_list_finds_the_planted_deteriorating_institutions(watch_list, planted):
    latest = max(r["period_id"] for r in watch_list)
    assert latest == "2026-H1"  # small's data end 30 June 2026: the latest complete half-year
    flagged = {r["institution_id"] for r in watch_list if r["period_id"] == latest}
    found = flagged & planted
    recall, precision = len(found) / len(planted), len(found) / len(flagged)
    assert recall >= MIN_RECALL, f"recall {recall:.2f}: planted {sorted(planted)}, listed {sorted(flagged)}"
    assert precision >= MIN_PRECISION, (
        f"precision {precision:.2f}: planted {sorted(planted)}, listed {sorted(flagged)}"
    )


def test_listed_rows_say_why_and_since_when(watch_list, small_pipeline):
    assert watch_list
    for r in watch_list:
        reasons = watch_reasons(r["reasons_da"])
        assert len(reasons) == r["indicators_worsening"] >= 2, r
        assert all("mere end hos sammenlignelige institutioner; i tilbagegang siden" in x for x in reasons)
        assert r["watch_score"] > 0 and r["first_flagged_period"] <= r["period_id"]
    # first_flagged_period is the start of the unbroken run of listed half-years
    listed = {(r["institution_id"], r["period_id"]) for r in watch_list}
    for r in watch_list:
        if r["first_flagged_period"] != r["period_id"]:
            assert (r["institution_id"], r["first_flagged_period"]) in listed


def test_only_published_figures_feed_it(small_pipeline):
    """Every latest value the list compares is a published, non-withheld cell with that value (the
    build's singular test asserts the same; here on the built warehouse, against the published file)."""
    con = duckdb.connect(str(small_pipeline.warehouse), read_only=True)
    try:
        con.execute(f"attach '{small_pipeline.published_db}' as pub (read_only)")
        leaks = con.execute(
            """
            select c.institution_id, c.indicator_code, c.recent_period_id
            from intermediate.int_watch_list_indicator_changes as c
            left join pub.marts.institution_indicators as p
                on c.institution_id = p.institution_id and c.indicator_code = p.indicator_code
                and c.recent_period_id = p.period_id
            where p.value is null or p.is_suppressed or p.value != c.recent_value
            """
        ).fetchall()
        evaluated = con.execute(
            "select count(*) from intermediate.int_watch_list_indicator_changes"
        ).fetchone()[0]
    finally:
        con.close()
    assert evaluated > 0 and leaks == []


def test_the_dashboard_shows_the_built_list(small_pipeline, watch_list):
    """/opmaerksomhed on the small build's publication: the latest list, highest score first, with the
    reasons as the model wrote them."""
    from fixtures.dashboard import page_response, router_body

    from boernedata.dashboard.app import create_app

    client = create_app(small_pipeline.published_db).server.test_client()
    response = client.post(
        "/_dash-update-component", data=router_body("/opmaerksomhed"), content_type="application/json"
    )
    assert response.status_code == 200
    page = json.dumps(page_response(response.data)["page"], ensure_ascii=False)
    assert "Ikke tilgængelig endnu" not in page
    latest = [r for r in watch_list if r["period_id"] == "2026-H1"]
    assert latest
    for r in latest:
        assert f"/institution/{r['institution_id']}" in page
    top, bottom = latest[0], latest[-1]  # the fixture orders each period by score, highest first
    if top["watch_score"] > bottom["watch_score"]:
        assert page.index(f"/institution/{top['institution_id']}") < page.index(
            f"/institution/{bottom['institution_id']}"
        )
    assert watch_reasons(latest[0]["reasons_da"])[0] in page
