package dev.sandpod.web.security;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * The client's address as the rate limiter and the logs see it. {@code X-Forwarded-For} is believed only
 * when the connection comes from a configured proxy, and then only up to the first address that is not a
 * proxy itself (read from the right), so a client cannot choose its identity by sending the header.
 */
@Component
public class ClientAddress {

    private final List<Cidr> trusted;

    ClientAddress(SecurityProperties properties) {
        List<Cidr> parsed = new ArrayList<>();
        for (String entry : properties.trustedProxies()) {
            if (!entry.isBlank()) {
                parsed.add(Cidr.parse(entry.trim()));
            }
        }
        this.trusted = List.copyOf(parsed);
    }

    public String of(ServerHttpRequest request) {
        InetAddress remote = remote(request);
        if (remote == null) {
            return "unknown";
        }
        if (!isTrusted(remote)) {
            return remote.getHostAddress();
        }
        List<String> forwarded = request.getHeaders().getOrEmpty("X-Forwarded-For");
        List<String> hops = new ArrayList<>();
        for (String header : forwarded) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        InetAddress client = remote;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                break;
            }
            client = hop;
            if (!isTrusted(hop)) {
                break;
            }
        }
        return client.getHostAddress();
    }

    /** Whether the request reached us over TLS, directly or through a trusted proxy that says so. */
    public boolean isSecure(ServerHttpRequest request) {
        if (request.getSslInfo() != null
                || "https".equalsIgnoreCase(request.getURI().getScheme())) {
            return true;
        }
        InetAddress remote = remote(request);
        return remote != null
                && isTrusted(remote)
                && "https".equalsIgnoreCase(request.getHeaders().getFirst("X-Forwarded-Proto"));
    }

    boolean isTrusted(InetAddress address) {
        return trusted.stream().anyMatch(cidr -> cidr.contains(address));
    }

    private static InetAddress remote(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote == null ? null : remote.getAddress();
    }

    /** An IP literal, never a name: no DNS lookup is made for what a client sends. */
    static InetAddress literal(String text) {
        String value = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (value.isEmpty() || value.length() > 45 || !value.matches("[0-9A-Fa-f:.]+")) {
            return null;
        }
        if (!value.contains(":") && !value.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return null;
        }
        try {
            return InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    record Cidr(byte[] network, int bits) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            InetAddress address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("Not an IP address or CIDR range: " + text);
            }
            int max = address.getAddress().length * 8;
            int bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("Bad prefix length in " + text);
            }
            return new Cidr(address.getAddress(), bits);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (candidate[full] & mask) == (network[full] & mask);
        }
    }
}
