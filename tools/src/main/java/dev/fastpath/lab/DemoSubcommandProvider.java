package dev.fastpath.lab;

import dev.fastpath.cli.SubcommandProvider;

/** Registers {@code demo} (found through {@link java.util.ServiceLoader}). */
public final class DemoSubcommandProvider implements SubcommandProvider {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public Object command() {
        return new DemoCommand();
    }
}
