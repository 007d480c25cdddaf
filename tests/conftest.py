"""Shared test settings: hypothesis profiles sized to keep the whole suite well under 2 minutes,
and the notebooks started early (they run in kernels of their own, beside the other tests)."""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(items):
    """The notebooks run in kernels of their own (tests/test_notebooks.py): start them as
    soon as the tests are known and run their tests last, so they overlap the rest."""
    notebooks = [item for item in items
                 if item.name.startswith("test_notebook_is_current_and_its_outputs")]
    if notebooks:
        items[:] = [item for item in items if item not in notebooks] + notebooks
        notebooks[0].module.start_notebooks({item.callspec.id for item in notebooks})


def pytest_sessionfinish(session):
    """Stop the notebooks' kernels that a shortened run (-x, Ctrl-C) left waiting."""
    for item in getattr(session, "items", ()):
        if item.name.startswith("test_notebook_is_current_and_its_outputs"):
            item.module.stop_notebooks()
            return
