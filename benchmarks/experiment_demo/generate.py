"""Write the demo experiment's event log (log.csv.gz): deterministic, seeded, a planted effect.

Each of 6,000 customers is assigned control or short-shipping (50:50) on its first event
(landing), then walks landing > product > cart > shipping > payment > paid with the step
probabilities below. The two arms differ in one place only: from shipping, 60% of control
customers go on to payment and 75% of short-shipping customers (the planted effect); every other
step is the same. Twelve customers are picked to see the other arm's variant at cart (a leaking
assignment); those who reach cart are excluded and counted by the readout. Run
``python benchmarks/experiment_demo/generate.py``; the file is the same on every run (seed 2026,
gzip mtime 0).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import random
from pathlib import Path

HERE = Path(__file__).parent
SEED = 2026
CUSTOMERS = 6000
STEPS = ("landing", "product", "cart", "shipping", "payment", "paid")
GO_ON = {"landing": 0.70, "product": 0.50, "cart": 0.80, "shipping": 0.60, "payment": 0.90}
PLANTED = ("shipping", 0.75)
"""The treatment arm's probability of going on from this touchpoint (control: GO_ON's)."""
ARMS = ("control", "short-shipping")
LEAKS = 12


def rows(seed: int = SEED) -> list[str]:
    """The log's lines (header first), customers in order, events in time order."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    leaking = set(rng.sample(range(CUSTOMERS), LEAKS))
    out = ["user_id,timestamp,event,variant"]
    for i in range(CUSTOMERS):
        arm = ARMS[rng.random() < 0.5]
        t = start + dt.timedelta(seconds=rng.randrange(29 * 86400))
        for step in STEPS:
            variant = arm if step == "landing" else ""
            if step == "cart" and i in leaking:
                variant = ARMS[1 - ARMS.index(arm)]
            out.append(f"c{i:05d},{t:%Y-%m-%dT%H:%M:%SZ},{step},{variant}")
            if step == "paid":
                break
            p = PLANTED[1] if arm == ARMS[1] and step == PLANTED[0] else GO_ON[step]
            if rng.random() >= p:
                break
            t += dt.timedelta(seconds=rng.randrange(20, 600))
    return out


def write(path: Path = HERE / "log.csv.gz") -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as z:
        z.write(("\n".join(rows()) + "\n").encode("utf-8"))
    path.write_bytes(buf.getvalue())


if __name__ == "__main__":
    write()
