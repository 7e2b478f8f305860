r"""Checks for chapter 4 (an L-layer network, step by step) and ``predict`` (chapter 5).

Examples are columns: ``X = A[0]`` (n[0], m), ``Y`` and ``AL`` (1, m); layer l has
``W[l]`` (n[l], n[l-1]) and ``b[l]`` (n[l], 1); hidden layers use ReLU, the output layer
the sigmoid. Caches are ``(A_prev, W, b)`` for ``linear_forward`` and
``(linear_cache, Z)`` for a layer; a learner's caches may be tuples, lists or named
tuples. Backward functions get caches built by a forward pass, so any correct formula
passes (``dZL = AL - Y`` directly, ``sigmoid(Z) * (1 - sigmoid(Z))`` or ``A * (1 - A)``).
Every hidden ``|Z|`` is kept above 1e-3, away from ReLU's kink, where the derivative is
a convention and a recomputed ``Z`` could round to the other side. Labels come as float,
int, bool and uint8.

The checks are in three modules, in the order of the notes, with what they share in
``_common``: :mod:`.forward` (``linear_forward``, ``linear_activation_forward``,
``deep_forward``, ``compute_cost``), :mod:`.backward` (``linear_backward``,
``linear_activation_backward``, ``deep_backward``) and :mod:`.training`
(``initialize_parameters_deep``, ``update_parameters``, ``predict``, ``deep_model``).
This module gathers their ``check_<function>`` and specs, and seals the modules they rely
on.
"""

from __future__ import annotations

import sys

import dlnotes.activations
import dlnotes.cost
from dlnotes import deep as ref
from graders.checks._tamper import seal
from graders.checks.deep.backward import (
    DEEP_BACKWARD,
    LINEAR_ACTIVATION_BACKWARD,
    LINEAR_BACKWARD,
    check_deep_backward,
    check_linear_activation_backward,
    check_linear_backward,
)
from graders.checks.deep.forward import (
    COMPUTE_COST,
    DEEP_FORWARD,
    LINEAR_ACTIVATION_FORWARD,
    LINEAR_FORWARD,
    check_compute_cost,
    check_deep_forward,
    check_linear_activation_forward,
    check_linear_forward,
)
from graders.checks.deep.training import (
    DEEP_MODEL,
    INITIALIZE_PARAMETERS_DEEP,
    PREDICT,
    UPDATE_PARAMETERS,
    check_deep_model,
    check_initialize_parameters_deep,
    check_predict,
    check_update_parameters,
)

__all__ = [
    "COMPUTE_COST",
    "DEEP_BACKWARD",
    "DEEP_FORWARD",
    "DEEP_MODEL",
    "INITIALIZE_PARAMETERS_DEEP",
    "LINEAR_ACTIVATION_BACKWARD",
    "LINEAR_ACTIVATION_FORWARD",
    "LINEAR_BACKWARD",
    "LINEAR_FORWARD",
    "PREDICT",
    "UPDATE_PARAMETERS",
    "check_compute_cost",
    "check_deep_backward",
    "check_deep_forward",
    "check_deep_model",
    "check_initialize_parameters_deep",
    "check_linear_activation_backward",
    "check_linear_activation_forward",
    "check_linear_backward",
    "check_linear_forward",
    "check_predict",
    "check_update_parameters",
]

seal(sys.modules[__name__])
seal(ref)
seal(dlnotes.activations)
seal(dlnotes.cost)
