"""Shared test settings: hypothesis profiles sized to keep the whole suite well under 2 minutes,
and two processes started early, beside the tests: the notebooks (in kernels of their own)
and the stories that tests/test_stories.py re-checks (story_runs.py)."""

import os

import pytest
import story_runs
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(config, items):
    """As soon as the tests are known, start what runs beside them: the notebooks, in
    kernels of their own (tests/test_notebooks.py; their tests go last, so they overlap
    the rest), and the stories the selected tests re-check (story_runs.py). Nothing with
    --collect-only."""
    if config.option.collectonly:
        return
    notebooks = [item for item in items
                 if item.name.startswith("test_notebook_is_current_and_its_outputs")]
    if notebooks:
        items[:] = [item for item in items if item not in notebooks] + notebooks
        notebooks[0].module.start_notebooks({item.callspec.id for item in notebooks})
    wanted = {fixture for item in items for fixture in getattr(item, "fixturenames", ())}
    story_runs.start([name for name in story_runs.RUNS if f"{name}_result" in wanted])


def pytest_sessionfinish(session):
    """Stop what a shortened run (-x, Ctrl-C) left running beside the tests."""
    story_runs.stop()
    for item in getattr(session, "items", ()):
        if item.name.startswith("test_notebook_is_current_and_its_outputs"):
            item.module.stop_notebooks()
            return
