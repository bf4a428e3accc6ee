package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.poll.StackWorker;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a counter from what {@code serve} or {@code connect} printed on the way out ({@code workerN.Name value}). */
final class Counters {
    private Counters() {
    }

    /**
     * @param output everything the process printed
     * @param worker the worker's index
     * @param name   a counter's name, without the prefix
     * @return its value; the report leaves out counters that are 0, so a counter that exists and is absent is 0
     */
    static long of(String output, int worker, String name) {
        assertTrue(StackWorker.counterNames().contains(name), "no counter is named " + name);
        assertTrue(output.contains("\nworker" + worker + ".") || output.startsWith("worker" + worker + "."),
                "worker" + worker + " printed no counters:\n" + output);
        Matcher m = Pattern.compile("(?m)^worker" + worker + "\\." + name + " (\\d+)$").matcher(output);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
