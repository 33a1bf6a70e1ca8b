#!/usr/bin/env python3
"""Where a JFR recording's CPU samples went, by share of `jdk.ExecutionSample`s (not a timing, a distribution).

    python3 bench/lib/jfr_share.py FILE.jfr [--marker FRAME ...] [--thread REGEX [--top N]]

Prints the samples per thread (numbers folded to #), the inclusive share of each --marker (a sample counts when
any frame of its stack contains the text), and with --thread the most frequent Sandpod, Axon, driver and store
frames among that thread's samples. How the output floods' cost was found (bench/hostile-load/RESULTS.md).
"""
import argparse
import collections
import re
import subprocess

OWN = ("dev.sandpod", "org.axonframework.e", "com.fasterxml.jackson.databind.ObjectMapper", "org.h2.mvstore.MVStore",
       "com.mongodb.client.internal", "org.apache.avro", "org.bson.codecs.Doc")


def samples(jfr):
    text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "200", jfr],
                          stdout=subprocess.PIPE, text=True, check=True).stdout
    for block in text.split("jdk.ExecutionSample {")[1:]:
        thread = re.search(r'sampledThread = "([^"]*)"', block)
        yield (thread.group(1) if thread else "?"), re.findall(r"^\s+([\w$./<>]+)\(", block, re.M)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("jfr")
    p.add_argument("--marker", action="append", default=[])
    p.add_argument("--thread")
    p.add_argument("--top", type=int, default=25)
    a = p.parse_args()
    threads, markers, frames, total, in_thread = (collections.Counter(), collections.Counter(),
                                                  collections.Counter(), 0, 0)
    for thread, stack in samples(a.jfr):
        total += 1
        threads[re.sub(r"\d+", "#", thread)[:60]] += 1
        for m in a.marker:
            if any(m in f for f in stack):
                markers[m] += 1
        if a.thread and re.search(a.thread, thread):
            in_thread += 1
            frames.update(f for f in set(stack) if f.startswith(OWN))
    share = lambda n, of: "%5.1f %%" % (100.0 * n / max(1, of))  # noqa: E731
    print("%d samples\n\nby thread" % total)
    for name, n in threads.most_common(a.top):
        print("  %s  %s" % (share(n, total), name))
    if a.marker:
        print("\nstacks containing")
        for m in a.marker:
            print("  %s  %s" % (share(markers[m], total), m))
    if a.thread:
        print("\nframes in %d samples of threads matching %r" % (in_thread, a.thread))
        for name, n in frames.most_common(a.top):
            print("  %s  %s" % (share(n, in_thread), name))


if __name__ == "__main__":
    main()
