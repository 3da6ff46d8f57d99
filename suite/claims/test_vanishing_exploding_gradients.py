"""Claims of the note's section "The Vanishing/Exploding Gradient Problems"."""
from __future__ import annotations

import pytest


@pytest.mark.claim("GRAD-VARIANCE-GROWS")
def test_sigmoid_layer_variance_grows(claim):
    """Main reason is that the vairance of the output for each layer is much greater than the variance of the inputs."""
    pytest.skip("being implemented (issue 3)")


@pytest.mark.claim("GRAD-VANISHING")
def test_gradients_vanish_toward_lower_layers(claim):
    """Gradients often get smaller as the algorithm progresses down to lower layers"""
    pytest.skip("being implemented (issue 3)")


@pytest.mark.claim("GRAD-EXPLODING")
def test_gradients_explode_toward_lower_layers(claim):
    """The opposite of this is the exploding gradients problem where the gradients will get larger."""
    pytest.skip("being implemented (issue 3)")


@pytest.mark.claim("GRAD-UNEVEN-LEARNING-SPEEDS")
def test_layers_learn_at_different_speeds(claim):
    """Deep neural networks suffer from unstable gradients generally because different layers learn at different speeds."""
    pytest.skip("being implemented (issue 3)")


@pytest.mark.claim("GRAD-SIGMOID-AND-INIT-CAUSE")
def test_sigmoid_and_old_init_cause_decay(claim):
    """The reason is that there logistic sigmoid function and a certain weight initialization in the early 2000's was part of the reason."""
    pytest.skip("being implemented (issue 3)")
