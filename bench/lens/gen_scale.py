#!/usr/bin/env python3
"""Inputs for bench/lens/scale.sh: large Markdown files and long single sentences.

    gen_scale.py COPY OUT_DIR

COPY is the development reviews concatenated (as bench/lens/run.sh builds it). Writes, in
OUT_DIR:

  md-20.md            the reviews repeated to 20 MB, as they are (one file)
  md-{20,100,200}f.md the reviews repeated to 20/100/200 MB, each copy followed by a paragraph
                      of blameful sentences, so the file is full of findings
  sent-{1,2}.txt      one sentence of 1 MB / 2 MB, every few words a cue ("should have",
                      "obviously", "human error", "simply forgot", a role word)

Deterministic: the same COPY gives the same files.
"""

import os
import sys

MB = 1000 * 1000
BLAME = (
    "The outage was caused by human error. The on-call engineer should have checked the "
    "dashboard before the deploy. Obviously it was a simple mistake, and the DBA was careless.\n\n"
)
CUES = (
    "the engineer should have obviously known that it was human error and the on-call simply "
    "forgot to check, "
)


def repeat_to(path, piece, size):
    with open(path, "wb") as out:
        written = 0
        while written < size:
            chunk = piece[: size - written]
            out.write(chunk)
            written += len(chunk)


def main():
    copy_path, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    with open(copy_path, "rb") as f:
        copy = f.read()
    # Cut only between copies' paragraphs would be nicer, but the last partial copy is just
    # text cut mid-way: the lens must cope with that anyway.
    repeat_to(os.path.join(out_dir, "md-20.md"), copy * 8, 20 * MB)
    with_blame = (copy + BLAME.encode()) * 8
    for n in (20, 100, 200):
        repeat_to(os.path.join(out_dir, f"md-{n}f.md"), with_blame, n * MB)
    for n in (1, 2):
        path = os.path.join(out_dir, f"sent-{n}.txt")
        repeat_to(path, CUES.encode() * 2000, n * MB - 5)
        with open(path, "ab") as f:
            f.write(b"end.\n")


if __name__ == "__main__":
    main()
