package dev.sandpod.embedded.mongo.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Differential test: the same data, indexes, writes and queries on the indexed backend and on
 * mongo-java-server's stock H2 backend (which ignores secondary indexes and scans), through the real
 * driver. Every find, count and aggregation must answer the same. The data mixes what makes index
 * plans go wrong: mixed types in a key, missing and null keys, arrays (multikey), embedded documents,
 * ties, descending keys, updates that move or remove keys, deletes.
 */
class IndexedBackendAnswersLikeTheStockBackendTest {

    private static final String COLLECTION = "things";
    private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> GROUPS = List.of("a", "b", "c", "d", "e");
    private static final List<String> TAGS = List.of("red", "green", "blue", "x");

    private WireServer indexed;
    private WireServer stock;
    private Random random;
    private int nextId;

    @BeforeEach
    void startServers() {
        indexed = WireServer.indexed(null);
        stock = WireServer.stock(null);
        random = new Random(20261127);
        for (WireServer server : List.of(indexed, stock)) {
            MongoCollection<Document> things = server.database().getCollection(COLLECTION);
            things.createIndex(Indexes.compoundIndex(Indexes.ascending("group"), Indexes.descending("ts")));
            things.createIndex(Indexes.ascending("ts", "n"));
            things.createIndex(Indexes.ascending("n"));
            things.createIndex(Indexes.ascending("tags"));
            things.createIndex(Indexes.ascending("kind", "assoc"));
            things.createIndex(
                    Indexes.ascending("agg", "seq"),
                    new IndexOptions().unique(true).name("uniqueAggregate"));
        }
    }

    @AfterEach
    void stopServers() {
        indexed.close();
        stock.close();
    }

    @Test
    void findsCountsAndAggregationsAnswerAsWithoutIndexesThroughWritesUpdatesAndDeletes() {
        insert(600);
        assertSameAnswers();

        both(c -> c.updateMany(Filters.eq("group", "b"), Updates.set("n", 42)));
        both(c -> c.updateMany(
                Filters.and(Filters.lt("ts", Date.from(BASE.plusSeconds(200))), Filters.type("n", "number")),
                Updates.inc("n", 3)));
        both(c -> c.updateMany(Filters.eq("group", "c"), Updates.unset("ts")));
        both(c -> c.updateMany(
                Filters.and(Filters.eq("kind", "k1"), Filters.size("tags", 2)), Updates.push("tags", "pushed")));
        both(c -> c.updateOne(Filters.eq("_id", "id-7"), Updates.set("group", "z")));
        both(c -> c.replaceOne(
                Filters.eq("_id", "id-8"),
                new Document("group", "a")
                        .append("ts", Date.from(BASE.minusSeconds(5)))
                        .append("agg", "replaced")
                        .append("seq", 0L)));
        both(c -> c.findOneAndUpdate(
                Filters.eq("group", "d"),
                Updates.set("group", "e"),
                new FindOneAndUpdateOptions().sort(Sorts.descending("ts")).returnDocument(ReturnDocument.AFTER)));
        both(c -> c.updateOne(
                Filters.eq("_id", "upserted"),
                Updates.combine(Updates.set("group", "a"), Updates.set("agg", "upserted"), Updates.set("seq", 0L)),
                new UpdateOptions().upsert(true)));
        assertSameAnswers();

        both(c -> c.deleteMany(Filters.eq("group", "e")));
        both(c -> c.deleteMany(Filters.gte("n", 40)));
        both(c -> c.deleteOne(Filters.eq("tags", "blue")));
        insert(200);
        assertSameAnswers();
    }

