package io.wasmchord.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Command-line arguments consumed by name: each command takes the options it knows, then
 * {@link #finish()} rejects anything left that looks like an option.
 */
final class Args {
    private final List<String> rest;

    Args(List<String> args) {
        this.rest = new ArrayList<>(args);
    }

    boolean wantsHelp() {
        return rest.contains("--help") || rest.contains("-h");
    }

    /** Removes a flag; true if it was there. */
    boolean flag(String... names) {
        boolean found = false;
        for (String n : names) {
            while (rest.remove(n)) {
                found = true;
            }
        }
        return found;
    }

    /** Removes an option and its value; null if absent. The last occurrence wins. */
    String option(String... names) {
        String value = null;
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            for (String n : names) {
                if (a.equals(n)) {
                    if (i + 1 >= rest.size()) {
                        throw new UsageException("option " + n + " needs a value");
                    }
                    value = rest.get(i + 1);
                    rest.remove(i + 1);
                    rest.remove(i);
                    i--;
                } else if (a.startsWith(n + "=") && n.startsWith("--")) {
                    value = a.substring(n.length() + 1);
                    rest.remove(i);
                    i--;
                }
            }
        }
        return value;
    }

    /** Removes every occurrence of an option and returns their values in order (for repeatable options). */
    List<String> options(String... names) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            for (String n : names) {
                if (rest.get(i).equals(n)) {
                    if (i + 1 >= rest.size()) {
                        throw new UsageException("option " + n + " needs a value");
                    }
                    values.add(rest.remove(i + 1));
                    rest.remove(i);
                    i--;
                    break;
                }
            }
        }
        return values;
    }

    /** Like {@link #option(String...)}, with a value for when the option is absent. */
    String optionOr(String fallback, String... names) {
        String v = option(names);
        return v == null ? fallback : v;
    }

    String required(String what, String... names) {
        String v = option(names);
        if (v == null) {
            throw new UsageException("missing " + names[0] + " " + what);
        }
        return v;
    }

    int intOption(int fallback, String... names) {
        String v = option(names);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException(names[0] + " expects a whole number, got \"" + v + "\"");
        }
    }

    long longOption(long fallback, String... names) {
        String v = option(names);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(names[0] + " expects a whole number, got \"" + v + "\"");
        }
    }

    float floatOption(float fallback, String... names) {
        String v = option(names);
        if (v == null) {
            return fallback;
        }
        try {
            return Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new UsageException(names[0] + " expects a number, got \"" + v + "\"");
        }
    }

    /** The remaining arguments, after rejecting unknown options (a lone "-" and negative numbers pass). */
    List<String> finish() {
        for (String a : rest) {
            if (a.startsWith("-") && a.length() > 1 && !Character.isDigit(a.charAt(1))) {
                throw new UsageException("unknown option " + a);
            }
        }
        return rest;
    }

    /** A command-line mistake: reported with the command's usage, exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
