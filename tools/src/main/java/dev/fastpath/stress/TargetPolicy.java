package dev.fastpath.stress;

import dev.fastpath.wire.Ipv4Header;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * Which addresses {@code fastpath stress} may send to or from: the benchmark range 198.18.0.0/15 (RFC 2544) always;
 * anything else only inside a block named with {@code --allow-target}, and then only after the operator typed
 * {@code yes} at the confirmation (or gave {@code --yes}). The check runs before any socket is opened.
 */
public final class TargetPolicy {

    /** 198.18.0.0/15. */
    public static final String LAB = "198.18.0.0/15";
    private static final int LAB_NET = 0xC6120000;
    private static final int LAB_MASK = 0xFFFE0000;

    private final List<int[]> allowed;

    /**
     * @param allowTargets the {@code --allow-target} blocks (CIDR)
     * @throws IllegalArgumentException when a block is malformed
     */
    public TargetPolicy(List<String> allowTargets) {
        this.allowed = allowTargets.stream().map(TargetPolicy::parse).toList();
    }

    /** @return {network, mask} of a CIDR block */
    static int[] parse(String cidr) {
        int slash = cidr.indexOf('/');
        try {
            int address = Ipv4Header.parseAddress(slash < 0 ? cidr.strip() : cidr.substring(0, slash).strip());
            int prefix = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1).strip());
            if (prefix < 0 || prefix > 32) {
                throw new IllegalArgumentException("--allow-target " + cidr + ": prefix must be 0..32");
            }
            int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
            return new int[] {address & mask, mask};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--allow-target '" + cidr + "' is not an IPv4 CIDR block", e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("--allow-target")) {
                throw e;
            }
            throw new IllegalArgumentException("--allow-target '" + cidr + "' is not an IPv4 CIDR block", e);
        }
    }

    /**
     * @param address an IPv4 address
     * @return whether it lies in 198.18.0.0/15
     */
    public static boolean inLab(int address) {
        return (address & LAB_MASK) == LAB_NET;
    }

    /**
     * @param address an IPv4 address
     * @return whether it lies in an {@code --allow-target} block
     */
    public boolean inAllowed(int address) {
        for (int[] b : allowed) {
            if ((address & b[1]) == b[0]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why sending to {@code target} from {@code firstSrc..lastSrc} is refused, or null when it is allowed (possibly
     * after confirmation: {@link #needsConfirmation}).
     *
     * @param target   the target's address
     * @param firstSrc the first source address
     * @param lastSrc  the last source address
     * @return the reason, or null
     */
    public String refusal(int target, int firstSrc, int lastSrc) {
        for (int a : new int[] {target, firstSrc, lastSrc}) {
            if (!inLab(a) && !inAllowed(a)) {
                boolean isTarget = a == target;
                return (isTarget ? "target " : "source ") + Ipv4Header.formatAddress(a) + " is outside " + LAB
                    + (allowed.isEmpty() ? "" : " and every --allow-target block")
                    + ": only the benchmark range is allowed without --allow-target CIDR";
            }
        }
        return null;
    }

    /**
     * @param target the target's address
     * @return whether the run leaves the lab range and so needs the operator's confirmation
     */
    public boolean needsConfirmation(int target) {
        return !inLab(target);
    }

    /**
     * Asks the operator to type {@code yes}.
     *
     * @param prompt what is about to happen
     * @param in     the operator's input
     * @param out    where the prompt goes
     * @return whether they typed yes
     */
    public static boolean confirm(String prompt, BufferedReader in, PrintStream out) {
        out.print(prompt + " Type yes to go on: ");
        out.flush();
        try {
            String line = in.readLine();
            return line != null && line.strip().equalsIgnoreCase("yes");
        } catch (IOException e) {
            return false;
        }
    }
}
