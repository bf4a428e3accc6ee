/**
 * The {@code serve} and {@code lab} subcommands: a demo server on a real interface (AF_XDP or AF_PACKET)
 * with one or more {@link dev.fastpath.poll.StackWorker}s, and the lab's namespaces from the command line.
 * Registered with the main command line through {@link dev.fastpath.cli.SubcommandProvider}.
 */
package dev.fastpath.serve;
