"""The explorer page in a real browser: headless Chromium driven by Selenium.

Hover, click and step as a learner would, and read what the page shows; every number is
checked against the engine. Needs Debian's `chromium` and `chromium-driver` (`make test`
installs them when it runs as root, as CI does) and the `selenium` package (the `browser`
extra, part of `dev`); without them these tests skip and say why. One browser serves the
whole module. Set UPDATE_SCREENSHOTS=1 to refresh the README's screenshots in docs/images.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from test_explorer import README_INIT, TIED, X, Y, expected_gradients, readme_net, trained

import tinygrad_sym as ts
from tinygrad_sym.viz.labels import number

webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed: pip install -e '.[browser]'")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER and shutil.which("dot")):
    pytest.skip("the browser tests need chromium, chromedriver and Graphviz's dot: "
                "sudo apt-get install chromium chromium-driver graphviz (make test does "
                "this as root)", allow_module_level=True)

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1440,900", "--hide-scrollbars")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module, through the system's chromedriver (Selenium
    Manager would try to download one)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="ts-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def readme_page(tmp_path_factory):
    J, w = readme_net()
    path = ts.explore(J).save(tmp_path_factory.mktemp("explore") / "explore.html")
    return path, J, w


@pytest.fixture(scope="module")
def film_page(tmp_path_factory):
    net, history = trained({**TIED, "w6": 0.6})
    page = ts.film(history, net, X[:1], Y[:1], highlight=("w1", "w3"))
    return page.save(tmp_path_factory.mktemp("film") / "film.html"), net, history


def open_page(driver, path):
    driver.get(path.as_uri())
    assert driver.execute_script("return document.body.dataset.ready") == "true"
    driver.get_log("browser")  # start each test with an empty log


def no_console_errors(driver):
    """The page logged nothing worse than information (errors, warnings, CSP reports)."""
    problems = [entry for entry in driver.get_log("browser")
                if entry["level"] in ("SEVERE", "WARNING")]
    assert not problems, problems


def card(driver, node):
    return driver.find_element(By.CSS_SELECTOR, f'[data-node="{node}"]')


def tooltip(driver):
    return driver.find_element(By.ID, "tooltip").text


def panel(driver):
    return driver.find_element(By.ID, "panel").text


def index_of(J, label):
    return next(i for i, node in enumerate(ts.topological_order(J)) if node.label == label)


def edge_index(J, child_label, parent_label):
    order = ts.topological_order(J)
    k = 0
    for node in order:
        for parent in node.parents:
            if node.label == child_label and parent.label == parent_label:
                return k
            k += 1
    raise LookupError(child_label, parent_label)


README_SHOTS = {"explorer.png", "explorer_film.png"}


def shoot(driver, name, tmp_path):
    """A screenshot in tmp_path (and, for the README's, in docs/images with
    UPDATE_SCREENSHOTS=1)."""
    path = tmp_path / name
    driver.save_screenshot(str(path))
    if os.environ.get("UPDATE_SCREENSHOTS") and name in README_SHOTS:
        IMAGES.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(IMAGES / name))
    return path


def test_hovering_a_card_and_an_edge(browser, readme_page):
    path, J, _ = readme_page
    open_page(browser, path)
    ActionChains(browser).move_to_element(card(browser, index_of(J, "w1"))).perform()
    text = tooltip(browser)
    assert "value 1.2" in text and "∂J/∂w1 = −0.03531" in text and "layer 1 · unit 1" in text
    label = browser.find_element(
        By.CSS_SELECTOR, f'.ts-edge-label[data-label="{edge_index(J, "z3", "a1")}"]')
    ActionChains(browser).move_to_element(label).perform()
    assert tooltip(browser).splitlines()[0] == "∂z3/∂a1 = w5 = 0.73"
    line = browser.find_element(
        By.CSS_SELECTOR, f'[data-edge="{edge_index(J, "a3", "z3")}"] .ts-hit')
    ActionChains(browser).move_to_element(line).perform()  # the line itself, not its label
    assert tooltip(browser).startswith("∂a3/∂z3 = a3·(1 − a3) = 0.2452")
    no_console_errors(browser)


def test_clicking_w1_explains_it(browser, readme_page, tmp_path):
    path, J, w = readme_page
    open_page(browser, path)
    card(browser, index_of(J, "w1")).click()
    text = panel(browser)
    assert text.startswith("∂J/∂w1 = −0.03531")
    assert "∂J/∂w1 = (−1.756) · 0.2452 · 0.73 · 0.216 · 0.52 = −0.03531" in text
    assert "Check: backpropagation (J.backward()" in text and "the same number" in text
    lit = browser.find_elements(By.CSS_SELECTOR, ".edge.lit-0[data-edge]")
    assert len(lit) == len(ts.explain(J, w["w1"]).edges) == 5
    shoot(browser, "explorer_w1.png", tmp_path)
    no_console_errors(browser)


def test_clicking_w1_then_w3_compares_them(browser, readme_page, tmp_path):
    path, J, _ = readme_page
    open_page(browser, path)
    card(browser, index_of(J, "w1")).click()
    card(browser, index_of(J, "w3")).click()
    text = panel(browser)
    assert "Verdict: ∂J/∂w1 ≠ ∂J/∂w3 (−0.03531 vs 0.02518) because ∂z3/∂a1 = w5 = 0.73" in text
    different = browser.find_elements(By.CSS_SELECTOR, "#panel pre span.different")
    assert [row.text.split()[0] for row in different] == ["∂z3/∂a1", "∂a1/∂z1"]
    assert browser.find_elements(By.CSS_SELECTOR, ".edge.lit-1[data-edge]")
    # The README's picture: the pointer on an edge whose factor differs.
    label = browser.find_element(
        By.CSS_SELECTOR, f'.ts-edge-label[data-label="{edge_index(J, "z3", "a2")}"]')
    ActionChains(browser).move_to_element(label).perform()
    assert tooltip(browser).startswith("∂z3/∂a2 = w6 = −0.45")
    shoot(browser, "explorer.png", tmp_path)
    no_console_errors(browser)


def shown(driver):
    """What every card shows, in one call: {node: (value, gradient)}, the gradient None
    while the replay keeps it hidden (and for cards without one)."""
    found = driver.execute_script(
        "const out = {};"
        "for (const g of document.querySelectorAll('[data-node]')) {"
        "  const v = g.querySelector('.ts-value-text'), t = g.querySelector('.ts-grad-text');"
        "  out[g.dataset.node] = [v && v.textContent, t && getComputedStyle(t).visibility"
        "    !== 'hidden' ? t.textContent : null]; }"
        "return out;")
    return {int(node): tuple(texts) for node, texts in found.items()}


def test_stepping_the_backward_pass_fills_every_gradient(browser, readme_page, tmp_path):
    path, J, _ = readme_page
    open_page(browser, path)
    order = ts.topological_order(J)
    visits = list(reversed(ts.topological_order(J, follow=lambda n: n.requires_grad)))
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.HOME)
    assert all(shown(browser)[order.index(node)][1] is None for node in visits)
    for k, node in enumerate(visits):
        body.send_keys(Keys.ARROW_RIGHT)
        cards = shown(browser)
        text = panel(browser).splitlines()
        assert text[0].endswith(f"step {k + 1} of {len(visits)}: {node.label}")
        assert text[1].startswith(f"∂J/∂{node.label} = ")
        total = f"∂J/∂J = {number(node.grad, 4)}" if k == 0 else f"= {number(node.grad, 4)}"
        assert total in [line.strip() for line in text]  # the sum, as the engine has it
        assert cards[order.index(node)][1] == number(node.grad, 4)
        assert all(cards[order.index(n)][1] is None for n in visits[k + 1:])
        if node.label == "a1":
            assert "(−0.4306) · 0.73" in "\n".join(text)
            shoot(browser, "explorer_backward.png", tmp_path)
    cards = shown(browser)
    assert all(cards[order.index(node)][1] == number(node.grad, 4) for node in visits)
    body.send_keys(Keys.ESCAPE)
    assert shown(browser)[index_of(J, "w1")][1] == "−0.03531"
    no_console_errors(browser)


def card_positions(driver):
    """Where every card's box is drawn (the points of its first polygon)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('[data-node]')].map(g => "
        "[g.dataset.node, g.querySelector('polygon').getAttribute('points'), "
        "JSON.stringify(g.querySelector('polygon').getBoundingClientRect())]);")


