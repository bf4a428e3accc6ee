package dev.fastpath.io.xdp;

import static dev.fastpath.io.xdp.XdpSynCookies.ANSWERED;
import static dev.fastpath.io.xdp.XdpSynCookies.CLOCK_OFFSET;
import static dev.fastpath.io.xdp.XdpSynCookies.CSUM_PARTIAL;
import static dev.fastpath.io.xdp.XdpSynCookies.ENABLED;
import static dev.fastpath.io.xdp.XdpSynCookies.HELD_MUL_IP;
import static dev.fastpath.io.xdp.XdpSynCookies.HELD_MUL_PORTS;
import static dev.fastpath.io.xdp.XdpSynCookies.IP;
import static dev.fastpath.io.xdp.XdpSynCookies.K00;
import static dev.fastpath.io.xdp.XdpSynCookies.K01;
import static dev.fastpath.io.xdp.XdpSynCookies.K10;
import static dev.fastpath.io.xdp.XdpSynCookies.K11;
import static dev.fastpath.io.xdp.XdpSynCookies.KEYSET;
import static dev.fastpath.io.xdp.XdpSynCookies.KEYS_0;
import static dev.fastpath.io.xdp.XdpSynCookies.KEYS_1;
import static dev.fastpath.io.xdp.XdpSynCookies.ANSWERS;
import static dev.fastpath.io.xdp.XdpSynCookies.ANSWER_ECN;
import static dev.fastpath.io.xdp.XdpSynCookies.ANSWER_SACK;
import static dev.fastpath.io.xdp.XdpSynCookies.ANSWER_TS;
import static dev.fastpath.io.xdp.XdpSynCookies.ANSWER_WSCALE;
import static dev.fastpath.io.xdp.XdpSynCookies.MAC;
import static dev.fastpath.io.xdp.XdpSynCookies.MSS;
import static dev.fastpath.io.xdp.XdpSynCookies.MSS_CLAMP;
import static dev.fastpath.io.xdp.XdpSynCookies.NET;
import static dev.fastpath.io.xdp.XdpSynCookies.NETMASK;
import static dev.fastpath.io.xdp.XdpSynCookies.PORT;
import static dev.fastpath.io.xdp.XdpSynCookies.ROUTED;
import static dev.fastpath.io.xdp.XdpSynCookies.SEED;
import static dev.fastpath.io.xdp.XdpSynCookies.TS_K0;
import static dev.fastpath.io.xdp.XdpSynCookies.TS_K1;
import static dev.fastpath.io.xdp.XdpSynCookies.TS_OFFSET_ON;
import static dev.fastpath.io.xdp.XdpSynCookies.WINDOW;
import static dev.fastpath.io.xdp.XdpSynCookies.WINDOW_TS;
import static dev.fastpath.io.xdp.XdpSynCookies.WSCALE;
import static dev.fastpath.nativeio.BpfAsm.R0;
import static dev.fastpath.nativeio.BpfAsm.R1;
import static dev.fastpath.nativeio.BpfAsm.R10;
import static dev.fastpath.nativeio.BpfAsm.R2;
import static dev.fastpath.nativeio.BpfAsm.R3;
import static dev.fastpath.nativeio.BpfAsm.R4;
import static dev.fastpath.nativeio.BpfAsm.R5;
import static dev.fastpath.nativeio.BpfAsm.R6;
import static dev.fastpath.nativeio.BpfAsm.R7;
import static dev.fastpath.nativeio.BpfAsm.R8;
import static dev.fastpath.nativeio.BpfAsm.R9;
import static dev.fastpath.nativeio.bpf_h.BPF_ADD;
import static dev.fastpath.nativeio.bpf_h.BPF_AND;
import static dev.fastpath.nativeio.bpf_h.BPF_B;
import static dev.fastpath.nativeio.bpf_h.BPF_DIV;
import static dev.fastpath.nativeio.bpf_h.BPF_DW;
import static dev.fastpath.nativeio.bpf_h.BPF_FUNC_csum_diff;
import static dev.fastpath.nativeio.bpf_h.BPF_FUNC_ktime_get_ns;
import static dev.fastpath.nativeio.bpf_h.BPF_FUNC_map_lookup_elem;
import static dev.fastpath.nativeio.bpf_h.BPF_FUNC_redirect_map;
import static dev.fastpath.nativeio.bpf_h.BPF_FUNC_xdp_adjust_tail;
import static dev.fastpath.nativeio.bpf_h.BPF_FUNC_xdp_get_buff_len;
import static dev.fastpath.nativeio.bpf_h.BPF_FUNC_xdp_load_bytes;
import static dev.fastpath.nativeio.bpf_h.BPF_H;
import static dev.fastpath.nativeio.bpf_h.BPF_JA;
import static dev.fastpath.nativeio.bpf_h.BPF_JEQ;
import static dev.fastpath.nativeio.bpf_h.BPF_JGT;
import static dev.fastpath.nativeio.bpf_h.BPF_JLE;
import static dev.fastpath.nativeio.bpf_h.BPF_JLT;
import static dev.fastpath.nativeio.bpf_h.BPF_JMP;
import static dev.fastpath.nativeio.bpf_h.BPF_JNE;
import static dev.fastpath.nativeio.bpf_h.BPF_LSH;
import static dev.fastpath.nativeio.bpf_h.BPF_MOV;
import static dev.fastpath.nativeio.bpf_h.BPF_MUL;
import static dev.fastpath.nativeio.bpf_h.BPF_OR;
import static dev.fastpath.nativeio.bpf_h.BPF_RSH;
import static dev.fastpath.nativeio.bpf_h.BPF_SUB;
import static dev.fastpath.nativeio.bpf_h.BPF_W;
import static dev.fastpath.nativeio.bpf_h.BPF_XOR;
import static dev.fastpath.nativeio.bpf_h.XDP_PASS;
import static dev.fastpath.nativeio.bpf_h.XDP_TX;
import static dev.fastpath.nativeio.bpf_h.alu32Imm;
import static dev.fastpath.nativeio.bpf_h.alu32Reg;
import static dev.fastpath.nativeio.bpf_h.alu64Imm;
import static dev.fastpath.nativeio.bpf_h.alu64Reg;
import static dev.fastpath.nativeio.bpf_h.atomicAdd64;
import static dev.fastpath.nativeio.bpf_h.call;
import static dev.fastpath.nativeio.bpf_h.exit;
import static dev.fastpath.nativeio.bpf_h.insn;
import static dev.fastpath.nativeio.bpf_h.jmpImm;
import static dev.fastpath.nativeio.bpf_h.jmpReg;
import static dev.fastpath.nativeio.bpf_h.ldImm64;
import static dev.fastpath.nativeio.bpf_h.ldMapFd;
import static dev.fastpath.nativeio.bpf_h.ldMapFdHigh;
import static dev.fastpath.nativeio.bpf_h.ldxMem;
import static dev.fastpath.nativeio.bpf_h.mov64Imm;
import static dev.fastpath.nativeio.bpf_h.stMem;
import static dev.fastpath.nativeio.bpf_h.stxMem;
import static dev.fastpath.nativeio.bpf_h.toBe;

