"""`boernedata build`, `status` and `rollback`: dbt build on the internal warehouse, publish the marts
as a release, show the publication, put an earlier release back. One module a job:

    task.py         `build()`: the steps of a build in order, and the exit code
    lock.py         the build lock, the landing zone's lock while dbt reads, the internal file's lock
    dbt_runner.py   running `dbt build` and telling which nodes failed
    checks.py       the publication checks: empty sources, shrunken tables, withheld cells
    publish.py      writing a release: the published interface copied, flushed, renamed
    manifest.py     the manifest a release carries, and `boernedata status`
    rollback.py     `boernedata rollback`
    errors.py       BuildError, and how the commands speak

Where the publication lives (the `published` link, `.releases/`, the manifest's file name): releases.py.
"""

from boernedata.build.checks import Checks
from boernedata.build.errors import BuildError
from boernedata.build.task import build

__all__ = ["BuildError", "Checks", "build"]
