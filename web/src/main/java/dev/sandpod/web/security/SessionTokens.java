package dev.sandpod.web.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.sandpod.api.user.UserRole;
import dev.sandpod.api.web.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Issues and checks the session token (an HS256 JWT in the {@code access_token} cookie) and the CSRF token
 * bound to that session: {@code nonce.HMAC(nonce:sessionId)}, so a CSRF token of one session is worthless
 * in another.
 *
 * <p>A token whose signature and claims were checked once is remembered by its exact text (at most
 * {@link #VERIFIED_KEPT} of them): parsing the JWT, decoding its Base64 and computing its HMAC were a tenth of
 * a signed-in read (issue 21, reads; docs/architecture.md). Only what the text itself proves is remembered —
 * that this key signed these claims; the expiry is compared with the clock on every request, and whether the
 * session was logged out, its account's version, state and role are checked by the caller every time, as before.
 */
@Component
public class SessionTokens {

    private static final String ISSUER = "sandpod";
    /** Ours are ~400 characters; anything far longer is not worth parsing. */
    private static final int MAX_TOKEN_LENGTH = 4096;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /** About 1 KiB each: a few MiB at most; past it the memory starts again (the next request verifies anew). */
    static final int VERIFIED_KEPT = 4096;

    /** A token this key signed, with claims that were complete, and when it expires. */
    private record Verified(Session session, Instant expires) {}

    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    private final byte[] key;
    private final SecurityProperties properties;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    @Autowired
    SessionTokens(SecurityProperties properties) {
        this(properties, Clock.systemUTC());
    }

    SessionTokens(SecurityProperties properties, Clock clock) {
        if (properties.jwtSecret() == null || properties.jwtSecret().getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalStateException(
                    "sandpod.security.jwt-secret (SANDPOD_JWT_SECRET) must be at least 32 bytes");
        }
        this.key = properties.jwtSecret().getBytes(StandardCharsets.UTF_8);
        this.properties = properties;
        this.clock = clock;
    }

    public record Issued(String accessToken, String csrfToken, String sessionId) {}

    /** A verified token: who, the account's session version it was issued under, and when. */
    public record Session(Caller caller, long tokenVersion, Instant issuedAt) {}

    public Issued issue(String userId, String username, UserRole role) {
        return issue(userId, username, role, 0, properties.sessionTimeout());
    }

    public Issued issue(String userId, String username, UserRole role, long tokenVersion, Duration lifetime) {
        String sessionId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(userId)
                .claim("usr", username)
                .claim("role", role.wireName())
                .claim("sid", sessionId)
                .claim("ver", tokenVersion)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a session token", e);
        }
        return new Issued(jwt.serialize(), csrfTokenFor(sessionId), sessionId);
    }

    /** The caller of a valid, unexpired token; empty for anything else. */
    public Optional<Caller> verify(String token) {
        return verifySession(token).map(Session::caller);
    }

    /** A valid, unexpired token with its version and issue time; empty for anything else. */
    public Optional<Session> verifySession(String token) {
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        Verified known = verified.get(token);
        if (known != null) {
            return known.expires().isAfter(clock.instant()) ? Optional.of(known.session()) : Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(key))) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date expires = claims.getExpirationTime();
            if (expires == null
                    || !expires.toInstant().isAfter(clock.instant())
                    || !ISSUER.equals(claims.getIssuer())) {
                return Optional.empty();
            }
            String subject = claims.getSubject();
            String sessionId = claims.getStringClaim("sid");
            Date issued = claims.getIssueTime();
            if (subject == null || sessionId == null || issued == null) {
                return Optional.empty();
            }
            Long version = claims.getLongClaim("ver");
            Caller caller = new Caller(
                    subject, claims.getStringClaim("usr"), UserRole.fromWire(claims.getStringClaim("role")), sessionId);
            Session session = new Session(caller, version == null ? 0 : version, issued.toInstant());
            if (verified.size() >= VERIFIED_KEPT) {
                verified.clear();
            }
            verified.put(token, new Verified(session, expires.toInstant()));
            return Optional.of(session);
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public String csrfTokenFor(String sessionId) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String encodedNonce = B64.encodeToString(nonce);
        return encodedNonce + "." + mac(encodedNonce, sessionId);
    }

    public boolean csrfMatches(String token, String sessionId) {
        if (token == null || sessionId == null) {
            return false;
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        String expected = mac(token.substring(0, dot), sessionId);
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII),
                token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(String nonce, String sessionId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return B64.encodeToString(mac.doFinal((nonce + ":" + sessionId).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
