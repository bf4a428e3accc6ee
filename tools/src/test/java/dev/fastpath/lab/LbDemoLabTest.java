package dev.fastpath.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastpath.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code fastpath demo} (the load balancer's) in the lab, as a user runs it, shortened: it must print the live
 * client counts, go through the flood, the backend stopped and started and the reload, see the balancer take the
 * stopped backend out and back in, and end with every legitimate request answered. No timing is asserted.
 */
@Timeout(240)
class LbDemoLabTest {

    @Test
    void theDemoGoesThroughEveryEventAndAnswersEveryRequest() {
        Optional<String> why = Lab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "lb demo skipped: " + why.orElse(""));
        assumeTrue(Lab.exec(List.of("sh", "-c", "command -v nginx && command -v ethtool"), 5).exitCode() == 0,
            "lb demo skipped: nginx or ethtool missing");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--seconds", "30",
            "--rate", "50", "--flood-rate", "20000");
        String text = out + "\n" + err;
        assertEquals(0, rc, text);
        for (String event : List.of("fastpath lb ready", "HTTP/1.1 200", "flooding the VIP", "flood over",
                "stopping backend 198.18.0.13", "starting backend 198.18.0.13 again", "reloading",
                "reloaded generation",
                "lab torn down")) {
            assertTrue(text.contains(event), () -> "no '" + event + "' in:\n" + text);
        }
        assertTrue(Pattern.compile("client t=\\s*\\d+s\\s+answered").matcher(text).find(), text);
        // The health checks saw the stopped backend go and come back.
        assertTrue(text.contains("198.18.0.13:80 DOWN"), text);
        assertTrue(text.contains("198.18.0.13:80 UP"), text);
        // Every request answered, or the only failures requests a backend reset after the balancer passed them on
        // (a stopping nginx's queued connections: no TCP balancer can replay those; the verdict says so).
        Matcher v = Pattern.compile("verdict: every legitimate request (?:the balancer could answer was )?answered — "
            + "(\\d+) of (\\d+) legitimate requests answered \\((\\d+) failed, 0 wrong\\)").matcher(text);
        assertTrue(v.find(), text);
        assertEquals(Integer.parseInt(v.group(2)), Integer.parseInt(v.group(1)) + Integer.parseInt(v.group(3)), text);
        assertTrue(Integer.parseInt(v.group(3)) <= 2, () -> "at most a stopping backend's queued requests: " + text);
        assertEquals(30 * 50, Integer.parseInt(v.group(2)), "the client ran its whole course");
        Matcher lab = Pattern.compile("lab (\\S+): ").matcher(text);
        assertTrue(lab.find(), text);
        String name = lab.group(1);
        assertTrue(Lab.exec(List.of("ip", "netns", "list"), 5).output().lines()
            .noneMatch(l -> l.startsWith("fpA-" + name + " ") || l.startsWith("fpB-" + name + " ")
                || l.equals("fpA-" + name) || l.equals("fpB-" + name)), "the demo's lab is torn down");
    }
}
