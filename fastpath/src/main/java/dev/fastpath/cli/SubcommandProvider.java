package dev.fastpath.cli;

/**
 * A subcommand contributed by a module that depends on this one (found with {@link java.util.ServiceLoader}).
 */
public interface SubcommandProvider {

    /**
     * The subcommand's name on the command line.
     *
     * @return the name, e.g. {@code "bench"}
     */
    String name();

    /**
     * A fresh picocli command object (annotated with {@code @Command}).
     *
     * @return the command
     */
    Object command();
}
