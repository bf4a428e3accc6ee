package dev.fastpath.lab;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fastpath lab up|down|status [NAME]}: runs {@code tools/lab/lab.sh} with the same arguments. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"Builds, lists or removes the lab: namespaces fpA-NAME and fpB-NAME joined by a veth pair",
            "(veth-a 198.18.0.1/24 in A, veth-b 198.18.0.2/24 in B). Needs root. Delegates to tools/lab/lab.sh."})
public final class LabCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ACTION", description = "up, down or status")
    private String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME",
            description = "the lab's name (up: required; down/status: all labs when omitted)")
    private String name;

    @CommandLine.Option(names = "--queues", paramLabel = "N", defaultValue = "1",
            description = "up: RX and TX queues on each veth end (AF_XDP --workers N needs N); default 1")
    private int queues;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!List.of("up", "down", "status").contains(action)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "unknown action '" + action + "' (expected up, down or status)");
        }
        if (action.equals("up") && name == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "lab up needs a NAME");
        }
        List<String> cmd = new ArrayList<>(List.of("bash", Lab.script().toString(), action));
        if (name != null) {
            cmd.add(name);
        }
        if (action.equals("up") && queues != 1) {
            cmd.add(Integer.toString(queues));
        }
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        return p.waitFor();
    }
}
