"""The package's version, in one place: `ts.__version__`, `tinygrad-sym --version` and
pyproject.toml (setuptools reads it from here) all show this string."""

__version__ = "0.1.0"
