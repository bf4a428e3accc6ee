package dev.fastpath.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A process spawned in a lab namespace, its output collected line by line on a reader thread so the test
 * can wait for a line ("READY") or for the exit, each with a timeout.
 */
public final class Child {

    private final Process process;
    private final String label;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    /**
     * @param process the process (stderr merged into stdout)
     * @param label   a name for messages
     */
    public Child(Process process, String label) {
        this.process = process;
        this.label = label;
        this.reader = Thread.ofPlatform().daemon().name("child-" + label).start(this::pump);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
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
     * Waits for a line that contains {@code text}.
     *
     * @param text      what the line must contain
     * @param timeoutMs the longest wait
     * @return the line, or empty on timeout or exit
     * @throws InterruptedException when interrupted
     */
    public Optional<String> awaitLine(String text, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        synchronized (lines) {
            while (true) {
                for (String l : lines) {
                    if (l.contains(text)) {
                        return Optional.of(l);
                    }
                }
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    return Optional.empty();
                }
                lines.wait(Math.min(left, 50));
            }
        }
    }

    /**
     * Waits for the process to end (killing it on timeout) and for its output to be read.
     *
     * @param timeoutMs the longest wait
     * @return the exit code, or -1 when it had to be killed
     * @throws InterruptedException when interrupted
     */
    public int awaitExit(long timeoutMs) throws InterruptedException {
        int code = -1;
        if (process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            code = process.exitValue();
        } else {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(5000);
        return code;
    }

    /** @return the lines read so far */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** @return everything read so far, for assertion messages */
    public String output() {
        return label + " said:\n  " + String.join("\n  ", lines());
    }
}
