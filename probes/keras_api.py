"""The Keras the note uses (`from tensorflow import keras`), whichever major version that is.

`tf.keras` is Keras 2 on TF 2.15, Keras 3 on TF 2.16+, and tf_keras (Keras 2) under
TF_USE_LEGACY_KERAS=1; importing it this way keeps one code path for all three.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# TensorFlow turns its oneDNN switch on by itself only on CPUs with AVX-512 VNNI or BF16, AVX-VNNI or AMX; elsewhere
# (an AVX2 AMD EPYC, say) it runs Eigen's kernels, which train these claims' small batched networks 1.3 to 2 times
# slower. On everywhere, so every x86 machine takes the same path through TensorFlow (oneDNN still picks its code by
# instruction set, and ops it has no kernel for, such as SELU, and XLA-compiled functions run as before);
# TF_ENABLE_ONEDNN_OPTS=0 turns it off. Results record the switch (pytest_deepclaims.environment.onednn_enabled).
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

import tensorflow as tf  # noqa: E402
from tensorflow import keras  # noqa: E402


def _keras_version() -> str:
    # TF 2.15's tf.keras namespace carries no __version__; the keras package it wraps does. Under
    # TF_USE_LEGACY_KERAS=1 that package is tf_keras, though Keras 3 is installed beside it.
    from importlib import metadata

    package = "tf-keras" if os.environ.get("TF_USE_LEGACY_KERAS") == "1" else "keras"
    return getattr(keras, "__version__", None) or metadata.version(package)


KERAS_VERSION = _keras_version()
KERAS_MAJOR = int(KERAS_VERSION.split(".")[0])

__all__ = ["tf", "keras", "KERAS_VERSION", "KERAS_MAJOR"]
