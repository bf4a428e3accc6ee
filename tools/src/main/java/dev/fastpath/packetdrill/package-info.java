/**
 * Runs the Linux TCP maintainers' packetdrill scripts against the engine on virtual time over the
 * in-memory link: the parser, the runner, the report and the {@code fastpath packetdrill} command.
 */
package dev.fastpath.packetdrill;
