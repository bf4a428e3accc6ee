package dev.fastpath.lab;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The load balancer's lab: namespace A holds the balancer on {@code veth-a} (the VIP {@value #VIP}:{@value #PORT}),
 * namespace B the kernel clients on {@value #CLIENT} and three nginx backends on {@code 198.18.0.11-13:80}, each its
 * own nginx (one worker) so one can be killed and brought back. Clients and backends run on one core, the balancer
 * (and its side's receive work) on another:
 *
 * <pre>
 *  fpB: wrk / clients 198.18.0.2, nginx 198.18.0.11-13  --veth--  fpA: balancer 198.18.0.1:80 (Fastpath or HAProxy)
 * </pre>
 *
 * <p>Both veth ends run GRO, so each side's receive work is a NAPI poll (veth delivers XDP_TX frames only to a peer
 * that polls), and both NAPIs are threaded and pinned: veth-a's on the balancer's core — a balancer pays for its own
 * receive work, as on a NIC whose interrupt goes to its core — veth-b's on the clients' core. The SYN-ACKs to the
 * flood's spoofed block ({@value #FLOOD_SRC}) go back to namespace B (the kernel's route, Fastpath's gateway), whose
 * kernel drops them unless the generator's XDP program counts them first.
 */
public final class LbLab implements AutoCloseable {
    public static final String VIP = Lab.IP_A;
    public static final int PORT = 80;
    public static final String CLIENT = Lab.IP_B;
    public static final String FLOOD_SRC = "198.19.0.0/16";
    public static final int BACKENDS = 3;
    /** The short answer every backend gives for {@code /}: the bodies the clients check. */
    public static final String BODY = "hello from nginx\n";

    private final Lab lab;
    private final Path work;
    private final int clientCpu;
    private final int lbCpu;
    private final Process[] nginx = new Process[BACKENDS];

    private LbLab(Lab lab, Path work, int clientCpu, int lbCpu) {
        this.lab = lab;
        this.work = work;
        this.clientCpu = clientCpu;
        this.lbCpu = lbCpu;
    }

    /**
     * Builds the lab and starts the three backends.
     *
     * @param work       a directory for nginx's files and the big file
     * @param clientCpu  the clients' and backends' core
     * @param lbCpu      the balancer's core
     * @param bigBytes   size of {@code /big}, the long transfer (a sparse file)
     * @return the lab, backends answering
     */
    public static LbLab up(Path work, int clientCpu, int lbCpu, long bigBytes)
            throws IOException, InterruptedException {
        Lab lab = Lab.up();
        LbLab l = new LbLab(lab, work, clientCpu, lbCpu);
        try {
            l.prepare(bigBytes);
            return l;
        } catch (IOException | InterruptedException | RuntimeException e) {
            l.close();
            throw e;
        }
    }

    private void prepare(long bigBytes) throws IOException, InterruptedException {
        for (int i = 0; i < BACKENDS; i++) {
            check(lab.run(lab.nsB(), 5, "ip", "addr", "add", backend(i) + "/24", "dev", Lab.IF_B));
        }
        for (String ns : List.of(lab.nsA(), lab.nsB())) {
            check(lab.run(ns, 5, "sysctl", "-qw", "net.core.somaxconn=65535", "net.ipv4.tcp_max_syn_backlog=65535",
                "net.ipv4.ip_local_port_range=1024 65000", "net.ipv4.tcp_tw_reuse=1"));
        }
        check(lab.run(lab.nsA(), 5, "ip", "route", "replace", FLOOD_SRC, "via", Lab.IP_B, "dev", Lab.IF_A));
        check(lab.run(lab.nsA(), 5, "ethtool", "-K", Lab.IF_A, "gro", "on"));
        check(lab.run(lab.nsB(), 5, "ethtool", "-K", Lab.IF_B, "gro", "on"));
        check(lab.run(lab.nsA(), 5, "sh", "-c", "echo 1 > /sys/class/net/" + Lab.IF_A + "/threaded"));
        check(lab.run(lab.nsB(), 5, "sh", "-c", "echo 1 > /sys/class/net/" + Lab.IF_B + "/threaded"));
        pinNapi();
        Files.createDirectories(work);
        try (RandomAccessFile f = new RandomAccessFile(work.resolve("big").toFile(), "rw")) {
            f.setLength(bigBytes);
        }
        Files.writeString(work.resolve("index"), BODY);
        for (int i = 0; i < BACKENDS; i++) {
            startBackend(i);
        }
    }

    /** @return backend i's address (198.18.0.11 + i) */
    public static String backend(int i) {
        return "198.18.0." + (11 + i);
    }

    public Lab lab() {
        return lab;
    }

    public String nsA() {
        return lab.nsA();
    }

    public String nsB() {
        return lab.nsB();
    }

    public int clientCpu() {
        return clientCpu;
    }

    public int lbCpu() {
        return lbCpu;
    }

    public Path work() {
        return work;
    }

    /** Starts backend i (its own nginx, one worker on the clients' core) and waits until it answers. */
    public void startBackend(int i) throws IOException, InterruptedException {
        Path conf = work.resolve("nginx-" + i + ".conf");
        Files.writeString(conf, String.join("\n",
            "worker_processes 1;",
            "daemon off;",
            "pid " + work.resolve("nginx-" + i + ".pid") + ";",
            "error_log " + work.resolve("nginx-" + i + ".err") + ";",
            "events { worker_connections 16384; multi_accept on; }",
            "http {",
            "  access_log off;",
            "  sendfile on;",
            "  keepalive_requests 1000000;",
            "  client_body_temp_path " + work + ";",
            "  server { listen " + backend(i) + ":" + PORT + " backlog=65535;",
            "    root " + work + ";",
            "    location = / { default_type text/plain; try_files /index =404; }",
            "    location = /big { default_type application/octet-stream; } }",
            "}", ""));
        nginx[i] = lab.spawn(lab.nsB(), "taskset", "-c", Integer.toString(clientCpu), "nginx", "-c", conf.toString());
        nginx[i].getInputStream().close();
        for (int t = 0; t < 100; t++) {
            Lab.Result r = lab.run(lab.nsB(), 5, "curl", "-s", "-m", "2", "http://" + backend(i) + ":" + PORT + "/");
            if (r.exitCode() == 0 && r.output().equals(BODY)) {
                return;
            }
            if (!nginx[i].isAlive()) {
                throw new IllegalStateException("nginx " + backend(i) + " exited: " + Files.readString(
                    work.resolve("nginx-" + i + ".err")));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("nginx " + backend(i) + " does not answer");
    }

    /**
     * Stops backend i the way an operator does: nginx's graceful quit (SIGQUIT) closes its listener at once — new
     * connections are refused, so the balancer retries them on another backend — and finishes the requests it has.
     * Waits at most 10 s, then kills it.
     */
    public void stopBackend(int i) throws InterruptedException {
        if (nginx[i] != null) {
            Lab.exec(List.of("kill", "-QUIT", Long.toString(nginx[i].pid())), 5);
            if (!nginx[i].waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                killBackend(i);
            }
            nginx[i] = null;
        }
    }

    /** Kills backend i (SIGKILL: its connections are reset by its kernel, as a crashed server's). */
    public void killBackend(int i) throws InterruptedException {
        if (nginx[i] != null) {
            nginx[i].descendants().forEach(ProcessHandle::destroyForcibly);
            nginx[i].destroyForcibly();
            nginx[i].waitFor();
            nginx[i] = null;
        }
    }

    /**
     * Pins every NAPI thread of veth-a to the balancer's core and of veth-b to the clients' core (again after
     * anything attached an XDP program: veth then makes new NAPI threads).
     */
    public void pinNapi() {
        pin(Lab.IF_A, lbCpu, 0);
        pin(Lab.IF_B, clientCpu, CLIENT_NAPI_NICE);
    }

    /**
     * Niceness of veth-b's NAPI thread, the clients' receive work: above the flood generator and the clients on
     * their shared core, as {@code bench synflood} places its generator's receive work ({@code
     * bench.e2e.VictimRunner.GEN_NAPI_NICE}). At equal priority the generator held the core for whole slices while
     * veth-b's 256-frame queue filled and the balancer's SYN-ACKs were dropped there — for either balancer.
     */
    public static final int CLIENT_NAPI_NICE = -10;

    private static void pin(String dev, int cpu, int nice) {
        Lab.exec(List.of("sh", "-c", "for p in $(pgrep '^napi/" + dev + "-'); do taskset -pc " + cpu
            + " $p >/dev/null; renice -n " + nice + " -p $p >/dev/null; done"), 10);
    }

    /** Gives veth-a its kernel address (for a kernel balancer) or takes it away (Fastpath owns it then). */
    public void kernelAddressOnA(boolean on) {
        if (on) {
            check(lab.run(lab.nsA(), 5, "ip", "addr", "replace", Lab.IP_A + "/24", "dev", Lab.IF_A));
            check(lab.run(lab.nsA(), 5, "ip", "route", "replace", FLOOD_SRC, "via", Lab.IP_B, "dev", Lab.IF_A));
        } else {
            check(lab.run(lab.nsA(), 5, "ip", "addr", "flush", "dev", Lab.IF_A));
        }
        // B's kernel must not keep the other balancer's neighbour entry for the VIP (same MAC, but a FAILED or
        // stale entry would cost the first connections an ARP round).
        lab.run(lab.nsB(), 5, "ip", "neigh", "flush", "dev", Lab.IF_B);
    }

    /**
     * @param cmd a command, run in namespace B pinned to the clients' core
     * @return its process, stderr merged into stdout
     */
    public Process spawnClient(List<String> cmd) {
        List<String> all = new ArrayList<>(List.of("taskset", "-c", Integer.toString(clientCpu)));
        all.addAll(cmd);
        return lab.spawn(lab.nsB(), all.toArray(String[]::new));
    }

    /**
     * @param cmd a command, run in namespace A pinned to the balancer's core
     * @return its process, stderr merged into stdout
     */
    public Process spawnBalancer(List<String> cmd) {
        List<String> all = new ArrayList<>(List.of("taskset", "-c", Integer.toString(lbCpu)));
        all.addAll(cmd);
        return lab.spawn(lab.nsA(), all.toArray(String[]::new));
    }

    public static void check(Lab.Result r) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException("lab command failed (" + r.exitCode() + "): " + r.output());
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < BACKENDS; i++) {
            killBackend(i);
        }
        lab.close();
    }
}
