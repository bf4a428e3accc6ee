package dev.fastpath.serve;

import dev.fastpath.cli.OutputFiles;
import dev.fastpath.config.Config;
import dev.fastpath.iface.IpAddress;
import dev.fastpath.iface.IpCidr;
import dev.fastpath.iface.Route;
import dev.fastpath.config.ConfigException;
import dev.fastpath.poll.Idle;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.Ipv4Header;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every command that runs the stack on an interface shares ({@code serve}, {@code connect}):
 * backend, interface, address, gateway, knobs, capture, idle strategy, static neighbours; a picocli mixin
 * whose checks are usage errors (exit code 2) of the command that mixes it in.
 */
public final class StackOptions {

    /**
     * The parsed and validated options.
     *
     * @param io         backend
     * @param iface      interface
     * @param ip         the stack's address
     * @param prefix     its prefix length
     * @param gateway    gateway or 0
     * @param config     knobs with every override applied
     * @param pcap       capture file or null
     * @param idle       idle strategy
     * @param neighbours static entries as {ip, mac}
     * @param xdpMode    AF_XDP attach mode: auto, native or skb
     * @param tpacket    AF_PACKET ring version, 2 or 3
     * @param kernelIngressDrop AF_PACKET: drop the stack's frames at tcx ingress, after the tap, so the
     *                          kernel's own stack never sees them
     * @param moreAddresses further addresses of the interface (--address)
     * @param routes     further routes (--route), besides the subnets' own and the default through --gateway
     * @param tx         the TX ring of each worker (--tx-ring, --qdisc)
     */
    public record Parsed(Server.Io io, String iface, int ip, int prefix, int gateway, Config config, Path pcap,
            Idle idle, List<long[]> neighbours, String xdpMode, int tpacket, boolean kernelIngressDrop,
            List<IpCidr> moreAddresses, List<Route> routes, TxRing tx) {
    }

    /**
     * The TX ring of each worker.
     *
     * @param slots       frames in the ring, 0 for the backend's default (AF_PACKET 512, AF_XDP 8192)
     * @param qdiscBypass AF_PACKET: PACKET_QDISC_BYPASS (true, the default) or through the interface's queueing
     *                    discipline
     */
    public record TxRing(int slots, boolean qdiscBypass) {
        /** The backends' defaults. */
        public static final TxRing DEFAULT = new TxRing(0, true);
    }

    @Option(names = "--xdp-attach", paramLabel = "link|netlink", defaultValue = "link",
            description = "how the XDP program is attached: a BPF link (falls back to netlink by itself when the "
                    + "kernel has none), or netlink (RTM_SETLINK) outright; default link")
    private String xdpAttach;

    @Option(names = "--xdp-mode", paramLabel = "auto|native|skb", defaultValue = "auto",
            description = "AF_XDP attach mode; auto tries native (driver) mode first; default auto")
    private String xdpMode;

    @Option(names = "--tpacket", paramLabel = "2|3", defaultValue = "3",
            description = "AF_PACKET ring version: 3 hands frames over in blocks (when full or after 1 ms), 2 one "
                    + "by one (lower latency for request/response traffic); default 3")
    private int tpacket;

    @Option(names = "--kernel-ingress", paramLabel = "keep|drop", defaultValue = "keep",
            description = "AF_PACKET: drop frames for --ip at tcx ingress after the packet tap, so the kernel's own "
                    + "stack neither answers nor processes them (its address may stay on the interface); "
                    + "default keep")
    private String kernelIngress;

    @Option(names = "--tx-ring", paramLabel = "N", defaultValue = "0",
            description = "TX ring frames per worker, a power of two in 8..65536; default AF_PACKET 512, AF_XDP 8192 "
                    + "(a full ring refuses a segment: counted as FpTxRingFull, sent again later)")
    private int txRing;

    @Option(names = "--qdisc", paramLabel = "bypass|use", defaultValue = "bypass",
            description = "AF_PACKET: hand TX frames straight to the driver (PACKET_QDISC_BYPASS), or send them "
                    + "through the interface's queueing discipline so tc shaping applies (a full queue answers "
                    + "ENOBUFS: counted as txKickErrors, the frame is sent again); default bypass")
    private String qdisc;

