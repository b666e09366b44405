"""boernedata: quality data for a municipality's daycare, schools and leisure offers."""

__version__ = "0.1.0"
