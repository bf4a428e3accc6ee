package dev.fastpath.bench.e2e;

/**
 * One second of the soak.
 *
 * @param second       seconds since the flood and the clients started
 * @param rssKb        the balancer's resident set (VmRSS), KiB
 * @param sockets      its worker's sockets in use (the table occupancy)
 * @param timeWait     TIME_WAIT records
 * @param timers       timers pending in the wheel
 * @param open         connections the application holds open
 * @param cookiesSent  SYN cookies sent so far (the flood being answered)
 * @param uptimeS      the balancer's JVM uptime at this sample, to place its GC log's events
 * @param heapMiB      heap in use after the last collection so far (-Xlog:gc), -1 before the first
 * @param youngGcs     young collections so far
 * @param fullGcs      full collections so far
 * @param legitOk      legitimate requests started in this second that got their answer
 * @param legitFail    those that did not
 * @param legitReasons why not, distinct names
 */
record SoakSample(int second, long rssKb, long sockets, long timeWait, long timers, long open, long cookiesSent,
        double uptimeS, double heapMiB, long youngGcs, long fullGcs, long legitOk, long legitFail,
        String legitReasons) {

    SoakSample withLegit(long ok, long fail, String reasons) {
        return new SoakSample(second, rssKb, sockets, timeWait, timers, open, cookiesSent, uptimeS, heapMiB,
                youngGcs, fullGcs, ok, fail, reasons);
    }

    SoakSample withGc(double heapAfterMiB, long young, long full) {
        return new SoakSample(second, rssKb, sockets, timeWait, timers, open, cookiesSent, uptimeS, heapAfterMiB,
                young, full, legitOk, legitFail, legitReasons);
    }

    static String csvHeader() {
        return "second,rss_kib,sockets,time_wait,timers,open,cookies_sent,jvm_uptime_s,heap_after_gc_mib,young_gcs,"
                + "full_gcs,legit_ok,legit_fail,legit_reasons";
    }

    String csv() {
        return String.format(java.util.Locale.ROOT, "%d,%d,%d,%d,%d,%d,%d,%.1f,%.1f,%d,%d,%d,%d,%s", second, rssKb,
                sockets, timeWait, timers, open, cookiesSent, uptimeS, heapMiB, youngGcs, fullGcs, legitOk, legitFail,
                legitReasons.replace(',', ';'));
    }
}
