/** The {@code bench} subcommands of {@code ./fastpath}. */
package dev.fastpath.bench.cli;
