"""Where the project's own data lives (ontology, saved queries, default seeds).

The top-level folders are part of the product, so they are found next to the package
rather than copied into it.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
QUERIES_DIR = PROJECT_ROOT / "queries"
ONTOLOGY_FILE = ONTOLOGY_DIR / "kaifang.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
# Curated data: every Turtle file in ontology/ except the T-box and the shapes.
REFERENCE_FILES = tuple(sorted(
    p for p in ONTOLOGY_DIR.glob("*.ttl") if p.name not in ("kaifang.ttl", "shapes.ttl")
))
