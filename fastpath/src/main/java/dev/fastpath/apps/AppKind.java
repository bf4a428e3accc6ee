package dev.fastpath.apps;

import dev.fastpath.config.Config;

/** The demo servers {@code serve --app} can run. */
public enum AppKind {
    /** {@link EchoApp}. */
    ECHO,
    /** {@link DiscardApp}. */
    DISCARD,
    /** {@link HttpApp}. */
    HTTP;

    /**
     * @param config sizes
     * @return a fresh application (one per worker)
     */
    public App create(Config config) {
        return switch (this) {
            case ECHO -> new EchoApp(config);
            case DISCARD -> new DiscardApp(config);
            case HTTP -> new HttpApp(config);
        };
    }
}
