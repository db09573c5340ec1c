package dev.arkhe.kms.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The AWS JSON 1.1 protocol over one HTTP exchange: limits, authentication, the
 * {@code X-Amz-Target} dispatch, JSON in and out, and AWS-shaped errors.
 *
 * <p>Checks run in this order, so that each failure has one answer: body size (400
 * {@code ValidationException}; a body is needed to check a signature), the {@code Host} and
 * {@code Origin} headers against DNS rebinding (400 {@code AccessDeniedException}), signature when
 * required, method and target (400 {@code UnknownOperationException}), content type and
 * JSON (400 {@code SerializationException}), then the operation. An unexpected exception in
 * an operation is answered with 500 {@code KMSInternalException} and a request id, never a
 * stack trace; the exception is logged (messages in this code base never hold key material).
 */
final class KmsHttpHandler implements HttpHandler {

    /** Largest request body accepted. A KMS request is at most a few tens of KiB. */
    static final int MAX_BODY_BYTES = 1 << 20;
    /** How much of an oversized body is read and discarded so that the client gets the answer. */
    static final long DRAIN_LIMIT_BYTES = 16L << 20;
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    static final String TARGET_PREFIX = "TrentService.";
    /** The host names a local client may address the endpoint by (see {@link #checkAddressedHere}). */
    private static final List<String> LOCAL_NAMES = List.of("127.0.0.1", "localhost", "[::1]");

    private static final System.Logger LOG = System.getLogger(LocalKmsServer.class.getName());

    private final Map<String, KmsOperation> operations;
    private final SigV4Verifier verifier;
    private final ScheduledExecutorService watchdog;
    private final Duration bodyDeadline;

    /**
     * @param operations   the operations by name (e.g. {@code Encrypt})
     * @param verifier     checks signatures; null accepts any request, signed or not
     * @param watchdog     runs the body-deadline timers; owned by the caller
     * @param bodyDeadline how long a client may take to send a request body
     */
    KmsHttpHandler(Map<String, KmsOperation> operations, SigV4Verifier verifier, ScheduledExecutorService watchdog,
                   Duration bodyDeadline) {
        this.operations = Map.copyOf(operations);
        this.verifier = verifier;
        this.watchdog = Objects.requireNonNull(watchdog, "watchdog");
        this.bodyDeadline = Objects.requireNonNull(bodyDeadline, "bodyDeadline");
    }

    /** The body did not arrive within the deadline and the connection was closed. */
    private static final class BodyDeadlineExceeded extends IOException {
        private static final long serialVersionUID = 1L;

