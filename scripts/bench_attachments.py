"""How long cleaning an attachment takes (image metadata stripped, text scanned for secrets), on generated
inputs: a 1920x1080 screenshot, a 4032x3024 phone photo with EXIF and GPS, a log at the text limit holding a
seed phrase. Prints JSON.

    python scripts/bench_attachments.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.attachments.benchmark import cleaning_times
from bot.config import load_settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="cleanings of each input (the median is printed)")
    args = parser.parse_args()
    print(json.dumps(cleaning_times(load_settings().attachments, runs=args.runs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