import dev.fastpath.nativeio.BpfAsm;
import dev.fastpath.nativeio.xdp_md;

/**
 * The instructions of {@link XdpSynCookies}' program: answer a SYN to the listener with the engine's cookie
 * SYN-ACK in place (XDP_TX), redirect everything else to the AF_XDP socket of its queue. Straight-line code with
 * constant offsets wherever the verifier needs them: the TCP header is copied to the stack (zero-padded to 60
 * bytes, so its checksum is one fixed-size sum), its options are parsed by a walk unrolled over the 40 possible
 * positions, and each of the eight option layouts of the answer is written by its own block.
 *
 * <p>Any doubt sends the frame on to the engine, which then does what it always does: not our MAC, not IPv4 with
 * a plain 20-byte header, a fragment, not our address and port, flags other than a bare SYN (SYN+FIN included),
 * a payload, a bad checksum, malformed options, a Fast Open option, or a 4-tuple the engine holds (a request,
 * a connection or a TIME_WAIT record, by the counting filter).
 */
final class XdpSynCookieProgram {


    // Frame offsets (Ethernet, IPv4 without options, TCP).
    private static final int ETH_SRC = 6;
    private static final int ETH_TYPE = 12;
    private static final int IPH = 14;
    private static final int IP_TOS = IPH + 1;
    private static final int IP_TOTLEN = IPH + 2;
    private static final int IP_ID = IPH + 4;
    private static final int IP_FRAG = IPH + 6;
    private static final int IP_TTL = IPH + 8;
    private static final int IP_PROTO = IPH + 9;
    private static final int IP_CHECK = IPH + 10;
    private static final int IP_SRC = IPH + 12;
    private static final int IP_DST = IPH + 16;
    private static final int TCPH = IPH + 20;
    private static final int TCP_DPORT = TCPH + 2;
    private static final int TCP_SEQ = TCPH + 4;
    private static final int TCP_ACK = TCPH + 8;
    private static final int TCP_DOFF = TCPH + 12;
    private static final int TCP_FLAGS = TCPH + 13;
    private static final int TCP_WINDOW = TCPH + 14;
    private static final int TCP_CHECK = TCPH + 16;
    private static final int TCP_URG = TCPH + 18;
    private static final int OPTS = TCPH + 20;
    private static final int HEADERS = OPTS;

    // Stack slots (r10-relative).
    private static final int BUF = -72;
    private static final int S_KEY = -80;
    private static final int S_MSS = -88;
    private static final int S_WS = -96;
    private static final int S_SACK = -104;
    private static final int S_TS = -112;
    private static final int S_TSVAL = -120;
    private static final int S_SADDR = -128;
    private static final int S_DADDR = -136;
    private static final int S_PORTS = -144;
    private static final int S_SEQ = -152;
    private static final int S_SRCMAC = -160;
    private static final int S_SADDR_RAW = -168;
    private static final int S_SPORT_RAW = -176;
    private static final int S_NOW = -184;
    private static final int S_COUNT = -192;
    private static final int S_H0 = -200;
    private static final int S_H1 = -208;
    private static final int S_TSOFF = -216;
    private static final int S_W0 = -224;
    private static final int S_W1 = -232;
    private static final int S_ISS = -240;
    private static final int S_TSOUT = -248;
    private static final int S_IDX = -256;
    /** The answer's options set (XdpSynCookies.ANSWER_*), from the engine's table. */
    private static final int S_ANSWER = -264;
    /** Non-zero for an ECN-setup SYN (ECE and CWR) whose IP header does not claim ECT, or with reserved bits. */
    private static final int S_ECN = -272;

    private static final int MAX_OPTIONS = 40;
    private static final int FLAGS_FIN_SYN_RST_ACK = 0x17;
    private static final int SYN = 0x02;
    private static final int SYN_ACK = 0x12;
    private static final int ECE = 0x40;
    private static final int ECE_CWR = 0xC0;
    private static final int TCP_MSS_DEFAULT = 536;
    private static final int TCP_MAX_WSCALE = 14;
    private static final int KIND_FASTOPEN = 34;
    private static final int KIND_FASTOPEN_EXP = 254;
    private static final long MINUTE_NS = 60_000_000_000L;
    private static final int MS = 1_000_000;

    private XdpSynCookieProgram() { }

    /**
     * @param xskMapFd  the XSKMAP frames go to when not answered here
     * @param configFd  the per-queue configuration array ({@link XdpSynCookies#VALUE_SIZE} bytes a queue)
     * @param heldFd    the per-queue counting filter of 4-tuples the engine holds
     * @return the program
     */
    static long[] instructions(int xskMapFd, int configFd, int heldFd) {
        BpfAsm a = new BpfAsm();
        a.add(alu64Reg(BPF_MOV, R6, R1));
        a.add(ldxMem(BPF_W, R1, R6, (int) xdp_md.rx_queue_index$offset()));
        a.add(stxMem(BPF_W, R10, R1, S_KEY));
        lookup(a, configFd);
        a.add(alu64Reg(BPF_MOV, R9, R0));
        a.add(ldxMem(BPF_W, R1, R9, ENABLED));
        a.jump(jmpImm(BPF_JEQ, R1, 0, 0), "redirect");
        headers(a);
        tcpHeaderToStack(a);
        options(a);
        a.label("parsed");
        fields(a);
        held(a, heldFd);
        cookie(a);
        layouts(a);
        a.label("sent");
        a.add(mov64Imm(R1, 1));
        a.add(atomicAdd64(R9, R1, ANSWERED));
        a.add(mov64Imm(R0, XDP_TX));
        a.add(exit());
        a.label("redirect");
        a.add(ldxMem(BPF_W, R2, R6, (int) xdp_md.rx_queue_index$offset()));
        a.add(ldMapFd(R1, xskMapFd));
        a.add(ldMapFdHigh());
        a.add(mov64Imm(R3, XDP_PASS));
        a.add(call(BPF_FUNC_redirect_map));
        a.add(exit());
        return a.assemble();
    }

