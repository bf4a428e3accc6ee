package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastpath.lab.Child;
import dev.fastpath.lab.Lab;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The differential check: hand-crafted segments ({@code interop/crafted.txt}, cases as data) are put on the wire
 * from a raw socket at a Linux listener and at {@code fastpath serve}, side by side in two labs with the same
 * addresses, and every answer is compared field by field ({@link Crafted.Answer#describe}: flags, sequence and
 * acknowledgment numbers relative to the ISNs, window, options, length). The kernel is the specification; each
 * case also states the flags it expects the kernel to answer with, so a case that no longer probes what it was
 * written for fails too.
 *
 * <p>Lab K: the kernel on veth-a (198.18.0.1) with a python3 server on port 80 that answers like {@code --app
 * http}; lab F: {@code fastpath serve --io af_packet --app http} on veth-a with the kernel's address flushed. In
 * both, the raw port sits on veth-b and crafts from 198.18.0.3, an address B's kernel does not own (so it stays
 * silent), with a static neighbour entry on each target. Skipped, with the reason, when not root or without
 * {@code ip netns}.
 */
class KernelDifferentialTest {
    /** How long each step listens for answers. */
    private static final int ANSWER_MS = 120;
    /** How much longer a step of the stack may listen for answers the kernel gave in time. */
    private static final int LATE_MS = 2000;
    private static final long READY_MS = 20_000;
    private static final String SERVER = """
            import selectors, socket, sys
            OK = b'HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: 3\\r\\nConnection: '
            l = socket.socket()
            l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            l.bind((sys.argv[1], int(sys.argv[2])))
            l.listen(4096)
            l.setblocking(False)
            sel = selectors.DefaultSelector()
            sel.register(l, selectors.EVENT_READ, None)
            print('ready', flush=True)
            while True:
                for key, _ in sel.select():
                    if key.data is None:
                        c, _ = l.accept()
                        c.setblocking(False)
                        sel.register(c, selectors.EVENT_READ, bytearray())
                        continue
                    c, buf = key.fileobj, key.data
                    try:
                        d = c.recv(65536)
                    except OSError:
                        d = b''
                    if not d:
                        sel.unregister(c)
                        c.close()
                        continue
                    buf += d
                    while b'\\r\\n\\r\\n' in buf:
                        head, _, rest = bytes(buf).partition(b'\\r\\n\\r\\n')
                        buf[:] = rest
                        close = b'connection: close' in head.lower()
                        c.setblocking(True)
                        c.sendall(OK + (b'close' if close else b'keep-alive') + b'\\r\\n\\r\\nok\\n')
                        c.setblocking(False)
                        if close:
                            sel.unregister(c)
                            c.close()
                            break
            """;

    private static Lab kernelLab;
    private static Lab fastLab;
    private static Process kernelServer;
    private static Process fastServer;
    private static Child fastChild;
    private static RawPort toKernel;
    private static RawPort toFast;
    private static String profile = "";

