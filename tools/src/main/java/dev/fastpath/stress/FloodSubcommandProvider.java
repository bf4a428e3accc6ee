package dev.fastpath.stress;

import dev.fastpath.cli.SubcommandProvider;

/** Registers {@code flood} with the main command line (found through {@link java.util.ServiceLoader}). */
public final class FloodSubcommandProvider implements SubcommandProvider {

    @Override
    public String name() {
        return "flood";
    }

    @Override
    public Object command() {
        return new FloodCommand();
    }
}
