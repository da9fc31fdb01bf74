#!/usr/bin/env python
"""Language detection accuracy on short texts: `python scripts/evaluate_language.py [--xsid DIR] [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import load_settings
from bot.kb.loader import load_knowledge_base
from bot.language import LanguageDetector
from bot.language_eval import evaluate, kb_samples, xsid_samples

DEFAULT_XSID = Path(__file__).resolve().parents[2] / "shared" / "data" / "xsid"


def main(argv: list[str] | None = None) -> int:
    """Evaluate on the knowledge base's alternate questions and, when present, on xSID."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--xsid", type=Path, default=DEFAULT_XSID, help="folder of xSID *.valid.conll files")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    settings = load_settings()
    detector = LanguageDetector(settings.languages.supported, settings.languages.default)
    detector.warm_up()
    kb = load_knowledge_base(settings.resolve(settings.knowledge_base.path))
    report = {"knowledge_base_alternates": evaluate(detector, kb_samples(kb))}
    if args.xsid.is_dir():
        report["xsid"] = evaluate(detector, xsid_samples(args.xsid))
    print(json.dumps(report, ensure_ascii=False, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
