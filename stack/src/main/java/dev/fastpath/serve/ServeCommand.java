package dev.fastpath.serve;

import dev.fastpath.apps.AppKind;
import dev.fastpath.config.Config;
import dev.fastpath.config.ConfigException;
import dev.fastpath.poll.CpuAffinity;
import dev.fastpath.poll.Idle;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.Ipv4Header;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fastpath serve}: runs a demo server (echo, discard, http) on an interface through the stack.
 * Prints exactly one line {@code ready} on stdout once it accepts connections, serves until SIGINT or
 * SIGTERM, then stops the workers, closes the rings (detaching XDP) and prints every non-zero counter.
 * Wrong arguments are picocli usage errors (exit code 2).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves echo, discard or http from the userspace stack on an interface (root).",
            "Prints 'ready' once it accepts connections; stops on SIGINT/SIGTERM and prints its counters.",
            "On AF_PACKET the kernel still sees the traffic: the interface must not carry --ip itself."})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--io", required = true, paramLabel = "af_xdp|af_packet", description = "packet backend")
    private String io;

    @Option(names = "--iface", required = true, paramLabel = "IF", description = "the interface")
    private String iface;

    @Option(names = "--ip", required = true, paramLabel = "ADDR/PREFIX", description = "the stack's address")
    private String ip;

    @Option(names = "--port", required = true, paramLabel = "N", description = "TCP port to listen on")
    private int port;

    @Option(names = "--app", required = true, paramLabel = "echo|discard|http", description = "what to serve")
    private String app;

    @Option(names = "--gateway", paramLabel = "ADDR", description = "next hop for off-subnet destinations")
    private String gateway;

    @Option(names = "--config", paramLabel = "FILE", description = "TOML configuration (config/fastpath.toml)")
    private Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a knob, e.g. tcp.syncookies=2")
    private List<String> overrides = new ArrayList<>();

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "workers (AF_PACKET: one socket each in a PACKET_FANOUT_HASH group); default 1")
    private int workers;

    @Option(names = "--cpus", paramLabel = "LIST", description = "pin worker i to CPU i of LIST, e.g. 1 or 0,2-3")
    private String cpus;

    @Option(names = "--pcap", paramLabel = "FILE", description = "write every frame in and out to FILE (pcap)")
    private Path pcap;

    @Option(names = "--stats-interval", paramLabel = "S", defaultValue = "0",
            description = "print a stats line every S seconds (0: never)")
    private double statsInterval;

    @Option(names = "--xdp-mode", paramLabel = "auto|native|skb", defaultValue = "auto",
            description = "AF_XDP attach mode; auto tries native (driver) mode first; default auto")
    private String xdpMode;

    private String xdpModeChecked() {
        String m = xdpMode.toLowerCase(Locale.ROOT);
        if (!m.equals("auto") && !m.equals("native") && !m.equals("skb")) {
            throw usage("--xdp-mode must be auto, native or skb, not '" + xdpMode + "'");
        }
        return m;
    }

    @Option(names = "--idle", paramLabel = "busy-spin|backoff|sleeping", defaultValue = "backoff",
            description = "what a worker does when a duty cycle found nothing; default backoff")
    private String idle;

    @Option(names = "--neighbour", paramLabel = "ADDR=MAC",
            description = "a static neighbour entry (never expires), e.g. 198.18.0.2=02:00:c6:12:00:02")
    private List<String> neighbours = new ArrayList<>();

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Server.Settings settings = settings();
        Server server;
        try {
            server = Server.start(settings);
        } catch (RuntimeException e) {
            System.err.println("serve: " + e.getMessage());
            return 1;
        }
        server.awaitStop();
        return 0;
    }

    /** Parses and validates every argument; all problems are usage errors. */
    Server.Settings settings() throws IOException {
        Server.Io kind = switch (io.toLowerCase(Locale.ROOT)) {
            case "af_xdp" -> Server.Io.AF_XDP;
            case "af_packet" -> Server.Io.AF_PACKET;
            default -> throw usage("--io must be af_xdp or af_packet, not '" + io + "'");
        };
        AppKind appKind = switch (app.toLowerCase(Locale.ROOT)) {
            case "echo" -> AppKind.ECHO;
            case "discard" -> AppKind.DISCARD;
            case "http" -> AppKind.HTTP;
            default -> throw usage("--app must be echo, discard or http, not '" + app + "'");
        };
        if (port < 1 || port > 65535) {
            throw usage("--port must be in 1..65535, not " + port);
        }
        int slash = ip.indexOf('/');
        if (slash < 0) {
            throw usage("--ip must be ADDR/PREFIX, e.g. 198.18.0.1/24, not '" + ip + "'");
        }
        int addr = address("--ip", ip.substring(0, slash));
        int prefix = number("--ip prefix", ip.substring(slash + 1), 0, 32);
        int gw = gateway == null ? 0 : address("--gateway", gateway);
        if (gw != 0 && ((gw ^ addr) & (prefix == 0 ? 0 : -1 << (32 - prefix))) != 0) {
            throw usage("--gateway " + gateway + " is not inside " + ip);
        }
        if (workers < 1 || workers > 64) {
            throw usage("--workers must be in 1..64, not " + workers);
        }
        if (workers > 1 && kind != Server.Io.AF_PACKET) {
            throw usage("--workers > 1 needs --io af_packet (AF_XDP on veth delivers everything on queue 0)");
        }
        List<Integer> cpuList = cpuList();
        if (statsInterval < 0) {
            throw usage("--stats-interval must be >= 0");
        }
        Idle idleKind = switch (idle.toLowerCase(Locale.ROOT)) {
            case "busy-spin", "busy_spin", "spin" -> Idle.BUSY_SPIN;
            case "backoff" -> Idle.BACKOFF;
            case "sleeping", "sleep" -> Idle.SLEEPING;
            default -> throw usage("--idle must be busy-spin, backoff or sleeping, not '" + idle + "'");
        };
        return new Server.Settings(kind, iface, addr, prefix, gw, port, appKind, config(), workers, cpuList,
                pcap, (long) (statsInterval * 1e9), idleKind, staticNeighbours(), xdpModeChecked());
    }

    private Config config() throws IOException {
        try {
            Config c = configFile == null ? Config.defaults() : Config.load(configFile);
            return c.withOverrides(overrides);
        } catch (ConfigException e) {
            throw usage(e.getMessage());
        } catch (java.nio.file.NoSuchFileException e) {
            throw usage("--config " + configFile + ": no such file");
        }
    }

    private List<Integer> cpuList() {
        if (cpus == null) {
            return List.of();
        }
        try {
            List<Integer> list = CpuAffinity.parseList(cpus);
            if (list.size() < workers) {
                throw usage("--cpus " + cpus + " names " + list.size() + " CPUs for " + workers + " workers");
            }
            return list;
        } catch (IllegalArgumentException e) {
            throw usage("--cpus: " + e.getMessage());
        }
    }

    private List<long[]> staticNeighbours() {
        List<long[]> list = new ArrayList<>();
        for (String n : neighbours) {
            int eq = n.indexOf('=');
            if (eq < 0) {
                throw usage("--neighbour must be ADDR=MAC, not '" + n + "'");
            }
            int a = address("--neighbour", n.substring(0, eq));
            try {
                list.add(new long[] {a, EthernetHeader.parseMac(n.substring(eq + 1))});
            } catch (RuntimeException e) {
                throw usage("--neighbour " + n + ": bad MAC");
            }
        }
        return list;
    }

    private int address(String option, String text) {
        try {
            return Ipv4Header.parseAddress(text.strip());
        } catch (RuntimeException e) {
            throw usage(option + ": '" + text + "' is not an IPv4 address");
        }
    }

    private int number(String what, String text, int min, int max) {
        try {
            int v = Integer.parseInt(text.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the usage error
        }
        throw usage(what + " must be in " + min + ".." + max + ", not '" + text + "'");
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
