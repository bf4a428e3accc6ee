package dev.fastpath.stress;

import dev.fastpath.cli.SubcommandProvider;

/** Registers {@code stress} with the main command line (found through {@link java.util.ServiceLoader}). */
public final class StressSubcommandProvider implements SubcommandProvider {

    @Override
    public String name() {
        return "stress";
    }

    @Override
    public Object command() {
        return new StressCommand();
    }
}
