"""Renders the results JSON as one self-contained HTML page (no external asset, all text escaped)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jinja2

from reports import results_file

TEMPLATES = Path(__file__).with_name("templates")


def render(document: dict) -> str:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     undefined=jinja2.StrictUndefined)
    counts: dict[str, int] = {}
    for claim in document["claims"]:
        counts[claim["verdict"]] = counts.get(claim["verdict"], 0) + 1
    return environment.get_template("index.html.j2").render(doc=document, counts=counts)


def write(path: Path, document: dict) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(render(document), encoding="utf-8")
    temporary.replace(path)
    return path


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
