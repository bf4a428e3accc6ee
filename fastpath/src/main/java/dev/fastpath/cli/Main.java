package dev.fastpath.cli;

import dev.fastpath.packetdrill.PacketdrillCommand;
import java.io.PrintWriter;
import java.util.ServiceLoader;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The Java side of the {@code ./fastpath} launcher. Every subcommand of the project is reachable from
 * here; modules that sit above this one (bench) contribute theirs through {@link SubcommandProvider}.
 */
@Command(
        name = "fastpath",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A userspace TCP/IPv4 stack for the JVM on AF_XDP and AF_PACKET rings.",
        subcommands = CommandLine.HelpCommand.class)
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Prints usage when no subcommand is given; picocli then exits with the usage error code. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }

    /**
     * Builds the command line with every subcommand this classpath provides.
     *
     * @return the configured picocli command line
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand("packetdrill", new PacketdrillCommand());
        for (SubcommandProvider provider : ServiceLoader.load(SubcommandProvider.class)) {
            cl.addSubcommand(provider.name(), provider.command());
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /**
     * Runs one command line and returns its exit code (0 ok, 1 failure, 2 usage error).
     *
     * @param out  where normal output goes
     * @param err  where errors and usage go
     * @param args the arguments
     * @return the exit code
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /**
     * Entry point.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Reports the project version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"fastpath " + (v == null ? "development" : v)};
        }
    }
}
