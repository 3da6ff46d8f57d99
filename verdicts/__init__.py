"""Decisions: numbers in, a frozen `Verdict` out. scipy and numpy only, no TensorFlow.

Every decision states both error rates: `alpha`, how often it calls a false claim supported (or a true
claim refuted), and `beta`, the miss rate at the smallest effect that matters, from which each verdict
reports `detectable_effect`, the effect it had power 1 - beta to detect at the sample size used.
"""
from verdicts.record import ERROR, INCONCLUSIVE, NEGLIGIBLE, NOT_RUN, REFUTED, SKIPPED, SUPPORTED, UNTESTED, Verdict

__all__ = ["Verdict", "SUPPORTED", "NEGLIGIBLE", "REFUTED", "INCONCLUSIVE", "UNTESTED", "ERROR", "SKIPPED",
           "NOT_RUN"]
