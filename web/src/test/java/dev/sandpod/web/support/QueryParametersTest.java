package dev.sandpod.web.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.execution.ExecutionStatus;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryParametersTest {

    private static String messageOf(Runnable parse) {
        try {
            parse.run();
        } catch (RequestValidationException e) {
            assertThat(e.violations())
                    .singleElement()
                    .satisfies(v -> assertThat(v.loc().get(0)).isEqualTo("query"));
            return e.violations().get(0).msg();
        }
        throw new AssertionError("no validation error");
    }

    @Test
    void anIntegerInRangeIsRead() {
        assertThat(QueryParameters.integer("limit", " 20 ", 1, 200)).isEqualTo(20);
    }

    @Test
    void notANumberAndOutOfRangeAreToldApart() {
        assertThat(messageOf(() -> QueryParameters.integer("limit", "ten", 1, 200)))
                .isEqualTo("Input should be a valid integer");
        assertThat(messageOf(() -> QueryParameters.integer("limit", "0", 1, 200)))
                .isEqualTo("Input should be between 1 and 200");
    }

    @Test
    void anEnumIsReadByItsWireNameAndABlankOneIsNotGiven() {
        assertThat(oneOfStatus("running")).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(oneOfStatus(" ")).isNull();
        assertThat(oneOfStatus(null)).isNull();
        assertThat(messageOf(() -> oneOfStatus("nope")))
                .isEqualTo("Input should be one of "
                        + Arrays.stream(ExecutionStatus.values())
                                .map(ExecutionStatus::wireName)
                                .toList());
    }

    @Test
    void booleansAreTrueOrFalseInAnyCase() {
        assertThat(QueryParameters.bool("cascade", "TRUE")).isTrue();
        assertThat(QueryParameters.bool("cascade", "false")).isFalse();
        assertThat(messageOf(() -> QueryParameters.bool("cascade", "yes")))
                .isEqualTo("Input should be a valid boolean");
    }

    @Test
    void instantsTakeAnOffsetOrZ() {
        assertThat(QueryParameters.instant("start_time", "2024-01-01T01:00:00+01:00"))
                .isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(QueryParameters.instant("start_time", "")).isNull();
        assertThat(messageOf(() -> QueryParameters.instant("start_time", "yesterday")))
                .isEqualTo("Input should be a valid datetime");
    }

    @Test
    void listsComeRepeatedOrCommaSeparatedAndAParameterWithoutAValueIsEmpty() {
        assertThat(QueryParameters.list(List.of("a,b", " c "))).containsExactly("a", "b", "c");
        assertThat(QueryParameters.list(Arrays.asList((String) null))).isEmpty();
        assertThat(QueryParameters.list(List.of(""))).isEmpty();
        assertThat(QueryParameters.list(null)).isEmpty();
    }

    private static ExecutionStatus oneOfStatus(String value) {
        return QueryParameters.oneOf(
                "status", value, ExecutionStatus::fromWire, ExecutionStatus.values(), ExecutionStatus::wireName);
    }
}
