package dev.sandpod.embedded.mongo.index;

/** Probe values that sort before / after every stored key value, whatever the direction of the key. */
enum Bound {
    LOW,
    HIGH
}
