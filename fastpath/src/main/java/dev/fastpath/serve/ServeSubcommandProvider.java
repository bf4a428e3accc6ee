package dev.fastpath.serve;

import dev.fastpath.cli.SubcommandProvider;

/** Registers {@code serve} (found through {@link java.util.ServiceLoader}). */
public final class ServeSubcommandProvider implements SubcommandProvider {
    @Override
    public String name() {
        return "serve";
    }

    @Override
    public Object command() {
        return new ServeCommand();
    }
}
