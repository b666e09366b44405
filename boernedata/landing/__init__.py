"""The landing step: raw extracts -> validated, pseudonymized, typed Parquet (see run.py)."""

from boernedata.landing.run import land

__all__ = ["land"]
