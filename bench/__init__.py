"""`make bench`: the CRM measured at festival-season scale (see README "Benchmark").

Run as `python -m bench` (both scales) or `BENCH_SCALE=small python -m bench`.
"""
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # `config` and `crm` live at the repository root
    sys.path.insert(0, _ROOT)
