"""Views of an experience graph (the learner of Box observations): networkx, picture, viewer.

The picture is checked the way a person sees it (read back as pixels: not blank, the value
colours where the nodes are, a readable size); the viewer is opened in a real headless browser
(Debian's chromium + selenium) and a node is clicked with the mouse.
"""

from __future__ import annotations

import io
import shutil

import gymnasium as gym
import networkx as nx
import numpy as np
import pytest

from hebbian_brain import viz
from hebbian_brain._core import ArgumentTypeError, ExperienceCore, InvalidArgumentError
from hebbian_brain.viz._experience import _caption, snapshot

pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")

NAMES = ["cart position", "cart velocity", "pole angle", "pole angular velocity"]
ACTIONS = ["push left", "push right"]
VIRIDIS_TOP = np.array([253, 231, 37])  # the colour of the highest values
VIRIDIS_LOW = np.array([68, 1, 84])  # ... and of the lowest


def train_cartpole(steps: int, seed: int = 0) -> ExperienceCore:
    env = gym.make("CartPole-v1")
    core = ExperienceCore(4, 2, seed=seed)
    obs, _ = env.reset(seed=seed)
    for _ in range(steps):
        a = core.act(obs)
        obs, r, term, trunc, _ = env.step(a)
        core.observe(r, obs, term)
        if term or trunc:
            core.end_episode()
            obs, _ = env.reset()
    core.dream()
    return core


@pytest.fixture(scope="module")
def core() -> ExperienceCore:
    c = train_cartpole(3000)
    assert c.planned == 3000
    return c


@pytest.fixture(scope="module")
def line_core() -> ExperienceCore:
    """A 1-D walk to a goal at +1 (reward 1 there)."""
    c = ExperienceCore(1, 2, seed=0)
    rng = np.random.default_rng(0)
    x = 0.0
    for _ in range(400):
        a = c.act([x])
        x2 = float(np.clip(x + (0.1 if a else -0.1) + rng.normal(0, 0.02), -1, 1))
        term = x2 >= 1
        c.observe(1.0 if term else 0.0, [x2], term)
        x = 0.0 if term else x2
        if term:
            c.end_episode()
    c.dream()
    return c


class Spy:
    """An ExperienceCore stand-in that records which nodes' links were asked for."""

    def __init__(self, inner: ExperienceCore) -> None:
        self.inner = inner
        self.asked: list[int] = []

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def links(self, ids):
        self.asked.extend(ids)
        return self.inner.links(ids)


