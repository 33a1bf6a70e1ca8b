package dev.sandpod.app.security;

import java.util.List;

/**
 * The embedded profile was asked to listen beyond this machine while a demo account still has its published
 * password: the app does not start. The message says what to do; {@link DemoAccountsOnNetworkFailureAnalyzer}
 * prints it as Boot's "APPLICATION FAILED TO START" report instead of a stack trace.
 */
class DemoAccountsOnNetworkException extends IllegalStateException {

    private final String address;
    private final String accounts;

    DemoAccountsOnNetworkException(String address, List<AccountSeeder.DemoAccount> open) {
        super("Refusing to start: SERVER_ADDRESS=" + address + " lets other machines connect, and the demo account"
                + (open.size() == 1 ? " " : "s ") + NetworkExposure.names(open) + " still "
                + (open.size() == 1 ? "has its published password. " : "have their published passwords. ") + action());
        this.address = address;
        this.accounts = NetworkExposure.names(open);
    }

    String description() {
        return "SERVER_ADDRESS=" + address + " lets other machines connect, and the embedded profile's demo accounts ("
                + accounts + ") still sign in with the passwords printed in the README: anyone who can reach the"
                + " port could sign in as admin.";
    }

    static String action() {
        return "Do one of these: (1) start without SERVER_ADDRESS (Sandpod then listens on 127.0.0.1 only), sign in"
                + " as admin and give both demo accounts new passwords (POST /api/v1/admin/users/{user_id}/reset-password),"
                + " then start again with SERVER_ADDRESS; (2) set " + NetworkExposure.ALLOW_VARIABLE + "=true if"
                + " everyone who can reach this address may use those accounts; (3) run the production profile"
                + " (SPRING_PROFILES_ACTIVE=prod with your own SANDPOD_JWT_SECRET), which has no demo accounts.";
    }
}
