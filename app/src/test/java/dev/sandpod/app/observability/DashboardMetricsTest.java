package dev.sandpod.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandpod.app.journey.ApiSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every query of the provisioned Grafana dashboards ({@code infra/grafana/dashboards}) names metrics the app
 * really exports: the PromQL of each panel is parsed for metric names, and each must appear in a scrape of the
 * running app after a few runs. A renamed meter or a typo in a dashboard fails here, not on an operator's screen.
 */
@ObservedApp
class DashboardMetricsTest {

    private static final Path DASHBOARDS = Path.of("..", "infra", "grafana", "dashboards");
    private static final Set<String> PROMQL_WORDS = Set.of(
            "sum",
            "min",
            "max",
            "avg",
            "count",
            "stddev",
            "stdvar",
            "topk",
            "bottomk",
            "quantile",
            "count_values",
            "group",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "rate",
            "irate",
            "increase",
            "delta",
            "idelta",
            "deriv",
            "histogram_quantile",
            "clamp_min",
            "clamp_max",
            "abs",
            "ceil",
            "floor",
            "round",
            "label_replace",
            "label_join",
            "time",
            "vector",
            "scalar",
            "sort",
            "sort_desc",
            "absent",
            "changes",
            "resets",
            "avg_over_time",
            "max_over_time",
            "min_over_time",
            "sum_over_time",
            "count_over_time",
            "last_over_time",
            "le",
            "inf",
            "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @LocalServerPort
    int port;

    @Test
    void everyDashboardQueryNamesAMetricTheAppExports() throws IOException {
        ApiSession user = ApiSession.login(port, "user", "user123");
        for (String[] run : new String[][] {{"python", "3.11", "print(1)"}, {"bash", "5.2", "echo 1"}}) {
            user.awaitResult(user.execute(run[0], run[1], run[2]));
        }
        ApiSession admin = ApiSession.login(port, "admin", "admin123");
        Set<String> exported = Scrape.parse(Observed.text(admin, "/actuator/prometheus")).samples().stream()
                .map(Scrape.Sample::name)
                .collect(Collectors.toSet());

        TreeMap<String, Set<String>> missing = new TreeMap<>();
        List<String> expressions = new ArrayList<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
                for (JsonNode expr : dashboard.findValues("expr")) {
                    expressions.add(expr.asText());
                    for (String metric : metricNames(expr.asText())) {
                        if (!exported.contains(metric)) {
                            missing.computeIfAbsent(file.getFileName().toString(), f -> new TreeSet<>())
                                    .add(metric);
                        }
                    }
                }
            }
        }
        assertThat(expressions).hasSizeGreaterThan(20);
        assertThat(missing).as("dashboard metrics the app does not export").isEmpty();
    }

    @Test
    void theParserFindsTheMetricsOfAQuery() {
        assertThat(
                        metricNames(
                                "histogram_quantile(0.95, sum by (le, lang) (rate(sandpod_execution_duration_seconds_bucket{status!=\"completed\"}[5m]))) / clamp_min(sum(sandpod_queue_depth), 1e-9)"))
                .containsExactlyInAnyOrder("sandpod_execution_duration_seconds_bucket", "sandpod_queue_depth");
    }

    /** Metric names of a PromQL expression: identifiers that are not functions, keywords, labels or literals. */
    static Set<String> metricNames(String promql) {
        String stripped = promql.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // string literals
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " ") // range selectors
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // label lists
                .replaceAll("\\b\\d+(\\.\\d+)?(e[-+]?\\d+)?\\b", " "); // numbers
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(stripped);
        while (m.find()) {
            String word = m.group();
            if (!PROMQL_WORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }
}