    @Option(names = "--io", paramLabel = "af_xdp|af_packet", description = "packet backend")
    private String io;

    @Option(names = "--iface", paramLabel = "IF", description = "the interface")
    private String iface;

    @Option(names = "--ip", paramLabel = "ADDR/PREFIX", description = "the stack's address")
    private String ip;

    @Option(names = "--gateway", paramLabel = "ADDR", description = "next hop for off-subnet destinations")
    private String gateway;

    @Option(names = "--address", paramLabel = "ADDR/PREFIX",
            description = "a further address of the interface (repeatable); the stack answers ARP and TCP for each")
    private List<String> moreAddresses = new ArrayList<>();

    @Option(names = "--route", paramLabel = "DEST/PREFIX=GATEWAY",
            description = "a route through a gateway on one of the interface's subnets (repeatable), "
                    + "e.g. 198.19.0.0/16=198.18.0.254; longest prefix wins")
    private List<String> routes = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "TOML configuration (config/fastpath.toml)")
    private Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a knob, e.g. tcp.syncookies=2")
    private List<String> overrides = new ArrayList<>();

    @Option(names = "--pcap", paramLabel = "FILE", description = "write every frame in and out to FILE (pcap)")
    private Path pcap;

    @Option(names = "--idle", paramLabel = "busy-spin|backoff|sleeping", defaultValue = "backoff",
            description = "what a worker does when a duty cycle found nothing; default backoff")
    private String idle;

    @Option(names = "--neighbour", paramLabel = "ADDR=MAC",
            description = "a static neighbour entry (never expires), e.g. 198.18.0.2=02:00:c6:12:00:02")
    private List<String> neighbours = new ArrayList<>();

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    private CommandLine.Model.CommandSpec spec;

    /** A table of the --config file that belongs to the command, not to the knobs (null: none). */
    private String commandTable;

    /**
     * Values a command read from its own configuration file, used where the command line gave none (the command
     * line wins).
     *
     * @param fileIo      --io, or null
     * @param fileIface   --iface, or null
     * @param fileIp      --ip, or null
     * @param fileGateway --gateway, or null
     */
    public void fileDefaults(String fileIo, String fileIface, String fileIp, String fileGateway) {
        io = io == null ? fileIo : io;
        iface = iface == null ? fileIface : iface;
        ip = ip == null ? fileIp : ip;
        gateway = gateway == null ? fileGateway : gateway;
    }

    /**
     * The --config file also holds a table of the command's own ({@code lb} for the load balancer): the knobs
     * skip it.
     *
     * @param table the table's name
     */
    public void commandTable(String table) {
        this.commandTable = table;
    }

    /** @return the --config file, or null */
    public Path configFile() {
        return configFile;
    }

    /**
     * @return every shared option, checked
     */
    public Parsed parse() {
        if (io == null || iface == null || ip == null) {
            throw usage("missing required option: " + (io == null ? "--io af_xdp|af_packet"
                    : iface == null ? "--iface IF" : "--ip ADDR/PREFIX"));
        }
        Server.Io kind = switch (io.toLowerCase(Locale.ROOT)) {
            case "af_xdp" -> Server.Io.AF_XDP;
            case "af_packet" -> Server.Io.AF_PACKET;
            default -> throw usage("--io must be af_xdp or af_packet, not '" + io + "'");
        };
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
        Idle idleKind = switch (idle.toLowerCase(Locale.ROOT)) {
            case "busy-spin", "busy_spin", "spin" -> Idle.BUSY_SPIN;
            case "backoff" -> Idle.BACKOFF;
            case "sleeping", "sleep" -> Idle.SLEEPING;
            default -> throw usage("--idle must be busy-spin, backoff or sleeping, not '" + idle + "'");
        };
        String attach = xdpAttach.toLowerCase(Locale.ROOT);
        if (!attach.equals("link") && !attach.equals("netlink")) {
            throw usage("--xdp-attach must be link or netlink, not '" + xdpAttach + "'");
        }
        if (attach.equals("netlink")) {
            System.setProperty("fastpath.xdp.attach", "netlink"); // XdpProgram reads it when attaching
        }
        String mode = xdpMode.toLowerCase(Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("native") && !mode.equals("skb")) {
            throw usage("--xdp-mode must be auto, native or skb, not '" + xdpMode + "'");
        }
        if (tpacket != 2 && tpacket != 3) {
            throw usage("--tpacket must be 2 or 3, not " + tpacket);
        }
        String ingress = kernelIngress.toLowerCase(Locale.ROOT);
        if (!ingress.equals("keep") && !ingress.equals("drop")) {
            throw usage("--kernel-ingress must be keep or drop, not '" + kernelIngress + "'");
        }
        if (ingress.equals("drop") && kind != Server.Io.AF_PACKET) {
            throw usage("--kernel-ingress drop is for --io af_packet (AF_XDP takes the frames before the kernel)");
        }
        if (txRing != 0 && (txRing < 8 || txRing > 1 << 16 || Integer.bitCount(txRing) != 1)) {
            throw usage("--tx-ring must be a power of two in 8..65536, not " + txRing);
        }
        String q = qdisc.toLowerCase(Locale.ROOT);
        if (!q.equals("bypass") && !q.equals("use")) {
            throw usage("--qdisc must be bypass or use, not '" + qdisc + "'");
        }
        if (q.equals("use") && kind != Server.Io.AF_PACKET) {
            throw usage("--qdisc use is for --io af_packet (AF_XDP sends past the queueing discipline)");
        }
        String pcapProblem = OutputFiles.problem("--pcap", pcap);
        if (pcapProblem != null) {
            throw usage(pcapProblem);
        }
        List<IpCidr> more = new ArrayList<>();
        for (String a : moreAddresses) {
            more.add(cidr("--address", a));
        }
        List<Route> extra = new ArrayList<>();
        for (String r : routes) {
            int eq = r.indexOf('=');
            if (eq < 0) {
                throw usage("--route must be DEST/PREFIX=GATEWAY, e.g. 198.19.0.0/16=198.18.0.254, not '" + r + "'");
            }
            IpCidr dest = cidr("--route", r.substring(0, eq));
            int via = address("--route gateway", r.substring(eq + 1));
            boolean onLink = IpCidr.v4(addr, prefix).containsV4(via) || more.stream().anyMatch(m -> m.containsV4(via));
            if (!onLink) {
                throw usage("--route " + r + ": the gateway is not on a subnet of the interface");
            }
            extra.add(new Route(dest, IpAddress.v4(via), 0));
        }
        return new Parsed(kind, iface, addr, prefix, gw, config(), pcap, idleKind, staticNeighbours(), mode, tpacket,
                ingress.equals("drop"), List.copyOf(more), List.copyOf(extra), new TxRing(txRing, q.equals("bypass")));
    }

    private IpCidr cidr(String option, String text) {
        try {
            return IpCidr.parse(text);
        } catch (RuntimeException e) {
            throw usage(option + " must be ADDR/PREFIX, e.g. 198.18.0.3/24: " + e.getMessage());
        }
    }

    private Config config() {
        try {
            return Config.resolve(configFile, commandTable, overrides);
        } catch (ConfigException e) {
            throw usage(e.getMessage());
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

    /**
     * @param option the option, for the message
     * @param text   a dotted quad
     * @return the address
     */
    public int address(String option, String text) {
        try {
            return Ipv4Header.parseAddress(text.strip());
        } catch (RuntimeException e) {
            throw usage(option + ": '" + text + "' is not an IPv4 address");
        }
    }

    /**
     * @param what the option, for the message
     * @param text a decimal number
     * @param min  smallest allowed
     * @param max  largest allowed
     * @return the number
     */
    public int number(String what, String text, int min, int max) {
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

    /**
     * @param message what is wrong
     * @return a usage error of the command this is mixed into
     */
    public CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
