package dev.fastpath.packetdrill;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fastpath packetdrill FILE|DIR…}: runs scripts against the engine on virtual time. Exit
 * code 0 when everything passed, 1 when a script failed, 2 when a script is unsupported (and none
 * failed); for one file that is exactly its own outcome.
 */
@Command(name = "packetdrill", mixinStandardHelpOptions = true,
        description = "Run packetdrill scripts against the engine (in memory, virtual time).")
public final class PacketdrillCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = ".pkt scripts or folders of them")
    private List<Path> paths;

    @Option(names = "--kernel", description = "run the scripts against this machine's Linux kernel instead of the"
            + " engine (root: a tun device in a network namespace per script, 198.18.0.0/15 only)")
    private boolean kernel;

    @Option(names = {"-v", "--verbose"}, description = "print every script's result and what was ignored")
    private boolean verbose;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no such file or folder: " + p);
            }
        }
        if (kernel && PdKernel.unavailableReason() != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--kernel: " + PdKernel.unavailableReason());
        }
        List<Path> scripts = PdReport.scripts(paths);
        if (scripts.isEmpty()) {
            // A table of zeros with exit 0 would read as "all passed" to a script that checks the code.
            throw new CommandLine.ParameterException(spec.commandLine(), "no .pkt scripts in " + paths.stream()
                    .map(Path::toString).collect(java.util.stream.Collectors.joining(", ")));
        }
        PdReport report = new PdReport(kernel ? PdKernel::run : PdRunner::run);
        for (Path script : scripts) {
            PdResult r = report.run(script);
            if (verbose) {
                out.println(r);
                r.notes().forEach(i -> out.println("    note: " + i));
            }
        }
        report.print(out);
        return report.exitCode();
    }
}
