"""The quick profile's benchmark table (suite/benchmarks/quick_profile.py) from results files: sorted by
cost, the stage a sequential decision stopped at, and an earlier run's seconds beside each claim."""
import json

from suite.benchmarks.quick_profile import claim_rows, earlier_seconds, table


def test_the_table_shows_cost_samples_stage_and_before(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"claims": [
        {"id": "A", "section": "S", "duration_s": 3.0, "n": 10, "verdict": "supported",
         "stage": {"stage": 1, "stages": 2, "n": 10, "n_planned": 20}},
        {"id": "B", "section": "S", "duration_s": 9.0, "n": 64, "verdict": "refuted"}]}))
    rows = claim_rows([results])
    assert [row["claim"] for row in rows] == ["B", "A"]
    earlier = tmp_path / "before.json"
    earlier.write_text(json.dumps({"claims": [{"claim": "A", "seconds": 6.0}, {"claim": "B", "seconds": 9.5}]}))
    text = table(rows, None, earlier_seconds(earlier))
    assert "| A | 3.0 | 6.0 | 25% | 10 | 1 of 2 (10 of 20) | supported |" in text
    assert "| B | 9.0 | 9.5 | 75% | 64 | - | refuted |" in text
    assert "**2 claims, 12 s of test time**; before: 16 s" in text
