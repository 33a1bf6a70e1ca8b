"""Who holds the instances of a class in a heap dump (bench/soak: what grows per run).

    python3 bench/soak/hprof_classes.py DUMP.hprof [CLASS[,CLASS...]=java.lang.Long] [SAMPLE=3000]

For each class, a sample of its instances (bytes scaled by the sample's bytes) is walked up its referrers (first referrer not yet seen) past the
JDK's own containers (java.*, arrays, boxed values) to the first other class, and the instances and bytes are
attributed to that holder (with the path that led there), scaled from the sample to the class's total. Take the
dump with `jcmd PID GC.heap_dump FILE` (live objects). The reader is bench/lib/hprof.py.
Needs numpy.
"""
import collections, os, random, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hprof import HeapDump

path = sys.argv[1]
TARGETS = sys.argv[2].split(",") if len(sys.argv) > 2 else ["java.lang.Long"]
SAMPLE = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
dump = HeapDump(path)
classname, obj_ids, obj_cls, osize = dump.classname, dump.obj_ids, dump.obj_cls, dump.osize
cname, referrers = dump.cname, dump.referrers

PASS = ("de.bwaldvogel.mongo.bson.", "dev.sandpod.embedded.mongo.index.UniqueKeyType$Key", "dev.sandpod.embedded.mongo.index.StoredDocument")
def container(c):
    return c.startswith(PASS) or (c.startswith("java.") or c.startswith("[") or c.endswith("[]") or c == "?" or c.startswith("class ")) and "$$" not in c
clsname = {}
for cid, name in classname.items():
    clsname[name] = cid
for target in TARGETS:
    cid = -8 if target == "byte[]" else clsname.get(target)
    if cid is None:
        print("%s: not in the dump" % target); continue
    insts = [o for o, c in zip(obj_ids, obj_cls) if c == cid]
    total_bytes = sum(osize[o] for o in insts)
    sample = random.Random(1).sample(insts, min(SAMPLE, len(insts)))
    by = collections.Counter(); byb = collections.Counter(); ex = {}
    for o0 in sample:
        path = []; o = o0; seen = {o0}; label = None
        for depth in range(60):
            rs = [r for r in referrers(o) if r not in seen]
            if not rs:
                label = "(root) " + " <- ".join(path[-3:]); break
            o = rs[0]; seen.add(o); c = cname(o); path.append(c)
            if not container(c):
                label = c; break
        label = label or "(deep) " + " <- ".join(path[:4])
        by[label] += 1; byb[label] += osize[o0]; ex.setdefault(label, " <- ".join(path[:8]))
    print("%s: %d instances, %.1f MB; holders (sample of %d, scaled):" % (target, len(insts), total_bytes / 1e6, len(sample)))
    sampled = sum(byb.values()) or 1
    for k, v in byb.most_common(12):
        share = v / sampled
        print("  %5.1f%% %8.1f MB %9d  %s\n          e.g. <- %s" % (100 * share, share * total_bytes / 1e6, by[k] / len(sample) * len(insts), k, ex[k][:300]))
