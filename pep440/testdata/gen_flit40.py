"""Regenerate flit40.json: run flit_core 4.0.0's normalise_version over
corpus.json and record its result or error message.

    PYTHONPATH=/path/to/flit-4.0.0/flit_core python3 gen_flit40.py

flit_core is only run, never copied: the expected values are its behaviour.
"""
import json
import logging
from flit_core.common import InvalidVersion
from flit_core.versionno import normalise_version

logging.disable(logging.WARNING)
with open("corpus.json") as f:
    corpus = json.load(f)
out = []
for s in corpus:
    try:
        out.append({"in": s, "out": normalise_version(s)})
    except InvalidVersion as e:
        out.append({"in": s, "err": str(e)})
with open("flit40.json", "w") as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
    f.write("\n")
