package dev.fastpath.interop;

import dev.fastpath.lab.Lab;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A raw Ethernet port into a lab namespace: a python3 child with an AF_PACKET socket bound to one interface,
 * driven line by line. {@link #send} puts a hand-crafted frame on the wire exactly as given (no kernel stack in
 * between); {@link #collect} returns the IPv4 frames that arrived from one address meanwhile. The kernel of the
 * port's namespace sees the same frames, so the crafted source address must not be one it owns (it would answer
 * the target's replies with RSTs).
 */
final class RawPort implements AutoCloseable {
    private static final String SCRIPT = """
            import select, socket, sys, time
            iface, peer = sys.argv[1], bytes(int(x) for x in sys.argv[2].split('.'))
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
            s.bind((iface, 0))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            def frames(until):
                while True:
                    left = until - time.monotonic()
                    if left <= 0 or not select.select([s], [], [], left)[0]:
                        return
                    f, a = s.recvfrom(65535)
                    if a[2] != socket.PACKET_OUTGOING and len(f) >= 34 and f[26:30] == peer:
                        print('F ' + f.hex())
            print('ready', flush=True)
            for line in sys.stdin:
                cmd, _, arg = line.strip().partition(' ')
                if cmd == 'S':
                    s.send(bytes.fromhex(arg))
                    print('E', flush=True)
                elif cmd == 'R':
                    frames(time.monotonic() + int(arg) / 1000)
                    print('E', flush=True)
                elif cmd == 'Q':
                    break
            """;

    private final Process process;
    private final BufferedReader out;
    private final Writer in;

    /**
     * @param lab   the lab
     * @param ns    the namespace
     * @param iface the interface in it
     * @param peer  the address whose frames {@link #collect} returns (dotted quad)
     */
    RawPort(Lab lab, String ns, String iface, String peer) {
        process = lab.spawn(ns, "python3", "-c", SCRIPT, iface, peer);
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        String first = line();
        if (!"ready".equals(first)) {
            throw new IllegalStateException("raw port on " + iface + " did not start: " + first + rest());
        }
    }

    /** Sends one frame as it is. */
    void send(byte[] frame) {
        command("S " + HexFormat.of().formatHex(frame));
        expectEnd();
    }

    /**
     * @param ms how long to listen
     * @return the frames from the peer that arrived since the last call (buffered by the socket) and within ms
     */
    List<byte[]> collect(int ms) {
        command("R " + ms);
        List<byte[]> frames = new ArrayList<>();
        for (String l = line(); !"E".equals(l); l = line()) {
            if (l.startsWith("F ")) {
                frames.add(HexFormat.of().parseHex(l.substring(2)));
            }
        }
        return frames;
    }

    private void command(String c) {
        try {
            in.write(c);
            in.write('\n');
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("raw port gone: " + rest(), e);
        }
    }

    private void expectEnd() {
        String l = line();
        if (!"E".equals(l)) {
            throw new IllegalStateException("raw port said " + l + rest());
        }
    }

    private String line() {
        try {
            String l = out.readLine();
            if (l == null) {
                throw new IllegalStateException("raw port exited: " + rest());
            }
            return l;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String rest() {
        try {
            return new String(process.getErrorStream().readNBytes(Math.max(0,
                    process.getErrorStream().available())), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            command("Q");
        } catch (UncheckedIOException e) {
            // already gone
        }
        process.destroy();
    }
}
