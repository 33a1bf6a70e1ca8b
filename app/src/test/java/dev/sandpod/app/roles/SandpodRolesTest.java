package dev.sandpod.app.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class SandpodRolesTest {

    @Test
    void unsetOrBlankMeansEveryRole() {
        assertThat(SandpodRoles.parse(null)).isEqualTo(SandpodRoles.all());
        assertThat(SandpodRoles.parse(" ")).isEqualTo(SandpodRoles.all());
        assertThat(SandpodRoles.all().toString()).isEqualTo("api,processors,executor");
        assertThat(SandpodRoles.all().executorOnly()).isFalse();
    }

    @Test
    void rolesAreReadCommaOrSpaceSeparatedInAnyCase() {
        SandpodRoles roles = SandpodRoles.parse("Processors, api");
        assertThat(roles.toString()).isEqualTo("api,processors");
        assertThat(roles.needsStore()).isTrue();
        assertThat(SandpodRoles.parse("executor").executorOnly()).isTrue();
        assertThat(SandpodRoles.parse("executor").needsStore()).isFalse();
        assertThat(SandpodRoles.parse("executor processors").executorOnly()).isFalse();
    }

    @Test
    void anUnknownRoleIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> SandpodRoles.parse("api,worker"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SANDPOD_ROLES")
                .hasMessageContaining("'worker'")
                .hasMessageContaining("api,processors,executor");
    }

    @Test
    void theProcessReadsTheArgumentThenTheSystemPropertyThenTheVariable() {
        Map<String, String> env = Map.of("SANDPOD_ROLES", "executor");
        assertThat(SandpodRoles.fromProcess(new String[0], key -> null, env).executorOnly())
                .isTrue();
        assertThat(SandpodRoles.fromProcess(new String[0], key -> "api", env).toString())
                .isEqualTo("api");
        assertThat(SandpodRoles.fromProcess(new String[] {"--sandpod.roles=processors"}, key -> "api", env)
                        .toString())
                .isEqualTo("processors");
    }

    @Test
    void anApiOnlyInstanceRunsNoExecutorClaimsNoSegmentAndFiresNoDeadline() {
        MockEnvironment env = new MockEnvironment().withProperty("sandpod.roles", "api");
        new RolesEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("sandpod.executor.enabled")).isEqualTo("false");
        assertThat(env.getProperty("sandpod.axon.claim-segments")).isEqualTo("false");
        assertThat(env.getProperty("sandpod.roles.processors")).isEqualTo("false");
        assertThat(env.getProperty("jobrunr.background-job-server.enabled")).isEqualTo("false");
    }

    @Test
    void everyRoleLeavesTheSwitchesAsConfigured() {
        MockEnvironment env = new MockEnvironment().withProperty("sandpod.executor.enabled", "false");
        new RolesEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("sandpod.executor.enabled")).isEqualTo("false");
        assertThat(env.getProperty("sandpod.axon.claim-segments")).isNull();
        assertThat(env.getProperty("jobrunr.background-job-server.enabled")).isNull();
        assertThat(env.getProperty("sandpod.roles")).isEqualTo("api,processors,executor");
    }
}
