"""Protocols whose runs serve several claims: each is trained once per session from seeds derived from
the protocol's name (`claim.protocol_seeds`), so every claim that reads it sees the same models."""
from __future__ import annotations

from probes.training.tuned import TunedRuns, tuned_runs

TUNED = "tuned performance protocol"


def tuned_protocol(claim) -> TunedRuns:
    """The tuned performance protocol (probes/training/tuned.py), read by ACT-RANKING and SELU-OUTPERFORMS;
    both claims' catalog sizes name the same seeds, epochs and tuning seeds."""
    sizes = claim.sizes
    return tuned_runs(claim.protocol_seeds(f"{TUNED} tuning", sizes["tuning_seeds"]),
                      claim.protocol_seeds(TUNED, sizes["seeds"]),
                      claim.protocol_seeds(f"{TUNED} repeat", sizes["seeds"]),
                      sizes["epochs"], claim.protocol_seeds(f"{TUNED} split", 1)[0])
