package dev.fastpath.bench.cli;

import dev.fastpath.bench.e2e.SynFloodCommand;
import dev.fastpath.bench.e2e.HandshakesCommand;
import dev.fastpath.bench.e2e.LbBenchCommand;
import dev.fastpath.bench.e2e.SoakCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fastpath bench …}: the JMH suite and the end-to-end harness. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks: the JMH suite (jmh), the end-to-end harness, the soak (a long run).",
        subcommands = {JmhCommand.class, SynFloodCommand.class,
            HandshakesCommand.class, LbBenchCommand.class, SoakCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try: bench jmh)");
    }
}
