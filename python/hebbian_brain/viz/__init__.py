"""Pictures, usable headless: every plot of the package lives here.

* :func:`render_brain` draws a readable picture of a brain's graph through Graphviz (the
  Graphviz programs from the OS, e.g. ``apt install graphviz``): states named by their
  observation (:class:`StateLabels`, or your ``state_label``), at most ``max_nodes`` nodes,
  value as colour with a legend, grid worlds on their grid. A ``.dot``/``.gv`` path just
  writes the DOT text; :func:`brain_dot` returns it.
* :func:`brain_html` writes an interactive viewer (one self-contained HTML file: pan, zoom,
  search, details on click, sliders, dream replay); Brains and Agents show it in Jupyter.
* :func:`render_experience`, :func:`experience_html` and :func:`experience_networkx` show the
  experience graph of ``Box``-observation agents (an ``ExperienceCore``): its steps placed at
  two observation dimensions, coloured by value, marked by action (matplotlib for the picture).
* :func:`plot_history` draws an agent's returns per episode (learning curve) with matplotlib
  (the ``plot`` extra).
* :func:`plot_phase_portrait` and :func:`plot_weight_matrices` draw a 2-D system's flow and a
  network's weight matrices, from the numbers of :mod:`hebbian_brain.analysis`.

matplotlib figures are created standalone (not registered with pyplot): nothing opens a window.
"""

from hebbian_brain.viz._brain import (
    DEFAULT_MAX_FREE_NODES,
    DEFAULT_MAX_NODES,
    DOT_NODE_LIMIT,
    MAX_PIXELS,
    brain_dot,
    render_brain,
)
from hebbian_brain.viz._curves import plot_history
from hebbian_brain.viz._dynamics import plot_phase_portrait, plot_weight_matrices
from hebbian_brain.viz._experience import (
    DEFAULT_EXPERIENCE_NODES,
    experience_networkx,
    render_experience,
)
from hebbian_brain.viz._experience_html import experience_html
from hebbian_brain.viz._labels import StateLabels, labels_for
from hebbian_brain.viz._views import brain_html

__all__ = [
    "DEFAULT_EXPERIENCE_NODES",
    "DEFAULT_MAX_FREE_NODES",
    "DEFAULT_MAX_NODES",
    "DOT_NODE_LIMIT",
    "MAX_PIXELS",
    "StateLabels",
    "brain_dot",
    "brain_html",
    "experience_html",
    "experience_networkx",
    "labels_for",
    "plot_history",
    "plot_phase_portrait",
    "plot_weight_matrices",
    "render_experience",
    "render_brain",
]
