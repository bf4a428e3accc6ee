package dev.fastpath.nativeio;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks every hand-written layout and constant against the real system headers: generates a C program from
 * the Java classes themselves (every struct class's LAYOUT members, every constant field of the header
 * classes), compiles it with gcc, runs it and compares. A field or constant added in Java is checked
 * automatically; one that does not exist in C fails the compile.
 */
class LayoutProbeTest {

    /** Members whose C counterpart has no offsetof: bitfields. Checked by the instruction cross-check. */
    private static final Set<String> NO_OFFSETOF = Set.of("bpf_insn.regs");

    /** Java constants whose C spelling differs from their name. */
    private static final Map<String, String> C_EXPR = Map.of(
        "unistd_h.CPU_SET_BYTES", "sizeof(cpu_set_t)",
        "bpf_h.SKB_DATA_OFFSET", "offsetof(struct __sk_buff, data)",
        "bpf_h.SKB_DATA_END_OFFSET", "offsetof(struct __sk_buff, data_end)",
        // enum bpf_attach_type grew BPF_TCX_INGRESS in Linux 6.6; Debian 12's headers are 6.1: the value
        // is the enumerator's position, checked against the running kernel by the tcx lab test instead.
        "bpf_h.BPF_TCX_INGRESS", "46");

    private static final List<Class<?>> CONSTANT_CLASSES = List.of(
        socket_h.class, if_xdp_h.class, mman_h.class, bpf_h.class, net_h.class, unistd_h.class, Errors.class);

    private static final int MAP_FD = 7;

    private static Map<String, Long> cValues;

    @BeforeAll
    static void runProbe(@TempDir Path dir) throws Exception {
        String gcc = findGcc();
        assumeTrue(gcc != null, "gcc not found on PATH: cannot compile the layout probe, skipping");
        Path src = dir.resolve("probe.c");
        Files.writeString(src, probeSource(), StandardCharsets.UTF_8);
        Path exe = dir.resolve("probe");
        String compileOut = run(List.of(gcc, "-std=gnu11", "-Wall", "-Werror", "-o", exe.toString(), src.toString()));
        assertTrue(Files.isExecutable(exe), "probe did not compile:\n" + compileOut + "\n" + numbered(src));
        cValues = new TreeMap<>();
        for (String line : run(List.of(exe.toString())).split("\n")) {
            if (!line.isBlank()) {
                String[] kv = line.trim().split(" ");
                cValues.put(kv[0], Long.parseLong(kv[1]));
            }
        }
    }

