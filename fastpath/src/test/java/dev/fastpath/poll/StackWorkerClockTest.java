package dev.fastpath.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.apps.App;
import dev.fastpath.config.Config;
import dev.fastpath.iface.InterfaceConfig;
import dev.fastpath.iface.IpCidr;
import dev.fastpath.io.PacketIo;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.wire.ChecksumPolicy;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The worker's duty cycle hands each stage the clock as it is when that stage starts, once the stage before it did
 * work: a receive that took milliseconds (a cold path, a burst) must not leave the application and the timers
 * arming from a time stamp older than the frames they send (a loss probe armed so fires before any answer).
 */
class StackWorkerClockTest {
    private static final long SLOW_RX_NS = 5_000_000;
    private final VirtualClock clock = new VirtualClock(1_000_000_000_000L);
    private final InMemoryLink link = new InMemoryLink(clock, 1);
    private final List<Long> appNows = new ArrayList<>();

    @Test
    @DisplayName("after a receive stage that took 5 ms, the application sees the clock 5 ms later, not the stale one")
    void appStageSeesTheClockAfterASlowReceive() {
        Config config = Config.defaults().withOverrides(List.of("stack.max_connections=16"));
        StackWorker worker = StackWorker.single(new StackWorker.Spec(0, config, List.of(), 80, -1, null, 0,
                System.out, 5), InterfaceConfig.of("a", new SlowIo(link.a()), 0x0200C6120001L,
                IpCidr.v4(0xC6120001, 24), ChecksumPolicy.STRICT), new RecordingApp(), clock::nowNs);
        worker.onStart();
        long before = clock.nowNs();
        worker.doWork(); // nothing received: the app runs on the cycle's own time stamp
        assertEquals(List.of(before), appNows);
        link.b().inject(new byte[60]); // any frame: the stage did work (the parser drops it, counted)
        worker.doWork();
        assertEquals(2, appNows.size());
        assertTrue(appNows.get(1) >= before + SLOW_RX_NS, "stale clock handed to the application: " + appNows);
    }

    /** A ring whose receive takes 5 ms of (virtual) time whenever it hands over frames. */
    private final class SlowIo implements PacketIo {
        private final PacketIo io;

        SlowIo(PacketIo io) {
            this.io = io;
        }

        @Override
        public int receive(RxHandler handler, int limit) {
            int n = io.receive(handler, limit);
            if (n > 0) {
                clock.advance(SLOW_RX_NS);
            }
            return n;
        }

        @Override
        public MemorySegment txBuffer() {
            return io.txBuffer();
        }

        @Override
        public long txClaim() {
            return io.txClaim();
        }

        @Override
        public int txFrameCapacity() {
            return io.txFrameCapacity();
        }

        @Override
        public void txCommit(long offset, int length) {
            io.txCommit(offset, length);
        }

        @Override
        public void txAbort(long offset) {
            io.txAbort(offset);
        }

        @Override
        public int flush() {
            return io.flush();
        }

        @Override
        public void close() {
            io.close();
        }
    }

    private final class RecordingApp implements App {
        @Override
        public int start(TcpEngine engine, int port, long nowNs) {
            return 0;
        }

        @Override
        public int doWork(long nowNs) {
            appNows.add(nowNs);
            return 0;
        }

        @Override
        public int openConnections() {
            return 0;
        }

        @Override
        public void stop(long nowNs) {
        }
    }
}
