package dev.fastpath.tcp;

/**
 * What one cell of the simulation measured.
 *
 * @param cell         the cell
 * @param goodputBps   bytes the server read / virtual seconds from connect() to the last byte read
 * @param retransSegs  TcpRetransSegs, client and server together
 * @param fastRetrans  TcpExtTCPFastRetrans, client and server together (for the reader, not compared)
 * @param timeouts     TcpExtTCPTimeouts, client and server together (for the reader, not compared)
 * @param transferNs   virtual time from connect() to the last byte read
 * @param closedNs     virtual time from connect() until both sockets were closed and freed
 * @param steps        simulation steps taken (a step runs both engines once)
 * @param realMs       real time the cell took
 */
record NetsimResult(NetsimCell cell, long goodputBps, long retransSegs, long fastRetrans, long timeouts,
        long transferNs, long closedNs, long steps, long realMs) {
}
