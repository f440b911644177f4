"""Pictures, usable headless: every plot of the package lives here.

* :func:`render_brain` draws a brain's graph through Graphviz (the ``graphviz`` extra plus the
  ``dot`` program from the OS, e.g. ``apt install graphviz``); a ``.dot``/``.gv`` path just
  writes the DOT text. :func:`brain_dot` returns that text.
* :func:`plot_history` draws an agent's returns per episode (learning curve) with matplotlib
  (the ``plot`` extra).
* :func:`plot_phase_portrait` and :func:`plot_weight_matrices` draw a 2-D system's flow and a
  network's weight matrices, from the numbers of :mod:`hebbian_brain.analysis`.

matplotlib figures are created standalone (not registered with pyplot): nothing opens a window.
"""

from hebbian_brain.viz._brain import DOT_NODE_LIMIT, brain_dot, render_brain
from hebbian_brain.viz._curves import plot_history
from hebbian_brain.viz._dynamics import plot_phase_portrait, plot_weight_matrices

__all__ = [
    "DOT_NODE_LIMIT",
    "brain_dot",
    "plot_history",
    "plot_phase_portrait",
    "plot_weight_matrices",
    "render_brain",
]
