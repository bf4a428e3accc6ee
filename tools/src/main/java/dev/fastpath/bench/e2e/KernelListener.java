package dev.fastpath.bench.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Linux kernel as the server of the benchmarks, run as a child JVM inside the victim's namespace:
 * several threads accept and close at once, so the kernel's accept queue is drained as fast as the
 * kernel can fill it (a single python accept loop could not keep up and turned every overflow into a
 * 1 s SYN retransmission on the client). Prints {@code ready}, then {@code accepted N} when done.
 */
public final class KernelListener {
    private KernelListener() {
    }

    /**
     * @param args HOST PORT BACKLOG SECONDS [THREADS]
     * @throws IOException when the socket cannot be opened
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        int backlog = Integer.parseInt(args[2]);
        long end = System.nanoTime() + (long) (Double.parseDouble(args[3]) * 1e9);
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        LongAdder accepted = new LongAdder();
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(args[0], Integer.parseInt(args[1])), backlog);
            server.setSoTimeout(200);
            System.out.println("ready");
            Thread[] ts = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                ts[i] = Thread.ofPlatform().start(() -> {
                    while (System.nanoTime() < end) {
                        try (Socket s = server.accept()) {
                            accepted.increment();
                        } catch (SocketTimeoutException e) {
                            // check the clock again
                        } catch (IOException e) {
                            // a connection reset before accept(): nothing to count
                        }
                    }
                });
            }
            for (Thread t : ts) {
                t.join();
            }
        }
        System.out.println("accepted " + accepted.sum());
    }
}
