"""A minimal HPROF heap-dump reader for the benchmarks' heap analyses (no Eclipse MAT here).

Used by bench/hostile-load/hprof_holders.py (who holds the large byte arrays) and bench/soak/hprof_classes.py (who
holds a class's instances). `HeapDump(path, min_bytes)` reads the dump once: every object's id, class and shallow
size, the reference edges (instance fields, object arrays, class statics), the GC roots, and the byte arrays of at
least `min_bytes`. Take the dump with `jcmd PID GC.heap_dump FILE` (live objects) or
-XX:+HeapDumpOnOutOfMemoryError. Needs numpy; reads a 350 MB dump in about 15 s.
"""
import mmap
import struct

import numpy as np

SIZES = {2: 8, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}  # HPROF basic type -> bytes (2 = object id)
BYTE_ARRAY = -8  # the class id given to byte[] objects (primitive arrays: minus their basic type)
U = struct.unpack_from


class HeapDump:
    def __init__(self, path, min_bytes=1 << 62):
        self.min_bytes = min_bytes
        f = open(path, "rb")
        self.m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        m = self.m
        end = m.find(b"\0")
        assert U(">I", m, end + 1)[0] == 8, "only dumps with 8-byte ids"
        self.strings = {}
        self.classname = {}  # class object id -> name
        self.classinfo = {}  # class object id -> (super id, [(field name, type)])
        self.roots = {}  # object id -> root kind
        self.bigbytes = {}  # byte[] id -> length, for those of at least min_bytes
        self.bytes_total = self.bytes_count = 0
        self.obj_ids, self.obj_cls, self.obj_size = [], [], []
        self._refoffs = {}
        self.segs = []
        pos = end + 1 + 4 + 8
        while pos < len(m):
            tag = m[pos]
            ln = U(">I", m, pos + 5)[0]
            body = pos + 9
            if tag == 0x01:
                self.strings[U(">Q", m, body)[0]] = m[body + 8 : body + ln].decode("utf-8", "replace")
            elif tag == 0x02:
                cid = U(">Q", m, body + 4)[0]
                nid = U(">Q", m, body + 16)[0]
                self.classname[cid] = self.strings.get(nid, "?").replace("/", ".")
            elif tag in (0x0C, 0x1C):
                self.segs.append((body, body + ln))
            pos = body + ln
        # class dumps may come anywhere among the objects: one sweep for the classes, one for the objects
        self._sweep(False)
        es, ed = self._sweep(True)
        self.cls = dict(zip(self.obj_ids, self.obj_cls))
        self.osize = dict(zip(self.obj_ids, self.obj_size))
        s = np.array(es, dtype=np.uint64)
        d = np.array(ed, dtype=np.uint64)
        order = np.argsort(d, kind="stable")
        self._ds, self._ss = d[order], s[order]

    def _sweep(self, objects):
        m = self.m
        es, ed = [], []
        for s, e in self.segs:
            p = s
            while p < e:
                t = m[p]
                p += 1
                if t in (0xFF, 0x05, 0x07):
                    if objects:
                        self.roots[U(">Q", m, p)[0]] = t
                    p += 8
                elif t == 0x01:
                    p += 16
                elif t in (0x02, 0x03, 0x08):
                    if objects:
                        self.roots[U(">Q", m, p)[0]] = t
                    p += 16
                elif t in (0x04, 0x06):
                    if objects:
                        self.roots[U(">Q", m, p)[0]] = t
                    p += 12
                elif t == 0x20:
                    cid, _, sup = U(">QIQ", m, p)
                    p += 8 + 4 + 8 * 6 + 4
                    n = U(">H", m, p)[0]
                    p += 2
                    for _ in range(n):
                        p += 3 + SIZES[m[p + 2]]
                    n = U(">H", m, p)[0]
                    p += 2
                    statics = []
                    for _ in range(n):
                        ty = m[p + 8]
                        if ty == 2:
                            statics.append(U(">Q", m, p + 9)[0])
                        p += 9 + SIZES[ty]
                    n = U(">H", m, p)[0]
                    p += 2
                    fields = []
                    for _ in range(n):
                        fields.append((self.strings.get(U(">Q", m, p)[0], "?"), m[p + 8]))
                        p += 9
                    if not objects:
                        self.classinfo[cid] = (sup, fields)
                    else:
                        for d in statics:
                            if d:
                                es.append(cid)
                                ed.append(d)
                elif t == 0x21:
                    oid, _, cid, n = U(">QIQI", m, p)
                    p += 24
                    if objects:
                        self._object(oid, cid, n + 16)
                        for off in self.refoffs(cid):
                            d = U(">Q", m, p + off)[0]
                            if d:
                                es.append(oid)
                                ed.append(d)
                    p += n
                elif t == 0x22:
                    oid, _, n, cid = U(">QIIQ", m, p)
                    p += 24
                    if objects:
                        self._object(oid, cid, 8 * n + 16)
                        if n:
                            arr = np.frombuffer(m, dtype=">u8", count=n, offset=p)
                            nz = arr[arr != 0]
                            es.extend([oid] * len(nz))
                            ed.extend(nz.tolist())
                    p += 8 * n
                elif t == 0x23:
                    oid, _, n, ty = U(">QIIB", m, p)
                    p += 17
                    if objects:
                        self._object(oid, -ty, SIZES[ty] * n + 16)
                        if ty == 8:
                            self.bytes_total += n
                            self.bytes_count += 1
                            if n >= self.min_bytes:
                                self.bigbytes[oid] = n
                    p += SIZES[ty] * n
                else:
                    raise SystemExit("unknown subtag %x at %d" % (t, p))
        return es, ed

    def _object(self, oid, cid, size):
        self.obj_ids.append(oid)
        self.obj_cls.append(cid)
        self.obj_size.append(size)

    def refoffs(self, cid):
        """Offsets of the reference fields in an instance of the class (its own, then its supers')."""
        r = self._refoffs.get(cid)
        if r is None:
            r, off, c = [], 0, cid
            while c and c in self.classinfo:
                sup, fields = self.classinfo[c]
                for _, ty in fields:
                    if ty == 2:
                        r.append(off)
                    off += SIZES[ty]
                c = sup
            self._refoffs[cid] = r
        return r

    def fieldnames(self, cid):
        r, c = [], cid
        while c and c in self.classinfo:
            sup, fields = self.classinfo[c]
            r += list(fields)
            c = sup
        return r

    def cname(self, o):
        """The class name of an object ("class X" for a class object, "byte[]" etc. for primitive arrays)."""
        c = self.cls.get(o)
        if c is None:
            return "?"
        if c < 0:
            return {8: "byte[]", 5: "char[]", 10: "int[]", 11: "long[]"}.get(-c, "prim[]")
        if o in self.classname:
            return "class " + self.classname[o]
        return self.classname.get(c, "?")

    def referrers(self, o):
        i = np.searchsorted(self._ds, np.uint64(o), "left")
        j = np.searchsorted(self._ds, np.uint64(o), "right")
        return [int(x) for x in self._ss[i:j]]
