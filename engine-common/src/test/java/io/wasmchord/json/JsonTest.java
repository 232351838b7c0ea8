package io.wasmchord.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse("{\"a\": [1, -2.5e3, true, false, null], \"s\": \"x\\u00e9\\n\\\"\\ud83d\\ude00\", \"big\": 12345678901234567890, \"o\": {}}");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2500.0, true, false), ((List<?>) m.get("a")).subList(0, 4));
        assertEquals(null, ((List<?>) m.get("a")).get(4));
        assertEquals("x\u00e9\n\"\ud83d\ude00", m.get("s"));
        assertEquals(1.2345678901234567e19, m.get("big"));
        assertEquals(Map.of(), m.get("o"));
    }

    @Test
    void writesWhatItReads() {
        String text = "{\"k\":[1,2.5,\"a\\\"b\\\\c\\u0001\",null,{\"x\":false}],\"\u2581\":\"\u2581\"}";
        assertEquals(text, Json.write(Json.parse(text)));
        assertEquals(Json.parse(text), Json.parse(Json.writePretty(Json.parse(text))));
    }

    @Test
    void errorsSayWhere() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\n  \"a\": [1, 2,]\n}", "cfg.json"));
        assertTrue(e.getMessage().startsWith("cfg.json: line 2, column 14"), e.getMessage());
        assertThrows(JsonException.class, () -> Json.parse("[1] x"));
        assertThrows(JsonException.class, () -> Json.parse("\"abc"));
        assertThrows(JsonException.class, () -> Json.parse("01"));
        assertThrows(JsonException.class, () -> Json.parse("[".repeat(10000)));
    }

    @Test
    void typedAccessNamesTheMember() {
        JsonObject o = JsonObject.parse("{\"n\": \"seven\"}", "config.json");
        JsonException e = assertThrows(JsonException.class, () -> o.requireInt("n"));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("\"n\""), e.getMessage());
        assertThrows(JsonException.class, () -> o.requireInt("missing"));
    }
}
