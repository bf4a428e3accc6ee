package dev.fastpath.packetdrill;

import dev.fastpath.nativeio.unistd_h;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kernel backend of the packetdrill runner: each script runs against the Linux kernel of this machine,
 * as packetdrill runs it, in a network namespace made for it alone and removed afterwards (also when the
 * script fails, times out or the runner is interrupted). A JVM cannot move its threads between namespaces,
 * so the script runs in a child JVM started with {@code ip netns exec} ({@link PdKernelChild}); this side
 * creates the namespace, starts the child, reads its result and removes the namespace.
 */
public final class PdKernel {
    /** A script that has not finished after this long is stopped and failed. */
    static final long SCRIPT_TIMEOUT_S = 240;
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(PdKernel::deleteQuietly)));
    }

    private PdKernel() {
    }

    /** @return null when the backend can run here, else why not (root, /dev/net/tun, iproute2 are needed) */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the kernel backend needs root (network namespaces, a tun device)";
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "no /dev/net/tun";
        }
        try {
            exec("ip", "-V");
        } catch (IOException e) {
            return "iproute2's ip is missing: " + e.getMessage();
        }
        return null;
    }

    /**
     * Runs one script against the kernel in a fresh namespace.
     *
     * @param script the .pkt file
     * @return its result; notes carry the segments the kernel sent
     */
    public static PdResult run(Path script) {
        String ns = "fpk" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
        String name = script.toString();
        try {
            exec("ip", "netns", "add", ns);
        } catch (IOException e) {
            return new PdResult(name, PdResult.Status.FAIL, 0, "kernel backend: " + e.getMessage(), List.of());
        }
        LIVE.add(ns);
        try {
            return runChild(ns, script);
        } finally {
            deleteQuietly(ns);
            LIVE.remove(ns);
        }
    }

    private static PdResult runChild(String ns, Path script) {
        String name = script.toString();
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-cp", System.getProperty("java.class.path"), PdKernelChild.class.getName(),
                script.toAbsolutePath().toString()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        } catch (IOException e) {
            return new PdResult(name, PdResult.Status.FAIL, 0, "kernel backend: " + e.getMessage(), List.of());
        }
        StringBuilder err = new StringBuilder();
        Thread errReader = Thread.ofPlatform().daemon().start(() -> drain(p.getErrorStream(), err));
        List<String> lines = new ArrayList<>();
        Thread outReader = Thread.ofPlatform().daemon().start(() -> {
            StringBuilder b = new StringBuilder();
            drain(p.getInputStream(), b);
            synchronized (lines) {
                lines.addAll(b.toString().lines().toList());
            }
        });
        try {
            if (!p.waitFor(SCRIPT_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new PdResult(name, PdResult.Status.FAIL, 0, "kernel backend: the script did not finish in "
                        + SCRIPT_TIMEOUT_S + " s", List.of());
            }
            outReader.join(5000);
            errReader.join(2000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new PdResult(name, PdResult.Status.FAIL, 0, "kernel backend: interrupted", List.of());
        }
        synchronized (lines) {
            return PdKernelChild.decode(name, lines, err.toString());
        }
    }

    private static void drain(InputStream in, StringBuilder into) {
        try (in) {
            into.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            into.append("\n(read error: ").append(e.getMessage()).append(')');
        }
    }

    private static void deleteQuietly(String ns) {
        try {
            exec("ip", "netns", "del", ns);
        } catch (IOException e) {
            // already gone (or never made): nothing to remove
        }
    }

    /**
     * packetdrill's set_scheduling_priority(): SCHED_RR at the lowest real-time priority for the calling
     * thread, so that the script's timing holds on a loaded machine. Only the threads on the script's clock
     * take it (the runner, the tun reader, the system-call threads) and only once the clock runs: the JVM's
     * start-up and compiler threads stay with everyone else. Those threads sleep between events.
     *
     * @return null, or why the thread keeps its normal scheduling
     */
    static String realtime() {
        int rc = unistd_h.schedSetschedulerSelf(unistd_h.SCHED_RR, 1);
        return rc == 0 ? null : "SCHED_RR: errno " + -rc;
    }

    /**
     * Runs a command and waits for it.
     *
     * @param cmd the command and its arguments (no shell)
     * @return its standard output
     * @throws IOException when it cannot start or exits non-zero (the message carries its output)
     */
    static String exec(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + ": interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }
}