    @Test
    void countsAndPagesOfOneUserAmongManyReadOnlyThatUsersIndexEntries() {
        insert(1500);
        MongoCollection<Document> things = indexed.database().getCollection(COLLECTION);
        IndexedH2Collection server = indexed.collection(COLLECTION);

        long before = server.documentsRead();
        List<Document> page = things.find(Filters.eq("group", "a"))
                .sort(Sorts.descending("ts"))
                .skip(20)
                .limit(50)
                .into(new ArrayList<>());
        assertThat(page).hasSize(50);
        assertThat(server.documentsRead() - before).isLessThanOrEqualTo(70);

        before = server.documentsRead();
        long count = things.countDocuments(Filters.and(Filters.eq("group", "a"), Filters.gte("ts", Date.from(BASE))));
        assertThat(count).isPositive();
        assertThat(server.documentsRead() - before)
                .as("a covered count reads no document")
                .isZero();

        // A saga store's lookup: type and one {key, value} element of an array of associations.
        Bson association = Filters.and(
                Filters.eq("kind", "k1"),
                Filters.eq("assoc", new Document("key", "executionId").append("value", "e7")));
        long matching = stock.database().getCollection(COLLECTION).countDocuments(association);
        before = server.documentsRead();
        assertThat(things.find(association).into(new ArrayList<>())).hasSize((int) matching);
        assertThat(server.documentsRead() - before).isEqualTo(matching);
    }

    @Test
    void pagesFarIntoACoveredSliceSkipIndexEntriesWithoutReadingTheirDocuments() {
        insert(1500);
        MongoCollection<Document> things = indexed.database().getCollection(COLLECTION);
        IndexedH2Collection server = indexed.collection(COLLECTION);

        long before = server.documentsRead();
        List<Document> page = things.find(Filters.eq("group", "a"))
                .sort(Sorts.descending("ts"))
                .skip(200)
                .limit(50)
                .into(new ArrayList<>());
        assertThat(page).hasSize(50);
        assertThat(server.documentsRead() - before)
                .as("skipped entries are not read")
                .isLessThanOrEqualTo(50);
        before = server.documentsRead();
        page = things.find(Filters.eq("group", "a"))
                .sort(Sorts.ascending("ts"))
                .skip(200)
                .limit(50)
                .into(new ArrayList<>());
        assertThat(page).hasSize(50);
        assertThat(server.documentsRead() - before)
                .as("read backwards, skipped entries are not read")
                .isLessThanOrEqualTo(50);

        assertSamePages();
        both(c -> c.updateMany(
                Filters.and(Filters.eq("group", "b"), Filters.lt("ts", Date.from(BASE.plusSeconds(700)))),
                Updates.set("group", "a")));
        both(c -> c.updateMany(
                Filters.and(Filters.eq("group", "a"), Filters.gt("ts", Date.from(BASE.plusSeconds(1200)))),
                Updates.set("ts", Date.from(BASE.minusSeconds(3)))));
        both(c -> c.deleteMany(
                Filters.and(Filters.eq("group", "a"), Filters.lt("ts", Date.from(BASE.plusSeconds(300))))));
        both(c -> c.updateMany(Filters.eq("group", "c"), Updates.unset("ts")));
        insert(300);
        assertSamePages();
    }

    /** Pages at every kind of offset, through covered slices read forwards and backwards, as the stock backend pages. */
    private void assertSamePages() {
        List<Bson> filters = List.of(
                Filters.eq("group", "a"),
                Filters.eq("group", "c"),
                Filters.and(
                        Filters.eq("group", "b"),
                        Filters.gte("ts", Date.from(BASE.plusSeconds(100))),
                        Filters.lt("ts", Date.from(BASE.plusSeconds(900)))),
                Filters.gte("ts", Date.from(BASE.plusSeconds(1000))));
        for (Bson filter : filters) {
            int count = (int) stock.database().getCollection(COLLECTION).countDocuments(filter);
            assertThat(indexed.database().getCollection(COLLECTION).countDocuments(filter))
                    .as("count %s", filter)
                    .isEqualTo(count);
            for (Bson sort : List.of(Sorts.descending("ts"), Sorts.ascending("ts"))) {
                for (int skip : List.of(0, 1, 17, 50, count - 5, count, count + 10)) {
                    for (int limit : List.of(0, 1, 50)) {
                        assertSameList(filter, sort, Math.max(skip, 0), limit, 0);
                        assertSameList(filter, sort, Math.max(skip, 0), limit, 7);
                    }
                }
            }
        }
    }

