# The commands of the README: `make demo`, `make test`, `make notebooks`. Each sets everything up first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TORCH  := $(VENV)/.torch-installed

.PHONY: setup graphviz browser demo images test notebooks lint bench clean

setup: $(STAMP) graphviz browser

# A virtual environment with the package (editable), the test/lint tools, and a Jupyter
# kernel (the venv's Python) that runs the notebooks.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 \
		--display-name "Python 3 (tinygrad_sym)" >/dev/null
	touch $@

# PyTorch, the optional torch extra: the bridge's tests and the torch oracle run with it.
# Installed once (a CPU build, pinned in pyproject.toml), again only when the venv is redone.
$(TORCH): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[torch]'
	touch $@

# Graphviz's `dot` binary draws the PNG/SVG files. Installed when we can, explained when we can't.
graphviz:
	@if command -v dot >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Graphviz (apt-get install -y graphviz)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	else \
		echo "Graphviz's 'dot' program is missing: graphs will be written as .dot text only."; \
		echo "Install it with one of:"; \
		echo "  Debian/Ubuntu:  sudo apt-get install graphviz"; \
		echo "  macOS:          brew install graphviz"; \
		echo "  conda:          conda install -c conda-forge graphviz"; \
	fi

# Chromium and its WebDriver run the explorer page's browser tests (tests/test_explorer_browser.py).
# Installed when we can; without them those tests skip and say why.
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium for the browser tests (apt-get install -y chromium chromium-driver)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else \
		echo "Chromium or chromedriver is missing: the explorer's browser tests will be skipped."; \
		echo "Install them with:"; \
		echo "  Debian/Ubuntu:  sudo apt-get install chromium chromium-driver"; \
	fi

demo: setup
	$(BIN)/tinygrad-sym demo coffee symmetry

# The README's picture, drawn by the README's own code block (docs/readme_picture.py).
images: setup
	$(BIN)/python docs/readme_picture.py

test: setup $(TORCH)
	$(BIN)/ruff check tinygrad_sym tests examples benchmarks notebooks
	$(BIN)/python -m pytest

# Rebuild notebooks/*.ipynb from examples/*.py, executed with their outputs (the tests check
# that the committed ones are current).
notebooks: setup $(TORCH)
	$(BIN)/python notebooks/build.py

lint: $(STAMP)
	$(BIN)/ruff check tinygrad_sym tests examples benchmarks notebooks

# Speed and memory against numpy by hand and the peers (installed here; torch: see README).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .hypothesis
