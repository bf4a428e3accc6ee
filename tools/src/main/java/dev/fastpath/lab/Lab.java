package dev.fastpath.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab from Java: two network namespaces joined by a veth pair, built and torn down by
 * {@code tools/lab/lab.sh} (docs/design.md, "The lab"). Commands run inside a namespace through
 * {@code ip netns exec}; a JVM that must open a socket on a lab interface is started that way too, since a
 * Java thread cannot switch namespaces by itself.
 *
 * <p>Names are {@code <pid>-<n>}, so the script recognises the namespaces of a crashed run as stale (their
 * process is gone) and removes them on the next {@code up} or {@code down}. {@link #close()} kills every
 * process this instance spawned (by handle) and deletes both namespaces.
 *
 * <pre>
 *   fpA-NAME: veth-a 198.18.0.1/24 02:00:c6:12:00:01  &lt;--&gt;  fpB-NAME: veth-b 198.18.0.2/24 02:00:c6:12:00:02
 * </pre>
 */
public final class Lab implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lab.class);

    /** Address of {@link #IF_A}. */
    public static final String IP_A = "198.18.0.1";
    /** Address of {@link #IF_B}. */
    public static final String IP_B = "198.18.0.2";
    /** {@link #IP_A} as an int, network order read big-endian. */
    public static final int IP_A_INT = 0xC6120001;
    /** {@link #IP_B} as an int. */
    public static final int IP_B_INT = 0xC6120002;
    /** MAC of {@link #IF_A} (locally administered, fixed so frames can be built ahead). */
    public static final long MAC_A = 0x0200C6120001L;
    /** MAC of {@link #IF_B}. */
    public static final long MAC_B = 0x0200C6120002L;
    /** The veth end in namespace A. */
    public static final String IF_A = "veth-a";
    /** The veth end in namespace B. */
    public static final String IF_B = "veth-b";

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final long SCRIPT_TIMEOUT_SECONDS = 30;
    /** The jar's copy of lab.sh, once written out. */
    private static Path bundled;

    private final Path script;
    private final String name;
    private final String nsA;
    private final String nsB;
    private final List<Process> spawned = new ArrayList<>();
    private boolean closed;
    /** Closes the lab when the JVM exits without {@link #close()} (SIGTERM, Ctrl-C, an uncaught error). */
    private final Thread teardownAtExit;

    private Lab(Path script, String name) {
        this.script = script;
        this.name = name;
        this.nsA = "fpA-" + name;
        this.nsB = "fpB-" + name;
        this.teardownAtExit = new Thread(this::closeAtExit, "lab-teardown-" + name);
    }

    private void closeAtExit() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("lab {}: teardown at exit failed: {}", name, e.getMessage());
        }
    }

    /**
     * Brings a lab up under a fresh name ({@code <pid>-<n>}).
     *
     * @return the lab
     */
    public static Lab up() {
        return up(ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
    }

    /**
     * Brings a lab up (idempotent: an existing complete lab of that name is reused).
     *
     * @param name the lab's name; start it with this process's id so a crash leaves it recognisably stale
     * @return the lab
     * @throws IllegalStateException when the script fails
     */
    public static Lab up(String name) {
        return up(name, 1);
    }

    /**
     * A lab whose veth ends have {@code queues} RX and TX queues each (for AF_XDP on several queues).
     *
     * @param queues 1..64
     * @return the lab
     * @throws IllegalStateException when the script fails
     */
    public static Lab upWithQueues(int queues) {
        return up(ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet(), queues);
    }

    /**
     * Brings a lab up with {@code queues} queues per veth end (reused only when the count matches).
     *
     * @param name   the lab's name
     * @param queues 1..64
     * @return the lab
     * @throws IllegalStateException when the script fails
     */
    public static Lab up(String name, int queues) {
        Lab lab = new Lab(script(), name);
        Result r = lab.script("up", name, Integer.toString(queues));
        if (r.exitCode() != 0) {
            lab.script("down", name);
            throw new IllegalStateException("lab.sh up " + name + " failed (" + r.exitCode() + "): " + r.output());
        }
        // A run stopped by SIGTERM or Ctrl-C tears its lab down too (the network rule: nothing left behind).
        Runtime.getRuntime().addShutdownHook(lab.teardownAtExit);
        return lab;
    }

    /**
     * Why the lab cannot run here, if it cannot: not root, or {@code ip netns} not usable. Tests pass this to
     * a JUnit assumption so they are skipped with the reason instead of failing.
     *
     * @return empty when the lab can be built, else the reason
     */
    public static Optional<String> unavailableReason() {
        try {
            Result id = exec(List.of("id", "-u"), 5);
            if (id.exitCode() != 0 || !id.output().strip().equals("0")) {
                return Optional.of("the lab needs root (network namespaces, AF_PACKET, BPF); uid is "
                    + id.output().strip());
            }
            Result ns = exec(List.of("ip", "netns", "list"), 5);
            if (ns.exitCode() != 0) {
                return Optional.of("`ip netns list` failed (" + ns.exitCode() + "): " + ns.output().strip());
            }
            script();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("the lab is unavailable: " + e.getMessage());
        }
    }

    /**
     * Finds {@code tools/lab/lab.sh}: the system property {@code fastpath.lab.script}, else under
     * {@code fastpath.home}, else in the working directory or one of its parents (tests run in {@code tools/}),
     * else the copy inside the jar (the distribution runs without the repository), written to a temporary file.
     *
     * @return the script
     */
    public static Path script() {
        String explicit = System.getProperty("fastpath.lab.script");
        if (explicit != null) {
            return Path.of(explicit);
        }
        String home = System.getProperty("fastpath.home");
        if (home != null && Files.isRegularFile(Path.of(home, "tools/lab/lab.sh"))) {
            return Path.of(home, "tools/lab/lab.sh");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("tools/lab/lab.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return bundledScript();
    }

    private static synchronized Path bundledScript() {
        if (bundled != null && Files.isRegularFile(bundled)) {
            return bundled;
        }
        try (InputStream in = Lab.class.getResourceAsStream("lab.sh")) {
            if (in == null) {
                throw new IllegalStateException("tools/lab/lab.sh not found from " + Path.of("").toAbsolutePath()
                    + " and not inside the jar");
            }
            Path p = Files.createTempFile("fastpath-lab-", ".sh");
            Files.write(p, in.readAllBytes());
            p.toFile().deleteOnExit();
            bundled = p;
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the lab's name */
    public String name() {
        return name;
    }

    /** @return namespace A's name ({@code fpA-NAME}), holding {@link #IF_A} */
    public String nsA() {
        return nsA;
    }

    /** @return namespace B's name ({@code fpB-NAME}), holding {@link #IF_B} */
    public String nsB() {
        return nsB;
    }

    /**
     * Runs a command inside a namespace and waits for it, killing it after {@code timeoutSeconds}.
     *
     * @param ns             the namespace
     * @param timeoutSeconds the most it may take
     * @param cmd            the command and its arguments
     * @return its exit code and combined output (exit code -1 when it was killed on timeout)
     */
    public Result run(String ns, long timeoutSeconds, String... cmd) {
        return exec(inNamespace(ns, cmd), timeoutSeconds);
    }

    /**
     * Starts a command inside a namespace, stderr merged into stdout. It is killed by {@link #close()} at the
     * latest. SIGINT is reset to its default first: a shell that starts a job in the background (a CI script
     * with {@code &}) ignores SIGINT for it, the JVM keeps an inherited SIG_IGN, and a child stopped with
     * {@code kill -INT} (as Ctrl-C would) would then never stop.
     *
     * @param ns  the namespace
     * @param cmd the command and its arguments
     * @return the process
     */
    public Process spawn(String ns, String... cmd) {
        try {
            Process p = new ProcessBuilder(inNamespace(ns, withDefaultSigint(cmd))).redirectErrorStream(true)
                .start();
            synchronized (spawned) {
                spawned.add(p);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", cmd) + " in " + ns, e);
        }
    }

    private static String[] withDefaultSigint(String[] cmd) {
        String[] all = new String[cmd.length + 2];
        all[0] = "env";
        all[1] = "--default-signal=INT";
        System.arraycopy(cmd, 0, all, 2, cmd.length);
        return all;
    }

    /**
     * The command line of a JVM like this one (same java binary, same class path,
     * {@code --enable-native-access=ALL-UNNAMED}) running {@code mainClass}, for {@link #spawn}.
     *
     * @param classPath the class path the child uses
     * @param mainClass the class to run
     * @param args      its arguments
     * @return the command
     */
    public static String[] javaCommand(String classPath, String mainClass, String... args) {
        String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xss4m",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath, mainClass));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    /** Kills what this lab spawned and deletes both namespaces. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != teardownAtExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(teardownAtExit);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // already shutting down (the hook will find the lab closed), or never registered
            }
        }
        synchronized (spawned) {
            for (Process p : spawned) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            for (Process p : spawned) {
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        Result r = script("down", name);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("lab.sh down " + name + " failed: " + r.output());
        }
    }

    private Result script(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(script.toString());
        cmd.addAll(List.of(args));
        return exec(cmd, SCRIPT_TIMEOUT_SECONDS);
    }

    private static List<String> inNamespace(String ns, String... cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(cmd));
        return all;
    }

    /**
     * Runs a command in this namespace and waits for it.
     *
     * @param cmd            the command
     * @param timeoutSeconds the most it may take before it is killed
     * @return exit code (-1 on timeout) and combined output
     */
    public static Result exec(List<String> cmd, long timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            // Its own reader thread: the common pool has one thread on a 2-core machine, so a second command run
            // while another is being read (a link flapped during a transfer) could not be read within the timeout.
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()),
                    r -> Thread.ofPlatform().daemon().name("lab-exec-output").start(r));
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, out.getNow("") + "\n[killed after " + timeoutSeconds + " s]");
            }
            return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", cmd), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the output of " + String.join(" ", cmd), e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "[output unreadable: " + e.getMessage() + "]";
        }
    }

    /**
     * What a finished command left.
     *
     * @param exitCode its exit code, -1 when killed on timeout
     * @param output   stdout and stderr, interleaved
     */
    public record Result(int exitCode, String output) {
    }
}
