package dev.fastpath.lb;

import dev.fastpath.cli.SubcommandProvider;

/** Registers {@code lb} (found through {@link java.util.ServiceLoader}). */
public final class LbSubcommandProvider implements SubcommandProvider {
    @Override
    public String name() {
        return "lb";
    }

    @Override
    public Object command() {
        return new LbCommand();
    }
}