def pixels(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def near(img: np.ndarray, rgb: np.ndarray, tol: int = 30) -> np.ndarray:
    return np.abs(img - rgb).max(axis=2) <= tol


# --- networkx ---------------------------------------------------------------------------------


def test_networkx_holds_every_planned_node_and_link_with_their_fields(core):
    g = viz.experience_networkx(core, max_nodes=None, dim_names=NAMES, action_names=ACTIONS)
    obs, actions, rewards, next_obs, term = core.steps()
    values = core.node_values()
    src, dst, w = core.links(list(range(core.planned)))
    assert g.number_of_nodes() == core.planned
    assert g.number_of_edges() == len(src)
    assert g.graph["sampled"] is False and g.graph["total_nodes"] == core.planned
    for i in (0, 17, core.planned - 1, int(np.flatnonzero(term)[0])):
        n = g.nodes[i]
        assert n["obs"] == obs[i].tolist() and n["next_obs"] == next_obs[i].tolist()
        assert n["action"] == actions[i] and n["action_name"] == ACTIONS[actions[i]]
        assert n["reward"] == rewards[i] and n["value"] == values[i]
        assert n["terminated"] == bool(term[i])
        assert [n[name] for name in NAMES] == obs[i].tolist()
    e = 123
    assert g.edges[int(src[e]), int(dst[e])]["weight"] == w[e]
    # kernel weights: each node's links to one action's nodes sum to 1
    sums: dict[tuple[int, int], float] = {}
    for s, _, data in g.edges(data=True):
        sums[(s, data["action"])] = sums.get((s, data["action"]), 0.0) + data["weight"]
    assert np.allclose(list(sums.values()), 1.0)
    assert len(sums) == core.planned * 2


def test_networkx_sampling_caps_the_graph_and_depends_only_on_the_seed(core):
    a = viz.experience_networkx(core, max_nodes=500, seed=3)
    b = viz.experience_networkx(core, max_nodes=500, seed=3)
    c = viz.experience_networkx(core, max_nodes=500, seed=4)
    full = viz.experience_networkx(core, max_nodes=None)
    assert a.number_of_nodes() == 500
    assert a.graph["sampled"] is True and a.graph["total_nodes"] == core.planned
    assert sorted(a.nodes) == sorted(b.nodes) and sorted(a.edges) == sorted(b.edges)
    assert sorted(a.nodes) != sorted(c.nodes)
    assert set(a.edges) <= set(full.edges)
    kept = set(a.nodes)
    expected = {(s, d) for s, d in full.edges if s in kept and d in kept}
    assert set(a.edges) == expected and len(expected) > 0


def test_networkx_reads_only_planned_nodes():
    c = train_cartpole(500)
    env = gym.make("CartPole-v1")
    obs, _ = env.reset(seed=9)
    for _ in range(5):  # stored after the rebuild, not planned
        a = c.act(obs)
        obs, r, term, _, _ = env.step(a)
        c.observe(r, obs, term)
    assert c.node_count == c.planned + 5
    g = viz.experience_networkx(c)
    assert g.number_of_nodes() == c.planned and g.graph["stored_nodes"] == c.node_count
    assert "5 newer steps not planned yet" in _caption(snapshot(c, **PLAIN), None)


PLAIN = {"max_nodes": 2000, "seed": 0, "dim_names": None, "action_names": None}


def test_an_empty_core_gives_an_empty_graph():
    g = viz.experience_networkx(ExperienceCore(3, 2, seed=0))
    assert g.number_of_nodes() == 0 and g.graph["total_nodes"] == 0
    assert isinstance(g, nx.DiGraph)


def test_an_agent_holding_a_core_is_taken(core):
    class Holder:
        _core = core

    assert viz.experience_networkx(Holder(), max_nodes=50).number_of_nodes() == 50


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"max_nodes": 0}, InvalidArgumentError),
        ({"max_nodes": 2.5}, ArgumentTypeError),
        ({"seed": -1}, InvalidArgumentError),
        ({"dim_names": ["a", "b"]}, InvalidArgumentError),
        ({"dim_names": ["a", "b", "c", "value"]}, InvalidArgumentError),
        ({"dim_names": ["a", "a", "b", "c"]}, InvalidArgumentError),
        ({"dim_names": "abcd"}, ArgumentTypeError),
        ({"dim_names": ["a", "b", "c", 4]}, ArgumentTypeError),
        ({"action_names": ["left"]}, InvalidArgumentError),
    ],
)
def test_networkx_bad_arguments_raise_library_errors(core, kwargs, error):
    with pytest.raises(error):
        viz.experience_networkx(core, **kwargs)


def test_something_else_than_a_core_is_refused():
    with pytest.raises(ArgumentTypeError, match="ExperienceCore"):
        viz.experience_networkx(object())
    with pytest.raises(ArgumentTypeError, match="ExperienceCore"):
        viz.render_experience([1, 2], "x.png")


# --- the picture ------------------------------------------------------------------------------


def test_the_picture_shows_nodes_in_value_colours(tmp_path, core):
    path = viz.render_experience(
        core, tmp_path / "exp.png", dims=(2, 3), dim_names=NAMES, action_names=ACTIONS
    )
    img = pixels(path)
    h, w, _ = img.shape
    assert 700 <= w <= 1400 and 600 <= h <= 1100, "a readable size"
    plot = img[int(0.08 * h) : int(0.88 * h), int(0.08 * w) : int(0.8 * w)]
    assert len(np.unique(plot.reshape(-1, 3), axis=0)) > 300, "not blank: many colours"
    assert near(plot, VIRIDIS_TOP).sum() > 2000, "high-value nodes (yellow)"
    assert near(plot, VIRIDIS_LOW, 40).sum() > 50, "low-value nodes near failure (purple)"
    assert near(plot, np.array([214, 39, 40]), 40).sum() > 50, "terminal steps (red edges)"
    white = (plot > 245).all(axis=2).mean()
    assert 0.2 < white < 0.95, "nodes cover part of the plot, not all of it"


