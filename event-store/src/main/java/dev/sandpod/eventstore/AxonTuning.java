package dev.sandpod.eventstore;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How Axon reads the Mongo event store and runs the pooled streaming processors. The defaults are the
 * values measured with {@code bench/store} (issue 9) on the embedded Mongo-wire server; the reasons are
 * below. All of them can be overridden per deployment ({@code sandpod.axon.*}).
 *
 * @param eventBatchSize     events per query of the tracking stream ({@code MongoEventStorageEngine}'s
 *                           batch size). With the indexed embedded server a query costs about what it
 *                           returns, so larger batches only amortise the round trip and the sort of the
 *                           lookback window; 1000 keeps a replay's fetches a small share of its time
 *                           without holding much more than a second of history per fetch.
 * @param processorBatchSize events a work package handles per unit of work, i.e. per token update. A Mongo
 *                           tracking token carries the ids of every event of the last second (thousands in
 *                           a burst; in a replay the stored token holds two such windows, the current one
 *                           and the one at the reset), so writing it — Jackson plus a document update — was
 *                           a third of a work package's time in a replay at 200 (JFR, bench/store, issue 9);
 *                           1000 makes it a few percent. Live traffic forms small batches anyway (a work
 *                           package takes what is queued), so the larger maximum costs no latency; handlers
 *                           are idempotent, so redoing up to one batch after a crash is harmless.
 * @param initialSegments    segments a new processor starts with. Axon's default of 16 costs a token
 *                           document per segment, rewritten on every batch; one node on two cores needs
 *                           two (parallel handling, one coordinator reading the store for both).
 *                           Processors can be split later when instances are added.
 * @param tokenClaimInterval with commit signals ({@link CommitNotifyingEventSource}) a processor no longer
 *                           polls every 500 ms; this is how often it still looks for events of other
 *                           instances and for unclaimed segments.
 * @param tokenClaimTimeout  how long a segment's claim holds without being renewed: after that another instance
 *                           may take it. An instance killed with its claims loses them within this time, and the
 *                           others find the segments within one claim interval more (8 s + 1 s, within the 10 s
 *                           that issue 18 asks). Axon's default is 10 s.
 * @param claimExtensionThreshold how often an idle segment's owner renews its claim; well below the timeout, so a
 *                           busy machine's late renewal does not let another instance take a live owner's segment.
 * @param cachedEvents       the newest events the embedded event store keeps in memory for the processors that
 *                           follow the head of the stream (a processor further behind reads the store). Axon's
 *                           default is 10 000 and counts events, not bytes: a run's final event carries its output,
 *                           up to 2 x {@code max_output_bytes} (2 MiB), held twice (its stored JSON and the event
 *                           read from it), so output floods filled a 512 MB heap with up to 10 000 such events'
 *                           output (issue 20 item 8, docs/architecture.md "Output floods"). A run has about eight
 *                           events, so 128 keeps the last 16 runs or so: at most a few dozen megabytes of output
 *                           however much the runs print, and well over a second of events at 10 runs/s.
 */
@ConfigurationProperties("sandpod.axon")
record AxonTuning(
        @DefaultValue("1000") int eventBatchSize,
        @DefaultValue("1000") int processorBatchSize,
        @DefaultValue("2") int initialSegments,
        @DefaultValue("1s") Duration tokenClaimInterval,
        @DefaultValue("8s") Duration tokenClaimTimeout,
        @DefaultValue("3s") Duration claimExtensionThreshold,
        @DefaultValue("128") int cachedEvents) {}
