"""The one place viz creates matplotlib figures."""

from __future__ import annotations

from typing import Any, Literal


def new_figure(
    figsize: tuple[float, float],
    *,
    layout: Literal["constrained", "compressed", "tight"] | None = None,
    user: str = "plotting",
) -> Any:
    """A standalone ``matplotlib.figure.Figure``, not registered with pyplot.

    It never enters pyplot's figure list (no "too many figures" warnings; freed when dropped) and
    never opens a window.

    Args:
        figsize: Width and height in inches.
        layout: matplotlib's layout engine (e.g. ``"constrained"``), or None.
        user: Who needs the figure, named in the error when matplotlib is missing.

    Raises:
        ImportError: matplotlib is missing (``pip install "hebbian_brain[plot]"``).
    """
    try:
        from matplotlib.figure import Figure
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(f"{user} needs matplotlib: pip install 'hebbian_brain[plot]'") from err
    return Figure(figsize=figsize, layout=layout)
