/**
 * Linux's user-space ABI values as the stack reports them: errno numbers and texts, socket and TCP option
 * names, {@code struct tcp_info}. Shared by the engine ({@code tcp}) and its BSD facade ({@code api}), so neither
 * depends on the other for them; nothing here depends on anything else of the stack.
 */
package dev.fastpath.uapi;
