package dev.sandpod.app.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one request per connection: sends exactly the bytes it is given — malformed
 * header values, raw escapes in the target, any content type — which a well-behaved client library refuses
 * to send. Reads the status, headers and body (de-chunked); an event stream is read for a moment, then cut.
 */
final class RawHttp {

    private static final int MAX_BODY = 8 * 1024 * 1024;

    record Response(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {}

    static Response send(
            int port,
            String method,
            String target,
            List<Map.Entry<String, String>> headers,
            byte[] body,
            Duration timeout,
            Duration streamHold)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) Math.min(timeout.toMillis(), Integer.MAX_VALUE));
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            head.append("Host: 127.0.0.1:").append(port).append("\r\n");
            for (Map.Entry<String, String> header : headers) {
                head.append(header.getKey())
                        .append(": ")
                        .append(header.getValue())
                        .append("\r\n");
            }
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException early) {
                // the server may answer before taking the whole body; read what it said
            }
            return read(socket.getInputStream(), socket, "HEAD".equals(method), timeout, streamHold);
        }
    }

    /**
     * Reads one response framed by its length or its chunks (the connection stays open, as keep-alive
     * allows, so the server never resets it under an unread request body); an event stream for a moment.
     */
    private static Response read(InputStream stream, Socket socket, boolean head, Duration timeout, Duration streamHold)
            throws IOException {
        java.io.BufferedInputStream in = new java.io.BufferedInputStream(stream);
        String statusLine = line(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/")) {
            throw new IOException("no HTTP answer: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.merge(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String type = headers.getOrDefault("content-type", "");
        String length = headers.get("content-length");
        if (head || status == 204 || status == 304 || status / 100 == 1) {
            return new Response(status, headers, "");
        }
        if (type.startsWith("text/event-stream")) {
            socket.setSoTimeout((int) Math.max(1, streamHold.toMillis()));
            long until = System.nanoTime() + streamHold.toNanos();
            byte[] buffer = new byte[4096];
            try {
                int n;
                while (System.nanoTime() < until && (n = in.read(buffer)) >= 0) {
                    body.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException held) {
                // held long enough
            }
            return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            while (true) {
                String size = line(in);
                if (size == null) {
                    break;
                }
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    line(in);
                    break;
                }
                byte[] chunk = in.readNBytes(n);
                if (body.size() < MAX_BODY) {
                    body.write(chunk);
                }
                line(in);
            }
        } else if (length != null) {
            long n = Long.parseLong(length.split(",")[0].trim());
            byte[] data = in.readNBytes((int) Math.min(n, MAX_BODY));
            body.write(data);
        } else {
            body.write(in.readNBytes(MAX_BODY));
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                out.write(c);
            }
        }
        if (c < 0 && out.size() == 0) {
            return null;
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
