package io.wasmchord.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GgmlTypeTest {

    @Test
    void unsupportedTypesFailWithTheTypeAndTensorName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GgmlType.IQ2_XXS.requireSupported("blk.0.ffn_up.weight"));
        assertEquals("unsupported tensor type IQ2_XXS in tensor blk.0.ffn_up.weight", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GgmlType.requireSupported(GgmlType.TQ1_0, "output.weight"));
        assertEquals("unsupported tensor type TQ1_0 in tensor output.weight", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GgmlType.requireSupported(null, "token_embd.weight"));
        assertEquals("unsupported tensor type (unknown) in tensor token_embd.weight", e.getMessage());
    }

    @Test
    void supportedTypesHaveAFormatAndTheirVecDotType() {
        for (GgmlType type : GgmlType.values()) {
            if (type.isSupported()) {
                assertSame(type, type.requireSupported("t"));
                assertEquals(type, GgmlType.requireSupported(type, "t"));
                assertEquals(type.vecDotType(), type.vecDotType().vecDotType(), "activation types dot with themselves");
            } else {
                assertNull(type.format());
                assertNull(type.vecDotType());
            }
        }
    }

    @Test
    void vecDotTypesAreLlamaCppCpuBackends() {
        assertEquals(GgmlType.F32, GgmlType.F32.vecDotType());
        assertEquals(GgmlType.F16, GgmlType.F16.vecDotType());
        assertEquals(GgmlType.BF16, GgmlType.BF16.vecDotType());
        assertEquals(GgmlType.Q8_0, GgmlType.Q8_0.vecDotType());
        for (GgmlType t : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.IQ4_NL}) {
            assertEquals(GgmlType.Q8_0, t.vecDotType(), t.toString());
        }
        assertEquals(GgmlType.Q8_1, GgmlType.Q4_1.vecDotType());
        assertEquals(GgmlType.Q8_1, GgmlType.Q5_1.vecDotType());
        assertEquals(GgmlType.Q8_1, GgmlType.Q8_1.vecDotType());
        for (GgmlType t : new GgmlType[] {GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K,
                GgmlType.Q8_K, GgmlType.IQ4_XS}) {
            assertEquals(GgmlType.Q8_K, t.vecDotType(), t.toString());
        }
    }

    @Test
    void theEngineReadsExactlyTheSeventeenFormatsOfTheIssue() {
        Set<GgmlType> supported = EnumSet.noneOf(GgmlType.class);
        for (GgmlType type : GgmlType.values()) {
            if (type.isSupported()) {
                supported.add(type);
            }
        }
        assertEquals(EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0,
                GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q8_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K,
                GgmlType.Q6_K, GgmlType.Q8_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS), supported);
    }

    @Test
    void typesTheEngineCannotReadAreUnsupported() {
        Set<GgmlType> never = EnumSet.of(GgmlType.IQ2_XXS, GgmlType.IQ2_XS, GgmlType.IQ2_S, GgmlType.IQ3_XXS,
                GgmlType.IQ3_S, GgmlType.IQ1_S, GgmlType.IQ1_M, GgmlType.TQ1_0, GgmlType.TQ2_0, GgmlType.MXFP4,
                GgmlType.NVFP4, GgmlType.Q1_0, GgmlType.Q2_0, GgmlType.I8, GgmlType.I16, GgmlType.I32, GgmlType.I64,
                GgmlType.F64);
        for (GgmlType type : never) {
            assertEquals(false, type.isSupported(), type.toString());
        }
    }
}
