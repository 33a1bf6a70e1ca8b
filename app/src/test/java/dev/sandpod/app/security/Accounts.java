package dev.sandpod.app.security;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh users, admins and client addresses, so that no two tests share a counter. */
final class Accounts {

    static final String PASSWORD = "correct-horse-battery";
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    private Accounts() {}

    /** A distinct client address (TEST-NET-3 and 10/8, never routed). */
    static String address() {
        int n = ADDRESSES.incrementAndGet();
        return "10." + (n >> 16 & 0xFF) + "." + (n >> 8 & 0xFF) + "." + (n & 0xFF);
    }

    static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Client user(int port, String prefix) {
        return Client.register(port, address(), name(prefix), PASSWORD);
    }

    static Client seededAdmin(int port) {
        return Client.login(port, address(), "admin", "admin123");
    }

    /** An admin of its own, created through the admin API. */
    static Client admin(int port, String prefix) {
        String username = name(prefix);
        Client.Reply created = seededAdmin(port)
                .post(
                        "/api/v1/admin/users/",
                        Client.body(
                                "username",
                                username,
                                "email",
                                username + "@example.com",
                                "password",
                                PASSWORD,
                                "role",
                                "admin"));
        if (created.status() != 200) {
            throw new IllegalStateException("could not create an admin: " + created.status() + " " + created.raw());
        }
        return Client.login(port, address(), username, PASSWORD);
    }
}
