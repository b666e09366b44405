"""`boernedata generate` at tiny scale: deterministic, every contract written exactly, lands cleanly.

The tiny municipality is generated once per module (about two seconds) and landed once.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from boernedata import landing_zone
from boernedata.contracts import EXTRACTS, raw_dir
from boernedata.generate import build, generate
from boernedata.landing import land

KEY = b"test-key"


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    base = tmp_path_factory.mktemp("generate")
    raw, truth = base / "raw", base / "truth.json"
    assert generate(scale="tiny", seed=42, out=raw, truth=truth, progress=False) == 0
    return base, raw, truth


@pytest.fixture(scope="module")
def landed(tiny):
    base, raw, _ = tiny
    landing = base / "landing"
    rc = land(raw, landing, KEY, progress=False)
    ledger = [json.loads(x) for x in landing_zone.ledger_file(landing).read_text().splitlines()]
    return landing, rc, ledger


def test_same_seed_same_bytes_other_seed_other_bytes(tiny, tmp_path):
    _, raw, truth = tiny
    again, other = tmp_path / "again", tmp_path / "other"
    assert generate(scale="tiny", seed=42, out=again, truth=tmp_path / "t1.json", progress=False) == 0
    assert generate(scale="tiny", seed=7, out=other, truth=tmp_path / "t2.json", progress=False) == 0
    first = tree_hashes(raw)
    assert tree_hashes(again) == first
    assert (tmp_path / "t1.json").read_bytes() == truth.read_bytes()
    differing = {k for k, v in tree_hashes(other).items() if first.get(k) != v}
    assert len(differing) > len(first) // 2


def test_same_files_whatever_the_number_of_workers(tiny, tmp_path):
    """The writing steps run on every core; one worker must write exactly the same files."""
    _, raw, truth = tiny
    one = tmp_path / "one"
    build("tiny", 42, one, tmp_path / "t1.json", workers=1)
    assert tree_hashes(one) == tree_hashes(raw)
    assert (tmp_path / "t1.json").read_bytes() == truth.read_bytes()


def test_every_extract_has_rows(tiny):
    _, raw, _ = tiny
    for ex in EXTRACTS:
        files = [p for p in raw_dir(raw, ex).iterdir() if ex.parse_file_name(p.name)]
        assert files, f"{ex.key}: no file"
        if ex.fmt == "parquet":
            assert sum(pq.ParquetFile(f).metadata.num_rows for f in files) > 0, ex.key
        else:
            assert any(len(f.read_bytes().splitlines()) > (1 if ex.fmt == "csv" else 0) for f in files), (
                ex.key
            )


def test_headers_column_order_and_encodings(tiny):
    _, raw, _ = tiny
    for ex in EXTRACTS:
        for f in sorted(raw_dir(raw, ex).iterdir()):
            assert ex.parse_file_name(f.name), f
            data = f.read_bytes()
            if ex.fmt == "parquet":
                assert pq.read_schema(f).names == ex.column_names, f
                continue
            if ex.encoding == "windows-1252":
                assert not data.startswith(b"\xef\xbb\xbf")
                text = data.decode("cp1252")
                if not data.isascii():  # Danish letters are single cp1252 bytes, not UTF-8
                    with pytest.raises(UnicodeDecodeError):
                        data.decode("utf-8")
            else:
                text = data.decode("utf-8-sig")
            if ex.fmt == "csv":
                header = next(csv.reader(io.StringIO(text), delimiter=ex.delimiter))
                assert header == ex.column_names, f
            else:
                first = json.loads(text.splitlines()[0])
                assert list(first) == ex.column_names, f


def test_truth_is_outside_raw_and_holds_no_cpr(tiny):
    _, raw, truth = tiny
    assert not truth.is_relative_to(raw)
    t = json.loads(truth.read_text())
    assert t["absence"]["rate_ratios"] and t["deteriorating_institutions"]
    assert t["absence"]["high_absence_pupils"]
    text = truth.read_text()
    assert not re.search(r"\b\d{6}-?\d{4}\b", text)


def test_truth_inside_raw_is_refused(tmp_path):
    assert generate(scale="tiny", seed=1, out=tmp_path, truth=tmp_path / "truth.json", progress=False) == 2


def test_tiny_lands_without_rejections_and_reconciles(tiny, landed):
    _, raw, _ = tiny
    _, rc, ledger = landed
    assert rc == 0
    assert all(d["status"] != "rejected" for d in ledger), [d for d in ledger if d["status"] == "rejected"]
    files = [p for p in raw.rglob("*") if p.is_file()]
    assert len(ledger) == len(files)
    read = sum(d["rows_read"] for d in ledger)
    quarantined = sum(d["rows_quarantined"] for d in ledger)
    for d in ledger:
        assert d["rows_read"] == d["rows_landed"] + d["rows_quarantined"], d
    assert quarantined <= read * 0.001
    assert {d["extract"] for d in ledger} == {ex.key for ex in EXTRACTS}
