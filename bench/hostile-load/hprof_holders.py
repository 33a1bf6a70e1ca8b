"""Which objects hold the large byte arrays of a heap dump (issue 20 item 8; bench/hostile-load/RESULTS.md).

    python3 bench/hostile-load/hprof_holders.py DUMP.hprof [MIN_BYTES=65536]

Every byte[] of at least MIN_BYTES is walked up its referrers to
the first holder of a known kind (Axon's event cache, Avro's thread-local buffers, H2's page cache, the Mongo
driver's and Kafka's buffers, ...), and the totals per holder are printed, then the heap's largest classes.
Take the dump with `jcmd PID GC.heap_dump FILE` (live objects) or -XX:+HeapDumpOnOutOfMemoryError.
Needs numpy; the reader is bench/lib/hprof.py.
"""
import collections, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from hprof import HeapDump

path = sys.argv[1]; MIN = int(sys.argv[2]) if len(sys.argv) > 2 else 16384
dump = HeapDump(path, MIN)
bigbytes, roots, classname = dump.bigbytes, dump.roots, dump.classname
obj_ids, obj_cls, obj_size = dump.obj_ids, dump.obj_cls, dump.obj_size
cname, referrers = dump.cname, dump.referrers
print("byte[]: %d arrays, %.1f MB; >= %d bytes: %d arrays, %.1f MB" % (dump.bytes_count, dump.bytes_total / 1e6, MIN, len(bigbytes), sum(bigbytes.values()) / 1e6))
sizes = collections.Counter()
for n in bigbytes.values(): sizes[1 << (n.bit_length() - 1)] += 1
print("big byte[] by size class:", sorted(sizes.items()))

HOLDERS = ["EmbeddedEventStore$Node", "RawMessageEncoder", "DirectBinaryDecoder", "CacheLongKeyLIRS", "PowerOfTwoBufferPool",
 "ProducerBatch", "ProducerRecord", "CompletedFetch", "FetchBuffer", "kafka.log.Cleaner", "BatchMemoryPool", "NetworkReceive", "RunFinished", "GapAwareTrackingToken",
 "WorkPackage", "Coordinator", "ExecutionDocument", "UnitOfWork", "EventStreamSpliterator", "de.bwaldvogel.mongo.bson.Document", "org.bson", "reactor", "netty", "Sinks", "Flux", "Page$Leaf", "mvstore"]
cat = collections.Counter(); catn = collections.Counter(); ex = {}
for b, n in bigbytes.items():
    path = []; o = b; seen = {b}; label = None
    for depth in range(40):
        rs = [r for r in referrers(o) if r not in seen]
        if not rs: break
        o = rs[0]; seen.add(o); c = cname(o); path.append(c)
        for h in HOLDERS:
            if h in c: label = h; break
        if label: break
    label = label or ("other: " + " <- ".join(path[:6]))
    cat[label] += n; catn[label] += 1; ex.setdefault(label, " <- ".join(path[:12]))
for k, v in cat.most_common(30):
    print("%8.1f MB %4d  %s\n      e.g. byte[] <- %s" % (v / 1e6, catn[k], k, ex[k][:400]))
tot = collections.Counter(); cnt = collections.Counter()
for o, c, sz in zip(obj_ids, obj_cls, obj_size):
    k = cname(o) if c < 0 else classname.get(c, "?")
    tot[k] += sz; cnt[k] += 1
print("total objects %.1f MB" % (sum(tot.values()) / 1e6))
for k, v in tot.most_common(8): print("  %8.1f MB %8d %s" % (v / 1e6, cnt[k], k))
# ROOT big arrays: which thread frame
for b, n in sorted(bigbytes.items(), key=lambda x: -x[1])[:8]:
    print("big %d bytes referrers %s root %s" % (n, [cname(r) for r in referrers(b)][:3], roots.get(b)))
