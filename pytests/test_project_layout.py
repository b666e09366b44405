"""The dbt project keeps its layers and its one-home rules (style: layers read only down)."""

from __future__ import annotations

import re

import yaml

from boernedata import settings

ROOT = settings.PROJECT_DIR


def test_the_dbt_landing_default_is_the_cli_default():
    project = yaml.safe_load((ROOT / "dbt_project.yml").read_text("utf-8"))
    assert project["vars"]["boernedata:landing_default"] == str(settings.DEFAULT_LANDING)
    for sources in (ROOT / "models" / "staging").rglob("_*__sources.yml"):
        text = sources.read_text("utf-8")
        assert "data/landing" not in text, sources
        assert "var('boernedata:landing_default')" in text, sources


def test_every_model_folder_has_its_yml():
    for folder in {p.parent for p in (ROOT / "models").rglob("*.sql")}:
        assert list(folder.glob("_*.yml")), f"{folder.relative_to(ROOT)} has no yml beside its models"


def test_layers_read_only_down():
    """A staging model reads sources (and the person register); intermediate reads staging, seeds and
    intermediate; a mart reads intermediate (or staging/seeds), never another mart."""
    layer_of = {}
    for sql in (ROOT / "models").rglob("*.sql"):
        parts = sql.relative_to(ROOT / "models").parts
        layer_of[sql.stem] = "marts" if parts[0] == "marts" else parts[0]
    order = {"staging": 0, "intermediate": 1, "marts": 2}
    for sql in (ROOT / "models").rglob("*.sql"):
        me = layer_of[sql.stem]
        for ref in re.findall(r"ref\('([a-z0-9_]+)'\)", sql.read_text("utf-8")):
            if ref not in layer_of:
                continue  # a seed
            them = layer_of[ref]
            assert order[them] <= order[me], f"{sql.stem} ({me}) reads {ref} ({them})"
            assert not (me == "marts" and them == "marts"), f"mart {sql.stem} reads mart {ref}"