    /** r0 = lookup(map, &queue) or redirect when missing. */
    private static void lookup(BpfAsm a, int mapFd) {
        a.add(alu64Reg(BPF_MOV, R2, R10));
        a.add(alu64Imm(BPF_ADD, R2, S_KEY));
        a.add(ldMapFd(R1, mapFd));
        a.add(ldMapFdHigh());
        a.add(call(BPF_FUNC_map_lookup_elem));
        a.jump(jmpImm(BPF_JEQ, R0, 0, 0), "redirect");
    }

    /** Ethernet to our MAC, IPv4 without options or fragments to our address, TCP to our port, a bare SYN. */
    private static void headers(BpfAsm a) {
        loadPacket(a);
        a.add(alu64Reg(BPF_MOV, R1, R8));
        a.add(alu64Imm(BPF_ADD, R1, HEADERS));
        a.jump(jmpReg(BPF_JGT, R1, R7, 0), "redirect");
        equal(a, BPF_W, 0, MAC);
        equal(a, BPF_H, 4, MAC + 4);
        a.add(ldxMem(BPF_H, R1, R8, ETH_TYPE));
        a.jump(jmpImm(BPF_JNE, R1, 0x0008, 0), "redirect");
        a.add(ldxMem(BPF_B, R1, R8, IPH));
        a.jump(jmpImm(BPF_JNE, R1, 0x45, 0), "redirect");
        a.add(ldxMem(BPF_H, R1, R8, IP_FRAG));
        a.add(alu64Imm(BPF_AND, R1, 0xFF3F)); // MF and the offset, in network order
        a.jump(jmpImm(BPF_JNE, R1, 0, 0), "redirect");
        a.add(ldxMem(BPF_B, R1, R8, IP_PROTO));
        a.jump(jmpImm(BPF_JNE, R1, 6, 0), "redirect");
        equal(a, BPF_W, IP_DST, IP);
        equal(a, BPF_H, TCP_DPORT, PORT);
        a.add(ldxMem(BPF_B, R1, R8, TCP_FLAGS));
        a.add(alu64Imm(BPF_AND, R1, FLAGS_FIN_SYN_RST_ACK));
        a.jump(jmpImm(BPF_JNE, R1, SYN, 0), "redirect");
        // the IPv4 header checksum holds
        sumPacket(a, IPH, 20);
        a.add(mov64Imm(R5, 0));
        a.add(call(BPF_FUNC_csum_diff));
        fold(a);
        a.jump(jmpImm(BPF_JNE, R0, 0xFFFF, 0), "redirect");
        // r7 = TCP header length 20..60; no payload; the frame holds the datagram
        a.add(ldxMem(BPF_B, R7, R8, TCP_DOFF));
        a.add(alu64Imm(BPF_RSH, R7, 4));
        a.jump(jmpImm(BPF_JLT, R7, 5, 0), "redirect");
        a.add(alu64Imm(BPF_LSH, R7, 2));
        a.add(ldxMem(BPF_H, R1, R8, IP_TOTLEN));
        a.add(toBe(R1, 16));
        a.add(alu64Reg(BPF_MOV, R2, R7));
        a.add(alu64Imm(BPF_ADD, R2, 20));
        a.jump(jmpReg(BPF_JNE, R1, R2, 0), "redirect");
        a.add(alu64Imm(BPF_ADD, R2, IPH));
        a.add(stxMem(BPF_DW, R10, R2, S_H1)); // the slot is free until the hashes; helper calls clobber r1..r5
        frameLength(a);
        a.add(ldxMem(BPF_DW, R2, R10, S_H1));
        a.jump(jmpReg(BPF_JGT, R2, R0, 0), "redirect");
    }

    /** r0 = the frame's length (bpf_xdp_get_buff_len: subtracting packet pointers would need CAP_PERFMON). */
    private static void frameLength(BpfAsm a) {
        a.add(alu64Reg(BPF_MOV, R1, R6));
        a.add(call(BPF_FUNC_xdp_get_buff_len));
    }

    /** r8 = data, r7 = data_end. */
    private static void loadPacket(BpfAsm a) {
        a.add(ldxMem(BPF_W, R8, R6, (int) xdp_md.data$offset()));
        a.add(ldxMem(BPF_W, R7, R6, (int) xdp_md.data_end$offset()));
    }

    /** Redirect unless the packet's field at {@code at} equals the configuration's at {@code cfg}. */
    private static void equal(BpfAsm a, int size, int at, int cfg) {
        a.add(ldxMem(size, R1, R8, at));
        a.add(ldxMem(size, R2, R9, cfg));
        a.jump(jmpReg(BPF_JNE, R1, R2, 0), "redirect");
    }

    /**
     * The TCP header (r7 bytes) into a zeroed 72-byte stack buffer; its checksum over 60 bytes (the zeros add
     * nothing) with the pseudo-header must hold, or — on a veth only ({@link XdpSynCookies#CSUM_PARTIAL}) — the
     * field must hold the unfinished value a CHECKSUM_PARTIAL sender leaves (the folded pseudo-header sum: a kernel
     * peer), as the engine's ACCEPT_PARTIAL allows.
     */
    private static void tcpHeaderToStack(BpfAsm a) {
        for (int at = BUF; at < 0; at += 8) {
            a.add(stMem(BPF_DW, R10, at, 0));
        }
        a.add(alu64Reg(BPF_MOV, R1, R6));
        a.add(mov64Imm(R2, TCPH));
        a.add(alu64Reg(BPF_MOV, R3, R10));
        a.add(alu64Imm(BPF_ADD, R3, BUF));
        a.add(alu64Reg(BPF_MOV, R4, R7));
        a.add(call(BPF_FUNC_xdp_load_bytes));
        a.jump(jmpImm(BPF_JNE, R0, 0, 0), "redirect");
        pseudoHeader(a, IP_SRC, R8, IP_DST);
        a.add(alu64Reg(BPF_MOV, R1, R7));
        a.add(alu64Imm(BPF_LSH, R1, 8)); // the TCP length as a little-endian load of its network-order bytes
        a.add(alu64Reg(BPF_ADD, R5, R1));
        a.add(stxMem(BPF_DW, R10, R5, S_H0)); // the slot is free until the hashes
        a.add(mov64Imm(R1, 0));
        a.add(mov64Imm(R2, 0));
        a.add(alu64Reg(BPF_MOV, R3, R10));
        a.add(alu64Imm(BPF_ADD, R3, BUF));
        a.add(mov64Imm(R4, 60));
        a.add(call(BPF_FUNC_csum_diff));
        fold(a);
        a.jump(jmpImm(BPF_JEQ, R0, 0xFFFF, 0), "tcpSumOk");
        a.add(ldxMem(BPF_B, R1, R9, CSUM_PARTIAL));
        a.jump(jmpImm(BPF_JEQ, R1, 0, 0), "redirect"); // not a veth: every checksum must verify
        a.add(ldxMem(BPF_DW, R0, R10, S_H0));
        fold(a);
        a.add(ldxMem(BPF_H, R2, R10, BUF + 16));
        a.jump(jmpReg(BPF_JNE, R0, R2, 0), "redirect");
        a.label("tcpSumOk");
    }

