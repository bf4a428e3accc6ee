/** The {@code bench} subcommands of {@code bin/fastpath}. */
package dev.fastpath.bench.cli;
