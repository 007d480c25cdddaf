"""ts.draw writing files: valid PNG/SVG/PDF images, a clear error when Graphviz's `dot` is
missing (PATH emptied in the test), and never a partial file where the target was."""

from __future__ import annotations

import os
import shutil
import stat
import struct
import xml.etree.ElementTree as ElementTree

import graphviz
import pytest
from test_viz import course_net

import tinygrad_sym as ts
from tinygrad_sym.viz import GraphvizNotFoundError
from tinygrad_sym.viz.output import GradientGraph

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot binary is not installed")


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's signature and IHDR chunk (raises if not a PNG)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """A PATH on which no `dot` can be found."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.fixture(params=["after reading the graph", "before reading the graph"])
def failing_dot(request, monkeypatch, tmp_path):
    """A `dot` that prints half an image and fails, like one that crashes mid-render —
    once after reading its input, once without reading it (the writer then meets a
    closed pipe)."""
    bin_dir = tmp_path / "bad-bin"
    bin_dir.mkdir()
    script = bin_dir / "dot"
    read_input = "cat > /dev/null\n" if request.param == "after reading the graph" else ""
    script.write_text(f"#!/bin/sh\n{read_input}printf '\\211PNG half an image'\n"
                      "echo 'dot: crashed' >&2\nexit 3\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


# --------------------------------------------------------------------------- images


@needs_dot
def test_png_is_a_valid_image_of_sensible_size(tmp_path):
    net = course_net()
    path = tmp_path / "course.png"
    graph = ts.draw(net["J"], highlight=[net["w1"], net["w3"]], filename=path)
    assert isinstance(graph, graphviz.Digraph)
    width, height = png_size(path.read_bytes())
    assert 800 <= width <= 6000 and 400 <= height <= 4000, (width, height)


@needs_dot
def test_svg_parses_as_xml_and_shows_the_weights(tmp_path):
    net = course_net()
    path = ts.draw(net["J"], filename=tmp_path / "course.svg") and tmp_path / "course.svg"
    root = ElementTree.parse(path).getroot()
    assert root.tag.endswith("svg")
    texts = {t.text for t in root.iter() if t.tag.endswith("text")}
    assert {"w1", "w6", "b3", "J"} <= texts


@needs_dot
def test_pdf_and_format_from_the_suffix(tmp_path):
    net = course_net()
    ts.draw(net["J"], filename=tmp_path / "course", format="pdf")
    assert (tmp_path / "course.pdf").read_bytes()[:5] == b"%PDF-"
    ts.draw(net["J"], filename=tmp_path / "course.svg")
    assert (tmp_path / "course.svg").read_bytes().lstrip().startswith(b"<?xml")
    with pytest.raises(ValueError, match="says svg but format='png'"):
        ts.draw(net["J"], filename=tmp_path / "course.svg", format="png")
    with pytest.raises(ValueError, match="cannot write format 'gif'"):
        ts.draw(net["J"], filename=tmp_path / "course", format="gif")


@needs_dot
def test_awkward_labels_render(tmp_path):
    a = ts.Value(1.0, '<b>&"\\n ]] } {')
    a.group = ("layer <1>", 'unit "&"')
    out = a * 3.0
    out.label = "J"
    out.backward()
    path = tmp_path / "awkward.svg"
    ts.draw(out, highlight=[a], filename=path)
    texts = "".join(t.text or "" for t in ElementTree.parse(path).getroot().iter())
    assert '<b>&"\\n ]] } {' in texts and "layer <1> · unit \"&\"" in texts


@needs_dot
def test_the_graph_displays_itself_in_jupyter():
    graph = ts.draw(course_net()["J"])
    bundle = graph._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


# ----------------------------------------------------------------------- missing dot


def test_missing_dot_says_how_to_install_graphviz(no_dot, tmp_path):
    net = course_net()
    with pytest.raises(GraphvizNotFoundError) as caught:
        ts.draw(net["J"], filename=tmp_path / "course.png")
    message = str(caught.value)
    assert "apt-get install graphviz" in message
    assert "brew install graphviz" in message
    assert "conda install -c conda-forge graphviz" in message
    assert caught.value.source.startswith("digraph") and "w1" in caught.value.source
    assert isinstance(caught.value, graphviz.ExecutableNotFound)  # graphviz's own still catches
    assert list(tmp_path.iterdir()) == [tmp_path / "empty-bin"]  # nothing written


def test_missing_dot_still_gives_the_dot_source(no_dot, tmp_path):
    graph = ts.draw(course_net()["J"])
    assert "digraph" in graph.source and "w5" in graph.source
    for attempt in (lambda: graph.pipe(format="png"), lambda: graph.render(tmp_path / "g"),
                    lambda: graph._repr_mimebundle_()):
        with pytest.raises(GraphvizNotFoundError, match="apt-get"):
            attempt()


def test_a_failed_render_leaves_the_old_file_untouched(no_dot, tmp_path):
    target = tmp_path / "course.png"
    target.write_bytes(b"the previous picture")
    with pytest.raises(GraphvizNotFoundError):
        ts.draw(course_net()["J"], filename=target)
    assert target.read_bytes() == b"the previous picture"


def test_a_crashing_dot_leaves_no_partial_file(failing_dot, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "course.png"
    target.write_bytes(b"the previous picture")
    with pytest.raises(graphviz.CalledProcessError):
        ts.draw(course_net()["J"], filename=target)
    assert target.read_bytes() == b"the previous picture"
    assert [p.name for p in out.iterdir()] == ["course.png"]  # no temporary left over
    with pytest.raises(graphviz.CalledProcessError):
        ts.draw(course_net()["J"], filename=out / "new.png")
    assert not (out / "new.png").exists()



def test_a_dot_that_fails_is_reported_by_its_own_message_not_a_broken_pipe(failing_dot,
                                                                              tmp_path):
    graph = GradientGraph()
    for number in range(3000):  # DOT text larger than a pipe's buffer
        graph.node(f"n{number}", label=f"node number {number}")
    assert len(graph.source.encode()) > 2**16
    with pytest.raises(graphviz.CalledProcessError) as error:
        graph.write(tmp_path / "chain.png")
    assert error.value.returncode == 3 and b"dot: crashed" in error.value.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "bad-bin"]

@needs_dot
def test_writing_replaces_the_old_file_in_one_step(tmp_path):
    target = tmp_path / "course.png"
    target.write_bytes(b"the previous picture")
    path = ts.draw(course_net()["J"]).write(target)
    assert path == target and png_size(target.read_bytes())[0] > 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course.png"]



@needs_dot
def test_a_written_file_gets_ordinary_permissions(tmp_path):
    ordinary = tmp_path / "ordinary.txt"
    ordinary.write_text("made by open()")
    path = ts.draw(course_net()["J"]).write(tmp_path / "course.png")
    assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(ordinary.stat().st_mode)