    /**
     * r5 = the pseudo-header without its length: both addresses' 16-bit halves (little-endian loads of network
     * order, as bpf_csum_diff sums memory) and the protocol. The source is the packet's at {@code srcAt}; the
     * destination is read from {@code dstBase + dstAt}.
     */
    private static void pseudoHeader(BpfAsm a, int srcAt, int dstBase, int dstAt) {
        a.add(ldxMem(BPF_W, R5, R8, srcAt));
        halves(a);
        a.add(alu64Reg(BPF_MOV, R4, R5));
        a.add(ldxMem(BPF_W, R5, dstBase, dstAt));
        halves(a);
        a.add(alu64Reg(BPF_ADD, R5, R4));
        a.add(alu64Imm(BPF_ADD, R5, 0x0600));
    }

    /** r5 = (r5 &amp; 0xffff) + (r5 &gt;&gt; 16); clobbers r1. */
    private static void halves(BpfAsm a) {
        a.add(alu64Reg(BPF_MOV, R1, R5));
        a.add(alu64Imm(BPF_AND, R1, 0xFFFF));
        a.add(alu64Imm(BPF_RSH, R5, 16));
        a.add(alu64Reg(BPF_ADD, R5, R1));
    }

    /**
     * The option walk, as {@code TcpOptions.parse}: r1 the next option's position, r2 the options' length. Block p
     * runs only when an option starts at p. EOL ends the walk, and so does a malformed option (a length below 2
     * or past the header: what was parsed before it counts, as Linux's tcp_parse_options()); a Fast Open option
     * sends the frame to the engine. A known kind with the wrong length is ignored; the last of a repeated
     * option wins.
     */
    private static void options(BpfAsm a) {
        a.add(stMem(BPF_DW, R10, S_MSS, 0));
        a.add(stMem(BPF_DW, R10, S_WS, -1));
        a.add(stMem(BPF_DW, R10, S_SACK, 0));
        a.add(stMem(BPF_DW, R10, S_TS, 0));
        a.add(stMem(BPF_DW, R10, S_TSVAL, 0));
        a.add(mov64Imm(R1, 0));
        a.add(alu64Reg(BPF_MOV, R2, R7));
        a.add(alu64Imm(BPF_ADD, R2, -20));
        for (int p = 0; p < MAX_OPTIONS; p++) {
            String next = "opt" + (p + 1);
            int at = BUF + 20 + p;
            a.label("opt" + p);
            a.jump(jmpImm(BPF_JNE, R1, p, 0), next);
            a.jump(jmpImm(BPF_JLE, R2, p, 0), "parsed");
            a.add(ldxMem(BPF_B, R3, R10, at));
            a.jump(jmpImm(BPF_JEQ, R3, 0, 0), "parsed");
            a.add(mov64Imm(R1, p + 1));
            a.jump(jmpImm(BPF_JEQ, R3, 1, 0), next);
            a.jump(jmpImm(BPF_JLE, R2, p + 1, 0), "parsed");
            a.add(ldxMem(BPF_B, R4, R10, at + 1));
            a.jump(jmpImm(BPF_JLT, R4, 2, 0), "parsed");
            a.add(alu64Reg(BPF_MOV, R1, R4));
            a.add(alu64Imm(BPF_ADD, R1, p));
            a.jump(jmpReg(BPF_JGT, R1, R2, 0), "parsed");
            a.jump(jmpImm(BPF_JEQ, R3, KIND_FASTOPEN, 0), "redirect");
            a.jump(jmpImm(BPF_JEQ, R3, KIND_FASTOPEN_EXP, 0), "redirect");
            option(a, p, next, 2, 4, at, 2, S_MSS);
            option(a, p, next, 3, 3, at, 1, S_WS);
            option(a, p, next, 4, 2, at, 0, S_SACK);
            option(a, p, next, 8, 10, at, 4, S_TS);
        }
        a.label("opt" + MAX_OPTIONS);
    }

    /**
     * Option {@code kind} of length {@code length} at position p: its value ({@code bytes} bytes at +2, network
     * order, read a byte at a time: the stack allows only aligned loads) into {@code slot}; 0 bytes stores 1 (SACK
     * permitted); timestamps set their flag and keep TSval.
     */
    private static void option(BpfAsm a, int p, String next, int kind, int length, int at, int bytes, int slot) {
        String skip = "opt" + p + "k" + kind;
        a.jump(jmpImm(BPF_JNE, R3, kind, 0), skip);
        a.jump(jmpImm(BPF_JNE, R4, length, 0), next);
        if (bytes == 0 || kind == 8) {
            a.add(stMem(BPF_DW, R10, slot, 1));
        }
        if (bytes > 0) {
            a.add(ldxMem(BPF_B, R0, R10, at + 2));
            for (int i = 1; i < bytes; i++) {
                a.add(alu64Imm(BPF_LSH, R0, 8));
                a.add(ldxMem(BPF_B, R5, R10, at + 2 + i));
                a.add(alu64Reg(BPF_OR, R0, R5));
            }
            a.add(stxMem(BPF_DW, R10, R0, kind == 8 ? S_TSVAL : slot));
        }
        a.jump(insn(BPF_JMP | BPF_JA, 0, 0, 0, 0), next);
        a.label(skip);
    }

    /** The SYN's addresses, ports and ISN in host order, and what the answer needs of it raw. */
    private static void fields(BpfAsm a) {
        hostValue(a, BPF_W, IP_SRC, S_SADDR);
        hostValue(a, BPF_W, IP_DST, S_DADDR);
        hostValue(a, BPF_W, TCP_SEQ, S_SEQ);
        a.add(ldxMem(BPF_H, R1, R8, TCPH));
        a.add(stxMem(BPF_DW, R10, R1, S_SPORT_RAW));
        a.add(toBe(R1, 16));
        a.add(alu64Imm(BPF_LSH, R1, 16));
        a.add(ldxMem(BPF_H, R2, R8, TCP_DPORT));
        a.add(toBe(R2, 16));
        a.add(alu64Reg(BPF_OR, R1, R2));
        a.add(stxMem(BPF_DW, R10, R1, S_PORTS));
        a.add(ldxMem(BPF_W, R1, R8, IP_SRC));
        a.add(stxMem(BPF_DW, R10, R1, S_SADDR_RAW));
        a.add(ldxMem(BPF_W, R1, R8, ETH_SRC));
        a.add(stxMem(BPF_W, R10, R1, S_SRCMAC));
        a.add(ldxMem(BPF_H, R1, R8, ETH_SRC + 4));
        a.add(stxMem(BPF_H, R10, R1, S_SRCMAC + 4));
        ecnSetup(a);
    }

