"""The package's dependency arrows point one way: read the import graph, fail on any other.

    ops ← value ← autograd/forward ← {nn, explainer ← viz ← explorer} ← stories ← cli

`errors`, `modes`, `atomic`, `version` and `numbering` (the course's names of weights)
stand below everything; `testing`, `datasets`, `seeding` stand aside.
The explainer, the renderer and the page read any graph, so they never import `nn`.
"""

import ast
from pathlib import Path

import tinygrad_sym

PACKAGE = Path(tinygrad_sym.__file__).parent

BASE = {"errors", "modes", "seeding", "atomic", "version", "numbering"}
ENGINE = BASE | {"ops", "functions", "custom", "value", "formulas", "autograd", "forward"}
ALLOWED = {
    "errors": set(),
    "modes": set(),
    "seeding": set(),
    "version": set(),
    "numbering": set(),
    "atomic": set(),
    "ops": {"errors"},
    "functions": {"ops", "errors"},
    "custom": {"ops", "errors"},
    "value": {"ops", "modes", "errors"},
    "formulas": {"value", "ops", "errors"},
    "autograd": {"value", "ops", "modes", "errors"},
    "forward": {"autograd", "value", "ops", "modes", "errors"},
    "testing": ENGINE,
    "datasets": {"seeding"},
    "nn": ENGINE,
    "explainer": ENGINE,
    "viz": ENGINE | {"explainer"},
    "explorer": ENGINE | {"explainer", "viz"},
    "plots": ENGINE | {"nn", "datasets"},
    "bridge": ENGINE | {"nn"},
}
ALLOWED["stories"] = set(ALLOWED) | {"stories"}
ALLOWED["cli"] = set(ALLOWED) | {"stories"}
ALLOWED["__init__"] = set(ALLOWED)

DEFERRED = {("value", "autograd"), ("nn", "bridge")}
"""Arrows drawn backwards on purpose, by an import inside a function: `Value.backward`
defers to `autograd.backward`, as PyTorch's `Tensor.backward` does; `MLP.to_torch` and
`MLP.from_torch` defer to the PyTorch bridge (imported only when called)."""


def component(module: str) -> str:
    """'tinygrad_sym.nn.layers' -> 'nn'; 'tinygrad_sym' -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> set[tuple[str, bool]]:
    """The tinygrad_sym modules that `path` imports, each with whether the import sits
    inside a function (deferred)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text())
    deferred = {id(node) for function in ast.walk(tree)
                if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
                for node in ast.walk(function)}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                names = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            else:
                names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name == "tinygrad_sym" or name.startswith("tinygrad_sym."):
                found.add((name, id(node) in deferred))
    return found


def arrows() -> list[tuple[str, str, bool, Path]]:
    """Every import between two components of the package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        source = "__init__" if relative == Path("__init__.py") else relative.parts[0].removesuffix(
            ".py")
        for module, is_deferred in imports(path):
            target = component(module)
            if target != source and target != "__init__":
                found.append((source, target, is_deferred, relative))
    return found


def test_every_component_is_placed_in_the_layering():
    components = {component("tinygrad_sym." + ".".join(p.relative_to(PACKAGE).with_suffix("")
                                                         .parts)) for p in PACKAGE.rglob("*.py")}
    assert components <= set(ALLOWED), f"place {components - set(ALLOWED)} in ALLOWED"


def test_imports_point_one_way():
    wrong = [f"{path}: {source} imports {target}" for source, target, deferred, path in arrows()
             if target not in ALLOWED[source]
             and not (deferred and (source, target) in DEFERRED)]
    assert not wrong, "upward or sideways imports:\n" + "\n".join(wrong)


def test_the_explainer_the_renderer_and_the_page_never_import_nn():
    assert not [a for a in arrows() if a[0] in {"explainer", "viz", "explorer"} and a[1] == "nn"]


def test_the_check_can_fail():
    """The reader sees relative imports: an upward arrow in the engine would be caught."""
    assert ("value", "autograd", True) in {(s, t, d) for s, t, d, _ in arrows()}
    assert "nn" not in ALLOWED["value"]


def test_no_function_shadows_a_module_of_the_package():
    """`import tinygrad_sym.explainer as ex` gives the module, not a function of that name."""
    modules = {p.stem for p in PACKAGE.iterdir() if p.suffix == ".py"} | {
        p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    for name in tinygrad_sym.__all__:
        value = getattr(tinygrad_sym, name)
        if name in modules:
            assert type(value).__name__ == "module", f"ts.{name} shadows the module {name}"