    @Test
    void aTrackingQueryWithoutLimitReadsOneBatchNotTheRestOfTheCollection() {
        insert(1500);
        MongoCollection<Document> things = indexed.database().getCollection(COLLECTION);
        IndexedH2Collection server = indexed.collection(COLLECTION);

        long before = server.documentsRead();
        // Axon's shape: timestamp >= t and id not in (...), sorted by timestamp and sequence, batch size only.
        try (var cursor = things.find(Filters.and(
                        Filters.gte("ts", Date.from(BASE.plusSeconds(100))),
                        Filters.nin("_id", List.of("id-101", "id-102"))))
                .sort(Sorts.ascending("ts", "n"))
                .batchSize(100)
                .iterator()) {
            for (int i = 0; i < 100; i++) {
                cursor.next();
            }
        }
        assertThat(server.documentsRead() - before).isLessThanOrEqualTo(110);
    }

    private void insert(int count) {
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            documents.add(randomDocument(nextId++));
        }
        for (WireServer server : List.of(indexed, stock)) {
            server.database()
                    .getCollection(COLLECTION)
                    .insertMany(documents.stream().map(d -> new Document(d)).toList());
        }
    }

    private Document randomDocument(int id) {
        Document document = new Document("_id", "id-" + id);
        int groupDice = random.nextInt(100);
        if (groupDice < 90) {
            document.put("group", GROUPS.get(random.nextInt(GROUPS.size())));
        } else if (groupDice < 95) {
            document.put("group", null);
        } else if (groupDice < 98) {
            document.put("group", random.nextInt(3));
        }
        // Unique within the collection so that sorted answers have one right order.
        if (random.nextInt(100) < 97) {
            document.put("ts", Date.from(BASE.plusSeconds(id).plusMillis(random.nextInt(1000))));
        }
        int numberDice = random.nextInt(100);
        if (numberDice < 40) {
            document.put("n", random.nextInt(20));
        } else if (numberDice < 55) {
            document.put("n", (long) random.nextInt(20));
        } else if (numberDice < 70) {
            document.put("n", random.nextInt(200) / 10.0);
        } else if (numberDice < 80) {
            document.put("n", String.valueOf(random.nextInt(20)));
        } else if (numberDice < 85) {
            document.put("n", null);
        }
        int tagDice = random.nextInt(100);
        if (tagDice < 50) {
            List<String> tags = new ArrayList<>();
            for (int t = random.nextInt(4); t > 0; t--) {
                tags.add(TAGS.get(random.nextInt(TAGS.size())));
            }
            document.put("tags", tags);
        } else if (tagDice < 70) {
            document.put("tags", TAGS.get(random.nextInt(TAGS.size())));
        }
        document.put("kind", "k" + random.nextInt(3));
        List<Document> associations = new ArrayList<>();
        for (int a = random.nextInt(3); a > 0; a--) {
            associations.add(new Document("key", "executionId").append("value", "e" + random.nextInt(50)));
        }
        document.put("assoc", associations);
        document.put("agg", "agg-" + (id % 40));
        document.put("seq", (long) (id / 40));
        document.put("nested", new Document("k", random.nextInt(5)).append("v", "v" + random.nextInt(5)));
        return document;
    }

    private void both(Consumer<MongoCollection<Document>> write) {
        write.accept(indexed.database().getCollection(COLLECTION));
        write.accept(stock.database().getCollection(COLLECTION));
    }

    private void assertSameAnswers() {
        Date t100 = Date.from(BASE.plusSeconds(100));
        Date t300 = Date.from(BASE.plusSeconds(300));
        Bson byTs = Sorts.ascending("ts");
        Bson byTsDescending = Sorts.descending("ts");
        Bson byTsAndN = Sorts.ascending("ts", "n");
        Bson byNAndTs = Sorts.ascending("n", "ts");
        // Each filter with the sort its index serves (forwards or backwards) and one it does not.
        assertSameAnswers(new Document(), byTsAndN, Sorts.descending("ts", "n"));
        assertSameAnswers(Filters.eq("group", "a"), byTsDescending, byTs);
        assertSameAnswers(Filters.eq("group", 1), byTsDescending, byNAndTs);
        assertSameAnswers(Filters.eq("group", null), byTs, byTsDescending);
        assertSameAnswers(
                Filters.and(Filters.eq("group", "b"), Filters.gte("ts", t100), Filters.lt("ts", t300)),
                byTs,
                Sorts.orderBy(Sorts.ascending("group"), Sorts.descending("ts")));
        assertSameAnswers(
                Filters.and(Filters.gte("ts", t100), Filters.nin("_id", List.of("id-150", "id-151"))),
                byTsAndN,
                byNAndTs);
        List<String> manyIds = new ArrayList<>();
        List<String> manyGroups = new ArrayList<>(List.of("a", "c"));
        for (int i = 0; i < 40; i++) {
            manyIds.add("id-" + (120 + 2 * i));
            manyGroups.add("no-such-group-" + i);
        }
        assertSameAnswers(Filters.and(Filters.gte("ts", t100), Filters.nin("_id", manyIds)), byTsAndN, byTs);
        assertSameAnswers(Filters.nin("group", manyGroups), byTs, byNAndTs);
        assertSameAnswers(
                Filters.and(Filters.eq("kind", "k2"), Filters.nin("group", manyGroups)), byTsDescending, byTs);
        assertSameAnswers(Filters.gt("ts", t300), byTsDescending, byNAndTs);
        assertSameAnswers(Filters.lte("ts", t100), byTs, byTsDescending);
        assertSameAnswers(Filters.gte("n", 3), byNAndTs, byTs);
        assertSameAnswers(Filters.lt("n", "5"), Sorts.descending("n"), byTs);
        assertSameAnswers(Filters.and(Filters.gt("n", 2.5), Filters.lte("n", 10)), byNAndTs, byTsDescending);
        assertSameAnswers(Filters.and(Filters.gt("n", 2), Filters.lt("n", "9")), byNAndTs, byTs);
        assertSameAnswers(Filters.eq("n", 5), byTs, byNAndTs);
        assertSameAnswers(Filters.eq("n", 5L), byTsDescending, byTs);
        assertSameAnswers(Filters.eq("n", "5"), byTs, byNAndTs);
        assertSameAnswers(Filters.eq("tags", "red"), byTs, Sorts.ascending("tags", "ts"));
        assertSameAnswers(Filters.gte("tags", "red"), byTs, Sorts.descending("tags", "ts"));
        assertSameAnswers(
                Filters.and(
                        Filters.eq("kind", "k1"),
                        Filters.eq("assoc", new Document("key", "executionId").append("value", "e7"))),
                byTs,
                byTsDescending);
        assertSameAnswers(
                Filters.and(Filters.eq("agg", "agg-3"), Filters.gte("seq", 4L)), Sorts.ascending("seq"), byTs);
        assertSameAnswers(Filters.eq("agg", "agg-5"), Sorts.descending("seq"), byTsDescending);
        assertSameAnswers(Filters.or(Filters.eq("group", "a"), Filters.eq("n", 5)), byTs, byNAndTs);
        assertSameAnswers(Filters.in("group", List.of("a", "b")), byTsDescending, byTs);
        assertSameAnswers(Filters.eq("nested.k", 3), byTs, byTsDescending);
        assertSameAnswers(Filters.eq("nested", new Document("k", 1).append("v", "v1")), byTs, byTsDescending);
        assertSameAnswers(Filters.and(Filters.eq("group", "a"), Filters.eq("group", "b")), byTs, byTsDescending);
        assertSameAnswers(Filters.exists("ts", false), byTs, byNAndTs);
    }

    private void assertSameAnswers(Bson filter, Bson... sorts) {
        assertSameSet(filter);
        for (Bson sort : sorts) {
            assertSameList(filter, sort, 3, 7, 0);
            assertSameList(filter, sort, 0, 0, 3);
        }
        assertSameCount(filter);
        assertSameAggregation(
                List.of(
                        new Document("$match", filter),
                        new Document("$group", new Document("_id", "$group").append("c", new Document("$sum", 1)))),
                true);
        assertSameAggregation(
                List.of(
                        new Document("$match", filter),
                        new Document("$sort", new Document("ts", 1)),
                        new Document("$limit", 5)),
                false);
    }

    private void assertSameSet(Bson filter) {
        Comparator<Document> byId = Comparator.comparing(d -> String.valueOf(d.get("_id")));
        List<Document> expected =
                stock.database().getCollection(COLLECTION).find(filter).into(new ArrayList<>());
        List<Document> actual =
                indexed.database().getCollection(COLLECTION).find(filter).into(new ArrayList<>());
        expected.sort(byId);
        actual.sort(byId);
        assertThat(actual).as("find(%s)", filter).isEqualTo(expected);
    }

    /**
     * Same window of sort keys, and every document one the stock backend matches. Documents whose sort
     * keys tie (missing and null keys, 5 and 5.0) may come in any order, as in MongoDB — at a skip or
     * limit boundary even different ones of the tied documents.
     */
    private void assertSameList(Bson filter, Bson sort, int skip, int limit, int batchSize) {
        List<Document> expected = find(stock, filter, sort, skip, limit, batchSize);
        List<Document> actual = find(indexed, filter, sort, skip, limit, batchSize);
        String description = String.format(
                "find(%s).sort(%s).skip(%d).limit(%d).batchSize(%d)", filter, sort, skip, limit, batchSize);
        SortKeys keys = new SortKeys(sort.toBsonDocument());
        assertThat(keys.of(actual)).as(description).isEqualTo(keys.of(expected));
        List<Document> all =
                stock.database().getCollection(COLLECTION).find(filter).into(new ArrayList<>());
        assertThat(all).as(description).containsAll(actual);
        assertThat(actual).as(description).doesNotHaveDuplicates();
    }

    private static List<Document> find(WireServer server, Bson filter, Bson sort, int skip, int limit, int batchSize) {
        FindIterable<Document> find = server.database()
                .getCollection(COLLECTION)
                .find(filter)
                .sort(sort)
                .skip(skip)
                .limit(limit);
        if (batchSize > 0) {
            find = find.batchSize(batchSize);
        }
        return find.into(new ArrayList<>());
    }

    private void assertSameCount(Bson filter) {
        assertThat(indexed.database().getCollection(COLLECTION).countDocuments(filter))
                .as("countDocuments(%s)", filter)
                .isEqualTo(stock.database().getCollection(COLLECTION).countDocuments(filter));
        CountOptions window = new CountOptions().skip(3).limit(10);
        assertThat(indexed.database().getCollection(COLLECTION).countDocuments(filter, window))
                .as("countDocuments(%s, skip 3, limit 10)", filter)
                .isEqualTo(stock.database().getCollection(COLLECTION).countDocuments(filter, window));
    }

    private void assertSameAggregation(List<Document> pipeline, boolean asSet) {
        List<Document> expected =
                stock.database().getCollection(COLLECTION).aggregate(pipeline).into(new ArrayList<>());
        List<Document> actual =
                indexed.database().getCollection(COLLECTION).aggregate(pipeline).into(new ArrayList<>());
        if (asSet) {
            Comparator<Document> byId = Comparator.comparing(d -> String.valueOf(d.get("_id")));
            expected.sort(byId);
            actual.sort(byId);
            assertThat(actual).as("aggregate(%s)", pipeline).isEqualTo(expected);
        } else {
            SortKeys keys = new SortKeys(new org.bson.BsonDocument("ts", new org.bson.BsonInt32(1)));
            assertThat(keys.of(actual)).as("aggregate(%s)", pipeline).isEqualTo(keys.of(expected));
        }
    }
}
