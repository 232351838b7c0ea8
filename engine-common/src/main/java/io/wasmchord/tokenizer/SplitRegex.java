package io.wasmchord.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A small backtracking regular-expression matcher over arrays of code points, with the ECMAScript
 * semantics of the C++ std::regex that llama.cpp uses for its pre-tokenizer expressions: ordered
 * alternation, greedy or lazy quantifiers, groups, lookahead, anchors and character classes with
 * {@code \s \S \d \D \w \W}. Unicode categories are not known here: llama.cpp rewrites {@code \p{L}} and
 * friends to stand-in code points first (see {@link RegexSplitRule}), and so do we.
 *
 * <p>java.util.regex would do on the JVM, but TeaVM's copy is not trusted with supplementary code points;
 * this one is small, bounded, and behaves the same everywhere.
 */
final class SplitRegex {
    private final Node root;
    private final String pattern;

    private SplitRegex(String pattern, Node root) {
        this.pattern = pattern;
        this.root = root;
    }

    static SplitRegex compile(String pattern) {
        Parser p = new Parser(pattern);
        Node root = p.alternation();
        if (p.pos != p.cps.length) {
            throw p.error("unexpected ')'");
        }
        return new SplitRegex(pattern, root);
    }

    String pattern() {
        return pattern;
    }

    /**
     * Splits {@code units[from, to)} the way llama.cpp's unicode_regex_split_stl does: every match and
     * every stretch between matches becomes a piece; appends the piece lengths to {@code out}.
     */
    void split(int[] units, int from, int to, IntList out) {
        Matcher m = new Matcher(units, from, to);
        int pieceStart = from;
        int searchFrom = from;
        boolean lastWasEmpty = false;
        while (searchFrom <= to) {
            long found = -1;
            if (lastWasEmpty) {
                // As std::regex_iterator does after an empty match: first a non-empty match right here.
                int end = m.matchAt(searchFrom, true);
                if (end >= 0) {
                    found = ((long) searchFrom << 32) | end;
                } else if (searchFrom < to) {
                    found = m.find(searchFrom + 1);
                }
            } else {
                found = m.find(searchFrom);
            }
            if (found < 0) {
                break;
            }
            int start = (int) (found >>> 32);
            int end = (int) found;
            if (start > pieceStart) {
                out.add(start - pieceStart);
            }
            out.add(end - start);
            pieceStart = end;
            searchFrom = end;
            lastWasEmpty = end == start;
        }
        if (pieceStart < to) {
            out.add(to - pieceStart);
        }
    }

    private final class Matcher {
        final int[] units;
        final int from;
        final int to;

        Matcher(int[] units, int from, int to) {
            this.units = units;
            this.from = from;
            this.to = to;
        }

        /** The leftmost match starting at or after {@code start}: (start << 32 | end), or -1. */
        long find(int start) {
            for (int s = start; s <= to; s++) {
                int end = matchAt(s, false);
                if (end >= 0) {
                    return ((long) s << 32) | end;
                }
            }
            return -1;
        }

        int matchAt(int start, boolean nonEmpty) {
            int[] end = {-1};
            boolean ok = root.match(this, start, p -> {
                if (nonEmpty && p == start) {
                    return false;
                }
                end[0] = p;
                return true;
            });
            return ok ? end[0] : -1;
        }
    }

    private interface Cont {
        boolean run(int pos);
    }

    private abstract static class Node {
        abstract boolean match(Matcher m, int pos, Cont k);

        /** True when the node always consumes exactly one unit, tested by {@link #test}. */
        boolean single() {
            return false;
        }

        boolean test(int unit) {
            throw new UnsupportedOperationException();
        }
    }

    /** One unit from a set: ranges, class escapes, or a negation of them. */
    private static final class CharSet extends Node {
        final List<int[]> ranges = new ArrayList<>();
        final List<CharSet> nested = new ArrayList<>();
        boolean negated;
        /** The ranges sorted and merged, for binary search; built by {@link #freeze} once parsed. */
        private int[] los;
        private int[] his;

        static CharSet of(int lo, int hi) {
            CharSet s = new CharSet();
            s.ranges.add(new int[] {lo, hi});
            return s.freeze();
        }

