package dev.fastpath.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process the harness started (inside a lab namespace), with its output collected line by line on a
 * daemon thread so the harness can wait for a line like {@code ready} and read everything afterwards.
 */
final class Child {

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    Child(String name, Process process) {
        this.name = name;
        this.process = process;
        this.reader = Thread.ofPlatform().daemon().name("child-" + name).start(this::pump);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (lines) {
                lines.add("[output unreadable: " + e.getMessage() + "]");
            }
        }
    }

    /**
     * Waits until a line starting with {@code prefix} has been printed.
     *
     * @return whether it came within the timeout (false also when the process died first)
     */
    boolean awaitLine(String prefix, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lines) {
            while (true) {
                for (String l : lines) {
                    if (l.startsWith(prefix)) {
                        return true;
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                    return false;
                }
                lines.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    /** Waits for the process to end; kills it (and its children) when it overstays. */
    boolean waitFor(long timeoutMs) throws InterruptedException {
        boolean done = process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
        if (!done) {
            stop();
        }
        reader.join(2000);
        return done;
    }

    /** Ends the process and its descendants, by handle. */
    void stop() throws InterruptedException {
        stop(3);
    }

    /**
     * Ends the process and its descendants, by handle: SIGTERM, then SIGKILL after {@code graceSeconds}.
     *
     * @param graceSeconds how long the process may take to print its counters and exit
     */
    void stop(long graceSeconds) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        // SIGTERM by handle: Process.destroy() would also close our end of its output, losing what it prints
        // on the way out (Fastpath's counters).
        process.toHandle().destroy();
        if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(3, TimeUnit.SECONDS);
        }
        reader.join(2000);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** @return the last lines of output, for error messages */
    String tail() {
        List<String> all = lines();
        return String.join("\n", all.subList(Math.max(0, all.size() - 15), all.size()));
    }

    String name() {
        return name;
    }
}
