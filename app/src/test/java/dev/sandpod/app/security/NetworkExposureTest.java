package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The start-up rule of the embedded profile: its demo accounts' passwords are published, so it may listen
 * beyond this machine only once they were changed, or when the operator says so explicitly.
 */
class NetworkExposureTest {

    private static boolean demo(AccountSeeder.DemoAccount account) {
        return true;
    }

    private static boolean changed(AccountSeeder.DemoAccount account) {
        return false;
    }

    @Test
    void onALoopbackAddressTheDemoAccountsAreFine() {
        for (String address : Set.of("127.0.0.1", "localhost", "::1", "127.0.0.2")) {
            NetworkExposure.Decision decision = NetworkExposure.decide(true, address, false, NetworkExposureTest::demo);

            assertThat(decision.loopbackOnly()).as(address).isTrue();
            assertThat(decision.demoAccountsActive()).as(address).isTrue();
        }
    }

    @Test
    void onAnyOtherAddressWithTheDemoPasswordsTheAppRefusesToStartAndSaysWhatToDo() {
        for (String address : new String[] {"0.0.0.0", "::", "192.0.2.10", null}) {
            assertThatThrownBy(() -> NetworkExposure.decide(true, address, false, NetworkExposureTest::demo))
                    .as("%s", address)
                    .isInstanceOf(DemoAccountsOnNetworkException.class)
                    .hasMessageStartingWith(
                            "Refusing to start: SERVER_ADDRESS=" + (address == null ? "0.0.0.0" : address))
                    .hasMessageContaining("user/user123, admin/admin123")
                    .hasMessageContaining("reset-password")
                    .hasMessageContaining("SANDPOD_ALLOW_DEMO_ACCOUNTS_ON_NETWORK=true")
                    .hasMessageContaining("SPRING_PROFILES_ACTIVE=prod");
        }
    }

    @Test
    void oneDemoAccountStillOnItsDemoPasswordIsEnoughToRefuseAndIsNamed() {
        assertThatThrownBy(() -> NetworkExposure.decide(
                        true, "0.0.0.0", false, account -> account.username().equals("admin")))
                .isInstanceOf(DemoAccountsOnNetworkException.class)
                .hasMessageContaining("demo account admin/admin123 still has its published password")
                .hasMessageNotContaining("user/user123");
    }

    @Test
    void theExplicitFlagAllowsItAndTheDecisionSaysSo() {
        NetworkExposure.Decision decision = NetworkExposure.decide(true, "0.0.0.0", true, NetworkExposureTest::demo);

        assertThat(decision.loopbackOnly()).isFalse();
        assertThat(decision.demoAccountsActive()).isTrue();
        assertThat(decision.allowedByFlag()).isTrue();
    }

    @Test
    void changedPasswordsOpenTheNetworkWithoutTheFlag() {
        NetworkExposure.Decision decision =
                NetworkExposure.decide(true, "0.0.0.0", false, NetworkExposureTest::changed);

        assertThat(decision.loopbackOnly()).isFalse();
        assertThat(decision.demoAccountsActive()).isFalse();
    }

    @Test
    void otherProfilesHaveNoDemoAccountsToWorryAbout() {
        NetworkExposure.Decision decision = NetworkExposure.decide(false, null, false, NetworkExposureTest::demo);

        assertThat(decision.address()).isEqualTo("0.0.0.0");
        assertThat(decision.demoAccountsActive()).isFalse();
    }

    @Test
    void theStartFailureIsReportedAsWhatHappenedAndWhatToDo() {
        DemoAccountsOnNetworkException refused =
                new DemoAccountsOnNetworkException("0.0.0.0", AccountSeeder.DEMO_ACCOUNTS);

        var analysis = new DemoAccountsOnNetworkFailureAnalyzer().analyze(new IllegalStateException(refused));

        assertThat(analysis.getDescription())
                .contains("SERVER_ADDRESS=0.0.0.0")
                .contains("user/user123, admin/admin123");
        assertThat(analysis.getAction())
                .contains("start without SERVER_ADDRESS")
                .contains("SANDPOD_ALLOW_DEMO_ACCOUNTS_ON_NETWORK=true");
    }
}
