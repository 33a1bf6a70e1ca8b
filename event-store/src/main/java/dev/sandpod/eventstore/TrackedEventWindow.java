package dev.sandpod.eventstore;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/** A token's known events: entries {@code [start, end)} of a log, as an unmodifiable map in log order. */
final class TrackedEventWindow extends AbstractMap<String, Long> {

    final TrackedEventLog log;
    final int start;
    final int end;

    TrackedEventWindow(TrackedEventLog log, int start, int end) {
        this.log = log;
        this.start = start;
        this.end = end;
    }

    @Override
    public int size() {
        return end - start;
    }

    @Override
    public boolean isEmpty() {
        return end == start;
    }

    @Override
    public boolean containsKey(Object key) {
        Integer position = log.positions.get(key);
        return position != null && position >= start && position < end;
    }

    @Override
    public Long get(Object key) {
        Integer position = log.positions.get(key);
        return position != null && position >= start && position < end ? log.times[position] : null;
    }

    @Override
    public Set<Entry<String, Long>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Long>> iterator() {
                String[] ids = log.ids;
                long[] times = log.times;
                return new Iterator<>() {
                    private int next = start;

                    @Override
                    public boolean hasNext() {
                        return next < end;
                    }

                    @Override
                    public Entry<String, Long> next() {
                        if (next >= end) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(ids[i], times[i]);
                    }
                };
            }

            @Override
            public int size() {
                return end - start;
            }
        };
    }
}