        @Override
        boolean single() {
            return true;
        }

        @Override
        boolean test(int u) {
            boolean in = inRanges(u);
            if (!in) {
                for (CharSet s : nested) {
                    if (s.test(u)) {
                        in = true;
                        break;
                    }
                }
            }
            return in != negated;
        }

        private boolean inRanges(int u) {
            int lo = 0;
            int hi = los.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (u < los[mid]) {
                    hi = mid - 1;
                } else if (u > his[mid]) {
                    lo = mid + 1;
                } else {
                    return true;
                }
            }
            return false;
        }

        CharSet freeze() {
            List<int[]> sorted = new ArrayList<>(ranges);
            sorted.sort((a, b) -> Integer.compare(a[0], b[0]));
            List<int[]> merged = new ArrayList<>();
            for (int[] r : sorted) {
                int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
                if (last != null && r[0] <= last[1] + 1) {
                    last[1] = Math.max(last[1], r[1]);
                } else {
                    merged.add(new int[] {r[0], r[1]});
                }
            }
            int[] l = new int[merged.size()];
            int[] h = new int[merged.size()];
            for (int i = 0; i < l.length; i++) {
                l[i] = merged.get(i)[0];
                h[i] = merged.get(i)[1];
            }
            his = h;
            los = l;
            return this;
        }

