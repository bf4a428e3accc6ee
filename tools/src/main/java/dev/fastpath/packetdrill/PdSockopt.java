package dev.fastpath.packetdrill;

import dev.fastpath.uapi.Errno;
import dev.fastpath.api.SocketApi;
import dev.fastpath.uapi.TcpInfo;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * setsockopt, getsockopt, fcntl and ioctl. Every integer option goes to the engine as it is, and the
 * engine's answer (ENOPROTOOPT for an option it lacks) is compared with the script's, so a missing option
 * fails the script; only the features the README lists as absent by design are unsupported.
 */
final class PdSockopt {
    private static final Pattern LINGER = Pattern.compile(
            "\\{\\s*onoff\\s*=\\s*(\\d+)\\s*,\\s*linger\\s*=\\s*(\\d+)\\s*}");
    private static final Pattern FIELD = Pattern.compile("(\\w+)\\s*=\\s*([^,}]+)");
    /** Options of features the engine does not have by design (README: unsupported). */
    private static final Map<String, String> ABSENT = Map.of(
            "TCP_FASTOPEN", "server-side Fast Open (the engine has the client side only)",
            "TCP_FASTOPEN_KEY", "server-side Fast Open (the engine has the client side only)",
            "SO_ZEROCOPY", "MSG_ZEROCOPY",
            "TCP_MD5SIG", "TCP-MD5 (RFC 2385)",
            "SO_TIMESTAMPING", "SO_TIMESTAMPING",
            "TCP_ULP", "upper-layer protocols (kTLS)",
            "TCP_REPAIR", "TCP repair mode",
            "SO_TXTIME", "SO_TXTIME");
    private static final Set<String> STRING_VALUED = Set.of("TCP_CONGESTION");

    private final PdSyscalls s;
    private final SocketApi api;

    PdSockopt(PdSyscalls s) {
        this.s = s;
        this.api = s.api;
    }

    long setsockopt(PdEvent.Syscall c) {
        int fd = s.fd(c, 0);
        s.useSocket(fd);
        int level = (int) PdSyscalls.sym(c, PdSyscalls.arg(c, 1));
        String name = PdSyscalls.arg(c, 2).strip();
        String value = PdSyscalls.arg(c, 3).strip();
        if (ABSENT.containsKey(name)) {
            throw new PdRunner.Unsupported(c.line(), "setsockopt " + name + ": " + ABSENT.get(name));
        }
        if (name.equals("SO_LINGER")) {
            Matcher m = LINGER.matcher(value);
            if (!m.matches()) {
                throw new PdRunner.Fail(c.line(), "SO_LINGER value `" + value + "` is not {onoff=N, linger=N}");
            }
            return api.setLinger(fd, !m.group(1).equals("0"), Integer.parseInt(m.group(2)));
        }
        if (STRING_VALUED.contains(name) || value.startsWith("\"")) {
            throw new PdRunner.Unsupported(c.line(), "setsockopt " + name + " with a string value (the engine's"
                    + " setsockopt takes integers)");
        }
        int opt = (int) PdSyscalls.sym(c, name);
        return api.setsockopt(fd, level, opt, (int) PdSyscalls.bracket(c, value), s.r.nowNs());
    }

    long getsockopt(PdEvent.Syscall c) {
        int fd = s.fd(c, 0);
        s.useSocket(fd);
        int level = (int) PdSyscalls.sym(c, PdSyscalls.arg(c, 1));
        String name = PdSyscalls.arg(c, 2).strip();
        String want = PdSyscalls.arg(c, 3).strip();
        if (ABSENT.containsKey(name)) {
            throw new PdRunner.Unsupported(c.line(), "getsockopt " + name + ": " + ABSENT.get(name));
        }
        if (name.equals("SO_LINGER")) {
            int[] l = api.getLinger(fd);
            if (l == null) {
                return -Errno.EBADF;
            }
            Matcher m = LINGER.matcher(want);
            if (!m.matches() || l[0] != Integer.parseInt(m.group(1)) || l[1] != Integer.parseInt(m.group(2))) {
                throw new PdRunner.Fail(c.line(), "getsockopt SO_LINGER gave {onoff=" + l[0] + ", linger=" + l[1]
                        + "}, expected " + want);
            }
            return 0;
        }
        if (name.equals("TCP_INFO")) {
            return tcpInfo(c, fd, want);
        }
        int v = api.getsockopt(fd, level, (int) PdSyscalls.sym(c, name));
        if (v < 0 && !name.equals("SO_ERROR")) {
            return v;
        }
        long expected = PdSyscalls.bracket(c, want);
        if (Integer.toUnsignedLong(v) != (expected & 0xFFFFFFFFL)) {
            throw new PdRunner.Fail(c.line(), "getsockopt " + name + " gave [" + v + "], expected " + want);
        }
        return 0;
    }

    /** {@code getsockopt(fd, SOL_TCP, TCP_INFO, {tcpi_state=1, tcpi_snd_cwnd=10, ...}, [len])}. */
    private long tcpInfo(PdEvent.Syscall c, int fd, String want) {
        TcpInfo info = api.tcpInfo(fd);
        if (info == null) {
            return -Errno.EBADF;
        }
        Map<String, Long> got = PdPython.tcpiValues(info);
        Matcher m = FIELD.matcher(want);
        while (m.find()) {
            String field = m.group(1);
            String v = m.group(2).strip();
            if (v.equals("...")) {
                continue;
            }
            if (!got.containsKey(field)) {
                throw new PdRunner.Fail(c.line(), "TCP_INFO: the engine does not report " + field);
            }
            long expected = PdSymbols.eval(c.line(), v);
            if (got.get(field) != expected) {
                throw new PdRunner.Fail(c.line(), "TCP_INFO " + field + " = " + got.get(field) + ", expected " + v);
            }
        }
        return 0;
    }

    long fcntl(PdEvent.Syscall c) {
        int fd = s.fd(c, 0);
        int cmd = (int) PdSyscalls.sym(c, PdSyscalls.arg(c, 1));
        int arg = c.args().size() > 2 ? (int) PdSyscalls.sym(c, PdSyscalls.arg(c, 2)) : 0;
        return api.fcntl(fd, cmd, arg);
    }

    long ioctl(PdEvent.Syscall c) {
        int fd = s.fd(c, 0);
        String req = PdSyscalls.arg(c, 1).strip();
        int v = api.ioctl(fd, (int) PdSyscalls.sym(c, req));
        if (v < 0) {
            return v;
        }
        long want = PdSyscalls.bracket(c, PdSyscalls.arg(c, 2));
        if (v != want) {
            throw new PdRunner.Fail(c.line(), "ioctl " + req + " gave [" + v + "], expected [" + want + "]");
        }
        return 0;
    }
}
