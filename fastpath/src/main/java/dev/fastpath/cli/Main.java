package dev.fastpath.cli;

import dev.fastpath.config.ConfigException;
import java.io.PrintWriter;
import java.util.ServiceLoader;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The Java side of the {@code bin/fastpath} launcher and the distribution jar's main class. Every subcommand
 * registers one way, through {@link SubcommandProvider} (a {@link ServiceLoader} service): this module's
 * ({@code serve}, {@code connect}) and those of the tools module above it ({@code flood}, {@code packetdrill},
 * {@code lab}, {@code demo}, {@code bench}).
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
        for (SubcommandProvider provider : ServiceLoader.load(SubcommandProvider.class)) {
            cl.addSubcommand(provider.name(), provider.command());
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler(Main::failure);
        return cl;
    }

    /**
     * A usage error is one line on stderr, {@code fastpath SUBCOMMAND: what is wrong (see ... --help)}, and exit
     * code 2: the problem is the first thing an operator reads, not buried under the usage text.
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        StringBuilder line = new StringBuilder(prefix(cl)).append(withoutPrefix(cl, e.getMessage()));
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            line.append("; did you mean ").append(String.join(" or ", u.getSuggestions())).append('?');
        }
        line.append(" (see ").append(cl.getCommandSpec().qualifiedName()).append(" --help)");
        cl.getErr().println(line);
        cl.getErr().flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * What a command throws: a {@link ConfigException} is bad input (one line, exit 2); anything else a failure
     * reported in one line (exit 1), with the stack trace only when {@code FASTPATH_DEBUG} is set — a trace is
     * for whoever fixes the code, not for whoever runs it.
     */
    private static int failure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (e instanceof ConfigException) {
            cl.getErr().println(prefix(cl) + withoutPrefix(cl, e.getMessage()));
            cl.getErr().flush();
            return cl.getCommandSpec().exitCodeOnInvalidInput();
        }
        String what = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": "
                + e.getMessage();
        boolean debug = System.getenv("FASTPATH_DEBUG") != null;
        cl.getErr().println(prefix(cl) + "failed: " + what + (debug ? "" : " (FASTPATH_DEBUG=1 shows where)"));
        if (debug) {
            e.printStackTrace(cl.getErr());
        }
        cl.getErr().flush();
        return cl.getCommandSpec().exitCodeOnExecutionException();
    }

    private static String prefix(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName() + ": ";
    }

    /** Commands that already name themselves ({@code flood: ...}) are not named twice. */
    private static String withoutPrefix(CommandLine cl, String message) {
        String m = message == null ? "" : message;
        String own = cl.getCommandName() + ": ";
        return m.startsWith(own) ? m.substring(own.length()) : m;
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

    /**
     * The version and the git commit it was built from, both from {@code git.properties}, written at build time.
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {line()};
        }

        /**
         * One line: {@code fastpath VERSION (commit ABBREV[, dirty], TIME)}.
         *
         * @return the line
         */
        static String line() {
            java.util.Properties git = new java.util.Properties();
            try (java.io.InputStream in = Main.class.getResourceAsStream("git.properties")) {
                if (in != null) {
                    git.load(in);
                }
            } catch (java.io.IOException e) {
                // Unreadable: reported as an unknown commit below.
            }
            String version = git.getProperty("fastpath.version", "development");
            String commit = git.getProperty("git.commit.id.abbrev", "");
            StringBuilder b = new StringBuilder("fastpath ").append(version);
            if (commit.isEmpty()) {
                return b.append(" (commit unknown: built outside a git checkout)").toString();
            }
            b.append(" (commit ").append(commit);
            if (Boolean.parseBoolean(git.getProperty("git.dirty", "false"))) {
                b.append(", with uncommitted changes");
            }
            String time = git.getProperty("git.commit.time", "");
            return b.append(time.isEmpty() ? "" : ", " + time).append(')').toString();
        }
    }
}
