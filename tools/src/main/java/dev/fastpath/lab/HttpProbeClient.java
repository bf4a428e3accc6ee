package dev.fastpath.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The paced client of {@code bench lb}, run as a child JVM in the clients' namespace: RATE new connections a
 * second for SECONDS, each {@code GET PATH} with {@code Connection: close}, read to the end, and the answer checked
 * ({@link #answered}: status 200, a Content-Length that matches, the body expected). Latency is taken from the
 * moment the request was due (not when a thread got to it), so a stall counts against every request it delayed.
 * One virtual thread per request; each is bounded by TIMEOUT_MS (connect and every read).
 *
 * <p>With LIVE ({@code live} as an eighth argument) it prints a line a second as it goes: {@code client t=Ns
 * answered N/s ...}. Prints {@code ready}, then one line {@code done attempted=N ok=N failed=N bad=N p50us=..
 * p90us=.. p99us=.. p999us=.. maxus=..}: ok are answered as expected, failed never got an answer (refused, reset,
 * timed out), bad got a wrong one.
 */
public final class HttpProbeClient {
    private static final int MAX_ANSWER = 64 * 1024;
    /** Failures printed one a line (why each failed), at most. */
    private static final int MAX_FAILURES_SHOWN = 20;

    private HttpProbeClient() {
    }

    /**
     * @param args HOST PORT PATH RATE SECONDS TIMEOUT_MS EXPECTED_BODY [live]
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        String path = args[2];
        double rate = Double.parseDouble(args[3]);
        double seconds = Double.parseDouble(args[4]);
        int timeoutMs = Integer.parseInt(args[5]);
        String body = args[6].replace("\\n", "\n");
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + args[0] + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong bad = new AtomicLong();
        long n = (long) Math.floor(rate * seconds);
        CountDownLatch done = new CountDownLatch((int) n);
        System.out.println("ready");
        long start = System.nanoTime();
        if (args.length > 7 && args[7].equals("live")) {
            Thread.ofPlatform().daemon().start(() -> live(start, ok, failed, bad));
        }
        for (long i = 0; i < n; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Thread.ofVirtual().start(() -> {
                try {
                    byte[] answer = fetch(target, request, timeoutMs);
                    long us = (System.nanoTime() - due) / 1000;
                    if (answered(answer, body)) {
                        synchronized (h) {
                            h.recordValue(Math.min(us, h.getHighestTrackableValue()));
                        }
                        ok.incrementAndGet();
                    } else if (bad.incrementAndGet() <= MAX_FAILURES_SHOWN) {
                        System.out.printf(Locale.ROOT, "wrong answer to the request due at t=%.3fs: %d bytes: %s%n",
                            (due - start) / 1e9, answer.length, new String(answer, 0, Math.min(answer.length, 60),
                                StandardCharsets.ISO_8859_1).replace("\r\n", "|"));
                    }
                } catch (IOException e) {
                    if (failed.incrementAndGet() <= MAX_FAILURES_SHOWN) {
                        System.out.printf(Locale.ROOT, "failed request due at t=%.3fs after %d ms: %s%n",
                            (due - start) / 1e9, (System.nanoTime() - due) / 1_000_000, e);
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        if (!done.await(timeoutMs * 3L + 5000, TimeUnit.MILLISECONDS)) {
            System.out.println("unfinished " + done.getCount());
        }
        long unfinished = done.getCount();
        synchronized (h) {
            System.out.printf(Locale.ROOT, "done attempted=%d ok=%d failed=%d bad=%d p50us=%d p90us=%d p99us=%d "
                + "p999us=%d maxus=%d%n", n, ok.get(), failed.get() + unfinished, bad.get(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
        }
    }

    /** Once a second: what was answered, failed and wrong in that second, and the totals. */
    private static void live(long start, AtomicLong ok, AtomicLong failed, AtomicLong bad) {
        long[] last = new long[3];
        for (int t = 1; ; t++) {
            long wait = start + t * 1_000_000_000L - System.nanoTime();
            try {
                TimeUnit.NANOSECONDS.sleep(Math.max(0, wait));
            } catch (InterruptedException e) {
                return;
            }
            long[] now = {ok.get(), failed.get(), bad.get()};
            System.out.printf(Locale.ROOT, "client t=%3ds  answered %5d/s  failed %3d  wrong %3d   total answered %7d"
                + "  failed %d  wrong %d%n", t, now[0] - last[0], now[1] - last[1], now[2] - last[2], now[0], now[1],
                now[2]);
            last = now;
        }
    }

    private static byte[] fetch(InetSocketAddress target, byte[] request, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(target, timeoutMs);
            s.setSoTimeout(timeoutMs);
            s.getOutputStream().write(request);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            for (int r = in.read(buf); r >= 0 && out.size() < MAX_ANSWER; r = in.read(buf)) {
                out.write(buf, 0, r);
            }
            return out.toByteArray();
        }
    }

    /**
     * Whether an HTTP/1.x answer read to the end of the connection is the one expected: status 200, a
     * Content-Length header equal to the body's length, and exactly {@code body} after the header.
     *
     * @param answer every byte the server sent
     * @param body   the body expected
     * @return whether it is that answer
     */
    public static boolean answered(byte[] answer, String body) {
        String s = new String(answer, StandardCharsets.ISO_8859_1);
        int end = s.indexOf("\r\n\r\n");
        if (end < 0 || !s.matches("(?s)^HTTP/1\\.[01] 200 .*")) {
            return false;
        }
        long length = -1;
        for (String line : s.substring(0, end).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                try {
                    length = Long.parseLong(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        String got = s.substring(end + 4);
        return length == got.length() && got.equals(body);
    }
}
