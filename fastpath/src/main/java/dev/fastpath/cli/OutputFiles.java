package dev.fastpath.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a file a command will write (a capture, a JSON result) before the command does its work, so a typo in
 * the path is a usage error at once, not an exception after a minute-long run.
 */
public final class OutputFiles {
    private OutputFiles() {
    }

    /**
     * @param option the option that names the file, for the message
     * @param file   the file, or null when the option was not given
     * @return what is wrong with it in one line, or null when it can be written
     */
    public static String problem(String option, Path file) {
        if (file == null) {
            return null;
        }
        if (Files.isDirectory(file)) {
            return option + " " + file + " is a directory; give a file name";
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            return option + " " + file + ": no folder " + parent;
        }
        if (Files.exists(file) ? !Files.isWritable(file) : parent != null && !Files.isWritable(parent)) {
            return option + " " + file + ": not writable";
        }
        return null;
    }
}
