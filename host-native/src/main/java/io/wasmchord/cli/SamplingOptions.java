package io.wasmchord.cli;

import io.wasmchord.sample.SamplingParams;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sampling options shared by {@code generate} and {@code chat}, with llama.cpp's names and defaults. */
final class SamplingOptions {
    static final String HELP = """
              --temp T             temperature (default 0.8); 0 is greedy decoding
              --top-k K            keep the K most likely tokens (default 40; 0: all)
              --top-p P            keep the most likely tokens up to probability P (default 0.95; 1: off)
              --min-p P            drop tokens less than P times as likely as the best (default 0.05; 0: off)
              --typical P          locally typical sampling (default 1: off)
              --repeat-penalty R   penalise tokens of the recent window (default 1: off)
              --repeat-last-n N    the window of --repeat-penalty and the two below (default 64)
              --frequency-penalty F, --presence-penalty P   (default 0: off)
              -l, --logit-bias ID(+|-)BIAS   add BIAS to token ID's logit, e.g. 13-inf bans token 13 (repeatable)
              -s, --seed S         random seed (default: a new one each run)
            """;

    private SamplingOptions() {
    }

    static SamplingParams read(Args args) {
        SamplingParams d = SamplingParams.defaults();
        float temp = args.floatOption(d.temperature(), "--temp");
        int topK = args.intOption(d.topK(), "--top-k");
        float topP = args.floatOption(d.topP(), "--top-p");
        float minP = args.floatOption(d.minP(), "--min-p");
        float typical = args.floatOption(d.typicalP(), "--typical");
        float repeat = args.floatOption(d.repeatPenalty(), "--repeat-penalty");
        int window = args.intOption(d.penaltyWindow(), "--repeat-last-n");
        float frequency = args.floatOption(0f, "--frequency-penalty");
        float presence = args.floatOption(0f, "--presence-penalty");
        long seed = args.longOption(System.nanoTime() ^ 0x5DEECE66DL, "-s", "--seed");
        Map<Integer, Float> bias = new LinkedHashMap<>();
        for (String b : args.options("-l", "--logit-bias")) {
            parseBias(b, bias);
        }
        if (temp < 0 || topK < 0 || topP <= 0 || topP > 1 || minP < 0 || minP > 1 || typical <= 0 || typical > 1
                || repeat <= 0 || window < 0) {
            throw new Args.UsageException("a sampling option is out of range (temp >= 0, top-k >= 0, 0 < top-p <= 1, "
                    + "0 <= min-p <= 1, 0 < typical <= 1, repeat-penalty > 0, repeat-last-n >= 0)");
        }
        return new SamplingParams(temp, topK, topP, minP, typical, repeat, frequency, presence, window, bias, seed);
    }

    private static void parseBias(String spec, Map<Integer, Float> bias) {
        int sign = Math.max(spec.lastIndexOf('+'), spec.lastIndexOf('-'));
        if (sign <= 0) {
            throw new Args.UsageException("--logit-bias expects ID+BIAS or ID-BIAS, got \"" + spec + "\"");
        }
        try {
            int id = Integer.parseInt(spec.substring(0, sign));
            String value = spec.substring(sign);
            float b = value.endsWith("inf") ? (value.startsWith("-") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY)
                    : Float.parseFloat(value);
            bias.merge(id, b, Float::sum);
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--logit-bias expects ID+BIAS or ID-BIAS, got \"" + spec + "\"");
        }
    }

    static List<String> stops(Args args) {
        return args.options("--stop");
    }
}
