/** SYN cookies, ISNs and the keyed hashes behind them (Linux syncookies.c, secure_seq.c). */
package dev.fastpath.tcp.cookie;
