package dev.fastpath.packetdrill;

import dev.fastpath.cli.SubcommandProvider;

/** Registers {@code packetdrill} (found through {@link java.util.ServiceLoader}). */
public final class PacketdrillSubcommandProvider implements SubcommandProvider {
    @Override
    public String name() {
        return "packetdrill";
    }

    @Override
    public Object command() {
        return new PacketdrillCommand();
    }
}