        @Override
        boolean match(Matcher m, int pos, Cont k) {
            return pos < m.to && test(m.units[pos]) && k.run(pos + 1);
        }
    }

    /** A unit that passes a lookahead test and then a set, e.g. {@code (?=[\p{L}])[^a-z]}. */
    private static final class GuardedChar extends Node {
        final Node guard;
        final boolean guardNegated;
        final Node set;

        GuardedChar(Node guard, boolean guardNegated, Node set) {
            this.guard = guard;
            this.guardNegated = guardNegated;
            this.set = set;
        }

        @Override
        boolean single() {
            return true;
        }

        @Override
        boolean test(int u) {
            return guard.test(u) != guardNegated && set.test(u);
        }

        @Override
        boolean match(Matcher m, int pos, Cont k) {
            return pos < m.to && test(m.units[pos]) && k.run(pos + 1);
        }
    }

    private static final class Sequence extends Node {
        final Node[] items;

        Sequence(Node[] items) {
            this.items = items;
        }

        @Override
        boolean match(Matcher m, int pos, Cont k) {
            return matchFrom(0, m, pos, k);
        }

        private boolean matchFrom(int i, Matcher m, int pos, Cont k) {
            if (i == items.length) {
                return k.run(pos);
            }
            return items[i].match(m, pos, p -> matchFrom(i + 1, m, p, k));
        }
    }

    private static final class Alternation extends Node {
        final Node[] choices;

        Alternation(Node[] choices) {
            this.choices = choices;
        }

        @Override
        boolean match(Matcher m, int pos, Cont k) {
            for (Node c : choices) {
                if (c.match(m, pos, k)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class Repeat extends Node {
        final Node body;
        final int min;
        final int max;
        final boolean greedy;

        Repeat(Node body, int min, int max, boolean greedy) {
            this.body = body;
            this.min = min;
            this.max = max;
            this.greedy = greedy;
        }

        @Override
        boolean match(Matcher m, int pos, Cont k) {
            if (body.single()) {
                return matchSingles(m, pos, k);
            }
            return matchIteration(m, pos, 0, k);
        }

        /** Loops of one-unit bodies iterate instead of recursing, so long words cannot exhaust the stack. */
        private boolean matchSingles(Matcher m, int pos, Cont k) {
            int n = 0;
            while (n < max && pos + n < m.to && body.test(m.units[pos + n])) {
                n++;
            }
            if (n < min) {
                return false;
            }
            if (greedy) {
                for (int c = n; c >= min; c--) {
                    if (k.run(pos + c)) {
                        return true;
                    }
                }
            } else {
                for (int c = min; c <= n; c++) {
                    if (k.run(pos + c)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private boolean matchIteration(Matcher m, int pos, int count, Cont k) {
            if (!greedy && count >= min && k.run(pos)) {
                return true;
            }
            if (count < max) {
                boolean more = body.match(m, pos, p -> {
                    if (p == pos && count >= min) {
                        return false; // an empty iteration ends the loop (ECMAScript)
                    }
                    return matchIteration(m, p, count + 1, k);
                });
                if (more) {
                    return true;
                }
            }
            return greedy && count >= min && k.run(pos);
        }
    }

    private static final class Lookahead extends Node {
        final Node body;
        final boolean negative;

        Lookahead(Node body, boolean negative) {
            this.body = body;
            this.negative = negative;
        }

        @Override
        boolean match(Matcher m, int pos, Cont k) {
            boolean found = body.match(m, pos, p -> true);
            return found != negative && k.run(pos);
        }
    }

    private static final class Anchor extends Node {
        final boolean atEnd;

        Anchor(boolean atEnd) {
            this.atEnd = atEnd;
        }

        @Override
        boolean match(Matcher m, int pos, Cont k) {
            return (atEnd ? pos == m.to : pos == m.from) && k.run(pos);
        }
    }

    private static final class Parser {
        final String pattern;
        final int[] cps;
        int pos;

        Parser(String pattern) {
            this.pattern = pattern;
            this.cps = pattern.codePoints().toArray();
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("pre-tokenizer regex \"" + pattern + "\": " + what
                    + " at code point " + pos);
        }

        boolean more() {
            return pos < cps.length;
        }

        int peek() {
            return cps[pos];
        }

        Node alternation() {
            List<Node> choices = new ArrayList<>();
            choices.add(sequence());
            while (more() && peek() == '|') {
                pos++;
                choices.add(sequence());
            }
            return choices.size() == 1 ? choices.get(0) : new Alternation(choices.toArray(new Node[0]));
        }

        Node sequence() {
            List<Node> items = new ArrayList<>();
            while (more() && peek() != '|' && peek() != ')') {
                Node atom = atom();
                items.add(quantified(atom));
            }
            if (items.size() == 2 && items.get(0) instanceof Lookahead look && look.body.single()
                    && items.get(1).single()) {
                return new GuardedChar(look.body, look.negative, items.get(1));
            }
            return items.size() == 1 ? items.get(0) : new Sequence(items.toArray(new Node[0]));
        }

        Node quantified(Node atom) {
            if (!more()) {
                return atom;
            }
            int min;
            int max;
            int c = peek();
            if (c == '?') {
                min = 0;
                max = 1;
                pos++;
            } else if (c == '*') {
                min = 0;
                max = Integer.MAX_VALUE;
                pos++;
            } else if (c == '+') {
                min = 1;
                max = Integer.MAX_VALUE;
                pos++;
            } else if (c == '{') {
                pos++;
                min = number();
                max = min;
                if (more() && peek() == ',') {
                    pos++;
                    max = more() && peek() != '}' ? number() : Integer.MAX_VALUE;
                }
                expect('}');
                if (max < min) {
                    throw error("quantifier {" + min + "," + max + "} out of order");
                }
            } else {
                return atom;
            }
            boolean greedy = true;
            if (more() && peek() == '?') {
                greedy = false;
                pos++;
            }
            if (atom instanceof Lookahead || atom instanceof Anchor) {
                throw error("quantifier after an assertion");
            }
            return new Repeat(atom, min, max, greedy);
        }

        int number() {
            int start = pos;
            long v = 0;
            while (more() && peek() >= '0' && peek() <= '9') {
                v = v * 10 + (peek() - '0');
                if (v > 100_000) {
                    throw error("repeat count too large");
                }
                pos++;
            }
            if (pos == start) {
                throw error("expected a number");
            }
            return (int) v;
        }

        void expect(int c) {
            if (!more() || peek() != c) {
                throw error("expected '" + Utf8.string(c) + "'");
            }
            pos++;
        }

        Node atom() {
            int c = cps[pos++];
            switch (c) {
                case '(' -> {
                    boolean look = false;
                    boolean negative = false;
                    if (more() && peek() == '?') {
                        pos++;
                        int kind = more() ? cps[pos++] : -1;
                        if (kind == '=' || kind == '!') {
                            look = true;
                            negative = kind == '!';
                        } else if (kind != ':') {
                            throw error("unsupported group (?" + (kind < 0 ? "" : Utf8.string(kind)));
                        }
                    }
                    Node body = alternation();
                    expect(')');
                    return look ? new Lookahead(body, negative) : body;
                }
                case '[' -> {
                    return charClass();
                }
                case '.' -> {
                    CharSet s = new CharSet();
                    s.negated = true;
                    s.ranges.add(new int[] {'\n', '\n'});
                    s.ranges.add(new int[] {'\r', '\r'});
                    s.ranges.add(new int[] {0x2028, 0x2029});
                    return s.freeze();
                }
                case '^' -> {
                    return new Anchor(false);
                }
                case '$' -> {
                    return new Anchor(true);
                }
                case '\\' -> {
                    return escape(false);
                }
                case ')', '*', '+', '?' -> throw error("unexpected '" + Utf8.string(c) + "'");
                default -> {
                    return CharSet.of(c, c);
                }
            }
        }

        /** After a backslash: a class escape, a control escape, or the character itself. */
        CharSet escape(boolean inClass) {
            if (!more()) {
                throw error("pattern ends with a backslash");
            }
            int c = cps[pos++];
            switch (c) {
                case 's', 'S', 'd', 'D', 'w', 'W' -> {
                    CharSet s = new CharSet();
                    int lower = c | 0x20;
                    if (lower == 's') {
                        s.ranges.add(new int[] {'\t', '\r'});
                        s.ranges.add(new int[] {' ', ' '});
                    } else if (lower == 'd') {
                        s.ranges.add(new int[] {'0', '9'});
                    } else {
                        s.ranges.add(new int[] {'0', '9'});
                        s.ranges.add(new int[] {'A', 'Z'});
                        s.ranges.add(new int[] {'a', 'z'});
                        s.ranges.add(new int[] {'_', '_'});
                    }
                    s.negated = c != lower;
                    return s.freeze();
                }
                case 'r' -> c = '\r';
                case 'n' -> c = '\n';
                case 't' -> c = '\t';
                case 'f' -> c = '\f';
                case 'v' -> c = 0x0B;
                case '0' -> c = 0;
                case 'x' -> c = hex(2);
                case 'u' -> c = hex(4);
                case 'b', 'B', 'p', 'P', 'k', 'c' -> {
                    if (!(inClass && c == 'b')) {
                        throw error("unsupported escape \\" + Utf8.string(c));
                    }
                    c = '\b';
                }
                default -> {
                    if (c >= '1' && c <= '9') {
                        throw error("back-references are not supported");
                    }
                }
            }
            return CharSet.of(c, c);
        }

        int hex(int digits) {
            int v = 0;
            for (int i = 0; i < digits; i++) {
                int d = more() ? Character.digit(cps[pos++], 16) : -1;
                if (d < 0) {
                    throw error("bad hexadecimal escape");
                }
                v = v * 16 + d;
            }
            return v;
        }

        CharSet charClass() {
            CharSet set = new CharSet();
            if (more() && peek() == '^') {
                set.negated = true;
                pos++;
            }
            boolean first = true;
            while (true) {
                if (!more()) {
                    throw error("unterminated character class");
                }
                int c = cps[pos];
                if (c == ']' && !first) {
                    pos++;
                    return set.freeze();
                }
                first = false;
                pos++;
                int lo;
                if (c == '\\') {
                    CharSet e = escape(true);
                    if (e.negated || e.ranges.size() != 1 || e.ranges.get(0)[0] != e.ranges.get(0)[1]) {
                        set.nested.add(e); // \s, \d, ... cannot start a range
                        continue;
                    }
                    lo = e.ranges.get(0)[0];
                } else {
                    lo = c;
                }
                int hi = lo;
                if (pos + 1 < cps.length && peek() == '-' && cps[pos + 1] != ']') {
                    pos++;
                    int d = cps[pos++];
                    if (d == '\\') {
                        CharSet e = escape(true);
                        if (e.negated || e.ranges.size() != 1 || e.ranges.get(0)[0] != e.ranges.get(0)[1]) {
                            throw error("a class escape cannot end a range");
                        }
                        d = e.ranges.get(0)[0];
                    }
                    hi = d;
                    if (hi < lo) {
                        throw error("range out of order");
                    }
                }
                set.ranges.add(new int[] {lo, hi});
            }
        }
    }
}
