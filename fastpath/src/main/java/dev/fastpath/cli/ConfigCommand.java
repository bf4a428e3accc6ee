package dev.fastpath.cli;

import dev.fastpath.config.Config;
import dev.fastpath.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fastpath config check [--config FILE] [--set KEY=VALUE]...}: what an operator runs before a start or a
 * reload. It builds the effective configuration exactly as {@code serve} and {@code connect} do (defaults, the
 * file, the overrides in order, the rules between knobs checked on the result) without opening any socket or
 * interface, and prints it as TOML (exit 0) or prints the first problem in one line (exit 2).
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Configuration tools; 'config check' validates a configuration without running anything.",
        subcommands = ConfigCommand.Check.class)
public final class ConfigCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: check");
    }

    /** {@code config check}. */
    @Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Validates a configuration without opening anything: prints the effective configuration "
                + "as TOML (exit 0) or the first problem (exit 2).",
                "The same rules as serve/connect: defaults, then --config, then every --set in order; the rules "
                    + "between knobs apply to the final result."})
    static final class Check implements Callable<Integer> {

        @Option(names = "--config", paramLabel = "FILE", description = "TOML configuration (config/fastpath.toml)")
        private Path configFile;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "override a knob (TOML key or sysctl name), e.g. tcp.syncookies=2")
        private List<String> overrides = new ArrayList<>();

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Config config;
            try {
                config = Config.resolve(configFile, overrides);
            } catch (ConfigException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            spec.commandLine().getOut().print(config.toToml());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
