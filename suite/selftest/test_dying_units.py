"""The dying protocol's unit bookkeeping (probes/training/dying.py) on hand-made runs: a diverged run is
read at its last evaluation before divergence, units dead at initialization are not counted as dying,
and a unit followed from the evaluation it went silent stays silent only if it is silent at every later
sane evaluation."""
import numpy as np
import pytest

pytest.importorskip("tensorflow")

from probes.training.dying import died_share, last_sane_evaluation, unit_fates, worst_layer_died_share  # noqa: E402
from probes.training.run import TrainingRun  # noqa: E402


def _run(active, train_loss, diverged_step):
    """A TrainingRun of 1 variant and 1 seed: `active` [E, L, W] shares, evaluations at steps 0, 10, 20..."""
    active = np.asarray(active, dtype=float)[None, None]
    evals = active.shape[2]
    loss = np.asarray(train_loss, dtype=float)[None, None]
    zeros = np.zeros_like(active)
    return TrainingRun("t", ["v"], np.array([0.1]), np.array([1]), 1, 32, 10, np.arange(evals) * 10,
                       np.zeros((1, 1, 1)), loss, loss, loss, loss, np.array([[diverged_step >= 0]]),
                       np.array([[diverged_step]]), active, zeros, None, 0.0, 0.0, 0.0)


ALIVE, SILENT = 0.5, 0.0


def test_a_diverged_run_is_read_at_its_last_evaluation_before_divergence():
    # Two layers of two units; the run diverges at step 25, so evaluations 0, 10 and 20 are sane, 30 is not.
    active = [[[ALIVE, ALIVE], [ALIVE, ALIVE]],
              [[SILENT, ALIVE], [ALIVE, ALIVE]],
              [[SILENT, SILENT], [ALIVE, ALIVE]],
              [[SILENT, SILENT], [SILENT, SILENT]]]  # what NaN weights look like: all "silent"
    run = _run(active, [2.3, 1.0, 0.9, np.nan], diverged_step=25)
    assert last_sane_evaluation(run).tolist() == [[2]]
    assert died_share(run).tolist() == [[0.5]] and worst_layer_died_share(run).tolist() == [[1.0]]


def test_units_dead_at_initialization_did_not_die_in_training():
    active = [[[SILENT, ALIVE]], [[SILENT, SILENT]]]
    run = _run(active, [2.3, 1.0], diverged_step=-1)
    assert died_share(run).tolist() == [[0.5]]


def test_a_unit_that_comes_back_did_not_stay_silent_and_one_silenced_from_the_start_is_followed_on_request():
    # Unit 0 goes silent at evaluation 1 and stays; unit 1 goes silent at 1 and is back at 2; unit 2 is
    # silent from the start (an intervention) and stays.
    active = [[[ALIVE, ALIVE, SILENT]], [[SILENT, SILENT, SILENT]], [[SILENT, ALIVE, SILENT]],
              [[SILENT, ALIVE, SILENT]]]
    run = _run(active, [2.3, 1.0, 0.9, 0.8], diverged_step=-1)
    fates = unit_fates(run)
    assert (fates.followed.tolist(), fates.stayed_silent.tolist()) == ([[2]], [[1]])
    assert fates.stayed_share().tolist() == [[0.5]]
    from_start = unit_fates(run, silent_from_start=True)
    assert (from_start.followed.tolist(), from_start.stayed_silent.tolist()) == ([[1]], [[1]])


def test_a_unit_silent_only_at_the_last_evaluation_has_no_later_to_follow():
    active = [[[ALIVE]], [[ALIVE]], [[SILENT]]]
    run = _run(active, [2.3, 1.0, 0.9], diverged_step=-1)
    assert unit_fates(run).followed.tolist() == [[0]]
