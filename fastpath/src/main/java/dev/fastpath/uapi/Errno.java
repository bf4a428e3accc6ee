package dev.fastpath.uapi;

/** Linux errno values and their strerror texts; API calls return {@code -errno} like raw syscalls. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EFAULT = 14;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int ENOTTY = 25;
    public static final int EPIPE = 32;
    public static final int ENONET = 64;
    public static final int EPROTO = 71;
    public static final int ENOTSOCK = 88;
    public static final int EMSGSIZE = 90;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int ESOCKTNOSUPPORT = 94;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETUNREACH = 101;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int EISCONN = 106;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTDOWN = 112;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;

    private static final String[][] TABLE = {
        {"EPERM", "Operation not permitted"},
        {"ENOENT", "No such file or directory"},
        {"EINTR", "Interrupted system call"},
        {"EBADF", "Bad file descriptor"},
        {"EAGAIN", "Resource temporarily unavailable"},
        {"ENOMEM", "Cannot allocate memory"},
        {"EFAULT", "Bad address"},
        {"EEXIST", "File exists"},
        {"EINVAL", "Invalid argument"},
        {"EMFILE", "Too many open files"},
        {"ENOTTY", "Inappropriate ioctl for device"},
        {"EPIPE", "Broken pipe"},
        {"ENONET", "Machine is not on the network"},
        {"EPROTO", "Protocol error"},
        {"ENOTSOCK", "Socket operation on non-socket"},
        {"EMSGSIZE", "Message too long"},
        {"ENOPROTOOPT", "Protocol not available"},
        {"EPROTONOSUPPORT", "Protocol not supported"},
        {"ESOCKTNOSUPPORT", "Socket type not supported"},
        {"EOPNOTSUPP", "Operation not supported"},
        {"EAFNOSUPPORT", "Address family not supported by protocol"},
        {"EADDRINUSE", "Address already in use"},
        {"EADDRNOTAVAIL", "Cannot assign requested address"},
        {"ENETUNREACH", "Network is unreachable"},
        {"ECONNABORTED", "Software caused connection abort"},
        {"ECONNRESET", "Connection reset by peer"},
        {"ENOBUFS", "No buffer space available"},
        {"EISCONN", "Transport endpoint is already connected"},
        {"ENOTCONN", "Transport endpoint is not connected"},
        {"ETIMEDOUT", "Connection timed out"},
        {"ECONNREFUSED", "Connection refused"},
        {"EHOSTDOWN", "Host is down"},
        {"EHOSTUNREACH", "No route to host"},
        {"EALREADY", "Operation already in progress"},
        {"EINPROGRESS", "Operation now in progress"},
    };
    private static final int[] NUMBERS = {EPERM, ENOENT, EINTR, EBADF, EAGAIN, ENOMEM, EFAULT, EEXIST, EINVAL,
        EMFILE, ENOTTY, EPIPE, ENONET, EPROTO, ENOTSOCK, EMSGSIZE, ENOPROTOOPT, EPROTONOSUPPORT,
        ESOCKTNOSUPPORT, EOPNOTSUPP, EAFNOSUPPORT,
        EADDRINUSE, EADDRNOTAVAIL, ENETUNREACH, ECONNABORTED, ECONNRESET, ENOBUFS, EISCONN, ENOTCONN, ETIMEDOUT,
        ECONNREFUSED, EHOSTDOWN, EHOSTUNREACH, EALREADY, EINPROGRESS};

    private Errno() {
    }

    /**
     * @param errno a positive errno
     * @return its symbolic name, e.g. {@code ECONNRESET}
     */
    public static String name(int errno) {
        for (int i = 0; i < NUMBERS.length; i++) {
            if (NUMBERS[i] == errno) {
                return TABLE[i][0];
            }
        }
        return "E?" + errno;
    }

    /**
     * @param name a symbolic name
     * @return its number, or −1
     */
    public static int byName(String name) {
        for (int i = 0; i < NUMBERS.length; i++) {
            if (TABLE[i][0].equals(name)) {
                return NUMBERS[i];
            }
        }
        return -1;
    }

    /**
     * @param errno a positive errno
     * @return Linux's strerror text
     */
    public static String message(int errno) {
        for (int i = 0; i < NUMBERS.length; i++) {
            if (NUMBERS[i] == errno) {
                return TABLE[i][1];
            }
        }
        return "Unknown error " + errno;
    }
}
