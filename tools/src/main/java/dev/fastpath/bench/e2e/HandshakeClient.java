package dev.fastpath.bench.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.LongAdder;

/**
 * The client of {@code bench handshakes}, run as a child JVM in namespace A: THREADS threads each open a
 * kernel TCP connection, wait for it to be established, and close it with SO_LINGER 0 (an RST, so the
 * client keeps no TIME_WAIT and never runs out of ephemeral ports), for SECONDS. Prints {@code ready},
 * then {@code done completed=N failed=M seconds=S}.
 */
public final class HandshakeClient {

    private HandshakeClient() {
    }

    /**
     * @param args HOST PORT SECONDS THREADS
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        long durationNs = (long) (Double.parseDouble(args[2]) * 1e9);
        int threads = Integer.parseInt(args[3]);
        LongAdder completed = new LongAdder();
        LongAdder failed = new LongAdder();
        System.out.println("ready");
        long start = System.nanoTime();
        long end = start + durationNs;
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            ts[i] = Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    try (Socket s = new Socket()) {
                        s.setSoLinger(true, 0);
                        s.connect(target, 1000);
                        completed.increment();
                    } catch (IOException e) {
                        failed.increment();
                    }
                }
            });
        }
        for (Thread t : ts) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "done completed=%d failed=%d seconds=%.3f%n", completed.sum(),
            failed.sum(), seconds);
    }
}
