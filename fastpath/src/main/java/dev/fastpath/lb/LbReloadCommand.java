package dev.fastpath.lb;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fastpath lb reload}: checks the file first — a bad one is refused here with its key and reason, and the
 * running balancer is not disturbed — then sends the balancer SIGHUP, on which it re-reads the file itself.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Checks FILE, then tells the running balancer to re-read it (SIGHUP).",
            "Exit code 1 when FILE does not check out (nothing is sent) or no such process runs."})
final class LbReloadCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the balancer's file")
    private Path file;

    @Option(names = "--pid", required = true, paramLabel = "PID", description = "the running fastpath lb")
    private long pid;

    @Override
    public Integer call() throws IOException, InterruptedException {
        try {
            LbConfig.load(file).toSnapshot(null, 0);
        } catch (LbConfigException e) {
            System.err.println("lb reload: " + e.getMessage() + " (nothing sent: the running configuration stays)");
            return 1;
        } catch (java.nio.file.NoSuchFileException e) {
            System.err.println("lb reload: no such file " + file);
            return 1;
        }
        if (ProcessHandle.of(pid).isEmpty()) {
            System.err.println("lb reload: no process " + pid);
            return 1;
        }
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            System.err.println("lb reload: kill -HUP " + pid + " failed");
            return 1;
        }
        System.out.println("lb reload: " + file + " checks out; SIGHUP sent to " + pid);
        return 0;
    }
}
