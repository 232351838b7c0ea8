package io.wasmchord.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory (Linux /proc), to show that weights are used in place: RSS should
 * stay near the model file (its pages, mapped) plus the KV cache plus a small overhead.
 */
final class MemoryReport {
    private MemoryReport() {
    }

    /** Resident set size in bytes, or -1 where /proc is not available. */
    static long rss() {
        return status("VmRSS:");
    }

    /** A memory line of /proc/self/status in bytes ("VmRSS:", "RssAnon:", "RssFile:"), or -1. */
    static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return kibibytes(line) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The number in a line such as "VmRSS:   123456 kB" (a loop, not a regex: this runs on the startup path). */
    private static long kibibytes(String line) {
        long n = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c >= '0' && c <= '9') {
                n = n * 10 + (c - '0');
            }
        }
        return n;
    }

    /** "RSS 1100 MiB = file 1024 MiB + KV cache 44 MiB + 32 MiB other", or null without /proc. */
    static String describe(long fileBytes, long kvBytes) {
        long rss = rss();
        if (rss < 0) {
            return null;
        }
        long other = rss - fileBytes - kvBytes;
        return "RSS " + mib(rss) + " MiB = model file " + mib(fileBytes) + " MiB + KV cache " + mib(kvBytes)
                + " MiB " + (other >= 0 ? "+ " : "- ") + mib(Math.abs(other)) + " MiB other (resident: "
                + mib(status("RssFile:")) + " MiB file-backed, " + mib(status("RssAnon:")) + " MiB anonymous)";
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 19)) >> 20;
    }
}
