"""Who holds the instances of a class in a heap dump (bench/soak: what grows per run).

    python3 bench/soak/hprof_classes.py DUMP.hprof [CLASS[,CLASS...]=java.lang.Long] [SAMPLE=3000]

For each class, a sample of its instances (bytes scaled by the sample's bytes) is walked up its referrers (first referrer not yet seen) past the
JDK's own containers (java.*, arrays, boxed values) to the first other class, and the instances and bytes are
attributed to that holder (with the path that led there), scaled from the sample to the class's total. Take the
dump with `jcmd PID GC.heap_dump FILE` (live objects). Parsing is that of bench/hostile-load/hprof_holders.py.
Needs numpy.
"""
import mmap, struct, sys, collections
import numpy as np
path = sys.argv[1]; MIN = 1 << 62
TARGETS = sys.argv[2].split(",") if len(sys.argv) > 2 else ["java.lang.Long"]
SAMPLE = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
f = open(path, "rb"); m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
end = m.find(b"\0"); idsz = struct.unpack_from(">I", m, end + 1)[0]; assert idsz == 8
pos = end + 1 + 4 + 8
strings = {}; classname = {}  # class obj id -> name
classinfo = {}  # id -> (super, [(type)], instance fields list)
SIZES = {2: 8, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
src = array_src = None
edges_s = []; edges_d = []; objclass = {}  # we keep class per object in arrays
obj_ids = []; obj_cls = []; obj_size = []
roots = {}
bigbytes = {}  # id -> len
bytes_total = 0; bytes_count = 0
BYTEARR = -8
U = struct.unpack_from
segs = []
while pos < len(m):
    tag = m[pos]; ln = U(">I", m, pos + 5)[0]; body = pos + 9
    if tag == 0x01:
        strings[U(">Q", m, body)[0]] = m[body + 8: body + ln].decode("utf-8", "replace")
    elif tag == 0x02:
        cid = U(">Q", m, body + 4)[0]; nid = U(">Q", m, body + 16)[0]
        classname[cid] = strings.get(nid, "?").replace("/", ".")
    elif tag in (0x0C, 0x1C):
        segs.append((body, body + ln))
    pos = body + ln
# pass over segments: class dumps first (they may come anywhere; do two sweeps)
def sweep(handle_objects):
    global bytes_total, bytes_count
    es = []; ed = []
    for s, e in segs:
        p = s
        while p < e:
            t = m[p]; p += 1
            if t == 0xFF or t == 0x05 or t == 0x07:
                if handle_objects: roots[U(">Q", m, p)[0]] = t
                p += 8
            elif t == 0x01: p += 16
            elif t == 0x02 or t == 0x03 or t == 0x08:
                if handle_objects: roots[U(">Q", m, p)[0]] = t
                p += 16
            elif t == 0x04 or t == 0x06:
                if handle_objects: roots[U(">Q", m, p)[0]] = t
                p += 12
            elif t == 0x20:
                cid, _, sup = U(">QIQ", m, p); p += 8 + 4 + 8 * 6 + 4
                n = U(">H", m, p)[0]; p += 2
                for _ in range(n):
                    ty = m[p + 2]; p += 3 + SIZES[ty]
                n = U(">H", m, p)[0]; p += 2
                statics = []
                for _ in range(n):
                    ty = m[p + 8]
                    if ty == 2: statics.append(U(">Q", m, p + 9)[0])
                    p += 9 + SIZES[ty]
                n = U(">H", m, p)[0]; p += 2
                fields = []
                for _ in range(n):
                    fields.append((strings.get(U(">Q", m, p)[0], "?"), m[p + 8])); p += 9
                if not handle_objects: classinfo[cid] = (sup, fields)
                else:
                    for d in statics:
                        if d: es.append(cid); ed.append(d)
            elif t == 0x21:
                oid, _, cid, n = U(">QIQI", m, p); p += 24
                if handle_objects:
                    obj_ids.append(oid); obj_cls.append(cid); obj_size.append(n + 16)
                    for off in refoffs(cid):
                        d = U(">Q", m, p + off)[0]
                        if d: es.append(oid); ed.append(d)
                p += n
            elif t == 0x22:
                oid, _, n, cid = U(">QIIQ", m, p); p += 24
                if handle_objects:
                    obj_ids.append(oid); obj_cls.append(cid); obj_size.append(8 * n + 16)
                    if n:
                        arr = np.frombuffer(m, dtype=">u8", count=n, offset=p)
                        nz = arr[arr != 0]
                        es.extend([oid] * len(nz)); ed.extend(nz.tolist())
                p += 8 * n
            elif t == 0x23:
                oid, _, n, ty = U(">QIIB", m, p); p += 17
                if handle_objects:
                    obj_ids.append(oid); obj_cls.append(-ty); obj_size.append(SIZES[ty] * n + 16)
                    if ty == 8:
                        bytes_total += n; bytes_count += 1
                        if n >= MIN: bigbytes[oid] = n
                p += SIZES[ty] * n
            else:
                raise SystemExit("unknown subtag %x at %d" % (t, p))
    return es, ed
sweep(False)
_ro = {}
def refoffs(cid):
    r = _ro.get(cid)
    if r is None:
        r = []; off = 0; c = cid
        while c and c in classinfo:
            sup, fields = classinfo[c]
            for name, ty in fields:
                if ty == 2: r.append(off)
                off += SIZES[ty]
            c = sup
        _ro[cid] = r
    return r
def fieldnames(cid):
    r = []; c = cid
    while c and c in classinfo:
        sup, fields = classinfo[c]
        r += [(n, t) for n, t in fields]; c = sup
    return r
es, ed = sweep(True)
if 0: print("byte[]: %d arrays, %.1f MB; >= %d bytes: %d arrays, %.1f MB" % (bytes_count, bytes_total / 1e6, MIN, len(bigbytes), sum(bigbytes.values()) / 1e6))
sizes = collections.Counter()
for n in bigbytes.values(): sizes[1 << (n.bit_length() - 1)] += 1

cls = dict(zip(obj_ids, obj_cls)); osize = dict(zip(obj_ids, obj_size))
def cname(o):
    c = cls.get(o)
    if c is None: return "?"
    if c < 0: return {8: "byte[]", 5: "char[]", 10: "int[]", 11: "long[]"}.get(-c, "prim[]")
    if o in classname: return "class " + classname[o]
    return classname.get(c, "?")
S = np.array(es, dtype=np.uint64); D = np.array(ed, dtype=np.uint64)
order = np.argsort(D, kind="stable"); Ds = D[order]; Ss = S[order]
def referrers(o):
    i = np.searchsorted(Ds, np.uint64(o), "left"); j = np.searchsorted(Ds, np.uint64(o), "right")
    return [int(x) for x in Ss[i:j]]


import random
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