    /**
     * S_ECN = an ECN-setup SYN as tcp_ecn_create_request() sees one: ECE and CWR set, and the IP header not
     * claiming ECT (RFC 3168 §6.1.1: a network playing games with the TOS bits) unless a reserved TCP bit is
     * set (RFC 8311 §4.3). Whether ECN is then used is the engine's table's business (tcp_ecn).
     */
    private static void ecnSetup(BpfAsm a) {
        a.add(stMem(BPF_DW, R10, S_ECN, 0));
        a.add(ldxMem(BPF_B, R1, R8, TCP_FLAGS));
        a.add(alu64Imm(BPF_AND, R1, ECE_CWR));
        a.jump(jmpImm(BPF_JNE, R1, ECE_CWR, 0), "ecnDone");
        a.add(ldxMem(BPF_B, R1, R8, TCP_DOFF));
        a.add(alu64Imm(BPF_AND, R1, 0x0F));
        a.jump(jmpImm(BPF_JNE, R1, 0, 0), "ecnSetup");
        a.add(ldxMem(BPF_B, R1, R8, IP_TOS));
        a.add(alu64Imm(BPF_AND, R1, 3));
        a.jump(jmpImm(BPF_JNE, R1, 0, 0), "ecnDone");
        a.label("ecnSetup");
        a.add(stMem(BPF_DW, R10, S_ECN, 1));
        a.label("ecnDone");
    }

    private static void hostValue(BpfAsm a, int size, int at, int slot) {
        a.add(ldxMem(size, R1, R8, at));
        a.add(toBe(R1, size == BPF_W ? 32 : 16));
        a.add(stxMem(BPF_DW, R10, R1, slot));
    }

    /**
     * Redirect when the engine has no route back to the source (off the subnet, no gateway) or holds a 4-tuple in
     * this SYN's bucket ({@link XdpSynCookies#heldBucket}).
     */
    private static void held(BpfAsm a, int heldFd) {
        martianSource(a);
        a.add(ldxMem(BPF_DW, R1, R10, S_SADDR));
        a.add(ldxMem(BPF_W, R2, R9, NETMASK));
        a.add(alu64Reg(BPF_AND, R1, R2));
        a.add(ldxMem(BPF_W, R2, R9, NET));
        a.jump(jmpReg(BPF_JEQ, R1, R2, 0), "onSubnet");
        a.add(ldxMem(BPF_W, R1, R9, ROUTED));
        a.jump(jmpImm(BPF_JEQ, R1, 0, 0), "redirect");
        a.label("onSubnet");
        lookup(a, heldFd);
        a.add(ldxMem(BPF_DW, R1, R10, S_SADDR));
        a.add(ldxMem(BPF_W, R2, R9, SEED));
        a.add(alu32Reg(BPF_XOR, R1, R2));
        a.add(alu32Imm(BPF_MUL, R1, HELD_MUL_IP));
        a.add(ldxMem(BPF_DW, R2, R10, S_PORTS));
        a.add(alu32Imm(BPF_MUL, R2, HELD_MUL_PORTS));
        a.add(alu32Reg(BPF_XOR, R1, R2));
        a.add(alu32Imm(BPF_RSH, R1, 16));
        a.add(alu64Imm(BPF_LSH, R1, 2));
        a.add(alu64Reg(BPF_ADD, R0, R1));
        a.add(ldxMem(BPF_W, R1, R0, 0));
        a.jump(jmpImm(BPF_JNE, R1, 0, 0), "redirect");
    }

    /**
     * Redirect a martian source (Ipv4Input.martianSource, which drops it): our own address (LAND), multicast, the
     * limited broadcast, 0.0.0.0, loopback, our subnet's broadcast.
     */
    private static void martianSource(BpfAsm a) {
        a.add(ldxMem(BPF_DW, R1, R10, S_SADDR_RAW));
        a.add(ldxMem(BPF_W, R2, R9, IP));
        a.jump(jmpReg(BPF_JEQ, R1, R2, 0), "redirect");
        a.add(ldxMem(BPF_DW, R1, R10, S_SADDR));
        a.jump(jmpImm(BPF_JEQ, R1, 0, 0), "redirect");
        a.add(alu64Reg(BPF_MOV, R2, R1));
        a.add(alu64Imm(BPF_RSH, R2, 24));
        a.jump(jmpImm(BPF_JEQ, R2, 127, 0), "redirect");
        a.add(alu64Imm(BPF_RSH, R2, 4));
        a.jump(jmpImm(BPF_JEQ, R2, 0xE, 0), "redirect");
        a.add(ldxMem(BPF_W, R2, R9, NETMASK));
        a.add(alu32Imm(BPF_XOR, R2, -1));
        a.add(ldxMem(BPF_W, R3, R9, NET));
        a.add(alu32Reg(BPF_OR, R2, R3));
        a.jump(jmpReg(BPF_JEQ, R1, R2, 0), "redirect"); // the subnet's broadcast; with /0 also 255.255.255.255
        a.add(alu32Imm(BPF_XOR, R1, -1));
        a.jump(jmpImm(BPF_JEQ, R1, 0, 0), "redirect"); // 255.255.255.255
    }

