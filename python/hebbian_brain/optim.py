"""Gradient-based optimizers, computed in Rust, for the trained parameters of plastic networks.

``Adam(params, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)`` takes a non-empty list of
distinct C-contiguous numpy arrays, all float64 or all float32 (the moments are kept in float64
either way), and updates them in place with ``step(grads)`` (one C-contiguous gradient per
parameter, same shape and dtype; a float is accepted for a 0-d parameter). Everything is checked
before anything changes: a wrong shape or dtype, a Fortran-ordered or NaN gradient, an update
that would not be finite, or a parameter borrowed elsewhere raises and leaves every parameter
and the optimizer's state as they were. The update is PyTorch's (bias-corrected moments, ε
outside the square root), so runs can be compared with the original differentiable-plasticity code.

Example:
    >>> import numpy as np
    >>> from hebbian_brain.optim import Adam
    >>> x = np.array([3.0, -2.0])
    >>> opt = Adam([x], lr=0.1)
    >>> for _ in range(500):
    ...     opt.step([2 * x])
    >>> bool(np.all(np.abs(x) < 1e-2))
    True
"""

from hebbian_brain._core import Adam

__all__ = ["Adam"]
