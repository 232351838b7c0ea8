package io.wasmchord.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr (only when stderr is a terminal): percentage, throughput, time
 * left and what is being worked on. Thread-safe; redraws at most ten times a second.
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintStream err = System.err;
    private final boolean enabled;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long done;
    private long lastDrawNanos;
    private String label = "";

    ProgressBar(long total, boolean wanted) {
        this.total = Math.max(1, total);
        this.enabled = wanted && System.console() != null && System.console().isTerminal();
    }

    synchronized void label(String text) {
        label = text;
        draw(false);
    }

    synchronized void advance(long amount) {
        done += amount;
        draw(false);
    }

    /** Draws the final state and ends the line. */
    synchronized void finish() {
        if (enabled) {
            draw(true);
            err.println();
        }
    }

    private void draw(boolean force) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastDrawNanos < 100_000_000L) {
            return;
        }
        lastDrawNanos = now;
        double fraction = Math.min(1.0, (double) done / total);
        int filled = (int) (fraction * WIDTH);
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds / (1 << 20) : 0;
        String eta = fraction > 0 && fraction < 1 ? String.format(" %4.0fs left", seconds / fraction - seconds) : "";
        String name = label.length() > 32 ? "..." + label.substring(label.length() - 29) : label;
        err.print(String.format("\r[%s%s] %5.1f%% %7.1f MiB/s%s  %-32s", "#".repeat(filled), " ".repeat(WIDTH - filled),
                fraction * 100, rate, eta, name));
        err.flush();
    }
}