        BodyDeadlineExceeded(Duration deadline) {
            super("request body not received within " + deadline.toMillis() + " ms; connection closed");
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString();
        try (exchange) {
            int status;
            byte[] response;
            try {
                Map<String, Object> result = process(exchange);
                status = 200;
                response = Json.write(result);
            } catch (KmsRequestException e) {
                status = e.type().httpStatus();
                response = error(e.type(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "request " + requestId + " failed unexpectedly", e);
                status = AwsErrorType.INTERNAL.httpStatus();
                response = error(AwsErrorType.INTERNAL, "Internal error in the local KMS endpoint (request id "
                        + requestId + ")");
            }
            Headers out = exchange.getResponseHeaders();
            out.set("Content-Type", CONTENT_TYPE);
            out.set("x-amzn-RequestId", requestId);
            exchange.sendResponseHeaders(status, response.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(response);
            }
        } catch (BodyDeadlineExceeded e) {
            // Rethrown so that the HTTP server forgets the (already closed) connection.
            LOG.log(System.Logger.Level.DEBUG, "request " + requestId + ": " + e.getMessage());
            throw e;
        } catch (IOException e) {
            // The client went away; nothing to answer. The exchange is closed by try-with-resources.
            LOG.log(System.Logger.Level.DEBUG, "request " + requestId + ": I/O error: " + e);
        }
    }

    private Map<String, Object> process(HttpExchange exchange) throws KmsRequestException, IOException {
        Headers in = exchange.getRequestHeaders();
        byte[] body = readBody(exchange);
        checkAddressedHere(in, exchange.getLocalAddress().getPort());
        if (verifier != null) {
            verifier.verify(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), in, body);
        }
        String target = in.getFirst("X-Amz-Target");
        if (!"POST".equals(exchange.getRequestMethod())) {
            throw new KmsRequestException(AwsErrorType.UNKNOWN_OPERATION, "The KMS JSON protocol needs POST, got "
                    + exchange.getRequestMethod());
        }
        if (target == null || target.isEmpty()) {
            throw new KmsRequestException(AwsErrorType.UNKNOWN_OPERATION,
                    "Missing X-Amz-Target header; expected TrentService.<Operation>");
        }
        KmsOperation op = target.startsWith(TARGET_PREFIX)
                ? operations.get(target.substring(TARGET_PREFIX.length())) : null;
        if (op == null) {
            throw new KmsRequestException(AwsErrorType.UNKNOWN_OPERATION, "Unknown or unsupported operation "
                    + abbreviate(target));
        }
        String contentType = in.getFirst("Content-Type");
        if (contentType != null && !isJsonContentType(contentType)) {
            throw KmsRequestException.serialization("Content-Type must be " + CONTENT_TYPE + ", got "
                    + abbreviate(contentType));
        }
        Object parsed;
        try {
            // An empty body is an empty input structure (clients send "{}", curl users may send nothing).
            parsed = body.length == 0 ? new LinkedHashMap<String, Object>() : Json.parse(body);
        } catch (Json.ParseException e) {
            throw KmsRequestException.serialization("Malformed JSON request body: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw KmsRequestException.serialization("The request body must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> members = (Map<String, Object>) map;
        return op.handle(new KmsRequest(target.substring(TARGET_PREFIX.length()), members));
    }

    /**
     * Refuses requests a web page may have sent. By DNS rebinding a page can make the browser
     * send requests to 127.0.0.1 under the page's own host name, and the endpoint is
     * unauthenticated by default: so the {@code Host} header must name this endpoint
     * ({@code 127.0.0.1}, {@code localhost} or {@code [::1]}, with this port or none), and a
     * request with an {@code Origin} header, which browsers add and SDKs never send, is refused.
     */
    static void checkAddressedHere(Headers in, int port) throws KmsRequestException {
        if (in.containsKey("Origin")) {
            throw new KmsRequestException(AwsErrorType.ACCESS_DENIED, "Requests with an Origin header (sent by web"
                    + " browsers) are refused by the local KMS endpoint");
        }
        List<String> hosts = in.get("Host");
        if (hosts == null || hosts.size() != 1 || !isLocalHost(hosts.get(0), port)) {
            throw new KmsRequestException(AwsErrorType.ACCESS_DENIED, "The Host header must be 127.0.0.1:" + port
                    + ", localhost:" + port + " or [::1]:" + port + (hosts == null || hosts.isEmpty() ? ", got none"
                    : ", got " + abbreviate(String.join(", ", hosts))));
        }
    }

    private static boolean isLocalHost(String host, int port) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        for (String name : LOCAL_NAMES) {
            if (h.equals(name) || h.equals(name + ":" + port)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the body, refusing one over {@link #MAX_BODY_BYTES}. An oversized body is still
     * read and discarded up to {@link #DRAIN_LIMIT_BYTES}: closing a socket with unread input
     * makes TCP reset the connection, and the client would lose our 400 answer. Beyond that
     * limit the answer is sent without reading further and the connection is dropped.
     */
    private byte[] readBody(HttpExchange exchange) throws KmsRequestException, IOException {
        // The pool has few threads and a read blocks one of them: a client that stalls in its
        // body must not hold it for ever. At the deadline the exchange is closed; before a
        // response, that closes the connection, which ends the blocked read with an IOException.
        // The stalled client gets no answer (it is not sending, and most likely not reading).
        AtomicBoolean reading = new AtomicBoolean(true);
        ScheduledFuture<?> timer = watchdog.schedule(() -> {
            if (reading.compareAndSet(true, false)) {
                exchange.close();
            }
        }, bodyDeadline.toNanos(), TimeUnit.NANOSECONDS);
        try {
            byte[] body = readBodyWithinLimits(exchange);
            if (!reading.compareAndSet(true, false)) {
                throw new BodyDeadlineExceeded(bodyDeadline);
            }
            return body;
        } catch (IOException e) {
            if (!reading.compareAndSet(true, false)) {
                throw new BodyDeadlineExceeded(bodyDeadline);
            }
            throw e;
        } finally {
            reading.set(false);
            timer.cancel(false);
        }
    }

    private static byte[] readBodyWithinLimits(HttpExchange exchange) throws KmsRequestException, IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1; // the HTTP server has already vetted framing; read and count instead
            }
            if (length > DRAIN_LIMIT_BYTES) {
                exchange.getResponseHeaders().set("Connection", "close");
                throw tooLarge();
            }
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream(length > 0 && length <= MAX_BODY_BYTES ? (int) length : 512);
        byte[] chunk = new byte[8192];
        long total = 0;
        try (InputStream is = exchange.getRequestBody()) {
            int n;
            while ((n = is.read(chunk)) > 0) {
                total += n;
                if (total <= MAX_BODY_BYTES) {
                    buf.write(chunk, 0, n);
                } else if (total > DRAIN_LIMIT_BYTES) {
                    exchange.getResponseHeaders().set("Connection", "close");
                    throw tooLarge();
                }
            }
        }
        if (total > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        return buf.toByteArray();
    }

    private static KmsRequestException tooLarge() {
        return KmsRequestException.validation("1 validation error detected: the request body exceeds the limit of "
                + MAX_BODY_BYTES + " bytes");
    }

    private static boolean isJsonContentType(String value) {
        String mediaType = value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.equals(CONTENT_TYPE) || mediaType.equals("application/x-amz-json-1.0")
                || mediaType.equals("application/json");
    }

    static byte[] error(AwsErrorType type, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("__type", type.wireName());
        body.put("message", message);
        return Json.write(body);
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }
}