def panel_lines(driver):
    """The text block the panel shows, one line per span, exactly as the page holds it."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#panel pre span')]"
        ".map(s => s.textContent).join('\\n');")


def move_slider(driver, step):
    """Focus the slider and walk it with the keys, as a learner would."""
    slider = driver.find_element(By.ID, "film-slider")
    slider.send_keys(Keys.HOME + Keys.ARROW_RIGHT * step)


def test_the_film_slider_shows_each_recorded_step(browser, film_page, tmp_path):
    path, net, history = film_page
    open_page(browser, path)
    before = card_positions(browser)
    for step in (17, 3, 30):
        move_slider(browser, step)
        assert browser.find_element(By.ID, "film-status").text == f"step {step} of 30"
        J = expected_gradients(net, history, step)
        order = ts.topological_order(J)
        cards = shown(browser)
        for i, node in enumerate(order):
            assert cards[i][0] == number(node.data, 4), node.label
            if node.requires_grad:
                assert cards[i][1] == number(node.grad, 4), node.label
        state = history.parameters[step]
        assert np.isclose(state["W1"][0, 0], next(n.data for n in order if n.label == "w1"))
        assert card_positions(browser) == before  # the layout is frozen
        a, b = (next(n for n in order if n.label == name) for name in ("w1", "w3"))
        assert panel_lines(browser) == str(ts.compare(J, a, b))  # every line, as compare's
    assert "They part at step 0" in browser.find_element(By.ID, "parting").text
    shoot(browser, "explorer_film.png", tmp_path)
    no_console_errors(browser)


def test_pages_make_no_network_request(browser, readme_page, film_page):
    for path in (readme_page[0], film_page[0]):
        open_page(browser, path)
        entries = browser.execute_script(
            "return performance.getEntries().filter(e => e.name.includes(':'))"
            ".map(e => [e.entryType, e.name]);")
        assert entries == [["navigation", path.as_uri()]]
        policy = browser.execute_script(
            "return document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')"
            ".content;")
        assert policy.startswith("default-src 'none';")
        no_console_errors(browser)


def test_the_readme_init_matches(readme_page):
    """The page under test is the README's net (the numbers above are the README's)."""
    _, _, w = readme_page
    assert {name: w[name].data for name in README_INIT} == README_INIT
