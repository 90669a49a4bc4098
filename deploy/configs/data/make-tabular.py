#!/usr/bin/env python3
"""Generates tabular-train.jsonl / tabular-test.jsonl for tabular-wide-deep.json (seeded, so the files are reproducible).

Each row: two categorical columns (integer ids, as StringIndexer would give), a numeric vector column x[4] and a
class label in {0, 1, 2}. A class's score is a per-category effect of cat_a and of cat_b plus a linear function of x,
with noise; so a model that sees only x can learn part of the label and one with the categories much more.
"""
import json
import random

rng = random.Random(20261204)
A = [[rng.gauss(0, 1.2) for _ in range(3)] for _ in range(12)]
B = [[rng.gauss(0, 1.0) for _ in range(3)] for _ in range(8)]
W = [[rng.gauss(0, 0.8) for _ in range(3)] for _ in range(4)]


def row():
    a, b = rng.randrange(12), rng.randrange(8)
    x = [round(rng.gauss(0, 1), 4) for _ in range(4)]
    scores = [A[a][k] + B[b][k] + sum(x[i] * W[i][k] for i in range(4)) + rng.gauss(0, 0.5) for k in range(3)]
    return {"cat_a": a, "cat_b": b, "x": x, "label": max(range(3), key=lambda k: scores[k])}


for name, n in (("tabular-train.jsonl", 3000), ("tabular-test.jsonl", 1000)):
    with open(name, "w") as f:
        for _ in range(n):
            f.write(json.dumps(row()) + "\n")
