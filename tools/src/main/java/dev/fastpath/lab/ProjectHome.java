package dev.fastpath.lab;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root: {@code -Dfastpath.home} (set by the launcher), else the nearest parent holding it. */
public final class ProjectHome {

    private ProjectHome() {
    }

    /**
     * Finds the repository root.
     *
     * @return the root directory
     */
    public static Path root() {
        String home = System.getProperty("fastpath.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin/fastpath")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        return Path.of("").toAbsolutePath();
    }
}
