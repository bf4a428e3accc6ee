package dev.fastpath.bench.cli;

import dev.fastpath.cli.SubcommandProvider;

/** Registers {@code bench} with the main command line (found through {@link java.util.ServiceLoader}). */
public final class BenchSubcommandProvider implements SubcommandProvider {

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public Object command() {
        return new BenchCommand();
    }
}
