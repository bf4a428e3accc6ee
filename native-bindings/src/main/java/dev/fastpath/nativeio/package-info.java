/**
 * Hand-written FFM bindings to the Linux ABI that Fastpath's fast path needs (AF_PACKET rings, AF_XDP, BPF),
 * kept in the shape jextract generates so {@code jextract/regenerate} can be diffed against them.
 *
 * <ul>
 *   <li>Struct classes are named as in C ({@code sockaddr_xdp}, {@code tpacket3_hdr}, ...): {@code LAYOUT},
 *       {@code sizeof()}, {@code allocate()}, and per member a getter, a setter and {@code name$offset()}.
 *       {@code union bpf_attr} is split into one class per command, each sized as the whole union.</li>
 *   <li>Header classes ({@code socket_h}, {@code if_xdp_h}, {@code mman_h}, {@code bpf_h}, {@code net_h},
 *       {@code unistd_h}) hold constants, macros re-implemented in Java, and the functions.</li>
 *   <li>Functions return the C result, or {@code -errno} on failure; errno is captured per thread by
 *       {@link dev.fastpath.nativeio.Errno}. Control-plane callers wrap results in
 *       {@link dev.fastpath.nativeio.Errors#check(String, int)}, which throws
 *       {@link dev.fastpath.nativeio.NativeException}.</li>
 *   <li>Every layout and constant is verified against the system headers by {@code LayoutProbeTest}.</li>
 * </ul>
 */
package dev.fastpath.nativeio;
