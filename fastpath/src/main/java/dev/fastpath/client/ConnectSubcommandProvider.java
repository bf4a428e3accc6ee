package dev.fastpath.client;

import dev.fastpath.cli.SubcommandProvider;

/** Registers {@code connect} (found through {@link java.util.ServiceLoader}). */
public final class ConnectSubcommandProvider implements SubcommandProvider {
    @Override
    public String name() {
        return "connect";
    }

    @Override
    public Object command() {
        return new ConnectCommand();
    }
}
