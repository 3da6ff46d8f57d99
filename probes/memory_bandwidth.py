"""The physical reference of the op-level timings: how fast this machine copies memory.

An elementwise activation on float32 reads 4 bytes and writes 4 bytes per element; no implementation
can beat a plain copy of the same array through the same runtime. `copy_call` is that copy:
TensorFlow's Snapshot op (allocate an output, copy the input into it with the device's own threads)
on the op level's input, one copy per compiled call, so it is timed, dispatched and normalized exactly
like one application of an activation. Its nanoseconds per element are the memory limit the ops' are
shown against. (A numpy copy on a fixed split of threads proved a poor reference on a loaded machine:
one preempted thread stalls it, while TensorFlow's thread pool rebalances its work.)
"""
from __future__ import annotations

from collections.abc import Callable

from probes.activation_speed import COLUMNS, on_device, standard_normal
from probes.keras_api import tf

BYTES_PER_ELEMENT = 8  # float32: 4 read + 4 written


def copy_call(elements: int, device: str, seed: int) -> Callable[[], object]:
    """One copy of `elements` floats per compiled call (the input stays referenced, so it cannot be
    forwarded: the op must allocate and copy)."""
    x = standard_normal((elements // COLUMNS, COLUMNS), seed, device)
    return on_device(device, tf.function(lambda inputs: tf.raw_ops.Snapshot(input=inputs)), x)


def gigabytes_per_second(ns_per_element: float) -> float:
    """Bytes read plus bytes written per second, in GB/s (10^9 bytes), from the copy's ns per element."""
    return BYTES_PER_ELEMENT / ns_per_element
