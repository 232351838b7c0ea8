package io.wasmchord.tokenizer;

/**
 * Encoding speed on a long prompt, per vocabulary (a benchmark, not a test):
 * <pre>
 *   java -cp engine-common/target/classes:engine-common/target/test-classes \
 *       -Dshared.models=../shared/models io.wasmchord.tokenizer.TokenizerBenchmark [repeats]
 * </pre>
 */
public final class TokenizerBenchmark {
    private TokenizerBenchmark() {
    }

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String text = SharedModels.read(SharedModels.root().resolve("ppl_text.txt")).repeat(repeats);
        for (String name : new String[] {"llama-spm", "phi-3", "gpt-2", "deepseek-llm", "deepseek-coder", "falcon",
                "starcoder", "bert-bge"}) {
            Tokenizer tok = SharedModels.vocab(name);
            int tokens = 0;
            for (int warm = 0; warm < 20; warm++) {
                tokens = tok.encode(text, true, false).length;
            }
            int runs = 20;
            long start = System.nanoTime();
            for (int r = 0; r < runs; r++) {
                tok.encode(text, true, false);
            }
            double ms = (System.nanoTime() - start) / 1e6 / runs;
            System.out.printf("%-15s %7d chars -> %6d tokens in %7.1f ms  (%,.0f tokens/s)%n", name, text.length(),
                    tokens, ms, tokens / (ms / 1000));
        }
    }
}
