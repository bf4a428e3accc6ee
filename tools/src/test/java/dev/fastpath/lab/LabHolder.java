package dev.fastpath.lab;

/** A JVM that brings a lab up, says its name and waits to be stopped (for {@link LabTest}). */
public final class LabHolder {

    private LabHolder() {
    }

    /**
     * @param args unused
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        Lab lab = Lab.up();
        System.out.println("UP " + lab.name());
        System.out.flush();
        Thread.sleep(60_000); // bounded: stopped by the test long before
    }
}