    @BeforeAll
    static void up() throws InterruptedException {
        Optional<String> why = Lab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "differential check skipped: " + why.orElse(""));
        kernelLab = Lab.up();
        fastLab = Lab.up();
        String neigh = Crafted.SOURCE_IP;
        check(kernelLab.run(kernelLab.nsA(), 5, "ethtool", "-K", Lab.IF_A, "tso", "off", "gso", "off"));
        check(kernelLab.run(kernelLab.nsA(), 5, "ip", "neigh", "replace", neigh, "lladdr", mac(Lab.MAC_B), "dev",
                Lab.IF_A, "nud", "permanent"));
        kernelServer = kernelLab.spawn(kernelLab.nsA(), "python3", "-c", SERVER, Lab.IP_A, "80");
        Child k = new Child(kernelServer, "kernel-server");
        assertTrue(k.awaitLine("ready", READY_MS).isPresent(), k::output);
        check(fastLab.run(fastLab.nsA(), 5, "ip", "addr", "flush", "dev", Lab.IF_A));
        toKernel = new RawPort(kernelLab, kernelLab.nsB(), Lab.IF_B, Lab.IP_A);
        toFast = new RawPort(fastLab, fastLab.nsB(), Lab.IF_B, Lab.IP_A);
    }

    @AfterAll
    static void down() throws InterruptedException {
        stopFast();
        for (AutoCloseable c : new AutoCloseable[] {toKernel, toFast, kernelLab, fastLab}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("teardown: " + e);
            }
        }
    }

    /** Both targets as a case's profile needs them: tcp_syncookies=2 for "cookies", Linux's defaults otherwise. */
    private static void profile(String wanted) throws InterruptedException {
        if (wanted.equals(profile)) {
            return;
        }
        String cookies = wanted.equals("cookies") ? "2" : "1";
        check(kernelLab.run(kernelLab.nsA(), 5, "sysctl", "-qw", "net.ipv4.tcp_syncookies=" + cookies));
        stopFast();
        List<String> args = new ArrayList<>(List.of("serve", "--io", "af_packet", "--iface", Lab.IF_A, "--ip",
                Lab.IP_A + "/24", "--port", "80", "--app", "http", "--neighbour",
                Crafted.SOURCE_IP + "=" + mac(Lab.MAC_B), "--set", "tcp.syncookies=" + cookies));
        fastServer = fastLab.spawn(fastLab.nsA(), Lab.javaCommand(System.getProperty("java.class.path"),
                "dev.fastpath.cli.Main", args.toArray(String[]::new)));
        fastChild = new Child(fastServer, "serve-differential");
        assertEquals(Optional.of("ready"), fastChild.awaitLine("ready", READY_MS), fastChild::output);
        toKernel.collect(0);
        toFast.collect(0);
        profile = wanted;
    }

    private static void stopFast() throws InterruptedException {
        if (fastServer != null && fastServer.isAlive()) {
            fastServer.toHandle().destroy();
            fastChild.awaitLine("stopped", 15_000);
            fastChild.awaitExit(10_000);
            System.out.println(fastChild.output());
        }
        fastServer = null;
    }

    @TestFactory
    @DisplayName("every crafted segment is answered as the Linux kernel answers it")
    Stream<DynamicTest> craftedSegments() {
        List<Crafted.Case> cases = Crafted.parse(resource("interop/crafted.txt"));
        List<Crafted.Case> ordered = new ArrayList<>(cases.stream().filter(c -> c.profile().equals("default"))
                .toList());
        ordered.addAll(cases.stream().filter(c -> !c.profile().equals("default")).toList());
        SplittableRandom random = new SplittableRandom(16);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            Crafted.Case k = ordered.get(i);
            int port = 41000 + i;
            int isn = random.nextInt();
            tests.add(DynamicTest.dynamicTest(k.name(), () -> runCase(k, port, isn)));
        }
        return tests.stream();
    }

    private static void runCase(Crafted.Case k, int port, int isn) throws Exception {
        profile(k.profile());
        // The kernel first (it answers within microseconds); then the stack, which may take longer on a loaded
        // machine to produce the same number of answers: each step listens on until it has as many, up to a bound.
        List<List<String>> kern = run(k, toKernel, new Crafted.State(port, isn), null);
        List<List<String>> fast = run(k, toFast, new Crafted.State(port, isn), kern);
        StringBuilder transcript = new StringBuilder("case " + k.name() + "\n");
        List<String> problems = new ArrayList<>();
        int[] lastLine = {0};
        int sent = 0;
        for (Crafted.Step step : k.steps()) {
            if (step.kind() == '~') {
                // A known divergence outside this check's scope, named in the case: the field is masked in both.
                String field = step.text().substring(0, step.text().indexOf(' '));
                List<String> a = mask(kern.get(sent - 1), field);
                List<String> b = mask(fast.get(sent - 1), field);
                if (!kern.get(sent - 1).equals(fast.get(sent - 1))) {
                    transcript.append("     known divergence (").append(step.text()).append(")\n");
                }
                if (a.equals(b)) {
                    problems.removeIf(p -> p.startsWith("line " + lastLine[0] + " "));
                }
                continue;
            }
            if (step.kind() == '<') {
                List<String> flags = kern.get(sent - 1).stream().map(a -> a.substring(0, a.indexOf(' ') < 0
                        ? a.length() : a.indexOf(' '))).toList();
                String want = step.text().equals("-") ? "" : String.join(" ", step.text().split("\\s+"));
                if (!String.join(" ", flags).equals(want)) {
                    problems.add("line " + step.line() + ": the kernel answered " + flags + ", the case expects ["
                            + want + "]: the case no longer probes what it was written for");
                }
                continue;
            }
            List<String> a = kern.get(sent);
            List<String> b = fast.get(sent);
            transcript.append("  ").append(step.kind() == 'w' ? "wait " : "> ").append(step.text()).append('\n')
                    .append("     kernel:   ").append(a).append('\n')
                    .append("     fastpath: ").append(b).append('\n');
            if (!a.equals(b)) {
                problems.add("line " + step.line() + " (" + step.text() + "): kernel " + a + ", fastpath " + b);
            }
            lastLine[0] = step.line();
            sent++;
        }
        System.out.print(transcript);
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems) + "\n" + transcript);
    }

    /** The answers with one field ("win") replaced by a star. */
    private static List<String> mask(List<String> answers, String field) {
        return answers.stream().map(a -> a.replaceAll(" " + field + " \\S+", " " + field + " *")).toList();
    }

    /**
     * Runs a case's steps on one target; the described answers of each {@code >} or wait step. With {@code like}
     * (the kernel's answers), a step that has fewer answers after its window listens on, 20 ms at a time, up to
     * {@link #LATE_MS}: a late answer is the same answer (never an extra one: that would need the window anyway).
     */
    private static List<List<String>> run(Crafted.Case k, RawPort port, Crafted.State st,
            List<List<String>> like) {
        List<List<String>> out = new ArrayList<>();
        for (Crafted.Step step : k.steps()) {
            if (step.kind() == '<' || step.kind() == '~') {
                continue;
            }
            int ms = ANSWER_MS;
            if (step.kind() == '>') {
                port.send(Crafted.frame(step.text(), st, Lab.IP_A_INT, Lab.MAC_A));
            } else {
                ms = Integer.parseInt(step.text());
            }
            List<String> answers = new ArrayList<>();
            collect(port, st, ms, answers);
            int wanted = like == null ? 0 : like.get(out.size()).size();
            for (int extra = 0; answers.size() < wanted && extra < LATE_MS; extra += 20) {
                collect(port, st, 20, answers);
            }
            out.add(answers);
        }
        return out;
    }

    private static void collect(RawPort port, Crafted.State st, int ms, List<String> answers) {
        for (byte[] f : port.collect(ms)) {
            Crafted.Answer a = new Crafted.Answer(f);
            if (a.tcp ? a.dstPort != st.clientPort && a.dstPort != Crafted.TARGET_PORT
                    : !quotes(f, st.clientPort)) {
                continue; // another case's connection (a late retransmission)
            }
            st.learn(a);
            answers.add(a.describe(st));
        }
    }

    /** Whether an ICMP error quotes a segment from this client port. */
    private static boolean quotes(byte[] f, int port) {
        int ip = 14;
        int inner = ip + (f[ip] & 0x0F) * 4 + 8;
        if (f.length < inner + 22) {
            return false;
        }
        int t = inner + (f[inner] & 0x0F) * 4;
        return f.length >= t + 2 && ((f[t] & 0xFF) << 8 | f[t + 1] & 0xFF) == port;
    }

    private static List<String> resource(String name) {
        try (InputStream in = KernelDifferentialTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String mac(long mac) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            sb.append(i == 0 ? "" : ":").append(String.format("%02x", mac >>> (40 - 8 * i) & 0xFF));
        }
        return sb.toString();
    }

    private static void check(Lab.Result r) {
        assertEquals(0, r.exitCode(), r.output());
    }
}