def test_the_same_seed_draws_the_same_picture(tmp_path, core):
    a = viz.render_experience(core, tmp_path / "a.png", max_nodes=400, seed=1)
    b = viz.render_experience(core, tmp_path / "b.png", max_nodes=400, seed=1)
    c = viz.render_experience(core, tmp_path / "c.png", max_nodes=400, seed=2)
    assert np.array_equal(pixels(a), pixels(b))
    assert not np.array_equal(pixels(a), pixels(c))


def test_the_caption_of_an_empty_core_counts_zero():
    snap = snapshot(ExperienceCore(2, 2, seed=0), **PLAIN)
    assert _caption(snap, None) == "experience graph: 0 planned nodes"


def test_the_sample_is_drawn_before_any_link_is_read(tmp_path, core):
    spy = Spy(core)
    viz.render_experience(spy, tmp_path / "s.png", max_nodes=100)
    assert len(spy.asked) == 100 and max(spy.asked) < core.planned
    snap = snapshot(core, max_nodes=100, seed=0, dim_names=None, action_names=None)
    assert f"showing 100 of {core.planned}" in _caption(snap, "mine")
    assert _caption(snap, "mine").startswith("mine\n")


def test_svg_and_pdf_are_written_by_their_suffix(tmp_path, core):
    svg = viz.render_experience(core, tmp_path / "e.svg", max_nodes=200)
    pdf = viz.render_experience(core, tmp_path / "sub" / "e.PDF", max_nodes=200)
    assert b"<svg" in svg.read_bytes()[:2000]
    assert pdf.read_bytes().startswith(b"%PDF")


def test_an_empty_core_draws_a_picture_that_says_so(tmp_path):
    path = viz.render_experience(ExperienceCore(3, 2, seed=0), tmp_path / "empty.png")
    img = pixels(path)
    dark = (img < 100).all(axis=2)
    assert dark.sum() > 300, "text and frame are drawn"
    assert near(img, VIRIDIS_TOP).sum() == 0, "no nodes"
    mid = dark[int(0.4 * img.shape[0]) : int(0.6 * img.shape[0])]
    assert mid.sum() > 100, "the message sits in the middle"


def test_a_one_dimensional_core_is_drawn_against_value(tmp_path, line_core):
    path = viz.render_experience(line_core, tmp_path / "line.png", dim_names=["position"])
    img = pixels(path)
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 300
    g = viz.experience_networkx(line_core, dim_names=["position"])
    assert g.number_of_nodes() == line_core.planned and "position" in g.nodes[0]
    with pytest.raises(InvalidArgumentError, match="dims"):
        viz.render_experience(line_core, tmp_path / "x.png", dims=(0, 1))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"dims": (0, 0)}, InvalidArgumentError),
        ({"dims": (0, 4)}, InvalidArgumentError),
        ({"dims": (1,)}, InvalidArgumentError),
        ({"dims": "01"}, ArgumentTypeError),
        ({"max_nodes": -3}, InvalidArgumentError),
        ({"action_names": ["a", "b", "c"]}, InvalidArgumentError),
    ],
)
def test_picture_bad_arguments_raise_library_errors(tmp_path, core, kwargs, error):
    with pytest.raises(error):
        viz.render_experience(core, tmp_path / "bad.png", **kwargs)
    assert not (tmp_path / "bad.png").exists()


@pytest.mark.parametrize("name", ["pic.jpg", "pic", "pic.html", "a\x00.png"])
def test_a_bad_path_raises_before_any_work(tmp_path, name):
    spy = Spy(train_cartpole(300))
    with pytest.raises(InvalidArgumentError, match="path"):
        viz.render_experience(spy, str(tmp_path / name))
    assert spy.asked == []
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ArgumentTypeError):
        viz.render_experience(spy, 3)


# --- the viewer -------------------------------------------------------------------------------


