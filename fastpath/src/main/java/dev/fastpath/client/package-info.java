/**
 * {@code fastpath connect}: the stack as a client of a real server (the Linux kernel in the lab), with
 * byte-exact checks and every teardown variant.
 */
package dev.fastpath.client;
