package io.wasmchord.generate;

import java.util.List;

/**
 * Holds back generated text that might be the start of a stop string, so a stop string never
 * reaches the caller, even when it arrives split over several tokens.
 */
final class StopStrings {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    StopStrings(List<String> stops) {
        this.stops = stops;
    }

    /** Adds text; returns what can be released now. After a stop string, {@link #stopped()} is true. */
    String accept(String text) {
        if (stops.isEmpty()) {
            return text;
        }
        pending.append(text);
        int cut = -1;
        for (String s : stops) {
            int at = s.isEmpty() ? -1 : pending.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut >= 0) {
            stopped = true;
            String out = pending.substring(0, cut);
            pending.setLength(0);
            return out;
        }
        int keep = 0;
        for (String s : stops) {
            keep = Math.max(keep, partialSuffix(s));
        }
        String out = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return out;
    }

    /** Text held back when generation ends for another reason: it is not a stop string after all. */
    String flush() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    boolean stopped() {
        return stopped;
    }

    /** The longest tail of the pending text that is a proper prefix of {@code stop}. */
    private int partialSuffix(String stop) {
        int max = Math.min(stop.length() - 1, pending.length());
        for (int n = max; n > 0; n--) {
            int from = pending.length() - n;
            int i = 0;
            while (i < n && pending.charAt(from + i) == stop.charAt(i)) {
                i++;
            }
            if (i == n) {
                return n;
            }
        }
        return 0;
    }
}
