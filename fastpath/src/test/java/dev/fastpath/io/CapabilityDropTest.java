package dev.fastpath.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The drop reaches every thread, not only the caller: a child JVM (the drop cannot be undone, so not this one)
 * starts threads of its own, some blocked, some spinning, keeps CAP_NET_RAW, and prints every thread's sets from
 * /proc; one thread started after the drop must inherit the lowered sets.
 */
class CapabilityDropTest {

    /** The child: drops, then prints "TID CapInh CapPrm CapEff CapAmb" per thread and "threads N". */
    public static void main(String[] args) throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        for (int i = 0; i < 4; i++) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    never.await(); // blocked in a futex: the signal must interrupt it and the wait resume
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        Thread spinner = Thread.ofPlatform().daemon().start(() -> {
            long x = 0;
            while (!Thread.currentThread().isInterrupted()) {
                x += System.nanoTime() & 1;
            }
        });
        CapabilityDrop.Result r = CapabilityDrop.keepOnly(Privileges.Cap.NET_RAW);
        Thread late = Thread.ofPlatform().start(() -> { });
        late.join();
        CountDownLatch started = new CountDownLatch(1);
        Thread after = Thread.ofPlatform().daemon().start(() -> {
            started.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        started.await();
        System.out.println("threads " + r.threads() + " kept " + r.keptNames());
        for (Path t : Files.list(Path.of("/proc/self/task")).toList()) {
            StringBuilder b = new StringBuilder(t.getFileName().toString());
            for (String line : Files.readAllLines(t.resolve("status"))) {
                if (line.startsWith("CapInh:") || line.startsWith("CapPrm:") || line.startsWith("CapEff:")
                        || line.startsWith("CapAmb:")) {
                    b.append(' ').append(line.substring(7).strip());
                }
            }
            System.out.println(b);
        }
        spinner.interrupt();
        System.out.println("alive " + after.isAlive());
    }

    @Test
    void everyThreadKeepsOnlyWhatWasAskedFor() throws Exception {
        assumeTrue("amd64".equals(System.getProperty("os.arch")), "x86_64 only");
        long eff = Privileges.capEff();
        assumeTrue(eff != -1 && (eff >>> Privileges.Cap.NET_RAW.bit() & 1) != 0
                && (eff >>> Privileges.Cap.NET_ADMIN.bit() & 1) != 0, "needs CAP_NET_RAW and CAP_NET_ADMIN (root)");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), CapabilityDropTest.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        List<String> rows = out.lines().filter(l -> l.matches("\\d+ .*")).toList();
        assertTrue(rows.size() >= 10, "the JVM's own threads are listed too:\n" + out);
        String netRaw = String.format("%016x", 1L << Privileges.Cap.NET_RAW.bit());
        for (String row : rows) {
            String[] f = row.split(" ");
            // CapPrm and CapEff exactly NET_RAW; inheritable and ambient hold nothing more
            assertEquals(netRaw, f[2], "permitted of thread " + row + "\n" + out);
            assertEquals(netRaw, f[3], "effective of thread " + row + "\n" + out);
            assertEquals(0, Long.parseLong(f[1], 16) & ~(1L << Privileges.Cap.NET_RAW.bit()), row);
            assertEquals(0, Long.parseLong(f[4], 16) & ~(1L << Privileges.Cap.NET_RAW.bit()), row);
        }
        assertTrue(out.contains("kept CAP_NET_RAW"), out);
        assertTrue(out.contains("alive true"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("threads ") && Integer.parseInt(l.split(" ")[1]) >= 10),
                out);
    }
}
