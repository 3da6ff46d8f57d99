"""Probes of Keras's initializers: which exist, what names resolve to, what layers use by default,
and samples of the weights they draw."""
from __future__ import annotations

import numpy as np

from probes.keras_api import keras
from probes.seeding import int31_seeds

# Public helpers of keras.initializers that are functions, not initializers.
NOT_INITIALIZERS = frozenset({"deserialize", "get", "serialize"})


def public_initializer_names() -> list[str]:
    return sorted(name for name in dir(keras.initializers) if not name.startswith("_"))


def camel_case(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def resolve_by_name(names) -> dict[str, dict]:
    """For each lowercase initializer name: the class `keras.initializers.get` returns, and whether it
    is an instance of the CamelCase class of the same name (glorot_uniform -> GlorotUniform)."""
    resolved = {}
    for name in names:
        expected_class = getattr(keras.initializers, camel_case(name), None)
        try:
            instance = keras.initializers.get(name)
        except (ValueError, TypeError, KeyError) as error:
            # Keras 3 raises KeyError('value') for "constant": recorded as a failed resolution.
            resolved[name] = {"class": None, "matches": False, "error": f"{type(error).__name__}: {error}"}
            continue
        resolved[name] = {"class": type(instance).__name__,
                          "matches": expected_class is not None and isinstance(instance, expected_class)}
    return resolved


def default_kernel_initializers() -> dict[str, str]:
    """Class names of the default kernel initializer of Dense and Conv2D."""
    return {"Dense": type(keras.layers.Dense(1).kernel_initializer).__name__,
            "Conv2D": type(keras.layers.Conv2D(1, 3).kernel_initializer).__name__}


def default_dense_kernel(fan_in: int, fan_out: int, seed: int) -> np.ndarray:
    """The kernel a default Dense layer draws, seeded through Keras's global seed."""
    keras.utils.set_random_seed(seed)
    layer = keras.layers.Dense(fan_out)
    layer.build((None, fan_in))
    return np.asarray(layer.kernel.numpy()).ravel()


def default_conv2d_kernel(kernel_size: int, channels_in: int, channels_out: int, seed: int) -> np.ndarray:
    keras.utils.set_random_seed(seed)
    layer = keras.layers.Conv2D(channels_out, kernel_size)
    layer.build((None, 2 * kernel_size, 2 * kernel_size, channels_in))
    return np.asarray(layer.kernel.numpy()).ravel()


def sample_initializer(name: str, shape: tuple[int, ...], seed: int, **config) -> np.ndarray:
    """Draw one tensor of `shape` from the named initializer, with an explicit seed."""
    initializer = keras.initializers.get({"class_name": camel_case(name), "config": {"seed": seed, **config}})
    return np.asarray(initializer(shape, dtype="float32")).ravel()


def seeded_initializer(name: str, seed: int, **config):
    """The Keras initializer `name` (snake_case or CamelCase) with `config` and an explicit seed."""
    class_name = name if name[:1].isupper() else camel_case(name)
    return keras.initializers.get({"class_name": class_name, "config": {"seed": seed, **config}})


def draw_samples(name: str, shape: tuple[int, ...], count: int, seed: int, **config) -> np.ndarray:
    """At least `count` weights from the named initializer at `shape`: as many independently seeded
    tensors of that shape as it takes, flattened and concatenated."""
    size = int(np.prod(shape))
    tensors = -(-count // size)
    seeds = int31_seeds(seed, tensors)
    return np.concatenate([np.asarray(seeded_initializer(name, int(s), **config)(shape, dtype="float32"))
                           .ravel() for s in seeds])


def layer_kernel_samples(layer: str, shape: tuple[int, ...], name: str, count: int, seed: int) -> np.ndarray:
    """At least `count` weights from kernels that real `Dense` (shape (in, out)) or `Conv2D` (shape
    (k, k, in, out)) layers draw with the named initializer, one independently seeded layer per kernel."""
    size = int(np.prod(shape))
    seeds = int31_seeds(seed, -(-count // size))
    kernels = []
    for layer_seed in seeds:
        initializer = seeded_initializer(name, int(layer_seed))
        if layer == "Dense":
            built = keras.layers.Dense(shape[-1], kernel_initializer=initializer)
            built.build((None, shape[0]))
        elif layer == "Conv2D":
            built = keras.layers.Conv2D(shape[-1], shape[:2], kernel_initializer=initializer)
            built.build((None, 2 * shape[0], 2 * shape[1], shape[2]))
        else:
            raise ValueError(f"layer must be 'Dense' or 'Conv2D', got {layer!r}")
        kernels.append(built.kernel.numpy().ravel())
    return np.concatenate(kernels)
