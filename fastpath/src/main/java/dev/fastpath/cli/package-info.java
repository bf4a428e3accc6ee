/**
 * The command line: picocli commands behind the {@code bin/fastpath} launcher. Bad arguments and unknown
 * subcommands print a clear error and exit with code 2; failures of a command exit with 1.
 */
package dev.fastpath.cli;
