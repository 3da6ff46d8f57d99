"""The deepclaims pytest plugin: the claim fixture, seeds, the catalog loader, results and progress.

Data (the note, the catalog, revisions, baselines) lives in `fixtures/`; this package is the code that
wires it into pytest.
"""