    /**
     * SynCookies.cookieV4InitSequence and cookieInitTimestamp with the engine's keys and clock: MSS index,
     * negotiated options, the minute counter, three SipHashes, the ISN and the TSval.
     */
    private static void cookie(BpfAsm a) {
        // MSS: the SYN's, lowered to TCP_MAXSEG's clamp (536 when absent or 0: SynOptions.peerMss); its index
        a.add(ldxMem(BPF_DW, R1, R10, S_MSS));
        a.jump(jmpImm(BPF_JNE, R1, 0, 0), "mssGiven");
        a.add(mov64Imm(R1, TCP_MSS_DEFAULT));
        a.jump(insn(BPF_JMP | BPF_JA, 0, 0, 0, 0), "mssClamped");
        a.label("mssGiven");
        a.add(ldxMem(BPF_H, R2, R9, MSS_CLAMP));
        a.jump(jmpReg(BPF_JLE, R1, R2, 0), "mssClamped");
        a.add(alu64Reg(BPF_MOV, R1, R2));
        a.label("mssClamped");
        a.add(mov64Imm(R3, 0));
        int[] table = XdpSynCookies.MSS_TABLE;
        for (int i = 1; i < table.length; i++) {
            a.jump(jmpImm(BPF_JLT, R1, table[i], 0), "mssIndexed");
            a.add(mov64Imm(R3, i));
        }
        a.label("mssIndexed");
        a.add(stxMem(BPF_DW, R10, R3, S_IDX));
        negotiate(a);
        a.add(call(BPF_FUNC_ktime_get_ns));
        a.add(ldxMem(BPF_DW, R1, R9, CLOCK_OFFSET));
        a.add(alu64Reg(BPF_ADD, R0, R1));
        a.add(stxMem(BPF_DW, R10, R0, S_NOW));
        a.add(ldImm64(R1, MINUTE_NS));
        a.add(alu64Reg(BPF_DIV, R0, R1));
        a.add(stxMem(BPF_DW, R10, R0, S_COUNT));
        // r7 = the key set the engine published last: one for all three hashes of this SYN
        a.add(ldxMem(BPF_W, R1, R9, KEYSET));
        a.add(alu64Reg(BPF_MOV, R7, R9));
        a.jump(jmpImm(BPF_JNE, R1, 0, 0), "keySet1");
        a.add(alu64Imm(BPF_ADD, R7, KEYS_0));
        a.jump(insn(BPF_JMP | BPF_JA, 0, 0, 0, 0), "keySetChosen");
        a.label("keySet1");
        a.add(alu64Imm(BPF_ADD, R7, KEYS_1));
        a.label("keySetChosen");
        // H0 = siphash(k0, saddr, daddr, ports, 0); H1 = siphash(k1, saddr, daddr, ports, count)
        a.add(ldxMem(BPF_DW, R1, R10, S_SADDR));
        a.add(ldxMem(BPF_DW, R2, R10, S_DADDR));
        a.add(alu64Imm(BPF_LSH, R2, 32));
        a.add(alu64Reg(BPF_OR, R1, R2));
        a.add(stxMem(BPF_DW, R10, R1, S_W0));
        a.add(ldxMem(BPF_DW, R1, R10, S_PORTS));
        a.add(stxMem(BPF_DW, R10, R1, S_W1));
        SipHashAsm.hash(a, R7, K00, K01, S_W0, S_W1, 16, S_H0);
        a.add(ldxMem(BPF_DW, R1, R10, S_COUNT));
        a.add(alu64Imm(BPF_LSH, R1, 32));
        a.add(ldxMem(BPF_DW, R2, R10, S_PORTS));
        a.add(alu64Reg(BPF_OR, R1, R2));
        a.add(stxMem(BPF_DW, R10, R1, S_W1));
        SipHashAsm.hash(a, R7, K10, K11, S_W0, S_W1, 16, S_H1);
        // iss = H0 + seq + (count << 24) + ((H1 + index) & 0xffffff), mod 2^32
        a.add(ldxMem(BPF_DW, R1, R10, S_H0));
        a.add(ldxMem(BPF_DW, R2, R10, S_SEQ));
        a.add(alu32Reg(BPF_ADD, R1, R2));
        a.add(ldxMem(BPF_DW, R2, R10, S_COUNT));
        a.add(alu32Imm(BPF_LSH, R2, 24));
        a.add(alu32Reg(BPF_ADD, R1, R2));
        a.add(ldxMem(BPF_DW, R2, R10, S_H1));
        a.add(ldxMem(BPF_DW, R3, R10, S_IDX));
        a.add(alu32Reg(BPF_ADD, R2, R3));
        a.add(alu32Imm(BPF_AND, R2, 0xFFFFFF));
        a.add(alu32Reg(BPF_ADD, R1, R2));
        a.add(stxMem(BPF_DW, R10, R1, S_ISS));
        timestamp(a);
    }

    /**
     * S_ANSWER = the engine's answer for what this SYN offers (XdpSynCookies.ANSWERS, from SynOptions.accepted:
     * the sysctls and the cookie rule live in Java only); S_WS, S_SACK, S_TS then hold only what the answer keeps
     * (window scale capped at 14).
     */
    private static void negotiate(BpfAsm a) {
        a.add(mov64Imm(R1, 0));
        a.add(ldxMem(BPF_DW, R2, R10, S_WS));
        a.jump(jmpImm(BPF_JEQ, R2, -1, 0), "offerNoWs");
        a.add(alu64Imm(BPF_OR, R1, ANSWER_WSCALE));
        a.label("offerNoWs");
        a.add(ldxMem(BPF_DW, R2, R10, S_SACK));
        a.jump(jmpImm(BPF_JEQ, R2, 0, 0), "offerNoSack");
        a.add(alu64Imm(BPF_OR, R1, ANSWER_SACK));
        a.label("offerNoSack");
        a.add(ldxMem(BPF_DW, R2, R10, S_TS));
        a.jump(jmpImm(BPF_JEQ, R2, 0, 0), "offerNoTs");
        a.add(alu64Imm(BPF_OR, R1, ANSWER_TS));
        a.label("offerNoTs");
        a.add(ldxMem(BPF_DW, R2, R10, S_ECN));
        a.jump(jmpImm(BPF_JEQ, R2, 0, 0), "offerNoEcn");
        a.add(alu64Imm(BPF_OR, R1, ANSWER_ECN));
        a.label("offerNoEcn");
        a.add(alu64Imm(BPF_AND, R1, 15));
        a.add(alu64Reg(BPF_ADD, R1, R9));
        a.add(ldxMem(BPF_B, R1, R1, ANSWERS));
        a.add(stxMem(BPF_DW, R10, R1, S_ANSWER));
        keep(a, R1, ANSWER_SACK, S_SACK, 0);
        keep(a, R1, ANSWER_TS, S_TS, 0);
        keep(a, R1, ANSWER_WSCALE, S_WS, -1);
        a.add(ldxMem(BPF_DW, R2, R10, S_WS));
        a.jump(jmpImm(BPF_JLE, R2, TCP_MAX_WSCALE, 0), "wsCapped"); // -1 is unsigned-large: it is no offer then
        a.jump(jmpImm(BPF_JEQ, R2, -1, 0), "wsCapped");
        a.add(stMem(BPF_DW, R10, S_WS, TCP_MAX_WSCALE));
        a.label("wsCapped");
    }