    @Test
    void structSizesAndOffsetsMatchC() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, Long> e : javaLayoutFacts().entrySet()) {
            Long c = cValues.get(e.getKey());
            checked++;
            if (!e.getValue().equals(c)) {
                mismatches.add(e.getKey() + ": java " + e.getValue() + ", C " + c);
            }
        }
        assertTrue(checked > 150, "suspiciously few layout facts: " + checked);
        assertEquals(List.of(), mismatches);
    }

    @Test
    void constantsMatchC() throws Exception {
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Number> e : javaConstants().entrySet()) {
            Long c = cValues.get("const:" + e.getKey());
            if (c == null) {
                mismatches.add(e.getKey() + ": no C value");
                continue;
            }
            Number j = e.getValue();
            boolean ok = j instanceof Long
                ? j.longValue() == c
                // C ints may be unsigned (1U << 31); the Java int holds the same 32 bits.
                : j.intValue() == c.intValue() && (c >= Integer.MIN_VALUE && c <= 0xffffffffL);
            if (j instanceof Short s) {
                ok = s == c.shortValue() && c >= Short.MIN_VALUE && c <= 0xffff;
            }
            if (!ok) {
                mismatches.add(e.getKey() + ": java " + j + ", C " + c);
            }
        }
        assertEquals(List.of(), mismatches);
    }

    @Test
    void accessorOffsetsComeFromTheLayout() throws Exception {
        for (Class<?> cls : structClasses()) {
            GroupLayout layout = layoutOf(cls);
            Set<Long> leafOffsets = new HashSet<>();
            collect(layout, "", 0, new LinkedHashMap<>(), leafOffsets);
            for (Method m : cls.getMethods()) {
                if (m.getName().endsWith("$offset") && m.getParameterCount() == 0) {
                    long off = (long) m.invoke(null);
                    assertTrue(leafOffsets.contains(off), cls.getSimpleName() + "." + m.getName() + " = " + off
                        + " is not the offset of any member of LAYOUT");
                }
            }
            assertEquals(layout.byteSize(), (long) cls.getMethod("sizeof").invoke(null));
        }
    }

    @Test
    void bpfInstructionEncodingMatchesCStructInitializers() {
        long[] prog = bpf_h.xskRedirectProgram(MAP_FD);
        assertEquals(6, prog.length);
        for (int i = 0; i < prog.length; i++) {
            assertEquals(cValues.get("insn:" + i), prog[i], "instruction " + i);
        }
    }

    @Test
    void packetRingMacros() {
        assertEquals(cValues.get("const:socket_h.TPACKET3_HDRLEN"), (long) socket_h.TPACKET3_HDRLEN);
        for (long x : new long[] {0, 1, 15, 16, 17, 47, 48, 1514}) {
            assertEquals(cValues.get("align:" + x), socket_h.TPACKET_ALIGN(x), "TPACKET_ALIGN(" + x + ")");
        }
    }

    // ---- the probe program ----

    private static String probeSource() throws Exception {
        StringBuilder c = new StringBuilder();
        Path headers = Path.of("jextract", "headers.h").toAbsolutePath();
        assertTrue(Files.exists(headers), "run from the module directory; missing " + headers);
        c.append("#include \"").append(headers).append("\"\n");
        c.append("#include <stdio.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n\n");
        c.append("#define P(k, v) printf(\"%s %lld\\n\", k, (long long) (v))\n\n");
        c.append("static long long insn(struct bpf_insn i) {\n    long long v;\n    memcpy(&v, &i, sizeof v);\n")
            .append("    return v;\n}\n\nint main(void) {\n");
        for (String key : javaLayoutFacts().keySet()) {
            c.append("    P(\"").append(key).append("\", ").append(cExpression(key)).append(");\n");
        }
        for (String key : javaConstants().keySet()) {
            String name = key.substring(key.indexOf('.') + 1);
            c.append("    P(\"const:").append(key).append("\", ").append(C_EXPR.getOrDefault(key, name)).append(");\n");
        }
        for (long x : new long[] {0, 1, 15, 16, 17, 47, 48, 1514}) {
            c.append("    P(\"align:").append(x).append("\", TPACKET_ALIGN(").append(x).append("));\n");
        }
        // The redirect program written independently with C designated initializers.
        String[] insns = {
            ".code = BPF_LDX | BPF_W | BPF_MEM, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_1, "
                + ".off = offsetof(struct xdp_md, rx_queue_index)",
            ".code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1, .src_reg = BPF_PSEUDO_MAP_FD, .imm = " + MAP_FD,
            ".code = 0",
            ".code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3, .imm = XDP_PASS",
            ".code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_redirect_map",
            ".code = BPF_JMP | BPF_EXIT",
        };
        for (int i = 0; i < insns.length; i++) {
            c.append("    P(\"insn:").append(i).append("\", insn((struct bpf_insn) {")
                .append(insns[i]).append("}));\n");
        }
        c.append("    return 0;\n}\n");
        return c.toString();
    }

    /** "size:cls" or "off:cls:path" to the C expression computing it. */
    private static String cExpression(String key) {
        String[] parts = key.split(":");
        String type = cType(parts[1]);
        return parts[0].equals("size") ? "sizeof(" + type + ")" : "offsetof(" + type + ", " + parts[2] + ")";
    }

    private static String cType(String cls) {
        // The bpf_attr_* classes are views of one C union, each covering the members one command uses.
        return cls.startsWith("bpf_attr_") ? "union bpf_attr" : "struct " + cls;
    }

    // ---- facts from the Java side ----

    /** size:cls and off:cls:c.path for every struct class and every named member, nested ones included. */
    private static Map<String, Long> javaLayoutFacts() throws Exception {
        Map<String, Long> facts = new TreeMap<>();
        for (Class<?> cls : structClasses()) {
            String name = cls.getSimpleName();
            GroupLayout layout = layoutOf(cls);
            facts.put("size:" + name, layout.byteSize());
            Map<String, Long> offsets = new LinkedHashMap<>();
            collect(layout, "", 0, offsets, new HashSet<>());
            offsets.forEach((path, off) -> {
                if (!NO_OFFSETOF.contains(name + "." + path)) {
                    facts.put("off:" + name + ":" + path, off);
                }
            });
        }
        return facts;
    }

    /**
     * Walks a layout: member names form the C member path, except jextract-style {@code $anon} names, which
     * stand for C's anonymous unions and structs and so add no path component.
     */
    private static void collect(GroupLayout group, String prefix, long base, Map<String, Long> out,
                                Set<Long> leafOffsets) {
        long off = base;
        for (MemoryLayout m : group.memberLayouts()) {
            long at = group instanceof java.lang.foreign.UnionLayout ? base : off;
            if (!(m instanceof PaddingLayout) && m.name().isPresent()) {
                String name = m.name().get();
                boolean anon = name.startsWith("$anon");
                String path = anon ? prefix : prefix + name;
                if (!anon) {
                    out.put(path, at);
                }
                if (m instanceof GroupLayout g) {
                    collect(g, anon ? prefix : path + ".", at, out, leafOffsets);
                } else {
                    leafOffsets.add(at);
                }
            }
            off += m.byteSize();
        }
    }

    /** Every public static final primitive field of the header classes: "cls.NAME" to value. */
    private static Map<String, Number> javaConstants() throws IllegalAccessException {
        Map<String, Number> out = new TreeMap<>();
        for (Class<?> cls : CONSTANT_CLASSES) {
            for (Field f : cls.getDeclaredFields()) {
                int mod = f.getModifiers();
                boolean constant = Modifier.isPublic(mod) && Modifier.isStatic(mod) && Modifier.isFinal(mod);
                Class<?> t = f.getType();
                if (constant && (t == int.class || t == long.class || t == short.class)) {
                    out.put(cls.getSimpleName() + "." + f.getName(), (Number) f.get(null));
                }
            }
        }
        assertFalse(out.isEmpty());
        return out;
    }

    /** The struct classes: every class in the package with a static GroupLayout LAYOUT, found on disk. */
    static List<Class<?>> structClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(sockaddr_ll.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path pkg = root.resolve(sockaddr_ll.class.getPackageName().replace('.', '/'));
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path p : files.sorted().toList()) {
                String file = p.getFileName().toString();
                if (file.endsWith(".class") && !file.contains("$")) {
                    Class<?> cls = Class.forName(sockaddr_ll.class.getPackageName() + "."
                        + file.substring(0, file.length() - ".class".length()));
                    if (hasLayout(cls)) {
                        out.add(cls);
                    }
                }
            }
        }
        assertTrue(out.size() >= 20, "expected the struct classes, found " + out);
        return out;
    }

    private static boolean hasLayout(Class<?> cls) {
        try {
            Field f = cls.getField("LAYOUT");
            return Modifier.isStatic(f.getModifiers()) && GroupLayout.class.isAssignableFrom(f.getType());
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    private static GroupLayout layoutOf(Class<?> cls) throws ReflectiveOperationException {
        return (GroupLayout) cls.getField("LAYOUT").get(null);
    }

    // ---- process helpers ----

    private static String findGcc() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "gcc");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        if (p.exitValue() != 0 && !cmd.get(0).endsWith("gcc")) {
            fail(cmd + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    private static String numbered(Path src) throws IOException {
        StringBuilder b = new StringBuilder();
        List<String> lines = Files.readAllLines(src);
        for (int i = 0; i < lines.size(); i++) {
            b.append(i + 1).append(": ").append(lines.get(i)).append('\n');
        }
        return b.toString();
    }
}
