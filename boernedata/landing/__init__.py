"""`boernedata land`: raw extracts -> validated, pseudonymized, typed Parquet in the landing zone.

One module a job:

    run.py           a landing run: lock, key check, files in parallel, each outcome recorded, exit code
    delivery.py      landing one file: name, hash, read, parse and check, write, land or hold or reject
    readers.py       reading a raw file (CSV, JSON lines, Parquet) in batches; file-level faults
    parse.py         typed parsing of a batch per contract, with a reason for every bad value
    cpr.py           CPR numbers: validate, birth date and sex, keyed pseudonym
    redact.py        free text: CPR numbers, e-mail addresses and phone numbers redacted
    uniqueness.py    duplicate keys within one delivery
    writer.py        the landed rows and their Parquet file
    quarantine.py    the quarantined rows and their Parquet file
    hold.py          holding a re-delivery that shrinks what is landed
    persons.py       the person register and the key check
    ledger.py        the delivery ledger's records and its writer
    outcome.py       what landing one file came to
    report.py        the run's data-quality report (Danish HTML)
    suites.py        the Great Expectations suites built from the contracts
    validation.py    running a suite with GE in this process
    ge_worker.py     the GE worker process beside the landing
    suite_runner.py  validating the run's parsed rows and cross-checking the quarantine
    masks.py         Arrow helpers for dictionary-encoded columns

Where everything lands (folders, file names, the ledger, the lock): boernedata/landing_zone.py.
"""

from boernedata.landing.run import land

__all__ = ["land"]
