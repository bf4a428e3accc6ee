package dev.fastpath.client;

import dev.fastpath.uapi.Errno;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

/** Collects {@code connect}'s per-connection lines into the summary and decides the verdict. */
final class Report {
    private final ClientMode mode;
    private final int connections;
    private final int expectErrno;
    private final int expectFailures;
    private final Map<String, Integer> errors = new TreeMap<>();
    private int connected;
    private int ok;
    private int failed;
    private int unexpected;
    private long bytesSent;
    private long bytesReceived;

    Report(ClientMode mode, int connections, int expectErrno, int expectFailures) {
        this.mode = mode;
        this.connections = connections;
        this.expectErrno = expectErrno;
        this.expectFailures = expectFailures;
    }

    void connection(PrintStream out, int number, int id, boolean done, boolean success, boolean wasConnected,
            int errno, String why, long sent, long received, boolean shaMatch, long ms) {
        bytesSent += sent;
        bytesReceived += received;
        connected += wasConnected ? 1 : 0;
        String outcome;
        if (!done) {
            outcome = "FAILED TIMEOUT";
            count("TIMEOUT");
            failed++;
            unexpected++;
        } else if (success) {
            outcome = "ok";
            ok++;
        } else {
            String name = errno != 0 ? Errno.name(errno) : "MISMATCH";
            outcome = "FAILED " + name + " (" + why + ")";
            count(name);
            failed++;
            if (errno == 0 || errno != expectErrno) {
                unexpected++;
            }
        }
        String sha = mode.checksEcho() && done && errno == 0 ? (shaMatch ? "match" : "mismatch") : "-";
        out.println("conn " + number + " id=" + id + " " + outcome + " sent=" + sent + " received=" + received
                + " sha256=" + sha + " ms=" + (done ? ms : -1));
    }

    private void count(String name) {
        errors.merge(name, 1, Integer::sum);
    }

    boolean summary(PrintStream out, ClientApp.End end, long elapsedNs) {
        StringBuilder problems = new StringBuilder();
        int expectedFailed = expectErrno == 0 ? 0 : expectFailures;
        if (unexpected > 0) {
            problems.append(" unexpected-failures=").append(unexpected);
        }
        if (failed != expectedFailed) {
            problems.append(" failed=").append(failed).append("-expected-").append(expectedFailed);
        }
        if (!end.settled()) {
            problems.append(" teardowns-unfinished=").append(end.orphans());
        }
        if (mode == ClientMode.LINGER0 ? end.rstsSent() < ok : end.rstsSent() != 0) {
            problems.append(" rsts-sent=").append(end.rstsSent());
        }
        out.println("summary mode=" + mode.cli() + " connections=" + connections + " connected=" + connected
                + " ok=" + ok + " failed=" + failed + " errors=" + errors + " bytesSent=" + bytesSent
                + " bytesReceived=" + bytesReceived + " timeWait=" + end.timeWait() + " orphans=" + end.orphans()
                + " rstsSent=" + end.rstsSent() + " ms=" + elapsedNs / 1_000_000);
        boolean good = problems.isEmpty();
        out.println(good ? "verdict ok" : "verdict FAILED:" + problems);
        out.flush();
        return good;
    }
}
