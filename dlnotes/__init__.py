"""dlnotes: neural networks from scratch in numpy, the reference of the dlnotes course.

One module per chapter of the course, read in this order:

- ``activations``: sigmoid, ReLU, tanh, leaky ReLU and their backward passes;
- ``basics``: numpy shapes (chapter 1);
- ``logistic``: logistic regression as a one-neuron network (chapter 2);
- ``shallow``: a 2-layer network (chapter 3);
- ``deep``: an L-layer network, step by step (chapter 4);
- ``gradcheck``, ``datasets``, ``plotting``: tools the chapters use (``gradcheck_scale`` is
  the machinery that makes ``gradcheck.gradient_check`` scale; no chapter reads it).

Everywhere, examples are columns: ``X`` has shape ``(n_x, m)`` and ``Y`` ``(1, m)``.
"""

__version__ = "0.1.0"