    /** slot = none unless the answer in {@code answer} has {@code bit}. */
    private static void keep(BpfAsm a, int answer, int bit, int slot, int none) {
        String done = "keep" + bit;
        a.add(alu64Reg(BPF_MOV, R2, answer));
        a.add(alu64Imm(BPF_AND, R2, bit));
        a.jump(jmpImm(BPF_JNE, R2, 0, 0), done);
        a.add(stMem(BPF_DW, R10, slot, none));
        a.label(done);
    }

    /**
     * S_TSOUT = cookieInitTimestamp(now in ms, wscale, sack) + the pair's offset (a SipHash of daddr, saddr
     * with the timestamp key, only with {@code TS_OFFSET_ON}: tcp.timestamps=1). Computed for every SYN with
     * timestamps on; used only when the answer carries them.
     */
    private static void timestamp(BpfAsm a) {
        a.add(stMem(BPF_DW, R10, S_TSOFF, 0));
        a.add(ldxMem(BPF_B, R1, R9, TS_OFFSET_ON));
        a.jump(jmpImm(BPF_JEQ, R1, 0, 0), "tsNoOffset");
        a.add(ldxMem(BPF_DW, R1, R10, S_TS));
        a.jump(jmpImm(BPF_JEQ, R1, 0, 0), "tsNoOffset"); // the answer carries no timestamps: no hash
        a.add(ldxMem(BPF_DW, R1, R10, S_DADDR));
        a.add(ldxMem(BPF_DW, R2, R10, S_SADDR));
        a.add(alu64Imm(BPF_LSH, R2, 32));
        a.add(alu64Reg(BPF_OR, R1, R2));
        a.add(stxMem(BPF_DW, R10, R1, S_W0));
        SipHashAsm.hash(a, R7, TS_K0, TS_K1, S_W0, 0, 8, S_TSOFF);
        a.label("tsNoOffset");
        a.add(ldxMem(BPF_DW, R3, R10, S_WS));
        a.jump(jmpImm(BPF_JNE, R3, -1, 0), "tsWs");
        a.add(mov64Imm(R3, 0xF));
        a.label("tsWs");
        a.add(ldxMem(BPF_DW, R2, R10, S_SACK));
        a.jump(jmpImm(BPF_JEQ, R2, 0, 0), "tsSack");
        a.add(alu64Imm(BPF_OR, R3, 1 << 4));
        a.label("tsSack");
        a.add(ldxMem(BPF_DW, R2, R10, S_ANSWER));
        a.add(alu64Imm(BPF_AND, R2, ANSWER_ECN));
        a.jump(jmpImm(BPF_JEQ, R2, 0, 0), "tsEcn");
        a.add(alu64Imm(BPF_OR, R3, 1 << 5));
        a.label("tsEcn");
        a.add(ldxMem(BPF_DW, R1, R10, S_NOW));
        a.add(alu64Imm(BPF_DIV, R1, MS));
        a.add(alu64Reg(BPF_MOV, R2, R1));
        a.add(alu64Imm(BPF_RSH, R2, 6));
        a.add(alu64Imm(BPF_LSH, R2, 6));
        a.add(alu64Reg(BPF_OR, R2, R3));
        a.jump(jmpReg(BPF_JLE, R2, R1, 0), "tsPast");
        a.add(alu64Imm(BPF_ADD, R2, -64));
        a.label("tsPast");
        a.add(ldxMem(BPF_DW, R1, R10, S_TSOFF));
        a.add(alu32Reg(BPF_ADD, R2, R1));
        a.add(stxMem(BPF_DW, R10, R2, S_TSOUT));
    }

    /** Jumps to the block of the answer's option layout: timestamps 4, SACK 2, window scale 1. */
    private static void layouts(BpfAsm a) {
        a.add(mov64Imm(R1, 0));
        a.add(ldxMem(BPF_DW, R2, R10, S_TS));
        a.jump(jmpImm(BPF_JEQ, R2, 0, 0), "noTs");
        a.add(alu64Imm(BPF_OR, R1, 4));
        a.label("noTs");
        a.add(ldxMem(BPF_DW, R2, R10, S_SACK));
        a.jump(jmpImm(BPF_JEQ, R2, 0, 0), "noSack");
        a.add(alu64Imm(BPF_OR, R1, 2));
        a.label("noSack");
        a.add(ldxMem(BPF_DW, R2, R10, S_WS));
        a.jump(jmpImm(BPF_JEQ, R2, -1, 0), "noWs");
        a.add(alu64Imm(BPF_OR, R1, 1));
        a.label("noWs");
        for (int v = 0; v < 8; v++) {
            a.jump(jmpImm(BPF_JEQ, R1, v, 0), "layout" + v);
        }
        a.jump(insn(BPF_JMP | BPF_JA, 0, 0, 0, 0), "redirect");
        for (int v = 0; v < 8; v++) {
            a.label("layout" + v);
            answer(a, (v & 4) != 0, (v & 2) != 0, (v & 1) != 0);
            a.jump(insn(BPF_JMP | BPF_JA, 0, 0, 0, 0), "sent");
        }
    }

