package dev.sandpod.web.support;

import dev.sandpod.api.web.Caller;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.MetaData;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Who and where a command came from, as message metadata: the user, the access token (if any), the client
 * address and the request id
 * travel with the command and (through the correlation data providers) with every event it causes, so
 * auditors see who caused each event while payloads carry only the fact.
 */
public final class Origin {

    public static final String USER_ID = "userId";
    public static final String CLIENT_IP = "clientIp";
    public static final String REQUEST_ID = "requestId";
    /** The personal access token a request came with (its id, never the secret); absent for a browser session. */
    public static final String TOKEN_ID = "tokenId";

    private Origin() {}

    public static MetaData of(Caller caller, ServerHttpRequest request) {
        Map<String, Object> values = new HashMap<>();
        if (caller != null) {
            values.put(USER_ID, caller.userId());
            if (caller.tokenId() != null) {
                values.put(TOKEN_ID, caller.tokenId());
            }
        }
        if (request != null) {
            InetSocketAddress remote = request.getRemoteAddress();
            if (remote != null && remote.getAddress() != null) {
                values.put(CLIENT_IP, remote.getAddress().getHostAddress());
            }
            values.put(REQUEST_ID, request.getId());
        }
        return MetaData.from(values);
    }

    public static <C> CommandMessage<C> command(C payload, Caller caller, ServerHttpRequest request) {
        return GenericCommandMessage.<C>asCommandMessage(payload).andMetaData(of(caller, request));
    }
}
