package dev.fastpath.cli;

/** Registers {@code config} (found through {@link java.util.ServiceLoader}). */
public final class ConfigSubcommandProvider implements SubcommandProvider {
    @Override
    public String name() {
        return "config";
    }

    @Override
    public Object command() {
        return new ConfigCommand();
    }
}
