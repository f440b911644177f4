"""The interactive viewer, opened in a real headless browser (Debian's chromium + selenium).

What a user sees is checked: no console errors, the node count the page shows equals the
brain's, clicking a node shows its observation and value, the min-weight slider hides exactly
the weaker synapses, a screenshot is not blank, and a hostile state label stays text.
"""

from __future__ import annotations

import io
import os
import shutil

import gymnasium as gym
import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain import viz

selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="needs Debian's chromium and chromium-driver (apt install chromium chromium-driver)",
)

HOSTILE = '<script>pwned=1</script>"\'\\<img src=x onerror="pwned=2">'


@pytest.fixture(scope="module")
def browser():
    options = Options()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
    ):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def frozen_lake_agent():
    env = gym.make("FrozenLake-v1", is_slippery=False)
    agent = hb.Agent(env, seed=0)
    agent.brain.record_dream_walks(5)
    return agent.learn(env, episodes=150)


def open_viewer(browser, path):
    browser.get(path.resolve().as_uri())
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("return window.hebbianViewer !== undefined")
    )
    return browser


def severe_logs(browser):
    return [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def click_node(browser, node_id):
    """A real mouse click on the node's position on the canvas."""
    browser.execute_script(
        "window.hebbianViewer.network.focus(arguments[0], {scale: 1.2, animation: false});",
        node_id,
    )
    x, y = browser.execute_script(
        "const v = window.hebbianViewer;"
        "const p = v.network.canvasToDOM(v.network.getPositions([arguments[0]])[arguments[0]]);"
        "return [p.x, p.y];",
        node_id,
    )
    canvas = browser.find_element(By.CSS_SELECTOR, "#graph canvas")
    w, h = canvas.size["width"], canvas.size["height"]
    ActionChains(browser).move_to_element_with_offset(
        canvas, x - w / 2, y - h / 2
    ).click().perform()


def test_the_page_shows_the_brain_and_clicking_a_node_shows_its_observation(
    tmp_path, browser, frozen_lake_agent
):
    agent = frozen_lake_agent
    path = viz.brain_html(agent, tmp_path / "brain.html")
    open_viewer(browser, path)
    assert severe_logs(browser) == []
    assert int(browser.find_element(By.ID, "stat-nodes").text) == agent.brain.node_count
    assert int(browser.find_element(By.ID, "stat-edges").text) == agent.brain.edge_count
    # the start state (0, 0): its greedy node
    nodes = agent.brain.nodes()
    rows = np.flatnonzero(nodes["state_hash"] == np.uint64(hb.state_hash(0)))
    best = rows[np.argmax(nodes["value"][rows])]
    node_id = int(nodes["index"][best])
    click_node(browser, node_id)
    observation = browser.find_element(By.CSS_SELECTOR, ".field-observation").text
    value = browser.find_element(By.CSS_SELECTOR, ".field-value").text
    state = browser.find_element(By.CSS_SELECTOR, ".field-state").text
    assert observation == "0"
    assert state == "(0, 0) S"
    assert float(value) == pytest.approx(float(nodes["value"][best]))
    assert severe_logs(browser) == []


def test_the_min_weight_slider_hides_exactly_the_weaker_synapses(
    tmp_path, browser, frozen_lake_agent
):
    agent = frozen_lake_agent
    path = viz.brain_html(agent, tmp_path / "brain.html")
    open_viewer(browser, path)
    weights = agent.brain.edges()["weight"]
    threshold = float(np.quantile(weights, 0.5))
    browser.execute_script(
        "const s = document.getElementById('minweight'); s.value = arguments[0];"
        "s.dispatchEvent(new Event('input'));",
        threshold,
    )
    set_to = float(browser.execute_script("return document.getElementById('minweight').value"))
    shown = int(browser.find_element(By.ID, "shown-edges").text)
    assert shown == int(np.sum(weights >= set_to))
    assert 0 < shown < len(weights)
    # hidden ones are gone from the drawn data set too
    drawn = browser.execute_script("return window.hebbianViewer.edges.get().map(e => e.id)")
    assert len(drawn) == shown


def test_the_top_k_slider_and_creative_toggle_change_what_is_drawn(
    tmp_path, browser, frozen_lake_agent
):
    path = viz.brain_html(frozen_lake_agent, tmp_path / "brain.html", top_k=10)
    open_viewer(browser, path)
    assert int(browser.find_element(By.ID, "shown-nodes").text) == 10
    creative = int(np.sum(frozen_lake_agent.brain.edges()["is_creative"]))
    browser.execute_script(
        "const s = document.getElementById('topk'); s.value = s.max;"
        "s.dispatchEvent(new Event('input'));"
    )
    before = int(browser.find_element(By.ID, "shown-edges").text)
    browser.find_element(By.ID, "creative").click()
    after = int(browser.find_element(By.ID, "shown-edges").text)
    assert before - after == creative


def test_search_and_dream_replay_work(tmp_path, browser, frozen_lake_agent):
    agent = frozen_lake_agent
    agent.dream()
    assert agent.brain.dream_walks, "the brain recorded its walks"
    path = viz.brain_html(agent, tmp_path / "brain.html", top_k=1, replay_ms=20)
    open_viewer(browser, path)
    box = browser.find_element(By.ID, "search")
    box.send_keys("(3, 2)\n")
    assert "found" in browser.find_element(By.ID, "search-result").text
    assert browser.find_element(By.CSS_SELECTOR, ".field-state").text == "(3, 2)"
    browser.find_element(By.ID, "replay").click()
    WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.ID, "replay-status").text == "done"
    )
    assert severe_logs(browser) == []


