package dev.fastpath.packetdrill;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * pipe, open, sendfile and splice emulated over the socket API (the engine has no file descriptors of
 * its own). Only byte counts matter to the engine (segments carry zeros), so a pipe is a count of bytes
 * with Linux's default capacity (16 pages, 65536 bytes) and a file is its length on disk (open() reads
 * the real file's size, as packetdrill opens the real file). sendfile and splice move bytes between
 * them and a socket with the socket's blocking semantics; read, write and close work on them too.
 */
final class PdFiles {
    private static final int PIPE_CAPACITY = 65536;
    private static final Set<String> CALLS = Set.of("pipe", "open", "sendfile", "splice");

    /** A runner-side descriptor: one end of a pipe, or an open file. */
    private static final class Obj {
        final int live;
        final int[] pipe; // shared {bytes buffered, writers open} for both ends, null for a file
        final boolean readEnd;
        final long size;
        long pos;

        Obj(int live, int[] pipe, boolean readEnd, long size) {
            this.live = live;
            this.pipe = pipe;
            this.readEnd = readEnd;
            this.size = size;
        }
    }

    private final PdSyscalls s;
    private final Map<Integer, Obj> objects = new HashMap<>();

    PdFiles(PdSyscalls s) {
        this.s = s;
    }

    boolean owns(int scriptFd) {
        return objects.containsKey(scriptFd);
    }

    boolean usesLive(int fd) {
        return objects.values().stream().anyMatch(o -> o.live == fd);
    }

    boolean handles(PdEvent.Syscall c) {
        if (CALLS.contains(c.name())) {
            return true;
        }
        boolean fdFirst = Set.of("read", "write", "close").contains(c.name()) && !c.args().isEmpty()
                && c.args().getFirst().strip().matches("\\d+");
        return fdFirst && owns(Integer.parseInt(c.args().getFirst().strip()));
    }

    long call(PdEvent.Syscall c, long endUs) {
        return switch (c.name()) {
            case "pipe" -> pipe(c);
            case "open" -> open(c);
            case "sendfile" -> sendfile(c, endUs);
            case "splice" -> splice(c, endUs);
            case "read" -> read(objects.get(s.scriptFd(c, 0)), (int) PdSyscalls.sym(c, PdSyscalls.arg(c, 2)));
            case "write" -> write(objects.get(s.scriptFd(c, 0)), (int) PdSyscalls.sym(c, PdSyscalls.arg(c, 2)));
            default -> close(s.scriptFd(c, 0));
        };
    }

    /** {@code pipe([r, w]) = 0}. */
    private long pipe(PdEvent.Syscall c) {
        String a = PdSyscalls.arg(c, 0).strip();
        String[] ends = a.startsWith("[") && a.endsWith("]") ? a.substring(1, a.length() - 1).split(",")
                : new String[0];
        if (ends.length != 2) {
            throw new PdRunner.Fail(c.line(), "pipe: expected [read_fd, write_fd], found " + a);
        }
        int[] shared = {0, 1};
        int r = s.freeFd();
        objects.put(Integer.parseInt(ends[0].strip()), new Obj(r, shared, true, 0));
        int w = s.freeFd();
        objects.put(Integer.parseInt(ends[1].strip()), new Obj(w, shared, false, 0));
        return 0;
    }

    /** {@code open("path", flags) = fd}: the real file's size; O_CREAT makes a missing one empty. */
    private long open(PdEvent.Syscall c) {
        String name = PdSyscalls.arg(c, 0).strip();
        if (!name.startsWith("\"") || !name.endsWith("\"")) {
            throw new PdRunner.Fail(c.line(), "open: expected a quoted path, found " + name);
        }
        long flags = PdSyscalls.sym(c, PdSyscalls.arg(c, 1));
        Path p = Path.of(name.substring(1, name.length() - 1));
        long size;
        try {
            size = Files.isRegularFile(p) ? Files.size(p) : -1;
        } catch (IOException e) {
            size = -1;
        }
        if (size < 0 && (flags & 0x40) == 0) {
            return -Errno.ENOENT;
        }
        int fd = s.freeFd();
        objects.put((int) c.expected(), new Obj(fd, null, true, Math.max(size, 0)));
        return fd;
    }

    private long read(Obj o, int n) {
        if (o.pipe == null) {
            long k = Math.max(0, Math.min(n, o.size - o.pos));
            o.pos += k;
            return k;
        }
        if (!o.readEnd) {
            return -Errno.EBADF;
        }
        int k = Math.min(n, o.pipe[0]);
        o.pipe[0] -= k;
        return k == 0 && o.pipe[1] > 0 ? -Errno.EAGAIN : k;
    }

    private long write(Obj o, int n) {
        if (o.pipe == null || o.readEnd) {
            return -Errno.EBADF;
        }
        int k = Math.min(n, PIPE_CAPACITY - o.pipe[0]);
        o.pipe[0] += k;
        return k == 0 ? -Errno.EAGAIN : k;
    }

    private long close(int scriptFd) {
        Obj o = objects.remove(scriptFd);
        if (o != null && o.pipe != null && !o.readEnd) {
            o.pipe[1] = 0;
        }
        return o == null ? -Errno.EBADF : 0;
    }

    /** {@code sendfile(out_socket, in_file, [offset], count)}: the file's bytes from offset into the socket. */
    private long sendfile(PdEvent.Syscall c, long endUs) {
        Obj in = objects.get(s.scriptFd(c, 1));
        if (in == null || in.pipe != null) {
            return -Errno.EINVAL;
        }
        String off = PdSyscalls.arg(c, 2).strip();
        long offset = off.equals("NULL") ? in.pos : PdSyscalls.bracket(c, off);
        int count = (int) PdSyscalls.sym(c, PdSyscalls.arg(c, 3));
        int n = (int) Math.max(0, Math.min(count, in.size - offset));
        if (n == 0) {
            return 0;
        }
        if (off.equals("NULL")) {
            in.pos += n;
        }
        return s.write(c, s.fd(c, 0), n, 0, true, endUs);
    }

    /** {@code splice(fd_in, off_in, fd_out, off_out, len, flags)} between a pipe and a socket. */
    private long splice(PdEvent.Syscall c, long endUs) {
        Obj in = objects.get(s.scriptFd(c, 0));
        Obj out = objects.get(s.scriptFd(c, 2));
        int len = (int) PdSyscalls.sym(c, PdSyscalls.arg(c, 4));
        long flags = PdSyscalls.sym(c, PdSyscalls.arg(c, 5));
        if (in != null && in.pipe != null && out == null) {
            int n = Math.min(len, in.pipe[0]);
            if (n == 0) {
                return in.pipe[1] > 0 ? -Errno.EAGAIN : 0;
            }
            in.pipe[0] -= n;
            int more = (flags & 4) != 0 ? SocketConstants.MSG_MORE : 0;
            return s.write(c, s.fd(c, 2), n, more | ((flags & 2) != 0 ? SocketConstants.MSG_DONTWAIT : 0), true,
                    endUs);
        }
        if (in == null && out != null && out.pipe != null && !out.readEnd) {
            int room = Math.min(len, PIPE_CAPACITY - out.pipe[0]);
            long n = s.read(c, s.fd(c, 0), room, (flags & 2) != 0 ? SocketConstants.MSG_DONTWAIT : 0, true, endUs);
            if (n > 0) {
                out.pipe[0] += (int) n;
            }
            return n;
        }
        throw new PdRunner.Unsupported(c.line(), "splice between " + PdSyscalls.arg(c, 0) + " and "
                + PdSyscalls.arg(c, 2) + " (only pipe ↔ socket is emulated)");
    }
}
