"""Shared test settings: hypothesis profiles sized to keep the whole suite well under 2 minutes,
and the processes started early, beside the tests (beside.py): the notebooks (in kernels of
their own), the stories that tests/test_stories.py re-checks (story_runs.py) and the
commands that test modules name in BESIDE (commands.py: the README's blocks, …)."""

import os

import commands
import pytest
import story_runs
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


READERS = ("readme_runs", "finished_command", "fresh_notebooks")
"""Fixtures that read what runs beside the tests (with the stories' <name>_result)."""


def reads_beside(item) -> bool:
    """Whether the test reads the result of work beside the tests (and may wait for it)."""
    return any(name in READERS or name.endswith("_result")
               for name in getattr(item, "fixturenames", ()))


@pytest.fixture
def finished_command(request):
    """name → (its working folder, its finished process): a command of the test module's
    BESIDE, run beside the tests (commands.py)."""
    return lambda name: commands.finished(request.module, name)


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected
def pytest_collection_modifyitems(config, items):
    """As soon as the tests are known, start what runs beside them: the notebooks, in
    kernels of their own (tests/test_notebooks.py), the stories the selected tests
    re-check (story_runs.py) and the commands of the test modules whose selected tests
    read them (commands.py). The tests that read those results go last (the notebooks'
    at the very end), so the work beside overlaps all the others. Nothing with
    --collect-only."""
    if config.option.collectonly:
        return
    notebooks = [item for item in items
                 if item.name.startswith("test_notebook_is_current_and_its_outputs")]
    items.sort(key=lambda item: 2 if item in notebooks else reads_beside(item))  # stable
    if notebooks:
        notebooks[0].module.start_notebooks({item.callspec.id for item in notebooks})
    wanted = {fixture for item in items for fixture in getattr(item, "fixturenames", ())}
    story_runs.start([name for name in story_runs.RUNS if f"{name}_result" in wanted])
    for module in dict.fromkeys(item.module for item in items if reads_beside(item)):
        if hasattr(module, "BESIDE"):
            commands.start(module.__name__, module.BESIDE)


def pytest_sessionfinish(session):
    """Stop what a shortened run (-x, Ctrl-C) left running beside the tests."""
    story_runs.stop()
    commands.stop()
    for item in getattr(session, "items", ()):
        if item.name.startswith("test_notebook_is_current_and_its_outputs"):
            item.module.stop_notebooks()
            return
