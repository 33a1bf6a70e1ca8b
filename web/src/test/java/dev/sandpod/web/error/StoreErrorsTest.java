package dev.sandpod.web.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;

/** What a client sees when the data store is gone or full (issue 20), and that other failures stay 500s. */
class StoreErrorsTest {

    @Test
    void anUnreachableStoreIs503WithAClearBody() {
        for (Throwable failure : new Throwable[] {
            new MongoTimeoutException("Timed out while waiting for a server"),
            new CompletionException(new IllegalStateException(
                    "An event could not be stored",
                    new MongoSocketOpenException("Exception opening socket", new ServerAddress(), new IOException()))),
            new DataAccessResourceFailureException("Timed out", new MongoTimeoutException("gone"))
        }) {
            ApiErrors.Answer answer = ApiErrors.of(failure);
            assertThat(answer.status().value()).as(failure.toString()).isEqualTo(503);
            assertThat(answer.body())
                    .containsEntry("type", "StoreUnavailable")
                    .containsEntry("detail", "The data store is unreachable; try again shortly");
        }
    }

    @Test
    void aFullDiskIs507() {
        ApiErrors.Answer answer = ApiErrors.of(new CompletionException(new RuntimeException(
                "Command failed with error 14031 (OutOfDiskSpace): 'OutOfDiskSpace: 8 MB free, writes need 32 MB'")));
        assertThat(answer.status().value()).isEqualTo(507);
        assertThat(answer.body()).containsEntry("type", "InsufficientStorage");
    }

    @Test
    void otherStoreFailuresAreNotHiddenAsOutages() {
        assertThat(ApiErrors.of(new DuplicateKeyException("E11000 duplicate key"))
                        .status()
                        .value())
                .isEqualTo(500);
    }
}
