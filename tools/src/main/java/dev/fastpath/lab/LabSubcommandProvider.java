package dev.fastpath.lab;

import dev.fastpath.cli.SubcommandProvider;

/** Registers {@code lab} (found through {@link java.util.ServiceLoader}). */
public final class LabSubcommandProvider implements SubcommandProvider {
    @Override
    public String name() {
        return "lab";
    }

    @Override
    public Object command() {
        return new LabCommand();
    }
}
