package io.wasmchord.tokenizer;

/**
 * A pre-tokenizer expression run the way llama.cpp runs the ones it has no hand-written code for: an
 * expression that names Unicode categories ({@code \p{L}}, {@code \p{N}}, ...) is matched against the
 * collapsed text, where every non-ASCII code point is the stand-in of its category and each {@code \p{X}}
 * is rewritten to "the stand-in or the ASCII members of X"; other expressions see the code points.
 */
final class RegexSplitRule implements SplitRule {
    private static final String[] CATEGORY_NAMES = {
        "\\p{N}", "\\p{L}", "\\p{P}", "\\p{M}", "\\p{S}", "\\p{Lu}", "\\p{Ll}", "\\p{Lt}", "\\p{Lm}", "\\p{Lo}",
    };

    private final SplitRegex regex;
    private final boolean collapsed;

    RegexSplitRule(String expression) {
        this.collapsed = namesCategory(expression);
        this.regex = SplitRegex.compile(collapsed ? collapse(expression) : expression);
    }

    @Override
    public void split(SplitText text, IntList pieces, IntList out) {
        int[] units = collapsed ? text.collapsed() : text.wide();
        int start = 0;
        for (int i = 0; i < pieces.size(); i++) {
            int length = pieces.get(i);
            regex.split(units, start, start + length, out);
            start += length;
        }
    }

    static boolean namesCategory(String expression) {
        for (String name : CATEGORY_NAMES) {
            if (expression.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** llama.cpp's rewrite of an expression for the collapsed text. */
    static String collapse(String expression) {
        for (int i = 0; i < expression.length(); i++) {
            if (expression.charAt(i) >= 128) {
                throw new IllegalArgumentException("pre-tokenizer regex \"" + expression
                        + "\" mixes Unicode categories and non-ASCII characters, which llama.cpp does not support");
            }
        }
        StringBuilder out = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            boolean escaped = i > 0 && expression.charAt(i - 1) == '\\';
            if (c == '[' && !escaped) {
                out.append('[');
                inside = true;
                continue;
            }
            if (inside && c == ']' && !escaped) {
                out.append(']');
                inside = false;
                continue;
            }
            if (c == '\\' && i + 3 < expression.length() && expression.charAt(i + 1) == 'p'
                    && expression.charAt(i + 2) == '{') {
                int close = expression.indexOf('}', i + 3);
                if (close >= 0 && close <= i + 10) {
                    String members = categoryMembers(expression.substring(i, close + 1));
                    if (members != null) {
                        out.append(inside ? members : "[" + members + "]");
                        i = close;
                        continue;
                    }
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Class contents for {@code \p{X}}: its stand-in, then its ASCII members as llama.cpp lists them. */
    private static String categoryMembers(String name) {
        return switch (name) {
            case "\\p{N}" -> (char) SplitText.COLLAPSED_NUMBER + "0-9";
            case "\\p{L}", "\\p{Lu}", "\\p{Ll}", "\\p{Lt}", "\\p{Lm}", "\\p{Lo}" ->
                    (char) SplitText.COLLAPSED_LETTER + "A-Za-z";
            case "\\p{P}" -> (char) SplitText.COLLAPSED_PUNCTUATION + "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}";
            case "\\p{M}" -> String.valueOf((char) SplitText.COLLAPSED_ACCENT_MARK);
            case "\\p{S}" -> (char) SplitText.COLLAPSED_SYMBOL + "\\$\\+<->^`\\|";
            default -> null;
        };
    }
}
