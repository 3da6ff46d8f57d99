"""SELU decisions: do a network's per-layer moments stay in the paper's domain, and follow its moment map?
And does a float32 SELU agree with the closed form to within the rounding its computation carries?

The domain is Theorem 1's (Klambauer et al. 2017, verdicts/theory/selu.py): mean in [-0.1, 0.1], variance in
[0.8, 1.5], so the std in [0.894, 1.225]. Every statistic is an array with one row per network (its own
seed) and one column per layer; the decisions are verdicts/domain.py's per-layer TOSTs.
"""
from __future__ import annotations

import math

import numpy as np

from verdicts.domain import Bounds, layers_within_bounds_by_tost, some_layer_outside_bounds
from verdicts.family import INTERSECTION_UNION, every_part_holds, some_part_holds
from verdicts.location import mean_greater_by_t
from verdicts.record import Verdict
from verdicts.theory import selu as theory

MEAN_BOUNDS = Bounds(theory.DOMAIN["mean"][0], 0.0, theory.DOMAIN["mean"][1])
STD_BOUNDS = Bounds(math.sqrt(theory.DOMAIN["variance"][0]), 1.0, math.sqrt(theory.DOMAIN["variance"][1]))
DOMAIN_BOUNDS = {"mean": MEAN_BOUNDS, "std": STD_BOUNDS}
# The stationary offset a one-step bias causes is judged against the domain's own margins.
OFFSET_BOUNDS = {"mean offset": Bounds(theory.DOMAIN["mean"][0], 0.0, theory.DOMAIN["mean"][1]),
                 "variance offset": Bounds(theory.DOMAIN["variance"][0] - 1, 0.0, theory.DOMAIN["variance"][1] - 1)}
# float32: TF computes scale*alpha*(exp(x) - 1) and scale*x; exp, the subtraction and each product round by
# at most an ulp, so |error| <= ulp * (scale*alpha + |selu(x)|) per side, doubled for two float32 sides.
FLOAT32_ULPS = 4 * np.finfo(np.float32).eps


def moments_in_domain_by_tost(mean, std, *, alpha: float, beta: float, layer_name: str = "layer") -> Verdict:
    """TOST at every layer that the mean and the std lie in the domain (intersection-union over layers)."""
    return layers_within_bounds_by_tost({"mean": mean, "std": std}, DOMAIN_BOUNDS, alpha=alpha, beta=beta,
                                        layer_name=layer_name)


def moments_leave_domain(mean, std, *, alpha: float, beta: float, layer_name: str = "layer") -> Verdict:
    """The opposite statement: some layer's mean or std lies outside the domain (a Bonferroni-level excursion)."""
    return some_layer_outside_bounds({"mean": mean, "std": std}, DOMAIN_BOUNDS, alpha=alpha, beta=beta,
                                     layer_name=layer_name)