def test_a_screenshot_is_not_blank(tmp_path, browser, frozen_lake_agent):
    from PIL import Image

    open_viewer(browser, viz.brain_html(frozen_lake_agent, tmp_path / "brain.html"))
    image = Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("RGB")
    graph = np.asarray(image)[:, :900]
    colours = np.unique(graph.reshape(-1, 3), axis=0)
    assert len(colours) > 50, "the graph area has drawn nodes and synapses"
    assert (graph < 100).all(axis=2).sum() > 1000, "dark strokes (borders, text) are drawn"


def test_hostile_labels_stay_text_in_the_viewer(tmp_path, browser):
    env = gym.make("hebbian_brain/GridWorld-v0", size=3)
    agent = hb.Agent(env, seed=1).learn(env, episodes=5)
    path = viz.brain_html(
        agent, tmp_path / "hostile.html", state_label=lambda obs: HOSTILE, title=HOSTILE
    )
    page = path.read_text()
    assert len(HOSTILE) < 60, "short enough to be shown whole"
    assert "<script>pwned" not in page
    assert "<img src=x" not in page
    open_viewer(browser, path)
    assert browser.execute_script("return window.pwned === undefined")
    node_id = int(agent.brain.nodes()["index"][0])
    browser.execute_script("window.hebbianViewer.network.selectNodes([arguments[0]]);", node_id)
    click_node(browser, node_id)
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_element(By.CSS_SELECTOR, ".field-state").text == HOSTILE
    assert browser.find_element(By.ID, "title").text == HOSTILE
    assert severe_logs(browser) == []


def test_a_large_brain_opens_with_a_subset_shown(tmp_path, browser):
    rng = np.random.default_rng(0)
    n, m = 10_000, 30_000
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n, m)
    keep = src != dst
    pairs = np.unique(np.stack([src[keep], dst[keep]], 1), axis=0)
    brain = hb.Brain.from_tables(
        {
            "index": np.arange(n, dtype=np.uint32),
            "state_hash": np.arange(n, dtype=np.uint64),
            "action": np.zeros(n, dtype=np.uint32),
            "activation_count": rng.integers(1, 100, n).astype(np.uint64),
            "value": rng.normal(size=n),
        },
        {"source": pairs[:, 0], "target": pairs[:, 1], "weight": rng.uniform(0.1, 1, len(pairs))},
    )
    path = viz.brain_html(brain, tmp_path / "big.html")
    assert path.stat().st_size < 30_000_000
    open_viewer(browser, path)
    assert int(browser.find_element(By.ID, "stat-nodes").text) == n
    assert int(browser.find_element(By.ID, "shown-nodes").text) == 150
    assert severe_logs(browser) == []


@pytest.mark.skipif(os.environ.get("HEBBIAN_REQUIRE_TOOLS") != "1", reason="CI only")
def test_ci_has_the_browser():
    assert CHROMIUM is not None and DRIVER is not None
