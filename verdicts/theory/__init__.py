"""Theory the claims are checked against: closed forms and documented laws, numpy and scipy only.

Claim tests and decisions both import it (a probe never needs it): `initializer_laws`, the laws Keras documents
for its variance-scaling initializers; `selu`, the SELU paper's constants, moment map, Jacobian and domain.
"""