    /**
     * Resizes the frame and writes the SYN-ACK as TcpOutput would: our MAC to the SYN's source MAC, IPv4 id 0 with
     * DF and TTL 64, ports swapped, ISN the cookie, ack = SYN + 1, the listener's window, and the options in
     * Linux's order {@code <mss, sackOK | nop nop, TS, nop, wscale>} / {@code <mss, nop nop sackOK, nop, wscale>}.
     */
    private static void answer(BpfAsm a, boolean ts, boolean sack, boolean ws) {
        int optLength = 4 + (ts ? 12 : sack ? 4 : 0) + (ws ? 4 : 0);
        int tcpLength = 20 + optLength;
        int frame = HEADERS + optLength;
        frameLength(a);
        a.add(mov64Imm(R2, frame));
        a.add(alu64Reg(BPF_SUB, R2, R0));
        a.add(alu64Reg(BPF_MOV, R1, R6));
        a.add(call(BPF_FUNC_xdp_adjust_tail));
        a.jump(jmpImm(BPF_JNE, R0, 0, 0), "redirect"); // refused: the frame is unchanged
        loadPacket(a);
        a.add(alu64Reg(BPF_MOV, R1, R8));
        a.add(alu64Imm(BPF_ADD, R1, frame));
        a.jump(jmpReg(BPF_JGT, R1, R7, 0), "redirect");
        copy(a, BPF_W, R10, S_SRCMAC, 0);
        copy(a, BPF_H, R10, S_SRCMAC + 4, 4);
        copy(a, BPF_W, R9, MAC, ETH_SRC);
        copy(a, BPF_H, R9, MAC + 4, ETH_SRC + 4);
        a.add(stMem(BPF_H, R8, ETH_TYPE, 0x0008));
        a.add(stMem(BPF_H, R8, IPH, 0x0045));
        a.add(stMem(BPF_H, R8, IP_TOTLEN, Short.reverseBytes((short) (20 + tcpLength)) & 0xFFFF));
        a.add(stMem(BPF_H, R8, IP_ID, 0));
        a.add(stMem(BPF_H, R8, IP_FRAG, 0x0040)); // DF
        a.add(stMem(BPF_H, R8, IP_TTL, 0x0640)); // TTL 64, protocol 6
        a.add(stMem(BPF_H, R8, IP_CHECK, 0));
        copy(a, BPF_W, R9, IP, IP_SRC);
        copy(a, BPF_W, R10, S_SADDR_RAW, IP_DST);
        copy(a, BPF_H, R9, PORT, TCPH);
        copy(a, BPF_H, R10, S_SPORT_RAW, TCP_DPORT);
        a.add(ldxMem(BPF_DW, R1, R10, S_ISS));
        a.add(toBe(R1, 32));
        a.add(stxMem(BPF_W, R8, R1, TCP_SEQ));
        a.add(ldxMem(BPF_DW, R1, R10, S_SEQ));
        a.add(alu32Imm(BPF_ADD, R1, 1));
        a.add(toBe(R1, 32));
        a.add(stxMem(BPF_W, R8, R1, TCP_ACK));
        a.add(stMem(BPF_B, R8, TCP_DOFF, (tcpLength / 4) << 4));
        a.add(stMem(BPF_B, R8, TCP_FLAGS, SYN_ACK));
        a.add(ldxMem(BPF_DW, R1, R10, S_ANSWER));
        a.add(alu64Imm(BPF_AND, R1, ANSWER_ECN));
        String noEce = "noEce" + (ts ? 4 : 0) + (sack ? 2 : 0) + (ws ? 1 : 0);
        a.jump(jmpImm(BPF_JEQ, R1, 0, 0), noEce);
        a.add(stMem(BPF_B, R8, TCP_FLAGS, SYN_ACK | ECE)); // tcp_ecn_send_synack(): an ECN-setup SYN-ACK
        a.label(noEce);
        a.add(ldxMem(BPF_H, R1, R9, ts ? WINDOW_TS : WINDOW));
        a.add(toBe(R1, 16));
        a.add(stxMem(BPF_H, R8, R1, TCP_WINDOW));
        a.add(stMem(BPF_H, R8, TCP_CHECK, 0));
        a.add(stMem(BPF_H, R8, TCP_URG, 0));
        writeOptions(a, ts, sack, ws);
        sumPacket(a, IPH, 20);
        a.add(mov64Imm(R5, 0));
        a.add(call(BPF_FUNC_csum_diff));
        fold(a);
        a.add(alu64Imm(BPF_XOR, R0, 0xFFFF));
        a.add(stxMem(BPF_H, R8, R0, IP_CHECK));
        pseudoHeader(a, IP_SRC, R8, IP_DST);
        a.add(alu64Imm(BPF_ADD, R5, tcpLength << 8));
        a.add(mov64Imm(R1, 0));
        a.add(mov64Imm(R2, 0));
        a.add(alu64Reg(BPF_MOV, R3, R8));
        a.add(alu64Imm(BPF_ADD, R3, TCPH));
        a.add(mov64Imm(R4, tcpLength));
        a.add(call(BPF_FUNC_csum_diff));
        fold(a);
        a.add(alu64Imm(BPF_XOR, R0, 0xFFFF));
        a.add(stxMem(BPF_H, R8, R0, TCP_CHECK));
    }

    private static void writeOptions(BpfAsm a, boolean ts, boolean sack, boolean ws) {
        int at = OPTS;
        a.add(stMem(BPF_B, R8, at, 2));
        a.add(stMem(BPF_B, R8, at + 1, 4));
        a.add(ldxMem(BPF_H, R1, R9, MSS));
        a.add(toBe(R1, 16));
        a.add(stxMem(BPF_H, R8, R1, at + 2));
        at += 4;
        if (ts) {
            a.add(stMem(BPF_B, R8, at, sack ? 4 : 1));
            a.add(stMem(BPF_B, R8, at + 1, sack ? 2 : 1));
            a.add(stMem(BPF_B, R8, at + 2, 8));
            a.add(stMem(BPF_B, R8, at + 3, 10));
            a.add(ldxMem(BPF_DW, R1, R10, S_TSOUT));
            a.add(toBe(R1, 32));
            a.add(stxMem(BPF_W, R8, R1, at + 4));
            a.add(ldxMem(BPF_DW, R1, R10, S_TSVAL));
            a.add(toBe(R1, 32));
            a.add(stxMem(BPF_W, R8, R1, at + 8));
            at += 12;
        } else if (sack) {
            a.add(stMem(BPF_W, R8, at, 0x0204_0101));
            at += 4;
        }
        if (ws) {
            a.add(stMem(BPF_B, R8, at, 1));
            a.add(stMem(BPF_B, R8, at + 1, 3));
            a.add(stMem(BPF_B, R8, at + 2, 3));
            a.add(ldxMem(BPF_B, R1, R9, WSCALE));
            a.add(stxMem(BPF_B, R8, R1, at + 3));
        }
    }

    /** frame[to] = base[from], {@code size} bytes. */
    private static void copy(BpfAsm a, int size, int base, int from, int to) {
        a.add(ldxMem(size, R1, base, from));
        a.add(stxMem(size, R8, R1, to));
    }

    /** Arguments r1..r4 of bpf_csum_diff(NULL, 0, data + at, length, r5). */
    private static void sumPacket(BpfAsm a, int at, int length) {
        a.add(mov64Imm(R1, 0));
        a.add(mov64Imm(R2, 0));
        a.add(alu64Reg(BPF_MOV, R3, R8));
        a.add(alu64Imm(BPF_ADD, R3, at));
        a.add(mov64Imm(R4, length));
    }

    /** Folds the sum in r0 to 16 bits (not complemented); clobbers r1. */
    private static void fold(BpfAsm a) {
        for (int i = 0; i < 3; i++) {
            a.add(alu64Reg(BPF_MOV, R1, R0));
            a.add(alu64Imm(BPF_AND, R1, 0xFFFF));
            a.add(alu64Imm(BPF_RSH, R0, 16));
            a.add(alu64Reg(BPF_ADD, R0, R1));
        }
    }
}
