"""The model file: a numpy `.npz` archive of the parameters by name, plus a description.

    model.npz
      W1, b1, W2, b2          the parameters, by the names `state_dict` uses (w1, …, b1, …
                              for a scalar net), each in its own dtype: bit-exact
      __tinygrad_sym__        a JSON text: the format's name and version, and the
                              architecture (sizes, activations, granularity, dtype)

Any numpy reads it (`np.load`), and the marker entry tells our files from others. Files are
written atomically: complete or not at all.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import write_atomically
from ..errors import ModelFileError

MARKER = "__tinygrad_sym__"
"""The archive entry that holds the description (and marks the file as ours)."""

FORMAT = "tinygrad_sym model"
VERSION = 1


def model_path(path: str | os.PathLike) -> Path:
    """`path` with the `.npz` suffix numpy gives such archives (added when missing)."""
    path = Path(path)
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")


def write_model(
    path: str | os.PathLike, architecture: Mapping[str, Any], state: Mapping[str, Any]
) -> Path:
    """Write the parameters `state` and the `architecture` to `path` (.npz added when
    missing), atomically; return the path written."""
    path = model_path(path)
    if MARKER in state:
        raise ValueError(f"a parameter may not be named {MARKER!r}: the file format uses it")
    description = json.dumps({"format": FORMAT, "version": VERSION,
                              "architecture": dict(architecture)})
    arrays = {name: np.asarray(value) for name, value in state.items()}
    arrays[MARKER] = np.array(description)
    archive = io.BytesIO()
    # numpy's stubs (2.x) let a key of arrays be savez's allow_pickle: ours are parameter names
    np.savez(archive, **arrays)  # type: ignore[arg-type, unused-ignore]
    write_atomically(path, archive.getvalue())
    return path


def read_model(path: str | os.PathLike) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The architecture and the parameters (name → array) stored in `path` by
    `write_model`. A file that is not one raises `ModelFileError`, saying what it is."""
    path = Path(path)
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, EOFError, zipfile.BadZipFile) as error:  # OSErrors say it well
        raise ModelFileError(f"{path} is not a tinygrad_sym model file: numpy cannot read it "
                             f"as an .npz archive ({error})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ModelFileError(f"{path} is a single numpy array, not a tinygrad_sym model file "
                             "(those are .npz archives written by model.save)")
    with archive:
        if MARKER not in archive.files:
            raise ModelFileError(
                f"{path} is an .npz archive but not a tinygrad_sym model: it has no {MARKER!r} "
                f"entry (model.save writes one). Its entries: {', '.join(archive.files)}. To "
                "load bare arrays by name, use np.load and model.load_state_dict")
        architecture = _description(archive[MARKER], path)
        state = {name: archive[name] for name in archive.files if name != MARKER}
    return architecture, state


def _description(entry: np.ndarray, path: Path) -> dict[str, Any]:
    """The architecture from the marker entry, checked for format and version."""
    try:
        description = json.loads(str(entry))
        fmt, version = description["format"], description["version"]
        architecture = description["architecture"]
    except (ValueError, KeyError, TypeError) as error:
        raise ModelFileError(f"{path}: its {MARKER!r} entry is not a model description "
                             f"({error!r})") from None
    if fmt != FORMAT:
        raise ModelFileError(f"{path}: its {MARKER!r} entry describes {fmt!r}, not a model")
    if not isinstance(version, int) or version > VERSION:
        raise ModelFileError(f"{path} was written in format version {version} by a newer "
                             f"tinygrad_sym; this one reads version {VERSION}: upgrade it")
    return architecture