def test_the_page_is_self_contained_and_escapes_names(core):
    hostile = '</script><img src=x onerror="pwned=1">'
    page = viz.experience_html(core, max_nodes=50, dim_names=[hostile, "b", "c", "d"])
    assert page.startswith("<!DOCTYPE html>")
    assert "<img src=x" not in page and "</script><img" not in page
    assert "http://" not in page.split("<script>", 1)[0]
    with pytest.raises(InvalidArgumentError):
        viz.experience_html(core, top_k=0)
    with pytest.raises(InvalidArgumentError, match="path"):
        viz.experience_html(core, "a\x00.html")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="needs Debian's chromium and chromium-driver (apt install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("selenium")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_argument("--window-size=1400,900")
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    yield driver
    driver.quit()


def open_page(browser, path):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(path.resolve().as_uri())
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("return window.hebbianViewer !== undefined")
    )


def severe(browser):
    return [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def text(browser, css):
    from selenium.webdriver.common.by import By

    return browser.find_element(By.CSS_SELECTOR, css).text


def click_node(browser, node_id):
    """A real mouse click where the node is drawn."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    x, y = browser.execute_script(
        "const v = window.hebbianViewer;"
        "const p = v.network.canvasToDOM(v.network.getPositions([arguments[0]])[arguments[0]]);"
        "return [p.x, p.y];",
        node_id,
    )
    canvas = browser.find_element(By.CSS_SELECTOR, "#graph canvas")
    w, h = canvas.size["width"], canvas.size["height"]
    chain = ActionChains(browser).move_to_element_with_offset(canvas, x - w / 2, y - h / 2)
    chain.click().perform()


@needs_browser
def test_the_viewer_draws_the_nodes_and_a_click_shows_the_step(tmp_path, browser, core):
    path = viz.experience_html(
        core, tmp_path / "exp.html", dims=(2, 3), max_nodes=800, top_k=300,
        dim_names=NAMES, action_names=ACTIONS,
    )  # fmt: skip
    open_page(browser, path)
    assert severe(browser) == []
    assert int(text(browser, "#stat-nodes")) == core.planned
    assert int(text(browser, "#shown-nodes")) == 300
    drawn = browser.execute_script("return window.hebbianViewer.nodes.getIds()")
    assert len(drawn) == 300
    # placed by the observation: across the pole angle, up (screen y down) its velocity
    obs = core.steps()[0]
    pos = browser.execute_script(
        "return window.hebbianViewer.network.getPositions(arguments[0])", drawn
    )
    xs = np.array([pos[str(i)]["x"] for i in drawn])
    ys = np.array([pos[str(i)]["y"] for i in drawn])
    assert np.corrcoef(xs, obs[drawn, 2])[0, 1] > 0.999
    assert np.corrcoef(ys, obs[drawn, 3])[0, 1] < -0.999
    # the node most alone on screen: nothing else is under the mouse
    gaps = np.hypot(xs[:, None] - xs[None], ys[:, None] - ys[None]) + np.eye(len(xs)) * 1e9
    node = int(drawn[int(np.argmax(gaps.min(axis=1)))])
    click_node(browser, node)
    assert text(browser, ".field-node") == f"#{node}"
    assert float(text(browser, ".field-value")) == pytest.approx(core.node_values()[node])
    assert float(text(browser, ".field-pole_angle")) == pytest.approx(obs[node, 2])
    assert text(browser, ".field-action") == f"{ACTIONS[core.steps()[1][node]]} " + (
        f"({core.steps()[1][node]})"
    )
    assert severe(browser) == []


@needs_browser
def test_the_viewer_screenshot_shows_value_colours(tmp_path, browser, core):
    open_page(browser, viz.experience_html(core, tmp_path / "exp.html", max_nodes=600))
    shot = np.asarray(Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("RGB"))
    graph = shot[:, :900].astype(int)
    assert len(np.unique(graph.reshape(-1, 3), axis=0)) > 50
    assert near(graph, VIRIDIS_TOP).sum() > 1000, "high-value nodes are filled yellow"
    assert text(browser, "#row-replay") == "", "the dream replay of brains is hidden"


@needs_browser
def test_the_viewer_of_an_empty_core_opens(tmp_path, browser):
    open_page(browser, viz.experience_html(ExperienceCore(2, 3, seed=0), tmp_path / "e.html"))
    assert int(text(browser, "#stat-nodes")) == 0
    assert int(text(browser, "#shown-nodes")) == 0
    assert "No planned nodes yet" in text(browser, "#help")
    assert severe(browser) == []