def map_residuals(mean, variance, input_mean, input_variance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each layer's (mean, variance) minus the SELU map of the layer before (omega = 0, tau = 1), and whether
    the layer before lay in the domain, where the map's linearization holds. Arrays [networks, layers]; the
    inputs' moments [networks]."""
    mean, variance = np.atleast_2d(np.asarray(mean, dtype=float)), np.atleast_2d(np.asarray(variance, dtype=float))
    previous_mean = np.column_stack([np.asarray(input_mean, dtype=float), mean[:, :-1]])
    previous_variance = np.column_stack([np.asarray(input_variance, dtype=float), variance[:, :-1]])
    mapped_mean, mapped_variance = theory.moment_map(previous_mean, previous_variance)
    (mean_low, mean_high), (var_low, var_high) = theory.DOMAIN["mean"], theory.DOMAIN["variance"]
    inside = ((mean_low <= previous_mean) & (previous_mean <= mean_high)
              & (var_low <= previous_variance) & (previous_variance <= var_high))
    return mean - mapped_mean, variance - mapped_variance, inside


def follows_selu_map_by_tost(mean, variance, input_mean, input_variance, *, alpha: float, beta: float) -> Verdict:
    """TOST that the SELU map's one-step bias b, as the stationary offset (I - J)^-1 b it would cause at every
    layer (J: the map's Jacobian at (0, 1)), stays within the domain's margins.

    b is a network's residual (`map_residuals`) averaged over the layers whose input lay in the domain: a bias
    is the same at every layer, while each layer's own draw of weights adds noise that (I - J)^-1 would
    amplify fivefold, and outside the domain the linearization does not hold. A network with no layer whose
    input lay in the domain has no such average: its offset is NaN, which domain.py counts as diverged (never
    as following the map)."""
    offset = np.linalg.inv(np.eye(2) - theory.jacobian(0.0, 1.0))
    mean_residual, variance_residual, inside = map_residuals(mean, variance, input_mean, input_variance)
    counted = inside.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        bias = np.column_stack([np.where(inside, residual, 0).sum(axis=1) / counted
                                for residual in (mean_residual, variance_residual)]) @ offset.T
    return layers_within_bounds_by_tost({"mean offset": bias[:, :1], "variance offset": bias[:, 1:]}, OFFSET_BOUNDS,
                                        alpha=alpha, beta=beta, layer_name="average over layers")


def beyond_float32_rounding(computed, closed_form) -> np.ndarray:
    """Per value, how far a float32 SELU lies from the float64 closed form beyond the rounding its computation
    carries, FLOAT32_ULPS * (scale*alpha + |selu(x)|): above 0 is a difference rounding cannot explain (the
    closed form with alpha rounded to 4 decimals shows one at every x below about -0.03)."""
    want = np.asarray(closed_form, dtype=np.float64)
    rounding = FLOAT32_ULPS * (theory.SELU_SCALE * theory.SELU_ALPHA + np.abs(want))
    return np.abs(np.asarray(computed, dtype=np.float64) - want) - rounding


CNN_MARGIN = 0.01  # nats of validation loss: the smallest CNN improvement that matters (SELU-CONVOLUTIONAL's (b))
CONV_MARGIN_USE_PART = "16x16 conv stack: last layer's std margin use"
CNN_DIFFERENCE_PART = "CNN validation loss ReLU minus SELU (Hodges-Lehmann), {optimizer}"
# The negative control's parts, named as the claim's with this prefix: the dense stack in (a)'s place, SELU
# retrained (SELU minus SELU from other seeds) in (b)'s.
CONTROL_PREFIX = "control: "


def pooled_conv_parts(parts_by_round: dict, *, alpha: float, beta: float, cnn_margin: float = CNN_MARGIN,
                      control: bool = False) -> Verdict:
    """`pooled_guarantee_only_dense_but_improves_cnns` on a calibration's per-round parts (results.json's
    calibration.parts, named as CONV_MARGIN_USE_PART and CNN_DIFFERENCE_PART), or with `control` on the
    negative control's (CONTROL_PREFIX): the same decision, which must not come out supported there. Rounds
    that did not record a part (None) are left out of it."""
    lead = CONTROL_PREFIX if control else ""
    prefix = lead + CNN_DIFFERENCE_PART.split("{")[0]

    def recorded(values):
        return [value for value in values if value is not None]

    return pooled_guarantee_only_dense_but_improves_cnns(
        recorded(parts_by_round[lead + CONV_MARGIN_USE_PART]),
        {name.removeprefix(prefix): recorded(values) for name, values in parts_by_round.items()
         if name.startswith(prefix)},
        alpha=alpha, beta=beta, cnn_margin=cnn_margin)


def pooled_guarantee_only_dense_but_improves_cnns(last_layer_margin_use, differences_by_optimizer, *, alpha: float,
                                                  beta: float, cnn_margin: float) -> Verdict:
    """SELU-CONVOLUTIONAL's two parts decided on pooled evidence, runs as the replicates: each run gives its
    16x16 conv stack's last-layer std margin use (a fixed layer, so no selection over layers) and, per
    optimizer, its CNN validation loss ReLU minus SELU (Hodges-Lehmann). (a) the stack leaves the domain:
    the runs' mean margin use above 1 (one-sided t over runs); (b) SELU improves some optimizer's CNN by at
    least `cnn_margin` (t over runs per optimizer, existential, alpha split over optimizers); the two joined
    as the per-run test joins them (intersection-union)."""
    def leaves(level):
        return mean_greater_by_t(last_layer_margin_use, alpha=level, beta=beta, min_effect=0.0, null=1.0)

    def improves(differences, level):
        return mean_greater_by_t(differences, alpha=level, beta=beta, min_effect=cnn_margin)

    return every_part_holds({
        "only dense layers (the 16x16 conv stack's last layer outside the domain, over runs)": leaves,
        "can improve convolutional nets (SELU's CNN loss below ReLU's, over runs)": lambda level: some_part_holds(
            {name: (lambda lv, d=d: improves(d, lv)) for name, d in differences_by_optimizer.items()}, alpha=level)},
        alpha=alpha, split=INTERSECTION_UNION)
