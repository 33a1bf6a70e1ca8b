package dev.sandpod.embedded.mongo.index;

/** Bounds on one key, in value terms (null: unbounded); both bounds are of one type bracket. */
record Range(Object lower, boolean lowerInclusive, Object upper, boolean upperInclusive) {

    /** A bound's value: the range only matches values of its type bracket. */
    Object typeOf() {
        return lower != null ? lower : upper;
    }
}
