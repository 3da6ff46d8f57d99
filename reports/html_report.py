"""Renders the results JSON as one self-contained HTML page (no external asset, all text escaped).

The page runs no script (its verdict filters are CSS) and forbids itself any network request and any script
(a Content-Security-Policy), so even text that slipped past escaping could not run.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

import jinja2

from reports import claim_evidence, claim_view, results_file

TEMPLATES = Path(__file__).with_name("templates")


def template_environment() -> jinja2.Environment:
    """Autoescaping Jinja for every page of reports/templates (the report and the version matrix)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


class _Readable(dict):
    """A mapping whose missing or empty entries read as '?' in the page instead of failing the render."""

    def __missing__(self, key):
        return "?"

    def __getattr__(self, key):
        value = self[key]
        return "?" if value is None or value == "" else value


def summary(views: list[dict]) -> dict:
    """The top of the page: headline counts, how many came out as the catalog expects (untested claims count as
    neither), and the lists of claims the data disagree with, that hold by less than matters, or left open."""
    tested = [view for view in views if not view["untested"]]
    return {
        "counts": claim_view.verdict_counts([view["headline"] for view in views]),
        "as_expected": sum(bool(view["as_expected"]) for view in tested), "total": len(tested),
        "untested_count": len(views) - len(tested),
        "disagree": [view for view in views if view["disagrees_with_note"]],
        "negligible": [view for view in views if view["headline"] == "negligible"],
        "open": [view for view in views if view["headline"] == "inconclusive"],
        "unexpected": [view for view in tested if not view["as_expected"]],
        "flag_counts": _flag_counts(views),
    }


def _flag_counts(views: list[dict]) -> list[tuple[str, str, int]]:
    """(severity, words, how many claims) for each flag any card carries; revisions are told apart by count."""
    counts: dict[tuple[str, str], int] = {}
    for view in views:
        for severity, words in view["flags"]:
            key = (severity, f"{claim_evidence.REVISED} after the data were seen"
                   if words.startswith(claim_evidence.REVISED) else words)
            counts[key] = counts.get(key, 0) + 1
    return [(severity, words, count) for (severity, words), count in counts.items()]


def render(document: dict) -> str:
    taken: set[str] = set()
    views = [claim_view.claim_view(claim, claim_view.anchor_for(claim.get("id"), taken))
             for claim in document.get("claims") or [] if isinstance(claim, Mapping)]
    environment = document.get("environment") if isinstance(document.get("environment"), Mapping) else {}
    run = document.get("run") if isinstance(document.get("run"), Mapping) else {}
    upgraded = f" (read from v{document['upgraded_from']})" if document.get("upgraded_from") is not None else ""
    return template_environment().get_template("index.html.j2").render(
        run=_Readable(run), env=_Readable(environment),
        schema=f"{document.get('schema')} v{document.get('schema_version')}{upgraded}",
        environment=claim_view.environment_rows(environment), **summary(views),
        grouped=claim_view.sections([view for view in views if not view["untested"]]),
        untested=[view for view in views if view["untested"]],
    )


def write(path: Path, document: dict) -> Path:
    """The report page of `document`, rendered, then written by the one atomic writer."""
    return results_file.write_text_atomic(path, render(document))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Render a deepclaims results JSON as HTML.")
    parser.add_argument("results", type=Path, help="results JSON (reports/out/results.json)")
    parser.add_argument("--out", type=Path, help="HTML file (default: index.html beside the results)")
    args = parser.parse_args(argv)
    try:
        document = results_file.load(args.results)
    except results_file.ResultsFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(write(args.out or args.results.with_name("index.html"), document))
    return 0


if __name__ == "__main__":
    sys.exit(main())
