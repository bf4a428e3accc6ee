package dev.fastpath.apps;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.config.Knob;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.x responder: every request gets the same small {@code 200 OK}. The connection stays
 * open or closes as RFC 9112 §9.3 says: HTTP/1.1 persists unless the request says
 * {@code Connection: close}; HTTP/1.0 closes unless it says {@code Connection: keep-alive}. After a
 * response that closes, the server closes first (its FIN follows the response). Pipelined requests are
 * answered in order; a {@code Content-Length} body is skipped.
 *
 * <p>The request is parsed as a stream, one line at a time, keeping at most {@link #LINE_MAX} bytes of
 * each line per connection (its head and its last 8 bytes): enough for the request line's version and the
 * two headers that matter, without buffering whole requests.
 */
public final class HttpApp extends AppBase {
    static final int LINE_MAX = 128;
    /** "HTTP/1.1" */
    private static final int TAIL = 8;
    private static final int ROUNDS = 16;
    private static final byte[] BODY = "ok\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP = response("keep-alive");
    private static final byte[] CLOSE = response("close");
    private static final byte[] CONNECTION = "connection:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final int PHASE_REQUEST_LINE = 0;
    private static final int PHASE_HEADERS = 1;
    private static final int PHASE_BODY = 2;
    /** After a closing request: the rest of the input is ignored. */
    private static final int PHASE_DONE = 3;

    private final byte[] scratch = new byte[16 * 1024];
    private final byte[][] line;
    private final int[] lineLen;
    private final int[] phase;
    private final boolean[] keepAlive;
    private final long[] bodyLeft;
    /** Keep-alive responses owed, then (when {@link #closeOwed}) one closing response. */
    private final int[] owed;
    private final boolean[] closeOwed;
    /** Bytes of the response being written that already went out. */
    private final int[] written;
    private final boolean[] eof;
    private long requests;

    /** @param config sizes */
    public HttpApp(Config config) {
        super(config);
        int max = config.intValue(Knob.STACK_MAX_CONNECTIONS);
        line = new byte[max][];
        lineLen = new int[max];
        phase = new int[max];
        keepAlive = new boolean[max];
        bodyLeft = new long[max];
        owed = new int[max];
        closeOwed = new boolean[max];
        written = new int[max];
        eof = new boolean[max];
    }

    private static byte[] response(String connection) {
        return ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + BODY.length
                + "\r\nConnection: " + connection + "\r\n\r\nok\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** @return requests answered or owed so far */
    public long requests() {
        return requests;
    }

    @Override
    void opened(int id) {
        if (line[id] == null) {
            line[id] = new byte[LINE_MAX]; // once per connection slot
        }
        lineLen[id] = 0;
        phase[id] = PHASE_REQUEST_LINE;
        keepAlive[id] = true;
        bodyLeft[id] = 0;
        owed[id] = 0;
        closeOwed[id] = false;
        written[id] = 0;
        eof[id] = false;
    }

    @Override
    boolean serve(int id, long nowNs) {
        for (int round = 0; round < ROUNDS; round++) {
            if (!writeOwed(id, nowNs)) {
                return false;
            }
            if (eof[id] || phase[id] == PHASE_DONE) {
                close(id, nowNs);
                return false;
            }
            int n = ops.recv(id, scratch, 0, scratch.length, nowNs);
            if (n == -Errno.EAGAIN) {
                return false;
            }
            if (n < 0) {
                close(id, nowNs);
                return false;
            }
            if (n == 0) {
                eof[id] = true;
                continue;
            }
            parse(id, scratch, n);
        }
        return true;
    }

    /** @return true when every owed response went out and the connection stays open */
    private boolean writeOwed(int id, long nowNs) {
        while (owed[id] > 0 || closeOwed[id]) {
            byte[] r = owed[id] > 0 ? KEEP : CLOSE;
            int w = ops.send(id, r, written[id], r.length - written[id], nowNs);
            if (w == -Errno.EAGAIN) {
                return false;
            }
            if (w < 0) {
                close(id, nowNs);
                return false;
            }
            written[id] += w;
            if (written[id] < r.length) {
                return false;
            }
            written[id] = 0;
            if (owed[id] > 0) {
                owed[id]--;
            } else {
                closeOwed[id] = false;
                close(id, nowNs); // the server closes first: FIN right behind the response
                return false;
            }
        }
        return true;
    }

    private void parse(int id, byte[] buf, int n) {
        int i = 0;
        while (i < n && phase[id] != PHASE_DONE) {
            if (phase[id] == PHASE_BODY) {
                int skip = (int) Math.min(bodyLeft[id], n - i);
                i += skip;
                bodyLeft[id] -= skip;
                if (bodyLeft[id] == 0) {
                    phase[id] = PHASE_REQUEST_LINE;
                }
                continue;
            }
            byte b = buf[i++];
            if (b == '\n') {
                endOfLine(id);
            } else if (b != '\r') {
                append(id, b);
            }
        }
    }

    /**
     * Keeps the head of a line (header names) and, once it is full, its last {@link #TAIL} bytes (the
     * request line's version) by shifting only the tail.
     */
    private void append(int id, byte b) {
        byte[] l = line[id];
        if (lineLen[id] < LINE_MAX) {
            l[lineLen[id]++] = b;
            return;
        }
        System.arraycopy(l, LINE_MAX - TAIL + 1, l, LINE_MAX - TAIL, TAIL - 1);
        l[LINE_MAX - 1] = b;
    }

    private void endOfLine(int id) {
        byte[] l = line[id];
        int len = lineLen[id];
        lineLen[id] = 0;
        if (phase[id] == PHASE_REQUEST_LINE) {
            if (len == 0) {
                return; // RFC 9112 §2.2: ignore empty lines before a request line
            }
            // "METHOD target HTTP/1.x": 1.1 and later persist by default, 1.0 does not.
            keepAlive[id] = len >= 8 && l[len - 8] == 'H' && l[len - 3] == '1' && l[len - 2] == '.'
                    && l[len - 1] >= '1';
            bodyLeft[id] = 0;
            phase[id] = PHASE_HEADERS;
            return;
        }
        if (len == 0) {
            requestComplete(id);
            return;
        }
        if (startsWithIgnoreCase(l, len, CONNECTION)) {
            if (containsIgnoreCase(l, len, "close")) {
                keepAlive[id] = false;
            } else if (containsIgnoreCase(l, len, "keep-alive")) {
                keepAlive[id] = true;
            }
        } else if (startsWithIgnoreCase(l, len, CONTENT_LENGTH)) {
            bodyLeft[id] = digits(l, CONTENT_LENGTH.length, len);
        }
    }

    private void requestComplete(int id) {
        requests++;
        if (keepAlive[id]) {
            owed[id]++;
            phase[id] = bodyLeft[id] > 0 ? PHASE_BODY : PHASE_REQUEST_LINE;
        } else {
            closeOwed[id] = true;
            phase[id] = PHASE_DONE;
        }
    }

    private static long digits(byte[] l, int from, int len) {
        long v = 0;
        for (int i = from; i < len; i++) {
            byte c = l[i];
            if (c >= '0' && c <= '9' && v < Long.MAX_VALUE / 10) {
                v = v * 10 + (c - '0');
            }
        }
        return v;
    }

    private static boolean startsWithIgnoreCase(byte[] l, int len, byte[] prefix) {
        if (len < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (lower(l[i]) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsIgnoreCase(byte[] l, int len, String word) {
        int w = word.length();
        for (int start = 0; start + w <= len; start++) {
            int k = 0;
            while (k < w && lower(l[start + k]) == word.charAt(k)) {
                k++;
            }
            if (k == w) {
                return true;
            }
        }
        return false;
    }

    private static int lower(byte c) {
        return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
    }
}
